import { randomUUID } from 'node:crypto';
import { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { AuthenticatedRequest } from './access/request-context';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { HttpExceptionFilter } from './common/http-exception.filter';

/** Builds the gateway (not listening) from a validated configuration. */
export async function createApp(config: AppConfig, options: { logger?: LogLevel[] | false | LoggerService } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), new ExpressAdapter(), {
    logger: options.logger ?? (config.nodeEnv === 'test' ? ['error'] : ['log', 'warn', 'error']),
    // JSON only, globally; SAML and demo IdP routes parse their own form bodies with their limits.
    bodyParser: false,
    abortOnError: false,
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '1mb' });
  app.use(cookieParser());
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = randomUUID();
    (req as AuthenticatedRequest).requestId = id;
    res.setHeader('X-Request-Id', id);
    next();
  });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  return app;
}
