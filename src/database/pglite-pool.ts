import { EventEmitter } from 'node:events';
import { PGlite, types } from '@electric-sql/pglite';

type Callback = (error: Error | null, client?: PgliteClient | null, release?: () => void) => void;

/**
 * A node-postgres-shaped pool over one PGlite instance, for TypeORM's postgres driver.
 *
 * PGlite is a single connection. typeorm-pglite hands it to every caller at once, so one
 * request's queries could run inside another's transaction. This pool lends the
 * connection to one query runner at a time (FIFO), so transactions stay isolated.
 */
export class PglitePool extends EventEmitter {
  private readonly client: PgliteClient;
  private busy = false;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly db: PGlite) {
    super();
    this.client = new PgliteClient(db);
  }

  connect(callback?: Callback): Promise<PgliteClient> | void {
    const acquired = this.acquire().then(() => this.client);
    if (!callback) return acquired;
    acquired.then(
      (client) => callback(null, client, () => this.release()),
      (error: Error) => callback(error, null, () => undefined),
    );
  }

  /** Pool-level query, as pg's Pool.query: takes the connection for one statement. */
  async query(sql: string, params?: unknown[]): Promise<PgliteResult> {
    await this.acquire();
    try {
      return await this.client.query(sql, params);
    } finally {
      this.release();
    }
  }

  end(callback?: (error: Error | null) => void): Promise<void> | void {
    const closing = this.db.closed ? Promise.resolve() : this.db.close();
    if (!callback) return closing;
    closing.then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  private acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.busy = false;
  }
}

export interface PgliteResult {
  rows: Record<string, unknown>[];
  rowCount: number;
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

export class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(
    sql: string,
    params?: unknown[],
    callback?: (e: Error | null, r?: PgliteResult) => void,
  ): Promise<PgliteResult> {
    try {
      const result = await this.run(sql, params);
      callback?.(null, result);
      return result;
    } catch (error) {
      if (callback) callback(error as Error);
      throw error;
    }
  }

  private async run(sql: string, params?: unknown[]): Promise<PgliteResult> {
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
    if (params && params.length > 0) {
      const r = await this.db.query<Record<string, unknown>>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command, fields: r.fields };
    }
    // Parameterless SQL may hold several statements (migrations); TypeORM wants the last result.
    const results = await this.db.exec(sql);
    const last = results[results.length - 1];
    return {
      rows: (last?.rows ?? []) as Record<string, unknown>[],
      rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
      command,
      fields: last?.fields ?? [],
    };
  }

  release(): void {
    // Released through the pool's callback.
  }
}

/** Serializers that make PGlite accept parameters the way node-postgres does. */
export const PGLITE_SERIALIZERS = {
  [types.BOOL]: (value: unknown) =>
    value === true || value === 'true' ? 'TRUE' : value === false || value === 'false' ? 'FALSE' : String(value),
};

/** A TypeORM `driver` option whose Pool lends the given PGlite instance. */
export function pgliteDriverFor(db: PGlite): { Pool: new () => PglitePool } {
  return {
    Pool: class extends PglitePool {
      constructor() {
        super(db);
      }
    },
  };
}
