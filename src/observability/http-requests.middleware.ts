import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Counts each request once, when its response is over: by status code, or as `aborted`
 * when the client left first (its SQL still ran, so it still counts as a request).
 */
@Injectable()
export class HttpRequestsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    // Scrapes are left out so that queries per request stays the application's figure.
    if (req.path !== '/metrics') {
      res.once('close', () => this.metrics.countHttpRequest(res.writableFinished ? String(res.statusCode) : 'aborted'));
    }
    next();
  }
}
