import { Extensions, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MembershipRole, MembershipStatus } from '../../common/domain.enums';
import { Connection, ConnectionType, COUNT_COST } from '../../graphql/pagination';
import '../../graphql/enums';

/** Why a grant deserves a reviewer's look; see review-flags.ts for the exact definitions. */
export enum AccessReviewFlag {
  STALE = 'STALE',
  EXPIRING = 'EXPIRING',
  ORPHANED = 'ORPHANED',
  OVER_CLEARED = 'OVER_CLEARED',
}
registerEnumType(AccessReviewFlag, {
  name: 'AccessReviewFlag',
  valuesMap: {
    STALE: {
      description: 'No post, comment or reaction in the space for ACCESS_REVIEW_STALE_DAYS (nor since the grant).',
    },
    EXPIRING: { description: 'Expires within RENEWAL_NOTICE_DAYS.' },
    ORPHANED: { description: 'No sponsor, or a sponsor who no longer counts or is no longer a host user.' },
    OVER_CLEARED: {
      description:
        'Effective clearance above the highest classification or post label of every space the person holds a grant in.',
    },
  },
});

/** A person named in a review: the name only when the caller's read rule shows them. */
@ObjectType('ReviewedPerson')
export class ReviewedPersonModel {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'Null when the caller does not see this person.' })
  displayName: string | null;
}

/** A space named in a review: by id and classification; the name only when the caller sees the space. */
@ObjectType('ReviewedSpace')
export class ReviewedSpaceModel {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'The space’s classification (its label, 0–4).' })
  classification: number;

  @Field(() => String, { nullable: true, description: 'Null when the caller does not see the space.' })
  name: string | null;
}

@ObjectType('AccessReviewGrant', { description: 'One external grant (ACTIVE or SUSPENDED) under review.' })
export class AccessReviewGrantModel {
  @Field(() => ID)
  membershipId: string;

  @Field(() => ReviewedPersonModel)
  member: ReviewedPersonModel;

  @Field(() => ID)
  organizationId: string;

  @Field(() => ReviewedSpaceModel)
  space: ReviewedSpaceModel;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field(() => MembershipStatus)
  status: MembershipStatus;

  @Field(() => Date, { description: 'When the grant was made.' })
  grantedAt: Date;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => ReviewedPersonModel, { nullable: true, description: 'Null: the grant has no sponsor.' })
  sponsor: ReviewedPersonModel | null;

  @Field(() => ReviewedPersonModel, { nullable: true })
  grantedBy: ReviewedPersonModel | null;

  @Field(() => Date, { nullable: true, description: 'The member’s last sign-in, anywhere.' })
  lastSignInAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'The member’s latest post, comment or reaction in this space.' })
  lastActivityAt: Date | null;

  @Field(() => Int, { description: "The member's effective clearance: min(clearance, organisation cap)." })
  effectiveClearance: number;

  @Field(() => Int, {
    description: 'The highest classification or post label of the spaces the member holds grants in.',
  })
  neededClearance: number;

  @Field(() => [AccessReviewFlag])
  flags: AccessReviewFlag[];
}

export const AccessReviewGrantConnection = ConnectionType(AccessReviewGrantModel, 'AccessReviewGrant');

@ObjectType('AccessReviewSummary', { description: 'Counts over the whole scope, whatever the flags filter.' })
export class AccessReviewSummaryModel {
  @Field(() => Int)
  total: number;

  @Field(() => Int)
  stale: number;

  @Field(() => Int)
  expiring: number;

  @Field(() => Int)
  orphaned: number;

  @Field(() => Int)
  overCleared: number;
}

@ObjectType('AccessReview')
export class AccessReviewModel {
  @Field(() => ID, { nullable: true })
  organizationId: string | null;

  @Field(() => ID, { nullable: true })
  spaceId: string | null;

  @Field(() => Int, { description: 'ACCESS_REVIEW_STALE_DAYS.' })
  staleDays: number;

  @Field(() => Int, { description: 'RENEWAL_NOTICE_DAYS.' })
  expiringDays: number;

  @Field(() => AccessReviewSummaryModel, { description: 'One count query over the scope, run when asked for.' })
  @Extensions({ cost: COUNT_COST })
  summary: Promise<AccessReviewSummaryModel> | AccessReviewSummaryModel;

  @Field(() => AccessReviewGrantConnection)
  grants: Connection<AccessReviewGrantModel>;
}
