import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { AuditService } from '../../src/audit/audit.service';
import { RateLimitAuditor } from '../../src/rate-limit/rate-limit.auditor';
import { SMALL_WORLD } from '../fixtures/small-world';
import { startTestApp, TestApp } from '../support/test-app';

// Small limits: a handful of requests reaches each of them.
const LIMITS = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5',
  RATE_LIMIT_SIGNIN_PER_MINUTE: '3',
  RATE_LIMIT_GRAPHQL_PER_MINUTE: '4',
};
const ANONYMOUS = 5;
const SIGN_IN = 3;
const GRAPHQL = 4;
const MISSING = '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11';
const ME = '{ me { id } }';

// Each test takes addresses no other test uses (TEST-NET-3 and the IPv6 documentation prefix).
let nextIp = 0;
function freshIp(): string {
  nextIp++;
  return `203.0.113.${nextIp}`;
}

type Http = TestApp['http'];

function gql(http: Http, ip: string, credential: { token?: string; cookie?: string } = {}, query = ME) {
  const req = request(http).post('/graphql').set('Content-Type', 'application/json').set('X-Forwarded-For', ip);
  if (credential.token) req.set('Authorization', `Bearer ${credential.token}`);
  if (credential.cookie) req.set('Cookie', `passerelle_session=${credential.cookie}`);
  return req.send({ query });
}

function expectRetryAfter(res: request.Response): void {
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
}

/** A GraphQL refusal for rate: HTTP 429, Retry-After, an error body with its own code and no data. */
function expectGraphqlThrottled(res: request.Response): void {
  expect(res.status).toBe(429);
  expectRetryAfter(res);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  expect(res.body.errors[0].message).toMatch(/too many requests/i);
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|stack/i);
}

function expectRestThrottled(res: request.Response): void {
  expect(res.status).toBe(429);
  expectRetryAfter(res);
  expect(res.body.error.code).toBe('RATE_LIMITED');
  expect(res.body.error.message).toMatch(/too many requests/i);
}

/** An anonymous GraphQL request that got through the limiter: the API answered it (UNAUTHENTICATED). */
function expectAnonymousServed(res: request.Response): void {
  expect(res.status).not.toBe(429);
  expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
}

function expectServedAs(res: request.Response, userId: string): void {
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.me.id).toBe(userId);
}

async function auditCount(t: TestApp, action: string): Promise<number> {
  const rows: { n: string }[] = await t.dataSource.query(`SELECT count(*) AS n FROM audit_events WHERE action = $1`, [
    action,
  ]);
  return Number(rows[0].n);
}

