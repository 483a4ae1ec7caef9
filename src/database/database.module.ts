import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, runMigrationsUnbounded } from './data-source.factory';

/** The TypeORM DataSource: PostgreSQL with DATABASE_URL, embedded PGlite otherwise. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        // On PostgreSQL, migrations first, on a connection without the statement timeout.
        if (config.migrationsRun && config.databaseUrl) await runMigrationsUnbounded(config);
        return {
          ...(await dataSourceOptions(config)),
          migrationsRun: config.migrationsRun && !config.databaseUrl,
          // Fail at once with one line (main.ts, the CLI) rather than retry with stack traces:
          // the server was reached just before, so a failure here is not a passing one.
          toRetry: () => false,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
