import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';

/** A server-side, revocable sign-in session; the cookie holds a secret whose SHA-256 is stored. */
@Entity({ name: 'sessions' })
@Index('sessions_secret_hash_key', ['secretHash'], { unique: true })
@Index('sessions_user_idx', ['userId'])
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { name: 'secret_hash' })
  secretHash: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'sessions_user_fk' })
  user?: User;

  @Column('uuid', { name: 'connection_id', nullable: true })
  connectionId: string | null;

  @Column('text', { name: 'name_id', nullable: true })
  nameId: string | null;

  @Column('text', { name: 'session_index', nullable: true })
  sessionIndex: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'last_seen_at' })
  lastSeenAt: Date;

  @Column('timestamptz', { name: 'idle_expires_at' })
  idleExpiresAt: Date;

  @Column('timestamptz', { name: 'absolute_expires_at' })
  absoluteExpiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('text', { name: 'revoked_reason', nullable: true })
  revokedReason: string | null;
}
