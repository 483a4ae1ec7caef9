import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.factory';

/** The TypeORM DataSource: PostgreSQL with DATABASE_URL, embedded PGlite otherwise. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => ({
        ...(await dataSourceOptions(config)),
        migrationsRun: config.migrationsRun,
        // Fail fast with a clear error rather than retrying for half a minute.
        retryAttempts: 2,
        retryDelay: 1000,
      }),
    }),
  ],
})
export class DatabaseModule {}
