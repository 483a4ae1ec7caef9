import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, MoreThan } from 'typeorm';
import { AuditAnchor } from '../database/entities/audit-anchor.entity';
import { AuditEvent } from '../database/entities/audit-event.entity';

// One chain for the whole gateway: writers queue on this advisory lock within their transaction,
// held only while they read the head and append.
const CHAIN_LOCK = 4_242_001;
// Rows per INSERT: 14 parameters each, well under PostgreSQL's 65,535.
const INSERT_CHUNK = 1000;

/** The last link of the chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The audit log's queries, named for what they do. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction of its own. */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Queues on the chain lock until the end of the manager's transaction. */
  async lockChain(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  }

  /** The newest event; null on an empty log. */
  async findHead(manager: EntityManager): Promise<ChainHead | null> {
    const last: { seq: string; hash: string }[] = await manager.query(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    return last.length ? { seq: Number(last[0].seq), hash: last[0].hash } : null;
  }

  /** Appends linked events, in chunks the driver accepts. */
  async insertEvents(manager: EntityManager, rows: AuditEvent[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await manager.insert(AuditEvent, rows.slice(i, i + INSERT_CHUNK) as never);
    }
  }

  /** At most `take` events after `seq`, in chain order. */
  findEventsAfter(seq: number, take: number): Promise<AuditEvent[]> {
    return this.dataSource
      .getRepository(AuditEvent)
      .find({ where: { seq: MoreThan(seq) }, order: { seq: 'ASC' }, take });
  }

  /** The position of the row whose hash is `hash` (a scan: only asked once a chain is broken). */
  async seqOfHash(hash: string): Promise<number | null> {
    const rows: { seq: string }[] = await this.dataSource.query(
      'SELECT seq FROM audit_events WHERE hash = $1 ORDER BY seq LIMIT 1',
      [hash],
    );
    return rows.length ? Number(rows[0].seq) : null;
  }

  async insertAnchor(manager: EntityManager, anchor: AuditAnchor): Promise<void> {
    await manager.insert(AuditAnchor, anchor);
  }

  /** At most `take` anchors after (seq, id), in chain order, with the hash of the row now at their seq. */
  async findAnchorsAfter(
    after: { seq: number; id: string } | null,
    take: number,
  ): Promise<(AuditAnchor & { rowHash: string | null })[]> {
    const rows: {
      id: string;
      seq: string;
      hash: string;
      anchored_at: Date;
      signature: string;
      row_hash: string | null;
    }[] = await this.dataSource.query(
      `SELECT a.id, a.seq, a.hash, a.anchored_at, a.signature, e.hash AS row_hash
           FROM audit_anchors a LEFT JOIN audit_events e ON e.seq = a.seq
          WHERE ($1::bigint IS NULL OR (a.seq, a.id) > ($1::bigint, $2::uuid))
          ORDER BY a.seq, a.id LIMIT $3`,
      [after?.seq ?? null, after?.id ?? null, take],
    );
    return rows.map((r) => ({
      id: r.id,
      seq: Number(r.seq),
      hash: r.hash,
      anchoredAt: new Date(r.anchored_at),
      signature: r.signature,
      rowHash: r.row_hash,
    }));
  }
}
