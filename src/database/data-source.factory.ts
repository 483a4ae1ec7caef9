import { PGlite } from '@electric-sql/pglite';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig, usableDataDir } from '../config/app-config';
import { MIGRATIONS } from '../../migrations';
import { QueryCountingLogger } from '../observability/query-counting.logger';
import { lockEmbeddedDatabase } from './embedded-lock';
import { ENTITIES } from './entities';
import { PGLITE_SERIALIZERS, pgliteDriverFor } from './pglite-pool';

/** DataSource options for PostgreSQL (DATABASE_URL) or embedded PGlite; never synchronize. */
export async function dataSourceOptions(config: AppConfig): Promise<DataSourceOptions> {
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
    return { ...common, url: config.databaseUrl, extra: { max: 20, application_name: 'passerelle' } };
  }
  if (config.dataDir) {
    usableDataDir(config.dataDir);
    lockEmbeddedDatabase(config.dataDir);
  }
  const db = await PGlite.create({ dataDir: config.dataDir ?? undefined, serializers: PGLITE_SERIALIZERS });
  return { ...common, driver: pgliteDriverFor(db) };
}

export async function createDataSource(config: AppConfig): Promise<DataSource> {
  return new DataSource(await dataSourceOptions(config));
}
