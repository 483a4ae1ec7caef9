import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from './user.entity';
import { Space } from './space.entity';
import { MembershipRole, MembershipStatus, SuspensionCause } from '../../common/domain.enums';
import { Invitation } from './invitation.entity';

@Entity({ name: 'memberships' })
@Index('memberships_user_space_key', ['userId', 'spaceId'], { unique: true })
@Index('memberships_space_idx', ['spaceId', 'status'])
@Check('memberships_role_check', `"role" IN ('OWNER', 'ANIMATOR', 'MEMBER', 'OBSERVER')`)
@Check('memberships_status_check', `"status" IN ('ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED', 'LEFT')`)
@Check(
  'memberships_suspension_cause_check',
  `"suspension_cause" IN ('CLEARANCE', 'ORGANIZATION_SUSPENDED', 'USER_DISABLED')`,
)
@Index('memberships_sponsor_idx', ['sponsorId'])
@Index('memberships_expires_idx', ['expiresAt'])
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  /** The member's organisation, kept with the row (a composite foreign key holds it true). */
  @Column('uuid', { name: 'user_organization_id' })
  userOrganizationId: string;

  @Column('uuid', { name: 'space_id' })
  spaceId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'memberships_user_fk' },
    { name: 'user_organization_id', referencedColumnName: 'organizationId' },
  ])
  user?: User;

  @ManyToOne(() => Space, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'space_id', foreignKeyConstraintName: 'memberships_space_fk' })
  space?: Space;

  @Column('text')
  role: MembershipRole;

  @Column('text')
  status: MembershipStatus;

  /** Required for external members; null means no expiry (host members only). */
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column('uuid', { name: 'granted_by_id', nullable: true })
  grantedById: string | null;

  /** The internal user answerable for an external grant, asked to renew it before it expires. */
  @Column('uuid', { name: 'sponsor_id', nullable: true })
  sponsorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sponsor_id', foreignKeyConstraintName: 'memberships_sponsor_fk' })
  sponsor?: User;

  /** The invitation whose acceptance created this grant, if any. */
  @Column('uuid', { name: 'invitation_id', nullable: true })
  invitationId: string | null;

  @ManyToOne(() => Invitation, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'invitation_id', foreignKeyConstraintName: 'memberships_invitation_fk' })
  invitation?: Invitation;

  /** Set while SUSPENDED: what suspended it, and so what may restore it. */
  @Column('text', { name: 'suspension_cause', nullable: true })
  suspensionCause: SuspensionCause | null;

  /** When it stopped being ACTIVE (suspended, revoked, expired or left), and why. */
  @Column('timestamptz', { name: 'ended_at', nullable: true })
  endedAt: Date | null;

  @Column('text', { name: 'end_reason', nullable: true })
  endReason: string | null;

  /** When the sponsor was asked to renew it for its current expiry; cleared when the expiry moves. */
  @Column('timestamptz', { name: 'renewal_requested_at', nullable: true })
  renewalRequestedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
