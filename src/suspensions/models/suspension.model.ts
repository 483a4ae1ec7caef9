import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { InvitationStatus, MembershipRole, MembershipStatus, SuspensionCause } from '../../common/domain.enums';
import { Organization } from '../../database/entities/organization.entity';
import { Space } from '../../database/entities/space.entity';
import { User } from '../../database/entities/user.entity';
import { OrganizationModel } from '../../organizations/models/organization.model';
import { SpaceModel } from '../../spaces/models/space.model';
import { UserModel } from '../../users/models/user.model';
import '../../graphql/enums';

/** Why someone is told about a kill switch. */
export enum NotifiedAs {
  /** A PARTNER_ADMIN of the organisation (by mail: they cannot sign in any more). */
  PARTNER_ADMIN = 'PARTNER_ADMIN',
  /** The sponsor of one of the grants that end. */
  SPONSOR = 'SPONSOR',
  /** The organisation's own internal sponsor. */
  ORGANIZATION_SPONSOR = 'ORGANIZATION_SPONSOR',
  /** A space OWNER who now sponsors grants of the disabled person. */
  NEW_SPONSOR = 'NEW_SPONSOR',
  /** A member whose grant comes back. */
  MEMBER = 'MEMBER',
}

registerEnumType(NotifiedAs, { name: 'NotifiedAs' });

// Every `user` and `space` below is null when the caller may not see it (DESIGN 2): a sponsor
// who throws the switch learns what ends, not the names of spaces they are not in.

@ObjectType({ description: 'A sign-in session the kill switch ends.' })
export class SessionSummary {
  @Field(() => ID)
  id: string;

  @Field(() => UserModel, { nullable: true })
  user: User | null;

  @Field()
  createdAt: Date;

  @Field()
  lastSeenAt: Date;

  @Field(() => String, { nullable: true, description: 'The IdP connection it came through, when the caller sees it.' })
  connectionName: string | null;
}

@ObjectType({ description: 'An API token the kill switch revokes.' })
export class TokenSummary {
  @Field(() => ID)
  id: string;

  @Field(() => UserModel, { nullable: true })
  user: User | null;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field()
  expiresAt: Date;
}

@ObjectType({ description: 'A grant the kill switch ends, or that a reactivation gives back.' })
export class AffectedMembership {
  @Field(() => ID)
  id: string;

  @Field(() => UserModel, { nullable: true })
  user: User | null;

  @Field(() => SpaceModel, { nullable: true })
  space: Space | null;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field(() => MembershipStatus, { description: 'Its status once the change is made.' })
  status: MembershipStatus;

  @Field(() => SuspensionCause, { nullable: true })
  suspensionCause: SuspensionCause | null;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;
}

@ObjectType({ description: 'A pending invitation the kill switch revokes.' })
export class AffectedInvitation {
  @Field(() => ID)
  id: string;

  @Field(() => SpaceModel, { nullable: true })
  space: Space | null;

  @Field(() => String, {
    nullable: true,
    description: 'Null for a whole-organisation invitation, or when the caller may not read the invitation.',
  })
  email: string | null;

  @Field()
  wholeOrganization: boolean;

  @Field(() => InvitationStatus, { description: 'Its status before the switch (PENDING or PENDING_APPROVAL).' })
  status: InvitationStatus;

  @Field()
  expiresAt: Date;
}

@ObjectType({ description: 'A grant of a disabled person whose sponsorship moves to an OWNER of its space.' })
export class TransferredSponsorship {
  @Field(() => ID)
  membershipId: string;

  @Field(() => SpaceModel, { nullable: true })
  space: Space | null;

  @Field(() => UserModel, { nullable: true })
  member: User | null;

  @Field(() => UserModel, {
    nullable: true,
    description: 'Null when the space has no other active OWNER: the grant stays unsponsored.',
  })
  newSponsor: User | null;
}

@ObjectType({ description: 'Someone told about the change.' })
export class NotifiedPerson {
  @Field(() => UserModel, { nullable: true })
  user: User | null;

  @Field(() => NotifiedAs)
  as: NotifiedAs;

  @Field()
  byMail: boolean;

  @Field()
  inApp: boolean;
}

/** What a kill switch ends: the dry run lists it, the switch returns it. */
@ObjectType({ isAbstract: true })
export abstract class KillSwitchOutcome {
  @Field({ description: '`Organization` or `User`.' })
  subjectType: string;

  @Field(() => ID)
  subjectId: string;

  @Field(() => OrganizationModel, { nullable: true })
  organization: Organization | null;

  @Field(() => UserModel, { nullable: true })
  user: User | null;

  @Field(() => [SessionSummary])
  sessions: SessionSummary[];

  @Field(() => [TokenSummary])
  tokens: TokenSummary[];

  @Field(() => [AffectedMembership])
  memberships: AffectedMembership[];

  @Field(() => [AffectedInvitation])
  invitations: AffectedInvitation[];

  @Field(() => [TransferredSponsorship], { description: 'Disabling a person: the grants they sponsor move.' })
  sponsorshipsTransferred: TransferredSponsorship[];

  @Field(() => [NotifiedPerson])
  notified: NotifiedPerson[];
}

@ObjectType({
  description: 'The dry run of a kill switch: everything it would end and who would be told. Nothing is changed.',
})
export class SuspensionPreview extends KillSwitchOutcome {}

@ObjectType({ description: 'What a kill switch ended, in one transaction, and who was told.' })
export class SuspensionResult extends KillSwitchOutcome {
  @Field()
  at: Date;

  @Field()
  reason: string;

  @Field(() => Int)
  sessionsRevoked: number;

  @Field(() => Int)
  tokensRevoked: number;

  @Field(() => Int)
  membershipsSuspended: number;

  @Field(() => Int)
  invitationsRevoked: number;
}

@ObjectType({ description: 'What a reactivation gave back. Sessions, tokens and invitations stay ended.' })
export class ReactivationResult {
  @Field({ description: '`Organization` or `User`.' })
  subjectType: string;

  @Field(() => ID)
  subjectId: string;

  @Field(() => OrganizationModel, { nullable: true })
  organization: Organization | null;

  @Field(() => UserModel, { nullable: true })
  user: User | null;

  @Field()
  at: Date;

  @Field(() => Int)
  membershipsRestored: number;

  @Field(() => Int, { description: 'Grants that expired while suspended: now EXPIRED, not given back.' })
  membershipsExpired: number;

  @Field(() => Int, {
    description: 'Grants that stay suspended for another cause (clearance, the person or organisation still off).',
  })
  membershipsStillSuspended: number;

  @Field(() => [AffectedMembership])
  restored: AffectedMembership[];

  @Field(() => [AffectedMembership])
  expired: AffectedMembership[];

  @Field(() => [AffectedMembership])
  stillSuspended: AffectedMembership[];

  @Field(() => [NotifiedPerson])
  notified: NotifiedPerson[];
}
