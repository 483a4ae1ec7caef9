import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrationsFingerprint } from '../../migrations';
import { AppConfig } from '../../src/config/app-config';
import { runMigrationsUnbounded } from '../../src/database/data-source.factory';

/**
 * A throwaway database for one test file: a fresh PostgreSQL database when DATABASE_URL
 * is set (so files and parallel runs never share state), else in-memory PGlite.
 * `migrated`: on PostgreSQL, a copy of a template database that holds every migration
 * (migratedTemplate) instead of an empty one; the gateway's start-up then finds nothing to
 * apply. Returns the environment overrides for AppConfig and a function that drops it.
 */
export async function createTestDatabase({ migrated = false }: { migrated?: boolean } = {}): Promise<{
  env: Record<string, string>;
  drop: () => Promise<void>;
}> {
  const base = process.env.DATABASE_URL;
  if (!base) return { env: { DATA_DIR: 'memory', EMBEDDED_DATABASE: 'true' }, drop: async () => undefined };
  const name = `passerelle_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    const template = migrated ? await migratedTemplate(admin, base) : null;
    await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  } finally {
    await admin.end();
  }
  return {
    env: { DATABASE_URL: withDatabase(base, name) },
    drop: async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The name of a database migrated by every migration, named by their names and code: built
 * once (under an advisory lock, for the files running beside this one) by the gateway's own
 * migration runner, then copied by CREATE DATABASE ... TEMPLATE for each file, which takes
 * a tenth of running the migrations. It is built under another name and renamed once whole,
 * so a run cut short leaves no half-migrated template; templates of older migrations go.
 */
async function migratedTemplate(admin: Client, base: string): Promise<string> {
  const template = `passerelle_tmpl_${migrationsFingerprint()}`;
  await admin.query(`SELECT pg_advisory_lock(hashtext('passerelle test template'))`);
  try {
    const found = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'passerelle\\_tmpl\\_%'`);
    const names: string[] = found.rows.map((r: { datname: string }) => r.datname);
    if (names.includes(template)) return template;
    for (const stale of names) await admin.query(`DROP DATABASE IF EXISTS "${stale}" WITH (FORCE)`);
    // A building_ left by a run cut short matched the pattern above, and is gone.
    const building = `passerelle_tmpl_building_${process.pid}`;
    await admin.query(`CREATE DATABASE "${building}"`);
    const url = withDatabase(base, building);
    await runMigrationsUnbounded(new AppConfig({ NODE_ENV: 'test', DATABASE_URL: url, SECRET_KEY: '0'.repeat(64) }));
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    return template;
  } finally {
    await admin.query(`SELECT pg_advisory_unlock(hashtext('passerelle test template'))`);
  }
}
