import { Inject, MiddlewareConsumer, Module, NestModule, OnModuleDestroy, RequestMethod } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { DiscoveryService } from './discovery.service';
import { JitProvisioningService } from './jit-provisioning.service';
import { PassportSamlServiceProvider } from './passport-saml.service-provider';
import { SamlBodyMiddleware } from './saml-body.middleware';
import { createSamlCache, SAML_CACHE, SamlCache } from './saml-cache';
import { SamlConnectionsService } from './saml-connections.service';
import { SamlConsumeService } from './saml-consume.service';
import { SamlLoginService } from './saml-login.service';
import { SamlLogoutService } from './saml-logout.service';
import { SamlResponseValidator } from './saml-response.validator';
import { SamlServiceProvider } from './saml-service-provider';
import { SamlController } from './saml.controller';
import { SsoRepository } from './sso.repository';

/**
 * SAML 2.0 service provider for every IdP connection: /auth/saml/:connection/{metadata,
 * login,acs,slo}, /auth/discover, /auth/logout. Needs ConfigModule, DatabaseModule,
 * AuditModule and AuthModule (all global).
 */
@Module({
  controllers: [SamlController],
  providers: [
    SamlResponseValidator,
    JitProvisioningService,
    SsoRepository,
    SamlConnectionsService,
    SamlLoginService,
    SamlConsumeService,
    SamlLogoutService,
    DiscoveryService,
    { provide: SamlServiceProvider, useClass: PassportSamlServiceProvider },
    {
      provide: SAML_CACHE,
      inject: [AppConfig, getDataSourceToken(), Clock],
      useFactory: (config: AppConfig, dataSource: DataSource, clock: Clock) =>
        createSamlCache(config.redisUrl, dataSource, clock),
    },
  ],
  exports: [SamlLoginService, SamlServiceProvider, SamlResponseValidator, SAML_CACHE],
})
export class SamlModule implements NestModule, OnModuleDestroy {
  constructor(@Inject(SAML_CACHE) private readonly cache: SamlCache) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SamlBodyMiddleware)
      .forRoutes(
        { path: 'auth/saml/:connection/acs', method: RequestMethod.POST },
        { path: 'auth/saml/:connection/slo', method: RequestMethod.POST },
      );
  }

  async onModuleDestroy(): Promise<void> {
    await this.cache.close();
  }
}
