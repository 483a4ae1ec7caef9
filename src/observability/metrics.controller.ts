import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { MetricsService } from './metrics.service';

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
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    let text: string;
    try {
      text = await this.metrics.render();
    } catch (error) {
      // A pool's primary that does not answer (worker-pool.ts): the scrape fails, clearly.
      res
        .status(503)
        .type('text/plain')
        .send(`${(error as Error).message}\n`);
      return;
    }
    res.type(this.metrics.contentType).send(text);
  }
}
