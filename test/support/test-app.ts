import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { GatewayExpressAdapter } from '../../src/common/gateway-express-adapter';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { appOptions, configureApp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { SessionService } from '../../src/auth/session.service';
import { TokenService } from '../../src/auth/token.service';
import { WorldImportService } from '../../src/world-import/world-import.service';
import { createTestDatabase } from './test-database';
import { TestClock } from './test-clock';

export interface GqlResponse {
  status: number;
  body: {
    data?: any;
    errors?: Array<{ message: string; path?: string[]; extensions: { code: string; reason?: string } }>;
  };
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<INestApplication['getHttpServer']>;
  dataSource: DataSource;
  config: AppConfig;
  clock: TestClock;
  gql(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  importWorld(world: unknown): Promise<Record<string, string>>;
  tokenFor(userId: string): Promise<string>;
  sessionFor(userId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole gateway on a throwaway database (PGlite in memory, or a fresh PostgreSQL
 * database when DATABASE_URL is set), with its real migrations and a movable clock.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // A caller's own database (env.DATABASE_URL) is theirs to create and drop.
  const db = env.DATABASE_URL ? { env: {}, drop: async () => undefined } : await createTestDatabase({ migrated: true });
  // Generous rate limits: property tests fire thousands of requests from one address.
  const limits = {
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    RATE_LIMIT_SIGNIN_PER_MINUTE: '1000000',
    RATE_LIMIT_GRAPHQL_PER_MINUTE: '1000000',
    // Generous database bounds: two suites share two cores; test/faults.e2e-spec.ts sets tight ones.
    DATABASE_CONNECT_TIMEOUT_MS: '60000',
    DATABASE_STATEMENT_TIMEOUT_MS: '120000',
  };
  const config = new AppConfig({
    NODE_ENV: 'test',
    DEMO_SEED: 'false',
    DEMO_IDP: 'false',
    ...limits,
    ...db.env,
    // Files run in parallel against one Redis: each app its own counters and channel.
    ...(env.REDIS_URL ? redisNamespace() : {}),
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useClass(TestClock)
    .compile();
  const app = configureApp(
    moduleRef.createNestApplication<NestExpressApplication>(new GatewayExpressAdapter(), appOptions(config)),
    config,
  );
  await app.init();
  const http = app.getHttpServer();
  const clock = app.get(Clock) as TestClock;
  return {
    app,
    http,
    config,
    clock,
    dataSource: app.get(DataSource),
    async gql(token, query, variables) {
      const req = request(http).post('/graphql').set('Content-Type', 'application/json');
      if (token) req.set('Authorization', `Bearer ${token}`);
      const res = await req.send({ query, variables });
      return { status: res.status, body: res.body };
    },
    async importWorld(world) {
      return (await app.get(WorldImportService).importWorld(world, { now: clock.now() })).ids;
    },
    async tokenFor(userId) {
      return (await app.get(TokenService).mint(userId, { ttlSeconds: 24 * 3600 })).token;
    },
    async sessionFor(userId) {
      return (await app.get(SessionService).create(userId)).cookieValue;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** A rate-limit prefix and a real-time channel of this app's own on a shared Redis. */
export function redisNamespace(): Record<string, string> {
  const own = `passerelle:t${process.pid}:${randomBytes(4).toString('hex')}:`;
  return { RATE_LIMIT_REDIS_PREFIX: `${own}ratelimit:`, REALTIME_REDIS_CHANNEL: `${own}realtime` };
}
