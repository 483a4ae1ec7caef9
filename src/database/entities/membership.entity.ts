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
import { MembershipRole, MembershipStatus } from '../../common/domain.enums';

@Entity({ name: 'memberships' })
@Index('memberships_user_space_key', ['userId', 'spaceId'], { unique: true })
@Index('memberships_space_idx', ['spaceId', 'status'])
@Check('memberships_role_check', `"role" IN ('OWNER', 'ANIMATOR', 'MEMBER', 'OBSERVER')`)
@Check('memberships_status_check', `"status" IN ('ACTIVE', 'SUSPENDED', 'REVOKED')`)
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
