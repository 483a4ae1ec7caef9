import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { RiskEntry } from './risk-entry.entity';
import { User } from './user.entity';

/** A risk entry as it stood after one change (its creation included): the entry's history. */
@Entity({ name: 'risk_entry_revisions' })
@Index('risk_entry_revisions_entry_idx', ['riskEntryId', 'seq'])
export class RiskEntryRevision {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'risk_entry_revisions_pkey' })
  id: string;

  /** The order revisions were written in (several may share one instant). */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS', insert: false, update: false })
  seq: string;

  @Column('uuid', { name: 'risk_entry_id' })
  riskEntryId: string;

  @ManyToOne(() => RiskEntry, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'risk_entry_id', foreignKeyConstraintName: 'risk_entry_revisions_entry_fk' })
  riskEntry?: RiskEntry;

  @Column('uuid', { name: 'changed_by_id', nullable: true })
  changedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'changed_by_id', foreignKeyConstraintName: 'risk_entry_revisions_changed_by_fk' })
  changedBy?: User;

  @Column({ type: 'timestamptz', name: 'changed_at', precision: 3, default: () => 'now()' })
  changedAt: Date;

  @Column('text')
  description: string;

  @Column('smallint')
  probability: number;

  @Column('smallint')
  impact: number;

  @Column('uuid', { name: 'owner_id', nullable: true })
  ownerId: string | null;

  @Column('text')
  mitigation: string;

  @Column('text')
  status: string;
}
