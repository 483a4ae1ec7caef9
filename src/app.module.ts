import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessModule } from './access/access.module';
import { ApiModule } from './api.module';
import { AuditModule } from './audit/audit.module';
import { AuthenticationGuard } from './auth/authentication.guard';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { AppGraphqlModule } from './graphql/app-graphql.module';
import { DemoIdpModule } from './dev/demo-idp/demo-idp.module';
import { SamlModule } from './sso/saml/saml.module';
import { ObservabilityModule } from './observability/observability.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { WorldImportModule } from './world-import/world-import.module';
import { JobsModule } from './jobs/jobs.module';
import { MailModule } from './mail/mail.module';
import { NotificationsModule } from './notifications/notifications.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        AuditModule,
        AuthModule,
        AccessModule,
        JobsModule.forRoot(config),
        MailModule,
        NotificationsModule,
        AppGraphqlModule,
        WorldImportModule,
        ApiModule,
        SamlModule,
        // Development only, and only when enabled. After the world import: the demo IdPs are
        // made for the demo organisations.
        ...(config.demoIdp ? [DemoIdpModule] : []),
        ObservabilityModule.forRoot(config),
        RateLimitModule,
      ],
      // Every route and root resolver needs a signed-in caller unless marked @Public().
      providers: [{ provide: APP_GUARD, useClass: AuthenticationGuard }],
    };
  }
}
