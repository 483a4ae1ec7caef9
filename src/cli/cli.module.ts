import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { AuthModule } from '../auth/auth.module';
import { WorldImportModule } from '../world-import/world-import.module';

/** Only what admin commands need: no HTTP server, no GraphQL. */
@Module({})
export class CliModule {
  static forCommand(config: AppConfig, imports: (Type<unknown> | DynamicModule)[] = []): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, AuditModule, AuthModule, WorldImportModule, ...imports],
    };
  }
}
