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
import { Space } from './space.entity';
import { User } from './user.entity';

@Entity({ name: 'risk_entries' })
@Index('risk_entries_space_idx', ['spaceId'])
@Index('risk_entries_open_idx', ['spaceId', 'status', 'impact'])
@Check('risk_entries_probability_check', `"probability" BETWEEN 0 AND 4`)
@Check('risk_entries_impact_check', `"impact" BETWEEN 0 AND 4`)
@Check('risk_entries_status_check', `"status" IN ('OPEN', 'MITIGATED', 'CLOSED')`)
export class RiskEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'space_id' })
  spaceId: string;

  @ManyToOne(() => Space, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'space_id', foreignKeyConstraintName: 'risk_entries_space_fk' })
  space?: Space;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'risk_entries_owner_fk' })
  owner?: User;

  @Column('text')
  description: string;

  @Column('smallint')
  probability: number;

  @Column('smallint')
  impact: number;

  @Column('uuid', { name: 'owner_id', nullable: true })
  ownerId: string | null;

  @Column('text', { default: '' })
  mitigation: string;

  /** While an OPEN risk of impact >= 3 stands, the space's new external grants are restricted. */
  @Column('text', { default: 'OPEN' })
  status: string;

  @Column('uuid', { name: 'created_by_id', nullable: true })
  createdById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_id', foreignKeyConstraintName: 'risk_entries_creator_fk' })
  createdBy?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
