import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HealthController } from './health.controller';
import { HttpRequestsMiddleware } from './http-requests.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { ReadinessService } from './readiness.service';

/**
 * What the gateway reports about itself. Always: `GET /health/live` and `/health/ready`,
 * and a MetricsService that other rooms count into (sign-ins, denials, mail, rate limits).
 * With METRICS_ENABLED: requests measured, process metrics collected, and everything served
 * at `GET /metrics`.
 */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: config.metricsEnabled ? [HealthController, MetricsController] : [HealthController],
      providers: [
        ReadinessService,
        { provide: MetricsService, useClass: MetricsService },
        ...(config.metricsEnabled ? [HttpRequestsMiddleware] : []),
      ],
      exports: [MetricsService, ReadinessService],
    };
  }

  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.metricsEnabled)
      consumer.apply(HttpRequestsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
