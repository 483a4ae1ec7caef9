import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HttpRequestsMiddleware } from './http-requests.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * What the gateway reports about itself: SQL statements counted by the DataSource's
 * logger (see data-source.factory.ts), HTTP requests, memory. With METRICS_ENABLED the
 * counters are served at `GET /metrics`; without it nothing is mounted or counted.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.metricsEnabled) return { module: ObservabilityModule };
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [MetricsService, HttpRequestsMiddleware],
      exports: [MetricsService],
    };
  }

  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.metricsEnabled)
      consumer.apply(HttpRequestsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
