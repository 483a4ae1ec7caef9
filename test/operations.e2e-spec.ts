import { randomUUID } from 'node:crypto';
import { AddressInfo, connect, createServer, Socket } from 'node:net';
import request from 'supertest';
import { GracefulShutdown } from '../src/observability/graceful-shutdown';
import { MAX_OPERATION_LABELS } from '../src/observability/metrics.service';
import { QueryCountingLogger } from '../src/observability/query-counting.logger';
import { SMALL_WORLD } from './fixtures/small-world';
import {
  buildOnce,
  describeOnEmbeddedOnce,
  embeddedGatewayEnv,
  freePort,
  jsonLines,
  startChild,
  stopAllChildren,
} from './support/child-gateway';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// Runs on in-memory PGlite, or on a fresh PostgreSQL database when DATABASE_URL is set.
// Redis: REDIS_URL, or the local one CI starts.
const LIVE_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A raw HTTP/1.1 exchange: what the server wrote, as text, once it closed or after `ms`. */
function rawSocket(port: number): Promise<{ socket: Socket; received: () => string; ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (b: Buffer) => (text += b.toString('utf8')));
    const ended = new Promise<string>((done) => socket.once('close', () => done(text)));
    socket.once('error', reject);
    socket.once('connect', () => resolve({ socket, received: () => text, ended }));
  });
}

function refused(port: number): Promise<string> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Status and JSON body of a raw HTTP response. */
function parseResponse(text: string): { status: number; body: any } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status, body: JSON.parse(body) };
}

