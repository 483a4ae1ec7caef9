import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import '../../graphql/enums';
import {
  MembershipRole,
  MembershipStatus,
  OrganizationStatus,
  PartnerVisibility,
  UserRole,
  UserStatus,
} from '../../common/domain.enums';
import { PolicyConditionModel, PolicyRuleModel, PolicyTextModel } from './access-policy.model';

/** The explained user's standing: whether they count, and their effective clearance. */
@ObjectType('ExplainedUser')
export class ExplainedUserModel {
  @Field(() => ID)
  id: string;

  @Field(() => UserStatus)
  status: UserStatus;

  @Field(() => ID)
  organizationId: string;

  @Field(() => OrganizationStatus)
  organizationStatus: OrganizationStatus;

  @Field({ description: 'ACTIVE in an ACTIVE organisation: otherwise they read nothing at all.' })
  counts: boolean;

  @Field({ description: 'A user of the host organisation.' })
  isHost: boolean;

  @Field(() => Int)
  clearance: number;

  @Field(() => Int)
  organizationCap: number;

  @Field(() => Int, { description: 'min(clearance, organisation cap).' })
  effectiveClearance: number;

  @Field(() => [UserRole], { description: 'The roles that count (host roles only for host users).' })
  roles: UserRole[];

  @Field({ description: 'HOST_ADMIN or SECURITY_REVIEWER: sees every space, person and organisation, not content.' })
  overseer: boolean;
}

/** The explained user's grant in the subject's space, as it stands now. */
@ObjectType('ExplainedGrant')
export class ExplainedGrantModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  spaceId: string;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field(() => MembershipStatus)
  status: MembershipStatus;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field({ description: 'now ≥ expiresAt.' })
  expired: boolean;

  @Field({ description: "The user's effective clearance reaches the space's classification." })
  clearedForSpace: boolean;

  @Field({ description: 'ACTIVE, not expired and cleared: the membership the rules count.' })
  active: boolean;
}

/**
 * The subject, named by id and label only: a post's title only when its label is within the
 * reviewer's own effective clearance, never a body.
 */
@ObjectType('ExplainedSubject')
export class ExplainedSubjectModel {
  @Field()
  type: string;

  @Field(() => ID)
  id: string;

  @Field({ description: 'False when no such object exists.' })
  found: boolean;

  @Field(() => ID, { nullable: true })
  spaceId: string | null;

  @Field(() => Int, { nullable: true, description: "A post's or comment's label; a space's classification." })
  label: number | null;

  @Field(() => Int, { nullable: true, description: "The classification of the subject's space." })
  spaceClassification: number | null;

  @Field(() => PartnerVisibility, { nullable: true })
  spaceVisibility: PartnerVisibility | null;

  @Field(() => Boolean, { nullable: true })
  hidden: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Whose side the author (of a post or comment) or member (of a membership) is on, seen from the explained user: HOST, OWN_ORGANIZATION or OTHER_ORGANIZATION; the HUB rule lets an external read only the first two.',
  })
  authorSide: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'A HUB space and an external explained user: the HUB rule applies.',
  })
  hubRuleApplies: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A post's title, only when its label is within the reviewer's own effective clearance; a space's, a person's or an organisation's name.",
  })
  name: string | null;
}

/** An object that made a relational rule hold, e.g. a post of that person the user reads. */
@ObjectType('ExplainedWitness')
export class ExplainedWitnessModel {
  @Field()
  type: string;

  @Field(() => ID)
  id: string;

  @Field(() => Int, { nullable: true })
  label: number | null;

  @Field(() => ID, { nullable: true })
  spaceId: string | null;
}

@ObjectType('ExplanationReason')
export class ExplanationReasonModel {
  @Field({
    description:
      'E.g. USER_DOES_NOT_COUNT, NO_MEMBERSHIP, MEMBERSHIP_EXPIRED, LABEL_ABOVE_CLEARANCE, HIDDEN, HUB_OTHER_ORGANIZATION.',
  })
  code: string;

  @Field(() => PolicyTextModel)
  text: PolicyTextModel;
}

/** One rule of the user's shape for that action and subject, and whether its conditions held. */
@ObjectType('ExplainedRuleCheck')
export class ExplainedRuleCheckModel {
  @Field(() => PolicyRuleModel)
  rule: PolicyRuleModel;

  @Field()
  matched: boolean;

  @Field(() => [PolicyConditionModel], { description: 'The conditions that did not hold.' })
  failedConditions: PolicyConditionModel[];
}

@ObjectType('AccessExplanation')
export class AccessExplanationModel {
  @Field({
    description:
      'The decision the gateway makes now. For an action other than read, the user must also read the subject (otherwise the gateway answers NOT_FOUND).',
  })
  allowed: boolean;

  @Field({ description: 'Whether the user reads the subject at all.' })
  readable: boolean;

  @Field()
  action: string;

  @Field(() => PolicyRuleModel, {
    nullable: true,
    description: 'The rule of the policy document that decided (inverted when it refused); null when no rule matched.',
  })
  decidingRule: PolicyRuleModel | null;

  @Field(() => [ExplainedRuleCheckModel], {
    description: "The rules of the user's shape for this action and subject, in precedence order.",
  })
  ruleChecks: ExplainedRuleCheckModel[];

  @Field(() => [ExplanationReasonModel], { description: 'Why it is refused, from the facts; empty when allowed.' })
  reasons: ExplanationReasonModel[];

  @Field(() => ExplainedUserModel)
  user: ExplainedUserModel;

  @Field(() => ExplainedGrantModel, { nullable: true, description: "The user's grant in the subject's space, if any." })
  grant: ExplainedGrantModel | null;

  @Field(() => ExplainedSubjectModel)
  subject: ExplainedSubjectModel;

  @Field(() => [ExplainedWitnessModel])
  witnesses: ExplainedWitnessModel[];

  @Field()
  policyVersion: string;

  @Field(() => Date)
  evaluatedAt: Date;
}
