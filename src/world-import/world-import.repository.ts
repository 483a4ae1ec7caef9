import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

// Imports queue behind one another: their checks against stored data must see a still world.
const IMPORT_LOCK = 4_242_002;
// Rows per statement: few round trips, within PostgreSQL's 65,535 bind parameters.
const BATCH_ROWS = 1000;
const MAX_PARAMETERS = 65_535;

export interface Upsert {
  table: string;
  /** The conflict target: `id`, or `user_id, space_id` for memberships. */
  conflict: string;
  columns: string[];
  /** Columns an existing row takes from the file. */
  update: string[];
  /** Columns an existing row takes from an expression over `t` (stored) and EXCLUDED (the file). */
  expressions?: Record<string, string>;
  /** Values in the order of `columns`. */
  rows: unknown[][];
  /** Whether the table has an `updated_at` to set on a change (default true). */
  touch?: boolean;
}

export interface UpsertResult {
  created: string[];
  updated: string[];
}

/** The world import's queries, named for what they answer or do; all within the import's transaction. */
@Injectable()
export class WorldImportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction. */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Queues behind any other import until the end of the manager's transaction. */
  async lockImports(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
  }

  findHostIds(manager: EntityManager): Promise<{ id: string }[]> {
    return manager.query(`SELECT id FROM organizations WHERE kind = 'HOST'`);
  }

  /** The stored organisation of each of these users that exists. */
  async findUserOrganizations(
    manager: EntityManager,
    userIds: string[],
  ): Promise<{ id: string; organization_id: string }[]> {
    return userIds.length
      ? await manager.query(`SELECT id, organization_id FROM users WHERE id = ANY($1::uuid[])`, [userIds])
      : [];
  }

  /** The stored users holding any of these emails. */
  async findUsersByEmails(manager: EntityManager, emails: string[]): Promise<{ id: string; email: string }[]> {
    return emails.length
      ? await manager.query(`SELECT id, email FROM users WHERE email = ANY($1::text[])`, [emails])
      : [];
  }

  /** The stored organisations claiming any of these domains. */
  async findOrganizationsClaimingDomains(
    manager: EntityManager,
    domains: string[],
  ): Promise<{ id: string; name: string; domains: string[] }[]> {
    return domains.length
      ? await manager.query(`SELECT id, name, domains FROM organizations WHERE domains && $1::text[]`, [domains])
      : [];
  }

  /**
   * Multi-row `INSERT ... ON CONFLICT DO UPDATE`, in batches. An existing row is updated only
   * when a value differs, so re-importing the same world rewrites nothing.
   */
  async upsert(manager: EntityManager, spec: Upsert): Promise<UpsertResult> {
    const result: UpsertResult = { created: [], updated: [] };
    const set = [...spec.update.map((c) => [c, `EXCLUDED.${c}`]), ...Object.entries(spec.expressions ?? {})];
    const sql = (placeholders: string) =>
      `INSERT INTO ${spec.table} AS t (${spec.columns.join(', ')}) VALUES ${placeholders}
       ON CONFLICT (${spec.conflict}) DO UPDATE SET ${set.map(([c, e]) => `${c} = ${e}`).join(', ')}${spec.touch === false ? '' : ', updated_at = EXCLUDED.updated_at'}
       WHERE ROW(${set.map(([c]) => `t.${c}`).join(', ')}) IS DISTINCT FROM ROW(${set.map(([, e]) => e).join(', ')})
       RETURNING t.id, (t.xmax = 0) AS inserted`;
    const width = spec.columns.length;
    const rowsPerBatch = Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / width));
    for (let from = 0; from < spec.rows.length; from += rowsPerBatch) {
      const batch = spec.rows.slice(from, from + rowsPerBatch);
      const placeholders = batch
        .map((_, i) => `(${spec.columns.map((__, j) => `$${i * width + j + 1}`).join(', ')})`)
        .join(', ');
      const rows: { id: string; inserted: boolean }[] = await manager.query(sql(placeholders), batch.flat());
      for (const row of rows) (row.inserted ? result.created : result.updated).push(row.id);
    }
    return result;
  }

  /** Raises stored classifications to the file's, now that posts carry their labels; returns the ids raised. */
  async raiseClassifications(
    manager: EntityManager,
    spaces: readonly { id: string; classification: number }[],
    now: Date,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (let from = 0; from < spaces.length; from += BATCH_ROWS) {
      const batch = spaces.slice(from, from + BATCH_ROWS);
      const values = batch.map((_, i) => `($${i * 2 + 2}::uuid, $${i * 2 + 3}::smallint)`).join(', ');
      // Wrapped in a query: TypeORM answers a bare UPDATE with [rows, affected].
      const rows: { id: string }[] = await manager.query(
        `WITH raised AS (
           UPDATE spaces AS t SET classification = v.classification, updated_at = $1
             FROM (VALUES ${values}) AS v (id, classification)
            WHERE t.id = v.id AND t.classification < v.classification
           RETURNING t.id)
         SELECT id FROM raised`,
        [now, ...batch.flatMap((s) => [s.id, s.classification])],
      );
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  }

  /** A revision of each of these risk entries as they now stand (the import as their author: nobody). */
  async recordRiskRevisions(manager: EntityManager, ids: string[], now: Date): Promise<void> {
    if (!ids.length) return;
    await manager.query(
      `INSERT INTO risk_entry_revisions
         (risk_entry_id, changed_by_id, changed_at, description, probability, impact, owner_id, mitigation, status)
       SELECT id, NULL, $2, description, probability, impact, owner_id, mitigation, status
         FROM risk_entries WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
  }

  /** How many organisations are stored: none on a database never seeded. */
  async countOrganizations(): Promise<number> {
    const [{ count }]: { count: number }[] = await this.dataSource.query(
      'SELECT count(*)::int AS count FROM organizations',
    );
    return count;
  }
}
