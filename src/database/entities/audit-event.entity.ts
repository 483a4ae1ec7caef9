import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Append-only and hash-chained: each event stores the hash of the one before. */
@Entity({ name: 'audit_events' })
@Index('audit_events_id_key', ['id'], { unique: true })
@Index('audit_events_occurred_idx', ['occurredAt'])
@Index('audit_events_actor_idx', ['actorId'])
@Index('audit_events_action_idx', ['action'])
@Index('audit_events_actor_org_idx', ['actorOrganizationId', 'seq'])
@Index('audit_events_subject_org_idx', ['subjectOrganizationId', 'seq'])
@Index('audit_events_space_idx', ['spaceId', 'seq'])
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

  /**
   * Outside the hash (added later; verification of older rows is unchanged): the organisation
   * of the person or object the event is about, written at append time by the
   * `audit_events_facts` trigger (migration 1764710000000) from the subject's row.
   */
  @Column({ type: 'uuid', name: 'subject_organization_id', nullable: true, insert: false, update: false })
  subjectOrganizationId?: string | null;

  /** Outside the hash: the space the event concerns, written by the same trigger. */
  @Column({ type: 'uuid', name: 'space_id', nullable: true, insert: false, update: false })
  spaceId?: string | null;
}
