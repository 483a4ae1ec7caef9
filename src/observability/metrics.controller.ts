import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { MetricsService, PROMETHEUS_CONTENT_TYPE } from './metrics.service';

/**
 * Prometheus scrape endpoint, mounted only with METRICS_ENABLED. Public because scrapers
 * carry no user credential: it reveals counters, never content; keep it off the public
 * listener (bind or filter at the proxy) in production.
 */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): string {
    return this.metrics.render();
  }
}
