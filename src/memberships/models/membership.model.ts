import { Field, ID, ObjectType } from '@nestjs/graphql';
import { MembershipRole, MembershipStatus } from '../../common/domain.enums';
import { ConnectionType } from '../../graphql/pagination';
import '../../graphql/enums';

/**
 * A grant: a user's role in a space. Whoever sees a membership (a member list, or a grant they
 * manage, sponsor or hold) sees these fields. `user`, `space` and `sponsor` are resolved in
 * spaces/membership.resolver.ts, each through the caller's read rule, so this folder stays
 * below spaces/ and users/.
 */
@ObjectType('Membership')
export class MembershipModel {
  @Field(() => ID)
  id: string;

  @Field(() => MembershipRole)
  role: MembershipRole;

  @Field(() => Date, { nullable: true, description: 'Required for external members; null: no expiry.' })
  expiresAt: Date | null;

  @Field(() => MembershipStatus, {
    description: 'ACTIVE, SUSPENDED (for now), or ended: REVOKED, EXPIRED (nobody renewed it), LEFT.',
  })
  status: MembershipStatus;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When it stopped being ACTIVE (suspended, revoked, expired, left).',
  })
  endedAt: Date | null;
}

export const MembershipConnection = ConnectionType(MembershipModel, 'Membership');