describe('rate limits, in-memory store', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let alice: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ ...LIMITS, DEMO_IDP: 'true', METRICS_ENABLED: 'true' });
    ids = await t.importWorld(SMALL_WORLD);
    alice = await t.tokenFor(ids.alice);
    admin = await t.tokenFor(ids.admin);
  });
  afterAll(() => t?.close());

  it('limits anonymous GraphQL requests per client IP, with 429 and Retry-After, other IPs untouched', async () => {
    const ip = freshIp();
    for (let i = 0; i < ANONYMOUS; i++) expectAnonymousServed(await gql(t.http, ip));
    expectGraphqlThrottled(await gql(t.http, ip));
    expectGraphqlThrottled(await gql(t.http, ip));
    // Other spellings of the endpoint share the bucket.
    for (const path of ['/GraphQL', '/graphql/', '//graphql']) {
      expectGraphqlThrottled(
        await request(t.http)
          .post(path)
          .set('Content-Type', 'application/json')
          .set('X-Forwarded-For', ip)
          .send({ query: ME }),
      );
    }
    expectAnonymousServed(await gql(t.http, freshIp()));
  });

  it('limits anonymous REST requests per client IP with a JSON reason', async () => {
    const ip = freshIp();
    for (let i = 0; i < ANONYMOUS; i++) {
      const res = await request(t.http).get('/metrics').set('X-Forwarded-For', ip);
      expect(res.status).toBe(200);
    }
    expectRestThrottled(await request(t.http).get('/metrics').set('X-Forwarded-For', ip));
    expectRestThrottled(await request(t.http).get('/no-such-route').set('X-Forwarded-For', ip));
  });

  it('counts garbage credentials, malformed bodies and invalid queries as anonymous: no way around the IP bucket', async () => {
    const ip = freshIp();
    const random = () => randomBytes(24).toString('base64url');
    const attempts = [
      () => gql(t.http, ip, { token: random() }),
      () => gql(t.http, ip, { cookie: random() }),
      () => gql(t.http, ip, {}, '{ me { id '),
      () =>
        request(t.http)
          .post('/graphql')
          .set('Content-Type', 'application/json')
          .set('X-Forwarded-For', ip)
          .send('{"query":'),
      () =>
        request(t.http)
          .post('/graphql')
          .set('X-Forwarded-For', ip)
          .set('Authorization', 'Basic abc')
          .set('Content-Type', 'application/json')
          .send({ query: ME }),
    ];
    expect(attempts).toHaveLength(ANONYMOUS);
    for (const attempt of attempts) expect((await attempt()).status).not.toBe(429);
    const unauthenticatedBefore = await auditCount(t, 'auth.unauthenticated');
    for (let i = 0; i < 10; i++) expectGraphqlThrottled(await gql(t.http, ip, { token: random() }));
    // Refused before any lookup: a flood writes no audit row per request.
    expect(await auditCount(t, 'auth.unauthenticated')).toBe(unauthenticatedBefore);
  });

  it('keys on the address the trusted proxy saw: spoofed X-Forwarded-For entries on the left change nothing', async () => {
    const real = freshIp();
    for (let i = 0; i < ANONYMOUS; i++) expectAnonymousServed(await gql(t.http, `10.9.8.${i}, ${real}`));
    expectGraphqlThrottled(await gql(t.http, `10.9.8.99, ${real}`));
    expectGraphqlThrottled(await gql(t.http, `198.18.0.1, 10.0.0.1, ${real}`));
  });

  it('keys IPv6 clients by /64: rotating the interface identifier does not escape the limit', async () => {
    for (let i = 0; i < ANONYMOUS; i++)
      expectAnonymousServed(await gql(t.http, `2001:db8:7:1::${(i + 1).toString(16)}`));
    expectGraphqlThrottled(await gql(t.http, '2001:db8:7:1:ffff:ffff:ffff:ffff'));
    expectAnonymousServed(await gql(t.http, '2001:db8:7:2::1'));
  });

  const signInRoutes: [string, (http: Http, ip: string) => request.Test][] = [
    [
      'GET /auth/discover',
      (http, ip) => request(http).get('/auth/discover?email=someone%40acme.test').set('X-Forwarded-For', ip),
    ],
    [
      'GET /auth/saml/:connection/login',
      (http, ip) => request(http).get(`/auth/saml/${MISSING}/login`).set('X-Forwarded-For', ip),
    ],
    [
      'POST /auth/saml/:connection/acs',
      (http, ip) =>
        request(http)
          .post(`/auth/saml/${MISSING}/acs`)
          .type('form')
          .send('SAMLResponse=PHg%2B')
          .set('X-Forwarded-For', ip),
    ],
    [
      'GET /auth/saml/:connection/slo',
      (http, ip) => request(http).get(`/auth/saml/${MISSING}/slo?SAMLRequest=abc`).set('X-Forwarded-For', ip),
    ],
    [
      'POST /auth/saml/:connection/slo',
      (http, ip) =>
        request(http).post(`/auth/saml/${MISSING}/slo`).type('form').send('SAMLRequest=abc').set('X-Forwarded-For', ip),
    ],
    [
      'GET /auth/saml/:connection/metadata',
      (http, ip) => request(http).get(`/auth/saml/${MISSING}/metadata`).set('X-Forwarded-For', ip),
    ],
    ['POST /auth/logout', (http, ip) => request(http).post('/auth/logout').set('X-Forwarded-For', ip)],
    ['GET /auth/welcome', (http, ip) => request(http).get('/auth/welcome').set('X-Forwarded-For', ip)],
    ['GET /demo-idp', (http, ip) => request(http).get('/demo-idp').set('X-Forwarded-For', ip)],
    [
      'GET /demo-idp/:connection/sso',
      (http, ip) => request(http).get(`/demo-idp/${MISSING}/sso`).set('X-Forwarded-For', ip),
    ],
  ];

  it.each(signInRoutes)('limits %s per client IP (sign-in limit)', async (_name, send) => {
    const ip = freshIp();
    for (let i = 0; i < SIGN_IN; i++) expect((await send(t.http, ip)).status).not.toBe(429);
    expectRestThrottled(await send(t.http, ip).set('Accept', 'application/json'));
    expect((await send(t.http, freshIp())).status).not.toBe(429);
  });

  it('shares one sign-in bucket across the sign-in routes, whatever the case of the path or the credential sent', async () => {
    const ip = freshIp();
    expect(
      (await request(t.http).get('/auth/discover?email=a%40acme.test').set('X-Forwarded-For', ip)).status,
    ).not.toBe(429);
    expect(
      (await request(t.http).get('/AUTH/Discover?email=a%40acme.test').set('X-Forwarded-For', ip)).status,
    ).not.toBe(429);
    expect(
      (await request(t.http).get('/demo-idp').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${alice}`))
        .status,
    ).not.toBe(429);
    expectRestThrottled(
      await request(t.http).post('/auth/logout').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${admin}`),
    );
    expectRestThrottled(await request(t.http).get('//auth//discover?email=a%40acme.test').set('X-Forwarded-For', ip));
  });

  it('answers a browser with a page, in French first and in English', async () => {
    const ip = freshIp();
    for (let i = 0; i < SIGN_IN; i++)
      await request(t.http).get('/auth/discover?email=a%40acme.test').set('X-Forwarded-For', ip);
    const res = await request(t.http)
      .get('/auth/discover?email=a%40acme.test')
      .set('X-Forwarded-For', ip)
      .set('Accept', 'text/html');
    expect(res.status).toBe(429);
    expectRetryAfter(res);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/lang="fr"/);
    expect(res.text).toMatch(/Trop de requêtes/);
    expect(res.text).toMatch(/Too many requests/);
    expect(res.text.indexOf('Trop de requêtes')).toBeLessThan(res.text.indexOf('Too many requests'));
  });

  it('limits GraphQL per principal: one user throttled, another user on the same IP served', async () => {
    const ip = freshIp();
    for (let i = 0; i < GRAPHQL; i++) expectServedAs(await gql(t.http, ip, { token: alice }), ids.alice);
    expectGraphqlThrottled(await gql(t.http, ip, { token: alice }));
    // Same IP, another principal: served.
    expectServedAs(await gql(t.http, ip, { token: admin }), ids.admin);
    // The same principal through another token, a session, or another address: still throttled.
    expectGraphqlThrottled(await gql(t.http, ip, { token: await t.tokenFor(ids.alice) }));
    expectGraphqlThrottled(await gql(t.http, freshIp(), { cookie: await t.sessionFor(ids.alice) }));
    // The principal's bucket is not the IP's anonymous one.
    expectAnonymousServed(await gql(t.http, ip));
  });

  it('counts each HTTP request once, whatever the number of root fields', async () => {
    const ip = freshIp();
    const bob = await t.tokenFor(ids.bob);
    const wide = '{ a: me { id } b: me { id } c: me { id } d: me { id } e: me { id } f: me { id } }';
    for (let i = 0; i < GRAPHQL; i++) {
      const res = await gql(t.http, ip, { token: bob }, wide);
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.f.id).toBe(ids.bob);
    }
    expectGraphqlThrottled(await gql(t.http, ip, { token: bob }, wide));
  });

  it('audits rejections in aggregate (one row per interval, not per request) and counts them in /metrics', async () => {
    const auditor = t.app.get(RateLimitAuditor);
    await auditor.flush();
    const before = await auditCount(t, 'rate_limit.rejected');
    const ip = freshIp();
    for (let i = 0; i < ANONYMOUS; i++) expectAnonymousServed(await gql(t.http, ip));
    for (let i = 0; i < 30; i++) expectGraphqlThrottled(await gql(t.http, ip));
    expect(await auditCount(t, 'rate_limit.rejected')).toBe(before);
    await auditor.flush();
    expect(await auditCount(t, 'rate_limit.rejected')).toBe(before + 1);
    const [row]: { outcome: string; reason: string; details: Record<string, any> }[] = await t.dataSource.query(
      `SELECT outcome, reason, details FROM audit_events WHERE action = 'rate_limit.rejected' ORDER BY seq DESC LIMIT 1`,
    );
    expect(row.outcome).toBe('DENIED');
    expect(row.reason).toBe('rate_limited');
    expect(row.details.rejected).toBe(30);
    expect(row.details.byLimit).toEqual({ anonymous: 30 });
    expect(row.details.top).toEqual([{ limit: 'anonymous', key: `ip:${ip}`, rejected: 30 }]);
    // Nothing rejected since: the next flush writes nothing.
    await auditor.flush();
    expect(await auditCount(t, 'rate_limit.rejected')).toBe(before + 1);

    const metrics = await request(t.http).get('/metrics').set('X-Forwarded-For', freshIp());
    expect(metrics.status).toBe(200);
    const anonymous = /^passerelle_rate_limited_requests_total\{limit="anonymous"\} (\d+)$/m.exec(metrics.text);
    expect(Number(anonymous?.[1])).toBeGreaterThanOrEqual(30);
    expect(metrics.text).toMatch(/^passerelle_rate_limited_requests_total\{limit="graphql"\} \d+$/m);
    expect(metrics.text).toMatch(/^passerelle_rate_limited_requests_total\{limit="sign_in"\} \d+$/m);
    const served429 = /^passerelle_http_requests_total\{status="429"\} (\d+)$/m.exec(metrics.text);
    expect(Number(served429?.[1])).toBeGreaterThanOrEqual(30);
    expect((await t.app.get(AuditService).verifyChain()).ok).toBe(true);
  });
});

