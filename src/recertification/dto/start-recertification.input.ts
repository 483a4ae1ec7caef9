import { Field, ID, InputType } from '@nestjs/graphql';

@InputType({ description: 'What a campaign covers: one organisation or one space (exactly one).' })
export class RecertificationScopeInput {
  @Field(() => ID, { nullable: true })
  organizationId?: string | null;

  @Field(() => ID, { nullable: true })
  spaceId?: string | null;
}
