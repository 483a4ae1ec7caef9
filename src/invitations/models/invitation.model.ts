import { Field, ID, ObjectType } from '@nestjs/graphql';
import { InvitationStatus, MembershipRole } from '../../common/domain.enums';
import { ConnectionType } from '../../graphql/pagination';
import '../../graphql/enums';

@ObjectType('Invitation', {
  description:
    'An invitation to a space, by email or for a whole partner organisation. An organisation invitation stays PENDING for every current and future user of that organisation until it expires or is revoked; revoking it stops future acceptances, and the memberships already created from it stay.',
})
export class InvitationModel {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'The invited address (null for an organisation invitation).' })
  email: string | null;

  @Field()
  wholeOrganization: boolean;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field(() => InvitationStatus, {
    description: 'PENDING and PENDING_APPROVAL read as EXPIRED from the instant expiresAt passes.',
  })
  status: InvitationStatus;

  @Field({ description: 'When the invitation lapses unanswered.' })
  expiresAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When the membership granted on acceptance ends (externals: always set, 365 days at most).',
  })
  membershipExpiresAt: Date | null;

  @Field(() => String, { nullable: true, description: "The inviter's words to the invitee." })
  message: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was rejected or revoked; shown to host users only (never to the invitee).',
  })
  decisionReason: string | null;

  @Field()
  createdAt: Date;
}

export const InvitationConnection = ConnectionType(InvitationModel, 'Invitation');