describe('operations', () => {
  describe('health probes', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2' });
    });
    afterAll(() => t.close());

    it('answers /health/live without touching the database, to a caller without credentials', async () => {
      const sql = t.dataSource.logger as QueryCountingLogger;
      const before = sql.queries;
      const res = await request(t.http).get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(sql.queries).toBe(before);
    });

    it('answers /health/ready 200 when the database answers', async () => {
      const res = await request(t.http).get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', checks: { database: { status: 'up' } } });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('is never rate-limited, while other anonymous requests are', async () => {
      for (let i = 0; i < 6; i++) expect((await request(t.http).get('/health/ready')).status).toBe(200);
      const others = [];
      for (let i = 0; i < 4; i++) others.push((await request(t.http).get('/no-such-page')).status);
      expect(others).toContain(429);
      expect((await request(t.http).get('/health/live')).status).toBe(200);
    });
  });

  describe('readiness when a dependency is down', () => {
    it('answers 503 naming the database once its pool is gone, and never the URL', async () => {
      const t = await startTestApp();
      try {
        expect((await request(t.http).get('/health/ready')).status).toBe(200);
        // Stop the database under the application's feet (pg's pool, or the PGlite instance).
        await (t.dataSource.driver as unknown as { master: { end(): Promise<void> } }).master.end();
        const res = await request(t.http).get('/health/ready');
        expect(res.status).toBe(503);
        expect(res.body.status).toBe('unavailable');
        expect(res.body.checks.database).toEqual({ status: 'down', error: expect.any(String) });
        expect(JSON.stringify(res.body)).not.toMatch(/postgres|@127|password/i);
        // Liveness does not depend on it: the process still answers.
        expect((await request(t.http).get('/health/live')).status).toBe(200);
      } finally {
        await t.close().catch(() => undefined);
      }
    });

    it('answers 503 naming Redis when REDIS_URL points nowhere, without its password; 200 with a live Redis', async () => {
      // A port held for the test by a listener that hangs up at once: a dead Redis that no other
      // test's server can take over while the gateway keeps reconnecting to it.
      const dead = createServer((socket) => socket.destroy());
      await new Promise<void>((listening) => dead.listen(0, '127.0.0.1', listening));
      const port = (dead.address() as AddressInfo).port;
      const t = await startTestApp({ REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` }).catch(
        async (error: unknown) => {
          dead.close();
          throw error;
        },
      );
      try {
        const started = Date.now();
        const res = await request(t.http).get('/health/ready');
        expect(res.status).toBe(503);
        expect(res.body).toEqual({
          status: 'unavailable',
          checks: { database: { status: 'up' }, redis: { status: 'down', error: expect.any(String) } },
        });
        expect(JSON.stringify(res.body)).not.toContain('hunter2');
        expect(JSON.stringify(res.body)).not.toContain(String(port));
        // Bounded: well under the probe's limit plus the request.
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await t.close();
        await new Promise((closed) => dead.close(closed));
      }
      const live = await startTestApp({ REDIS_URL: LIVE_REDIS });
      try {
        const res = await request(live.http).get('/health/ready');
        expect(res.body).toEqual({ status: 'ok', checks: { database: { status: 'up' }, redis: { status: 'up' } } });
        expect(res.status).toBe(200);
      } finally {
        await live.close();
      }
    });
  });

  describe('graceful shutdown', () => {
    const ME = JSON.stringify({ query: '{ me { id } }' });

    async function listening(): Promise<{ t: TestApp; port: number; token: string; userId: string }> {
      const t = await startTestApp();
      const ids = await t.importWorld(SMALL_WORLD);
      const token = await t.tokenFor(ids.owner);
      await t.app.listen(0, '127.0.0.1');
      const port = (t.app.getHttpServer().address() as { port: number }).port;
      return { t, port, token, userId: ids.owner };
    }

    /** A GraphQL request whose body is half sent: in flight until `finish` is called. */
    async function slowRequest(port: number, token: string) {
      const raw = await rawSocket(port);
      const half = Math.floor(ME.length / 2);
      raw.socket.write(
        `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
          `Authorization: Bearer ${token}\r\nContent-Length: ${Buffer.byteLength(ME)}\r\n\r\n${ME.slice(0, half)}`,
      );
      return { ...raw, finish: () => raw.socket.write(ME.slice(half)) };
    }

    it('turns readiness 503 at once, refuses new connections, lets the request in flight finish, then closes', async () => {
      const { t, port, token, userId } = await listening();
      const logs: string[] = [];
      const shutdown = new GracefulShutdown(t.app, t.app.getHttpServer(), 10_000, {
        log: (m) => logs.push(m),
        error: (m) => logs.push(`ERROR ${m}`),
      });
      try {
        const slow = await slowRequest(port, token);
        // A probe whose headers are not all there yet: its connection is busy, not idle.
        const probe = await rawSocket(port);
        probe.socket.write('GET /health/ready HTTP/1.1\r\nHost: localhost\r\n');
        await sleep(200);
        expect(shutdown.pending).toBe(1);

        const close = jest.spyOn(t.app, 'close');
        const done = shutdown.run('SIGTERM');
        probe.socket.write('\r\n');
        await sleep(200);
        expect(parseResponse(probe.received())).toEqual({ status: 503, body: { status: 'draining' } });
        expect(await refused(port)).toBe('ECONNREFUSED');
        // Nothing of the application is closed while a request is in flight.
        expect(close).not.toHaveBeenCalled();
        expect(t.dataSource.isInitialized).toBe(true);

        slow.finish();
        const answer = parseResponse(await slow.ended);
        expect(answer).toEqual({ status: 200, body: { data: { me: { id: userId } } } });
        expect(await done).toBe(0);
        expect(close).toHaveBeenCalledTimes(1);
        expect(t.dataSource.isInitialized).toBe(false);
        expect(logs.some((l) => l.startsWith('ERROR'))).toBe(false);
        probe.socket.destroy();
      } finally {
        await t.close().catch(() => undefined);
      }
    });

    it('past SHUTDOWN_TIMEOUT_MS gives up with exit code 1, naming the request still open', async () => {
      const { t, port, token } = await listening();
      const errors: string[] = [];
      const shutdown = new GracefulShutdown(t.app, t.app.getHttpServer(), 500, {
        log: () => undefined,
        error: (m) => errors.push(m),
      });
      const stuck = await slowRequest(port, token);
      try {
        await sleep(200);
        const started = Date.now();
        expect(await shutdown.run('SIGTERM')).toBe(1);
        expect(Date.now() - started).toBeLessThan(2000);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(
          /longer than 500 ms, waiting for requests in flight; still open: 1 request\(s\): POST \/graphql \(request [0-9a-f-]{36}\)/,
        );
      } finally {
        stuck.socket.destroy();
        await t.close().catch(() => undefined);
      }
    });
  });

  describe('metrics', () => {
    let t: TestApp;
    let token: string;

    beforeAll(async () => {
      t = await startTestApp({ METRICS_ENABLED: 'true' });
      const ids = await t.importWorld(SMALL_WORLD);
      token = await t.tokenFor(ids.owner);
    });
    afterAll(() => t.close());

    const scrape = async () => {
      const res = await request(t.http).get('/metrics');
      expect(res.status).toBe(200);
      return res.text;
    };
    const series = (text: string, name: string) =>
      text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

    it('measures requests by route and GraphQL operation, errors by code, denials, the pool and the event loop', async () => {
      expectData(await t.gql(token, 'query Mine { me { id } }'));
      expectError(await t.gql(token, `query Peek { space(id: "${randomUUID()}") { id } }`), 'NOT_FOUND');
      expectError(await t.gql(null, 'query Anon { me { id } }'), 'UNAUTHENTICATED');
      const acs = await request(t.http)
        .post(`/auth/saml/${randomUUID()}/acs`)
        .type('form')
        .send({ SAMLResponse: 'bm90IGEgcmVzcG9uc2U=' });
      expect(acs.status).toBeGreaterThanOrEqual(400);
      const text = await scrape();
      expect(text).toMatch(/^passerelle_sign_ins_total\{outcome="refused",reason="[a-z_]+"\} 1$/m);
      expect(series(text, 'passerelle_graphql_request_duration_seconds_count')).toEqual(
        expect.arrayContaining([
          'passerelle_graphql_request_duration_seconds_count{operation="Mine"} 1',
          'passerelle_graphql_request_duration_seconds_count{operation="Peek"} 1',
        ]),
      );
      expect(text).toMatch(
        /^passerelle_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} \d+$/m,
      );
      expect(text).toMatch(/^passerelle_graphql_errors_total\{code="NOT_FOUND"\} 1$/m);
      expect(text).toMatch(/^passerelle_graphql_errors_total\{code="UNAUTHENTICATED"\} 1$/m);
      expect(text).toMatch(/^passerelle_authorization_denials_total\{kind="not_found"\} 1$/m);
      expect(text).toMatch(/^passerelle_db_pool_connections\{state="total"\} \d+$/m);
      expect(text).toMatch(/^passerelle_db_pool_connections\{state="waiting"\} 0$/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
      expect(text).toMatch(/^passerelle_sql_queries_total \d+$/m);
      expect(text).toMatch(/^# TYPE passerelle_sign_ins_total counter$/m);
      expect(text).toMatch(/^passerelle_mail_attempts_total\{outcome="sent"\} 0$/m);
    });

    it('keeps the operation label set bounded whatever names clients send', async () => {
      for (let i = 0; i < 70; i++) expectData(await t.gql(token, `query Made${i} { me { id } }`));
      const labels = series(await scrape(), 'passerelle_graphql_request_duration_seconds_count');
      // The first names seen, plus `other` and `anonymous` (refused before the document was read).
      expect(labels.length).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 2);
      expect(labels.some((l) => l.includes('operation="other"'))).toBe(true);
      expect(labels.some((l) => l.includes('operation="Made69"'))).toBe(false);
    });
  });

  describeOnEmbeddedOnce('the process (built gateway, child processes)', () => {
    beforeAll(() => buildOnce());
    afterEach(() => stopAllChildren());

    const body = JSON.stringify({ query: '{ me { id } }' });
    /** A request whose body is half sent: in flight until `finish`. */
    async function inFlight(port: number) {
      const raw = await rawSocket(port);
      raw.socket.write(
        `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      );
      await sleep(300);
      return { ...raw, finish: () => raw.socket.write(body.slice(5)) };
    }

    it('on SIGTERM answers the request in flight, then exits 0, logging JSON lines only on stdout', async () => {
      const port = await freePort();
      const g = await startChild(embeddedGatewayEnv(port));
      expect(g.listening).toBe(true);
      const pending = await inFlight(port);
      g.child.kill('SIGTERM');
      await sleep(300);
      expect(await refused(port)).toBe('ECONNREFUSED');
      expect(g.child.exitCode).toBeNull();
      pending.finish();
      // Answered (401: no credential), not cut off.
      expect(await pending.ended).toMatch(/^HTTP\/1\.1 401 /);
      expect(await g.exited).toBe(0);
      expect(g.stderr()).toBe('');
      const lines = jsonLines(g.stdout());
      expect(
        g
          .stdout()
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('{')),
      ).toEqual([]);
      const messages = lines.map((l) => l.msg);
      expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^listening on /), 'shut down cleanly']));
      expect(messages.some((m) => /^SIGTERM: shutting down \(in flight: 1,/.test(m))).toBe(true);
      expect(lines.some((l) => l.req?.url === '/graphql' && l.res?.statusCode === 401)).toBe(true);
    });

    it('past SHUTDOWN_TIMEOUT_MS exits 1, naming the request still open', async () => {
      const port = await freePort();
      const g = await startChild(embeddedGatewayEnv(port, { SHUTDOWN_TIMEOUT_MS: '500' }));
      expect(g.listening).toBe(true);
      const stuck = await inFlight(port);
      try {
        g.child.kill('SIGTERM');
        expect(await g.exited).toBe(1);
        const errors = jsonLines(g.stdout()).filter((l) => l.level === 'error');
        expect(errors.map((l) => l.msg)).toEqual([
          expect.stringMatching(
            /^shutdown took longer than 500 ms, waiting for requests in flight; still open: 1 request\(s\): POST \/graphql \(request [0-9a-f-]{36}\)/,
          ),
        ]);
      } finally {
        stuck.socket.destroy();
      }
    });
  });
});
