import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { MembershipRole, MembershipStatus } from '../../common/domain.enums';
import { PageArgs } from '../../graphql/pagination';
import { ReachSubjectType } from '../models/reach.model';
import '../../graphql/enums';

@ArgsType()
export class WhoCanAccessArgs extends PageArgs {
  @Field(() => ReachSubjectType)
  subjectType: ReachSubjectType;

  @Field(() => ID)
  subjectId: string;
}

@ArgsType()
export class ReachOfArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'One person; or give organizationId.' })
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Every person of an organisation; or give userId.' })
  organizationId?: string | null;
}

@InputType({ description: 'A membership as it would be: created when the user holds none in the space.' })
export class MembershipChangeInput {
  @Field(() => ID)
  spaceId: string;

  @Field(() => MembershipRole, { nullable: true, description: 'Default: unchanged, MEMBER for a new grant.' })
  role?: MembershipRole | null;

  @Field(() => MembershipStatus, { nullable: true, description: 'Default: unchanged, ACTIVE for a new grant.' })
  status?: MembershipStatus | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Default: unchanged; for a new grant never (host) or in 90 days (external).',
  })
  expiresAt?: Date | null;
}

@InputType({ description: 'Exactly one proposed change.' })
export class AccessChangeInput {
  @Field(() => MembershipChangeInput, { nullable: true })
  membership?: MembershipChangeInput | null;

  @Field(() => Int, { nullable: true, description: "The user's clearance, 0 to 4." })
  clearance?: number | null;

  @Field(() => Int, { nullable: true, description: "The user's organisation's clearance cap, 0 to 4." })
  organizationCap?: number | null;
}

export const MAX_PREVIEW_ITEMS = 100;

@ArgsType()
export class PreviewAccessChangeArgs {
  @Field(() => ID)
  userId: string;

  @Field(() => AccessChangeInput)
  change: AccessChangeInput;

  @Field(() => Int, {
    nullable: true,
    description: `How many items of each list to show, 1 to ${MAX_PREVIEW_ITEMS} (default 50); totals are always whole.`,
  })
  limit?: number | null;
}
