import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Space } from './space.entity';
import { User } from './user.entity';

/**
 * An in-app notice to one user about an event that concerns them (invited, approved, renewal
 * due, revoked, suspended...). `data` holds ids and values for its text, never names: the
 * text is rendered at read time from what the reader may still see.
 */
@Entity({ name: 'notifications' })
@Index('notifications_user_created_idx', ['userId', 'createdAt', 'id'])
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'notifications_user_fk' })
  user?: User;

  /** What happened, e.g. `invitation.received`, `membership.renewal_due`. */
  @Column('text')
  kind: string;

  @Column('uuid', { name: 'space_id', nullable: true })
  spaceId: string | null;

  @ManyToOne(() => Space, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'space_id', foreignKeyConstraintName: 'notifications_space_fk' })
  space?: Space;

  /** The object it is about (`Invitation`, `Membership`, `Organization`, `User`). */
  @Column('text', { name: 'subject_type', nullable: true })
  subjectType: string | null;

  @Column('uuid', { name: 'subject_id', nullable: true })
  subjectId: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  data: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt: Date | null;
}
