import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * A throwaway database for one test file: a fresh PostgreSQL database when DATABASE_URL
 * is set (so files and parallel runs never share state), else in-memory PGlite.
 * Returns the environment overrides for AppConfig and a function that drops it.
 */
export async function createTestDatabase(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { env: { DATA_DIR: 'memory', EMBEDDED_DATABASE: 'true' }, drop: async () => undefined };
  const name = `passerelle_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
