import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MembershipRole, UserRole } from '../../common/domain.enums';
import { ConnectionType } from '../../graphql/pagination';
import '../../graphql/enums';

// Reviewers read no content (issue 10, item 7): every post below is named by id and label,
// with its title only when the label is within the reviewer's own effective clearance, and
// never its body.

export enum ReachSubjectType {
  SPACE = 'SPACE',
  POST = 'POST',
}
registerEnumType(ReachSubjectType, { name: 'ReachSubjectType' });

export enum AccessPath {
  /** An active membership in the space. */
  MEMBERSHIP = 'MEMBERSHIP',
  /** HOST_ADMIN or SECURITY_REVIEWER: every space, without a membership (never its posts). */
  OVERSEER = 'OVERSEER',
}
registerEnumType(AccessPath, { name: 'AccessPath', description: 'What lets a person read a space or a post.' });

@ObjectType({ description: 'A person as the security review names them: no email, no profile.' })
export class PersonRef {
  @Field(() => ID)
  id: string;

  @Field()
  displayName: string;

  @Field(() => ID)
  organizationId: string;

  @Field()
  organizationName: string;
}

@ObjectType({ description: 'A space as the security review names it.' })
export class SpaceRef {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => Int)
  classification: number;
}

@ObjectType({ description: 'A post as the security review names it: by id and label, never its body.' })
export class PostRef {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  label: number;

  @Field(() => String, {
    nullable: true,
    description: "Only when the label is at most the reviewer's own effective clearance; null otherwise.",
  })
  title: string | null;

  @Field(() => ID)
  spaceId: string;

  @Field()
  hidden: boolean;

  @Field()
  createdAt: Date;
}

@ObjectType({ description: 'The membership that lets someone read a space or a post.' })
export class GrantMembership {
  @Field(() => ID)
  id: string;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field({ description: 'When the grant was made.' })
  since: Date;

  @Field(() => Date, { nullable: true, description: 'When it lapses; null: never (host members).' })
  expiresAt: Date | null;

  @Field(() => PersonRef, { nullable: true })
  grantedBy: PersonRef | null;

  @Field(() => PersonRef, { nullable: true, description: 'The internal sponsor of an external grant.' })
  sponsor: PersonRef | null;
}

@ObjectType({ description: 'One person who can read the subject, and what lets them.' })
export class AccessGrant {
  @Field(() => PersonRef)
  user: PersonRef;

  @Field(() => Int, { description: "min(user's clearance, organisation's cap)." })
  effectiveClearance: number;

  @Field(() => AccessPath, { description: 'MEMBERSHIP when they hold one, else OVERSEER.' })
  via: AccessPath;

  @Field(() => GrantMembership, { nullable: true })
  membership: GrantMembership | null;

  @Field(() => [UserRole], { description: 'HOST_ADMIN / SECURITY_REVIEWER held (host users only).' })
  overseerRoles: UserRole[];
}

export const AccessGrantConnection = ConnectionType(AccessGrant, 'AccessGrant');

@ObjectType({ description: 'A space a user (or an organisation) reaches, with what they read there.' })
export class SpaceReach {
  @Field(() => SpaceRef)
  space: SpaceRef;

  @Field(() => Int, { description: 'How many of the people asked about read this space.' })
  readers: number;

  @Field(() => [Int], { description: 'Posts readable there per label: index 0 to 4 is the label.' })
  postsPerLabel: number[];

  @Field(() => Int)
  postCount: number;
}

export const SpaceReachConnection = ConnectionType(SpaceReach, 'SpaceReach');

@ObjectType({ description: 'A person as someone else sees them.' })
export class PersonView extends PersonRef {
  @Field(() => String, {
    nullable: true,
    description: 'Only where the rules let both the viewed user and the reviewer read it.',
  })
  email: string | null;
}

export const ViewAsSpaceConnection = ConnectionType(SpaceRef, 'ViewAsSpace');
export const ViewAsPersonConnection = ConnectionType(PersonView, 'ViewAsPerson');
export const ViewAsPostConnection = ConnectionType(PostRef, 'ViewAsPost');

@ObjectType({ description: "What a user would see, by the engine's own rules, in the reviewer's words." })
export class ViewAsModel {
  @Field(() => PersonRef)
  user: PersonRef;

  @Field({ description: 'False when the user or their organisation is not ACTIVE: they see nothing.' })
  counts: boolean;

  @Field(() => Int, { nullable: true })
  effectiveClearance: number | null;
}

@ObjectType({ description: 'What a user would have in reach, as counts.' })
export class ReachCounts {
  @Field(() => Int)
  spaces: number;

  @Field(() => Int)
  posts: number;

  @Field(() => Int)
  people: number;
}

@ObjectType({ description: 'What a change gives or takes away: totals, and the first items of each list.' })
export class ReachDelta {
  @Field(() => Int)
  spaceCount: number;

  @Field(() => [SpaceRef])
  spaces: SpaceRef[];

  @Field(() => Int)
  postCount: number;

  @Field(() => [PostRef])
  posts: PostRef[];

  @Field(() => Int)
  peopleCount: number;

  @Field(() => [PersonRef])
  people: PersonRef[];
}

@ObjectType({ description: 'A dry run of an access change: nothing is written but its audit event.' })
export class AccessChangePreview {
  @Field(() => PersonRef)
  user: PersonRef;

  @Field(() => ReachCounts)
  before: ReachCounts;

  @Field(() => ReachCounts)
  after: ReachCounts;

  @Field(() => ReachDelta)
  gained: ReachDelta;

  @Field(() => ReachDelta)
  lost: ReachDelta;
}