describe('rate limits behind no trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...LIMITS, TRUST_PROXY: 'false' });
  });
  afterAll(() => t?.close());

  it('ignores X-Forwarded-For from a peer that is not a configured proxy', async () => {
    for (let i = 0; i < ANONYMOUS; i++) expectAnonymousServed(await gql(t.http, freshIp()));
    // Every request came from the same socket address: rotating the header does not help.
    expectGraphqlThrottled(await gql(t.http, freshIp()));
  });
});

const redisUrl = process.env.REDIS_URL;

// With REDIS_URL the counters are shared: this runs on CI (which sets REDIS_URL); the
// in-memory suites above run everywhere.
(redisUrl ? describe : describe.skip)('rate limits shared by two instances through Redis', () => {
  const prefix = `passerelle:test:${process.pid}:${randomBytes(4).toString('hex')}:ratelimit:`;
  let one: TestApp;
  let two: TestApp;
  let ids: Record<string, string>;
  let redis: Redis;

  beforeAll(async () => {
    const env = { ...LIMITS, REDIS_URL: redisUrl!, RATE_LIMIT_REDIS_PREFIX: prefix };
    one = await startTestApp(env);
    two = await startTestApp(env);
    // Ids derive from the world's keys: the same people in both databases.
    ids = await one.importWorld(SMALL_WORLD);
    expect(await two.importWorld(SMALL_WORLD)).toEqual(ids);
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await two?.close();
    await one?.close();
  });

  it('shares the anonymous per-IP counter', async () => {
    const ip = freshIp();
    for (let i = 0; i < ANONYMOUS; i++) expectAnonymousServed(await gql((i % 2 ? one : two).http, ip));
    expectGraphqlThrottled(await gql(one.http, ip));
    expectGraphqlThrottled(await gql(two.http, ip));
  });

  it('shares the sign-in per-IP counter', async () => {
    const ip = freshIp();
    for (let i = 0; i < SIGN_IN; i++) {
      expect(
        (
          await request((i % 2 ? one : two).http)
            .get('/auth/discover?email=a%40acme.test')
            .set('X-Forwarded-For', ip)
        ).status,
      ).not.toBe(429);
    }
    expectRestThrottled(await request(one.http).get('/auth/discover?email=a%40acme.test').set('X-Forwarded-For', ip));
    expectRestThrottled(await request(two.http).post('/auth/logout').set('X-Forwarded-For', ip));
  });

  it('shares the per-principal GraphQL counter; another principal is served', async () => {
    const ip = freshIp();
    const aliceOne = await one.tokenFor(ids.alice);
    const aliceTwo = await two.tokenFor(ids.alice);
    for (let i = 0; i < GRAPHQL; i++)
      expectServedAs(await gql(i % 2 ? one.http : two.http, ip, { token: i % 2 ? aliceOne : aliceTwo }), ids.alice);
    expectGraphqlThrottled(await gql(one.http, ip, { token: aliceOne }));
    expectGraphqlThrottled(await gql(two.http, ip, { token: aliceTwo }));
    expectServedAs(await gql(two.http, ip, { token: await two.tokenFor(ids.admin) }), ids.admin);
  });

  it('keeps its counters under the configured prefix, expiring within the window', async () => {
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });
});
