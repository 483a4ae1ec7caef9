import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A checkpoint of the audit chain's head (seq, hash), signed with an HMAC derived from
 * SECRET_KEY: a later verification catches a tail deleted after it, or a rewritten history.
 */
@Entity({ name: 'audit_anchors' })
@Index('audit_anchors_seq_idx', ['seq'])
export class AuditAnchor {
  @PrimaryColumn('uuid')
  id: string;

  /** The head's position when anchored. */
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq: number;

  /** The head's hash when anchored. */
  @Column('text')
  hash: string;

  @Column('timestamptz', { name: 'anchored_at' })
  anchoredAt: Date;

  /** HMAC-SHA256 (hex) of seq, hash and anchoredAt, under a key derived from SECRET_KEY. */
  @Column('text')
  signature: string;
}
