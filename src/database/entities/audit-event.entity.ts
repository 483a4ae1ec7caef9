import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Append-only and hash-chained: each event stores the hash of the one before. */
@Entity({ name: 'audit_events' })
@Index('audit_events_id_key', ['id'], { unique: true })
@Index('audit_events_occurred_idx', ['occurredAt'])
@Index('audit_events_actor_idx', ['actorId'])
@Index('audit_events_action_idx', ['action'])
export class AuditEvent {
  /** Position in the chain, from 1. */
  @PrimaryColumn('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq: number;

  @Column('uuid')
  id: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text')
  action: string;

  /** SUCCESS, FAILURE or DENIED. */
  @Column('text')
  outcome: string;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('uuid', { name: 'actor_organization_id', nullable: true })
  actorOrganizationId: string | null;

  @Column('text', { name: 'subject_type', nullable: true })
  subjectType: string | null;

  @Column('text', { name: 'subject_id', nullable: true })
  subjectId: string | null;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column('text', { name: 'request_id', nullable: true })
  requestId: string | null;

  @Column('text', { nullable: true })
  ip: string | null;

  @Column('text', { name: 'prev_hash' })
  prevHash: string;

  @Column('text')
  hash: string;
}
