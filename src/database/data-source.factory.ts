import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig, usableDataDir } from '../config/app-config';
import { MIGRATIONS, migrationsFingerprint } from '../../migrations';
import { QueryCountingLogger } from '../observability/query-counting.logger';
import { lockEmbeddedDatabase } from './embedded-lock';
import { ENTITIES } from './entities';
import { PGLITE_SERIALIZERS, pgliteDriverFor } from './pglite-pool';
import { useFastTimestamptz } from './timestamptz';

/**
 * DataSource options for PostgreSQL (DATABASE_URL) or embedded PGlite; never synchronize.
 * On PostgreSQL every statement is bounded (DATABASE_STATEMENT_TIMEOUT_MS) and so is the wait
 * for a connection (DATABASE_CONNECT_TIMEOUT_MS): a slow or absent database answers 503 in
 * bounded time, and the pool replaces broken connections by itself. Migrations (`forMigrations`)
 * run unbounded: building an index on a large table may take long, and must not be cut.
 */
export async function dataSourceOptions(
  config: AppConfig,
  { forMigrations = false }: { forMigrations?: boolean } = {},
): Promise<DataSourceOptions> {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    // Every event goes to the logger: it counts each statement and prints per LOG_SQL.
    logging: true,
    logger: new QueryCountingLogger({ logSql: config.logSql }),
    installExtensions: false,
    uuidExtension: 'pgcrypto' as const,
  };
  if (config.databaseUrl) {
    useFastTimestamptz();
    const bounds = forMigrations
      ? { max: 1 }
      : {
          max: config.databasePoolSize,
          connectionTimeoutMillis: config.databaseConnectTimeoutMs,
          statement_timeout: config.databaseStatementTimeoutMs,
          // A transaction left open by a stuck request holds its locks no longer than that.
          idle_in_transaction_session_timeout: config.databaseStatementTimeoutMs * 2,
          // A session keeps what it paid for: the read path's prepared statements (10 to 20 ms of
          // PostgreSQL CPU each on a new session: parse, catalog caches, five custom plans) and
          // its backend's caches. At pg's default (10 s) a lull closed every connection, and the
          // next burst paid it all again (DATABASE_IDLE_TIMEOUT_MS, 5 minutes by default).
          idleTimeoutMillis: config.databaseIdleTimeoutMs,
          keepAlive: true,
          // The gateway's data is read from memory or SSD, where a random page costs about what
          // a sequential one does; at PostgreSQL's default (4, for spinning disks) the planner
          // scans small tables whole once per row of a list instead of using their primary key
          // (the feed's statement: 1.25 -> 0.7 ms of PostgreSQL CPU). For this session only.
          //
          // Generic plans only. The read path's statements are written for them (the rule's
          // facts in the text, arrays behind subqueries) and prepared once per session. Left to
          // choose, PostgreSQL plans each one five times with the caller's values, then keeps
          // planning it on every call wherever those custom plans were estimated a little
          // cheaper: a quarter of the feed's calls and a tenth of the space page's in the
          // bench, each paying 0.3-0.6 ms of planning for an execution no faster, often slower
          // (an external caller's space page: 0.36 + 0.43 ms against 0.01 + 0.25 ms). TypeORM's
          // statements, unnamed, are still planned on every call, now without their values: the
          // suites that read most through them ran as fast (docs/benchmarks.md). Checked by
          // test/generic-plans.e2e-spec.ts.
          //
          // No JIT compilation. A generic plan is costed without the caller's values, and the
          // people search's estimate passes PostgreSQL's jit_above_cost once the directory
          // holds 20,000 people: half its calls then compiled ~140 expressions before running,
          // for a statement that runs in milliseconds (bench at scale 10: 142-160 ms of
          // PostgreSQL CPU per search with JIT, 84 without). No statement of the gateway scans
          // enough rows to win it back.
          options: '-c random_page_cost=1.1 -c plan_cache_mode=force_generic_plan -c jit=off',
        };
    return { ...common, url: config.databaseUrl, extra: { ...bounds, application_name: 'passerelle' } };
  }
  if (config.dataDir) {
    usableDataDir(config.dataDir);
    lockEmbeddedDatabase(config.dataDir);
  }
  const db = await embeddedDatabase(config.dataDir, { ...common, logger: undefined, logging: false });
  return { ...common, driver: pgliteDriverFor(db) };
}

/**
 * The embedded database. Tests start many in-memory ones: with PGLITE_TEMPLATE_DIR set, the
 * first one migrated is kept there as a gzipped tarball named by its migrations' names and
 * code (migrationsFingerprint), and later ones start from it instead of running initdb and
 * every migration again (seconds each on WebAssembly). Gzipped, it is 5 MB instead of 42 (a 16 MB WAL segment, three databases'
 * catalogs), which reads faster than the plain tar (measured, 0.3–0.4 s saved per start).
 * The migrations still run at start-up and apply whatever a template lacks.
 */
async function embeddedDatabase(dataDir: string | null, options: DataSourceOptions): Promise<PGlite> {
  const templates = process.env.PGLITE_TEMPLATE_DIR;
  if (dataDir || !templates) return PGlite.create({ dataDir: dataDir ?? undefined, serializers: PGLITE_SERIALIZERS });
  const file = join(templates, `pglite-${migrationsFingerprint()}.tar.gz`);
  if (!existsSync(file)) {
    const fresh = await PGlite.create({ serializers: PGLITE_SERIALIZERS });
    const migrator = new DataSource({ ...options, driver: pgliteDriverFor(fresh) } as DataSourceOptions);
    await migrator.initialize();
    await migrator.runMigrations({ transaction: 'each' });
    const dump = await fresh.dumpDataDir('gzip');
    await migrator.destroy();
    // Written aside, then renamed: a test running beside this one reads a whole file or none.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  }
  return PGlite.create({ loadDataDir: new Blob([readFileSync(file)]), serializers: PGLITE_SERIALIZERS });
}

export async function createDataSource(
  config: AppConfig,
  options: { forMigrations?: boolean } = {},
): Promise<DataSource> {
  return new DataSource(await dataSourceOptions(config, options));
}

/** Applies pending migrations on PostgreSQL through a connection of their own, without the statement bound. */
export async function runMigrationsUnbounded(config: AppConfig): Promise<void> {
  const ds = await createDataSource(config, { forMigrations: true });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}
