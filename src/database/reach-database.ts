import { Client } from 'pg';

/** The PostgreSQL server cannot be reached; the message is one line naming DATABASE_URL. */
export class DatabaseUnreachableError extends Error {}

/** Fails fast with one line, where the data source would retry and print stack traces. */
export async function reachDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // An idle error after a failed connect must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnreachableError(
      `cannot reach the database at DATABASE_URL (${redactUrl(url)}): ${(error as Error).message || (error as NodeJS.ErrnoException).code}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'unparsable URL';
  }
}
