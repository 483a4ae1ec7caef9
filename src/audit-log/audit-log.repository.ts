import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import type { SqlFragment } from '../access/sql/condition-to-sql';
import { AuditEvent } from '../database/entities/audit-event.entity';
import { Connection, PageArgs, PaginationException } from '../graphql/pagination';
import { decodeCursor } from '../graphql/pagination';
import { keysetPage } from '../graphql/keyset-page';
import { AuditLogFilter } from './audit-log-filter';
import { AuditLogView } from './audit-event-view';

/** An event as the export reads it: the details already serialised. */
export type AuditEventRow = Omit<AuditEvent, 'seq' | 'details'> & { seq: string | number; details: string };

const EXPORT_SELECT: string[] = [
  'e.seq::text AS "seq"',
  'e.id AS "id"',
  'e.occurred_at AS "occurredAt"',
  'e.action AS "action"',
  'e.outcome AS "outcome"',
  'e.actor_id AS "actorId"',
  'e.actor_organization_id AS "actorOrganizationId"',
  'e.subject_type AS "subjectType"',
  'e.subject_id AS "subjectId"',
  'e.reason AS "reason"',
  'e.details::text AS "details"',
  'e.request_id AS "requestId"',
  'e.ip AS "ip"',
  'e.prev_hash AS "prevHash"',
  'e.hash AS "hash"',
  'e.subject_organization_id AS "subjectOrganizationId"',
  'e.space_id AS "spaceId"',
];

/** The audit log's read queries: the caller's scope and the filter, in SQL. */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The events a reader may list: `scope` is the CASL rule's SQL (null for the command line,
   * which reads all). A partner admin's actor filter matches only the rows whose actor they
   * are shown (their own people), so it cannot single out another organisation's person.
   */
  select(scope: SqlFragment | null, filter: AuditLogFilter, view: AuditLogView): SelectQueryBuilder<AuditEvent> {
    const qb = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
    if (scope) qb.andWhere(new Brackets((w) => w.where(scope.sql, scope.params)));
    if (filter.actor) {
      qb.andWhere('e.actor_id = :f_actor', { f_actor: filter.actor });
      if (!view.full) qb.andWhere('e.actor_organization_id = :f_own', { f_own: view.organizationId });
    }
    if (filter.organization)
      qb.andWhere('(e.actor_organization_id = :f_org OR e.subject_organization_id = :f_org)', {
        f_org: filter.organization,
      });
    if (filter.space) qb.andWhere('e.space_id = :f_space', { f_space: filter.space });
    if (filter.action) qb.andWhere('e.action = :f_action', { f_action: filter.action });
    if (filter.decision) qb.andWhere('e.outcome = :f_decision', { f_decision: filter.decision });
    if (filter.from) qb.andWhere('e.occurred_at >= :f_from', { f_from: filter.from });
    if (filter.to) qb.andWhere('e.occurred_at < :f_to', { f_to: filter.to });
    return qb;
  }

  /** One page, newest first (by position in the chain). */
  page(qb: SelectQueryBuilder<AuditEvent>, args: PageArgs): Promise<Connection<AuditEvent>> {
    const [after] = decodeCursor(args.after, ['string']) ?? [];
    // A position is a decimal integer: anything else was not written by this list.
    if (after !== undefined && !/^-?\d{1,18}$/.test(after as string))
      throw new PaginationException('INVALID_CURSOR', 'after is not a cursor of this list');
    return keysetPage(qb, [{ sql: 'e.seq', type: 'string', value: (e) => String(e.seq) }], 'DESC', args);
  }

  /** The chain's last position now (0 on an empty log): an export stops there. */
  /** Whether the row of `table` with this id exists within the reader's `scope` (one SELECT). */
  async visible(table: string, id: string, scope: SqlFragment): Promise<boolean> {
    const found = await this.dataSource
      .createQueryBuilder()
      .select('1')
      .from(table, 'x')
      .where('x.id = :visibleId', { visibleId: id })
      .andWhere(new Brackets((w) => w.where(scope.sql, scope.params)))
      .getRawOne();
    return found !== undefined;
  }

  async headSeq(): Promise<number> {
    const [row]: { seq: string | null }[] = await this.dataSource.query('SELECT max(seq) AS seq FROM audit_events');
    return Number(row?.seq ?? 0);
  }

  /**
   * The events of `qb` up to `upTo`, in chain order, in keyset batches: each batch is one
   * index range, so memory stays constant whatever the size of the log.
   */
  async *batches(qb: SelectQueryBuilder<AuditEvent>, upTo: number, size = 1000): AsyncGenerator<AuditEventRow[]> {
    // Raw rows, the details as the database wrote them: no entity hydration, no JSON round trip.
    const columns = qb.clone().select(EXPORT_SELECT.join(', '));
    for (let after = String(Number.MIN_SAFE_INTEGER); ;) {
      const rows: AuditEventRow[] = await columns
        .clone()
        .andWhere('e.seq > :b_after AND e.seq <= :b_upto', { b_after: after, b_upto: upTo })
        .orderBy('e.seq', 'ASC')
        .limit(size)
        .getRawMany();
      if (rows.length) yield rows;
      if (rows.length < size) return;
      after = String(rows[rows.length - 1].seq);
    }
  }
}
