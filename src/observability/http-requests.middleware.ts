import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';
import { observationOf } from './request-observation';

/**
 * Measures each request once, when its response is over: counted by status code, or as
 * `aborted` when the client left first (its SQL still ran, so it still counts as a
 * request); its latency by matched route and, for GraphQL, by operation; the codes of its
 * GraphQL errors.
 */
@Injectable()
export class HttpRequestsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    // Scrapes are left out so that queries per request stays the application's figure.
    if (req.path !== '/metrics') {
      const started = process.hrtime.bigint();
      res.once('close', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const status = res.writableFinished ? String(res.statusCode) : 'aborted';
        this.metrics.countHttpRequest(status);
        // The route pattern, never the raw path: ids and probes must not make new series.
        const route = routeOf(req);
        this.metrics.observeHttpRequest(req.method, route, status, seconds);
        if (route === '/graphql' && req.method === 'POST') {
          const observed = observationOf(req);
          this.metrics.observeGraphqlRequest(observed.operationName, seconds);
          if (observed.errorCodes) this.metrics.countGraphqlErrors(observed.errorCodes);
        }
      });
    }
    next();
  }
}

/**
 * The matched route pattern. Apollo is mounted with `use`, so /graphql has none of its own;
 * catch-all middleware patterns (`{*path}`) are no route: the request matched nothing.
 */
function routeOf(req: Request): string {
  if (req.originalUrl.split('?')[0] === '/graphql') return '/graphql';
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' && !pattern.includes('{*') ? pattern : 'unmatched';
}
