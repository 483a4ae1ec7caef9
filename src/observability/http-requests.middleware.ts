import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Counts each answered request once, when its response is finished. */
@Injectable()
export class HttpRequestsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    // Scrapes are left out so that queries per request stays the application's figure.
    if (req.path !== '/metrics') res.once('finish', () => this.metrics.countHttpRequest(res.statusCode));
    next();
  }
}
