import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a hand-written statement of the read path as a named prepared statement on PostgreSQL:
 * parsed once per connection, and planned once when PostgreSQL finds its generic plan as good
 * as a custom one (planning a list's statement costs about as much as running it). The name
 * is a hash of the text, so one name never stands for two statements. On the embedded
 * database it runs as any other query. Counted and logged like TypeORM's own statements, and
 * bounded by the same pool and statement timeout; a driver error is left as the driver threw it
 * (database-fault.ts reads both).
 */
export async function preparedQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  if (!(dataSource.options as { url?: string }).url) return dataSource.query(text, values);
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  dataSource.logger.logQuery(text, values);
  try {
    const result = await pool.query({ name: statementName(text), text, values });
    return result.rows as T[];
  } catch (error) {
    dataSource.logger.logQueryError(error as Error, text, values);
    throw error;
  }
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `psl_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    if (names.size > 10_000) names.clear();
    names.set(text, name);
  }
  return name;
}
