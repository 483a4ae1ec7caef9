import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { HealthPeriod } from '../models/health.model';

const COUNT = 'How many periods, the current one last: 1 to 24 (default 8 weeks or 6 months).';

@ArgsType()
export class SpaceHealthArgs {
  @Field(() => ID)
  spaceId: string;

  @Field(() => HealthPeriod)
  period: HealthPeriod;

  @Field(() => Int, { nullable: true, description: COUNT })
  count?: number | null;
}

@ArgsType()
export class HealthOverviewArgs {
  @Field(() => HealthPeriod)
  period: HealthPeriod;

  @Field(() => Int, { nullable: true, description: COUNT })
  count?: number | null;
}
