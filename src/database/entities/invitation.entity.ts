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
import { Organization } from './organization.entity';
import { Space } from './space.entity';
import { User } from './user.entity';
import { InvitationStatus, MembershipRole } from '../../common/domain.enums';

/** An invitation by email, or by whole partner organisation, to a space. */
@Entity({ name: 'invitations' })
@Index('invitations_space_idx', ['spaceId', 'status'])
@Index('invitations_email_idx', ['email'])
@Index('invitations_organization_idx', ['organizationId', 'status'])
@Check('invitations_role_check', `"role" IN ('OWNER', 'ANIMATOR', 'MEMBER', 'OBSERVER')`)
@Check(
  'invitations_status_check',
  `"status" IN ('PENDING_APPROVAL', 'PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED', 'EXPIRED', 'REJECTED')`,
)
@Check('invitations_target_check', `("email" IS NOT NULL) <> "whole_organization"`)
export class Invitation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'space_id' })
  spaceId: string;

  @ManyToOne(() => Space, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'space_id', foreignKeyConstraintName: 'invitations_space_fk' })
  space?: Space;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'invitations_organization_fk' })
  organization?: Organization;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'invited_by_id', foreignKeyConstraintName: 'invitations_invited_by_fk' })
  invitedBy?: User;

  @Column('text', { nullable: true })
  email: string | null;

  /** The invitee's organisation (the email's organisation, or the whole organisation invited). */
  @Column('uuid', { name: 'organization_id' })
  organizationId: string;

  @Column('boolean', { name: 'whole_organization', default: false })
  wholeOrganization: boolean;

  @Column('text')
  role: MembershipRole;

  @Column('text')
  status: InvitationStatus;

  /** When the membership granted on acceptance expires. */
  @Column('timestamptz', { name: 'membership_expires_at', nullable: true })
  membershipExpiresAt: Date | null;

  /** When the invitation itself lapses. */
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('uuid', { name: 'invited_by_id' })
  invitedById: string;

  /** The internal sponsor of the grant it leads to (externals); by default the inviter. */
  @Column('uuid', { name: 'sponsor_id', nullable: true })
  sponsorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sponsor_id', foreignKeyConstraintName: 'invitations_sponsor_fk' })
  sponsor?: User;

  /** The inviter's words to the invitee, shown in the mail. */
  @Column('text', { nullable: true })
  message: string | null;

  /** Why it was rejected or revoked. */
  @Column('text', { name: 'decision_reason', nullable: true })
  decisionReason: string | null;

  /** Email invitations: who accepted or declined it. */
  @Column('uuid', { name: 'answered_by_id', nullable: true })
  answeredById: string | null;

  @Column('timestamptz', { name: 'answered_at', nullable: true })
  answeredAt: Date | null;

  @Column('uuid', { name: 'approved_by_id', nullable: true })
  approvedById: string | null;

  @Column('uuid', { name: 'decided_by_id', nullable: true })
  decidedById: string | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt: Date | null;

  // Milliseconds, as cursors carry them: lists page newest first on (created_at, id).
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
