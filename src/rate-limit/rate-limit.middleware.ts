import { Inject, Injectable, Logger, NestMiddleware, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import { AuthenticationService } from '../auth/authentication.service';
import { AuthenticatedRequest } from '../auth/request-context';
import { AppConfig } from '../config/app-config';
import { sessionCookieOf } from '../auth/session-cookie';
import { MetricsService } from '../observability/metrics.service';
import { RateLimitAuditor } from './rate-limit.auditor';
import {
  clientKeyOf,
  limitOf,
  RATE_LIMIT_NAMES,
  RATE_LIMIT_WINDOW_MS,
  RateLimitName,
  routeClassOf,
} from './rate-limit.policy';
import { sendRateLimited } from './rate-limit.response';

/**
 * Counts every request once, before the body is parsed or any route runs: sign-in routes
 * per client IP; GraphQL per signed-in user (an unknown or missing credential counts as
 * anonymous); anything else per client IP. Over the limit: 429 with Retry-After.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware, OnApplicationBootstrap {
  private readonly logger = new Logger('RateLimit');
  private metrics: MetricsService | null = null;

  constructor(
    private readonly config: AppConfig,
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    private readonly authentication: AuthenticationService,
    private readonly auditor: RateLimitAuditor,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    try {
      this.metrics = this.moduleRef.get(MetricsService, { strict: false });
    } catch {
      this.metrics = null; // METRICS_ENABLED is off
    }
    for (const name of RATE_LIMIT_NAMES) this.metrics?.countRateLimited(name, 0);
  }

  /** The same, as a plain Express handler (mounted by the app factory before the body parser). */
  readonly handler = (req: Request, res: Response, next: NextFunction): void => {
    this.use(req, res, next).catch((error: unknown) => {
      // A failed lookup fails the request later, where it is answered properly.
      this.logger.error(
        `rate limit skipped on ${req.method} ${req.path}: ${(error as Error)?.message ?? String(error)}`,
      );
      next();
    });
  };

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    // Probes are never limited: a load balancer polling often must not mark the instance down.
    if (!this.config.rateLimitEnabled || req.path === '/health/live' || req.path === '/health/ready') return next();
    const route = routeClassOf(req.path);
    let name: RateLimitName;
    let key: string;
    if (route === 'sign_in') {
      name = RateLimitName.SIGN_IN;
      key = clientKeyOf(req.ip);
    } else {
      const principal =
        route === 'graphql' && hasCredential(req)
          ? await this.authentication.identify(req as AuthenticatedRequest)
          : null;
      name = principal ? RateLimitName.GRAPHQL : RateLimitName.ANONYMOUS;
      key = principal ? `user:${principal.userId}` : clientKeyOf(req.ip);
    }
    const record = await this.storage.increment(key, RATE_LIMIT_WINDOW_MS, limitOf(this.config, name), 0, name);
    if (!record.isBlocked) return next();
    this.auditor.note(name, key);
    this.metrics?.countRateLimited(name);
    // Answered before the metrics middleware runs: counted here as the request it is.
    if (req.path !== '/metrics') this.metrics?.countHttpRequest('429');
    sendRateLimited(req, res, route === 'graphql', Math.max(1, record.timeToBlockExpire || record.timeToExpire));
  }
}

/** Only a request that carries a credential is worth a lookup; the rest is anonymous at once. */
function hasCredential(req: Request): boolean {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && authorization.trim() !== '') return true;
  const cookie = sessionCookieOf(req);
  return typeof cookie === 'string' && cookie !== '';
}
