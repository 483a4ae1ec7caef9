import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organization } from './organization.entity';
import { Space } from './space.entity';
import { User } from './user.entity';

export enum RecertificationCampaignStatus {
  /** Items may be certified or revoked until the deadline. */
  OPEN = 'OPEN',
  /** The deadline passed: what nobody confirmed has lapsed. */
  CLOSED = 'CLOSED',
}

/**
 * A recertification campaign (issue 10 item 5): every live external grant of one organisation
 * or one space, snapshot as items for their sponsors to certify or revoke by the deadline.
 */
@Entity({ name: 'recertification_campaigns' })
@Check('recertification_campaigns_scope_check', `("scope_organization_id" IS NULL) <> ("scope_space_id" IS NULL)`)
@Check('recertification_campaigns_status_check', `"status" IN ('OPEN', 'CLOSED')`)
@Index('recertification_campaigns_created_idx', ['createdAt', 'id'])
@Index('recertification_campaigns_due_idx', ['status', 'deadline'])
export class RecertificationCampaign {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'recertification_campaigns_pkey' })
  id: string;

  @Column('uuid', { name: 'scope_organization_id', nullable: true })
  scopeOrganizationId: string | null;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scope_organization_id', foreignKeyConstraintName: 'recertification_campaigns_organization_fk' })
  scopeOrganization?: Organization;

  @Column('uuid', { name: 'scope_space_id', nullable: true })
  scopeSpaceId: string | null;

  @ManyToOne(() => Space, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scope_space_id', foreignKeyConstraintName: 'recertification_campaigns_space_fk' })
  scopeSpace?: Space;

  @Column('timestamptz')
  deadline: Date;

  @Column('text')
  status: RecertificationCampaignStatus;

  @Column('uuid', { name: 'started_by_id', nullable: true })
  startedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'started_by_id', foreignKeyConstraintName: 'recertification_campaigns_started_by_fk' })
  startedBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt: Date | null;
}
