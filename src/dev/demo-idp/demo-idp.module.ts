import { MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import express from 'express';
import { AppConfig } from '../../config/app-config';
import { SamlModule } from '../../sso/saml/saml.module';
import { DemoIdpController } from './demo-idp.controller';
import { DemoIdpService } from './demo-idp.service';

/**
 * The built-in demo IdPs (DEMO_IDP, development only). Refuses to start in production;
 * at bootstrap it gives every organisation without a connection a demo one. Import it
 * after the module that seeds the demo world, or call ensureDemoConnections() after seeding.
 */
@Module({
  imports: [SamlModule],
  controllers: [DemoIdpController],
  providers: [DemoIdpService],
  exports: [DemoIdpService],
})
export class DemoIdpModule implements NestModule, OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly demo: DemoIdpService,
  ) {
    if (config.demoIdp && config.isProduction)
      throw new Error('The demo identity providers cannot run in production (DEMO_IDP must be off).');
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(express.urlencoded({ extended: false, limit: '16kb' }))
      .forRoutes({ path: 'demo-idp/:connection/sso', method: RequestMethod.POST });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.demoIdp) await this.demo.ensureDemoConnections();
  }
}
