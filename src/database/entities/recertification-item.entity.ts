import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Membership } from './membership.entity';
import { RecertificationCampaign } from './recertification-campaign.entity';
import { User } from './user.entity';

export enum RecertificationItemStatus {
  PENDING = 'PENDING',
  CERTIFIED = 'CERTIFIED',
  REVOKED = 'REVOKED',
  /** Nobody confirmed it by the deadline: the grant ended (EXPIRED). */
  LAPSED = 'LAPSED',
}

/** One grant to confirm in a campaign, as it stood when the campaign started, and its outcome. */
@Entity({ name: 'recertification_items' })
@Index('recertification_items_campaign_membership_key', ['campaignId', 'membershipId'], { unique: true })
@Index('recertification_items_campaign_idx', ['campaignId', 'status'])
@Index('recertification_items_membership_idx', ['membershipId'])
@Check('recertification_items_status_check', `"status" IN ('PENDING', 'CERTIFIED', 'REVOKED', 'LAPSED')`)
export class RecertificationItem {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'recertification_items_pkey' })
  id: string;

  @Column('uuid', { name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => RecertificationCampaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'recertification_items_campaign_fk' })
  campaign?: RecertificationCampaign;

  @Column('uuid', { name: 'membership_id' })
  membershipId: string;

  @ManyToOne(() => Membership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id', foreignKeyConstraintName: 'recertification_items_membership_fk' })
  membership?: Membership;

  /** The grant's space and member, copied from the grant at the snapshot. */
  @Column('uuid', { name: 'space_id' })
  spaceId: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  /** The grant's sponsor at the snapshot (null: orphaned, given to the space's OWNERs). */
  @Column('uuid', { name: 'sponsor_id', nullable: true })
  sponsorId: string | null;

  /** Who was asked to decide: the sponsor, or the space's OWNERs when the grant was orphaned. */
  @Column('uuid', { name: 'assignee_ids', array: true, default: () => "'{}'" })
  assigneeIds: string[];

  @Column('text')
  status: RecertificationItemStatus;

  @Column('uuid', { name: 'decided_by_id', nullable: true })
  decidedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by_id', foreignKeyConstraintName: 'recertification_items_decided_by_fk' })
  decidedBy?: User;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt: Date | null;

  @Column('text', { nullable: true })
  reason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
