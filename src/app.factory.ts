import { randomUUID } from 'node:crypto';
import { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { AuthenticatedRequest } from './auth/request-context';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { GatewayExpressAdapter } from './common/gateway-express-adapter';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { securityHeaders } from './config/security-headers';
import { portalHandlers } from './portal/portal';
import { requestLogging } from './observability/logging';
import { RateLimitMiddleware } from './rate-limit/rate-limit.middleware';

/** Builds the gateway (not listening) from a validated configuration. */
export async function createApp(
  config: AppConfig,
  options: { logger?: LogLevel[] | false | LoggerService } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new GatewayExpressAdapter(),
    appOptions(config, options),
  );
  return configureApp(app, config);
}

/** How the application is created; tests that replace providers create it from a testing module with these. */
export function appOptions(config: AppConfig, options: { logger?: LogLevel[] | false | LoggerService } = {}) {
  return {
    logger:
      options.logger ??
      (config.nodeEnv === 'test' ? (['error'] as LogLevel[]) : (['log', 'warn', 'error'] as LogLevel[])),
    // JSON only, globally; SAML and demo IdP routes parse their own form bodies with their limits.
    bodyParser: false,
    abortOnError: false,
  };
}

/** The middleware, body parser and filters every instance of the gateway gets. */
export function configureApp(app: NestExpressApplication, config: AppConfig): INestApplication {
  // Only the configured proxies are believed about the client's address (the rate limits key on it).
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // No ETag on what Express sends: GraphQL answers and JSON routes are per caller and never
  // revalidated, and the hash of every body cost 2-4 % of a list's CPU. The portal's files
  // keep theirs (served by serve-static).
  app.set('etag', false);
  app.use(securityHeaders(config));
  // The portal (web/, built into dist/web): its files and its pages, under the same CSP, before
  // the rate limiter (a page load fetches a few assets); it owns only its own routes.
  for (const handler of portalHandlers()) app.use(handler);
  app.use(cookieParser());
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = randomUUID();
    (req as AuthenticatedRequest).requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  });
  // One JSON line per request, on stdout, refused ones included (observability/logging.ts).
  app.use(requestLogging(config, process.stdout));
  // Before any body is parsed: a refused request costs as little as possible.
  app.use(app.get(RateLimitMiddleware).handler);
  // JSON bodies are GraphQL requests: bounded by GRAPHQL_MAX_BODY_BYTES (larger ones get 413).
  app.useBodyParser('json', { limit: config.graphqlMaxBodyBytes });
  app.useGlobalFilters(new HttpExceptionFilter());
  // No enableShutdownHooks(): main.ts drains requests on SIGTERM/SIGINT before closing (GracefulShutdown).
  return app;
}
