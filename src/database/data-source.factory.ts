import { PGlite } from '@electric-sql/pglite';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig, usableDataDir } from '../config/app-config';
import { MIGRATIONS } from '../../migrations';
import { QueryCountingLogger } from '../observability/query-counting.logger';
import { lockEmbeddedDatabase } from './embedded-lock';
import { ENTITIES } from './entities';
import { PGLITE_SERIALIZERS, pgliteDriverFor } from './pglite-pool';

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
    const bounds = forMigrations
      ? { max: 1 }
      : {
          max: config.databasePoolSize,
          connectionTimeoutMillis: config.databaseConnectTimeoutMs,
          statement_timeout: config.databaseStatementTimeoutMs,
          // A transaction left open by a stuck request holds its locks no longer than that.
          idle_in_transaction_session_timeout: config.databaseStatementTimeoutMs * 2,
          keepAlive: true,
        };
    return { ...common, url: config.databaseUrl, extra: { ...bounds, application_name: 'passerelle' } };
  }
  if (config.dataDir) {
    usableDataDir(config.dataDir);
    lockEmbeddedDatabase(config.dataDir);
  }
  const db = await PGlite.create({ dataDir: config.dataDir ?? undefined, serializers: PGLITE_SERIALIZERS });
  return { ...common, driver: pgliteDriverFor(db) };
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
