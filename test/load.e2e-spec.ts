import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { metricTotal, scrape } from './bench/prometheus';
import { seedWorld, worldSize } from './bench/seed';
import { baseEnv, buildOnce, ChildGateway, freePort, startChild, stopAllChildren } from './support/child-gateway';
import { Inspector } from './support/inspector';
import { HttpClient, Summary, Tally } from './support/load-driver';
import { InvitationPlan, LoadCaller, LoadMix, MIX } from './support/load-mix';
import { loadWorld } from './support/load-world';
import { createTestDatabase } from './support/test-database';

// Issue 12, item 5: a bounded load test on loopback. The built gateway runs as a child process
// in production mode on its own PostgreSQL database, seeded by the benchmark's seed; 32
// concurrent callers mix reads, sign-ins through the real ACS and writes for LOAD_SECONDS
// (60 by default), after a warm-up. It must end with no 5xx, no connection error, no
// unexpected GraphQL error (the refusals the rule demands are expected and counted apart),
// the heap after a forced collection within a bound of the heap after the warm-up (read
// through the V8 inspector, so the gateway exposes nothing more), and every database
// connection back in the pool, idle, then closed by the pool's idle timeout.
//
// Long: it runs only with LOAD_TEST=1 (`npm run test:load`), and needs DATABASE_URL.

const enabled = process.env.LOAD_TEST === '1';
const describeLoad = enabled ? describe : describe.skip;

function numberEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number of at least ${min}`);
  return value;
}

const SECONDS = numberEnv('LOAD_SECONDS', 60, 1);
const WARMUP_SECONDS = numberEnv('LOAD_WARMUP_SECONDS', 10, 1);
/** The benchmark's world at this scale: 0.25 is 5 organisations, 500 people, 50 spaces, 25,000 posts, 75,000 comments. */
const SCALE = numberEnv('LOAD_SCALE', 0.25, 0.06);
const CONCURRENCY = 32;
const CALLERS = 64;
/** Invitations ready to be made and accepted (about 3 % of the actions take one). */
const INVITATIONS = 2000;
const POOL_SIZE = 20;
/** The heap may end this much above where it stood after the warm-up: 10 %, and 8 MiB for caches filling. */
const HEAP_GROWTH_SHARE = 0.1;
const HEAP_GROWTH_BYTES = 8 * 1024 * 1024;
/** The pool closes a connection idle this long (DATABASE_IDLE_TIMEOUT_MS, shortened from its 5 minutes for this test). */
const POOL_IDLE_TIMEOUT_MS = 10_000;

jest.setTimeout((WARMUP_SECONDS + SECONDS + 300) * 1000);

const log = (line: string) => process.stderr.write(`[load] ${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The series of a metric by one label's value, from Prometheus text. */
function byLabel(text: string, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const pattern = new RegExp(`^${name}\\{(?:[^}]*,)?${label}="([^"]*)"[^}]*\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    const m = pattern.exec(line);
    if (m) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  }
  return out;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) !== 0) out[k] = v - (before[k] ?? 0);
  return out;
}

interface Connections {
  /** What the pool says (passerelle_db_pool_connections). */
  pool: { total: number; idle: number; waiting: number };
  /** What PostgreSQL says: the gateway's sessions on its database, by state. */
  server: Record<string, number>;
}

interface Peak {
  borrowed: number;
  waiting: number;
  lockWaits: Record<string, number>;
  eventLoopP99Ms: number;
}

interface Quiet {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  /** Right after the load: every connection back in the pool, idle. */
  settled: Connections;
  /** Once the pool's idle timeout has passed. */
  drained: Connections;
  metrics: string;
}

describeLoad('load: 32 concurrent callers mixing reads, sign-ins and writes (issue 12, item 5)', () => {
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string;
  let databaseName: string;
  let gateway: ChildGateway & { listening: boolean };
  let inspector: Inspector;
  let baseUrl: string;
  let callers: LoadCaller[];
  let invitations: InvitationPlan[];
  let client: HttpClient;
  let admin: Client;

  beforeAll(async () => {
    if (!process.env.DATABASE_URL)
      throw new Error('the load test runs on PostgreSQL: set DATABASE_URL (see the README, "Load test")');
    const started = Date.now();
    buildOnce();
    const db = await createTestDatabase();
    dropDatabase = db.drop;
    databaseUrl = db.env.DATABASE_URL;
    databaseName = new URL(databaseUrl).pathname.slice(1);
    const seeded = await seedWorld(databaseUrl, worldSize(SCALE), () => undefined);
    log(`seeded scale ${SCALE} in ${seeded.seconds.toFixed(1)} s: ${JSON.stringify(seeded.rows)}`);

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    gateway = await startChild(
      baseEnv({
        NODE_ENV: 'production',
        SECRET_KEY: randomBytes(32).toString('hex'),
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        DATABASE_IDLE_TIMEOUT_MS: String(POOL_IDLE_TIMEOUT_MS),
        PORT: String(port),
        PUBLIC_URL: baseUrl,
        METRICS_ENABLED: 'true',
        // Every caller comes from one address: the per-address limits would refuse most of them.
        RATE_LIMIT_ENABLED: 'false',
        LOG_LEVEL: 'info',
      }),
      120_000,
      {
        // The inspector only on loopback, for the heap; a run logs every request: keep warnings and errors.
        nodeArgs: ['--inspect=127.0.0.1:0'],
        keepLine: (line) => !/"level":"(info|debug|trace)"/.test(line),
      },
    );
    if (!gateway.listening) throw new Error(`the gateway did not start: ${gateway.stderr()}${gateway.stdout()}`);
    const url = Inspector.urlIn(gateway.stderr());
    if (!url) throw new Error(`no inspector address in ${gateway.stderr()}`);
    inspector = await Inspector.connect(url);
    admin = new Client({ connectionString: databaseUrl, application_name: 'passerelle-load-observer' });
    await admin.connect();
    ({ callers, invitations } = await loadWorld(databaseUrl, baseUrl, CALLERS, INVITATIONS));
    client = new HttpClient(baseUrl, CONCURRENCY);
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${callers.length} callers on ${baseUrl}`);
  });

  afterAll(async () => {
    client?.close();
    await inspector?.close();
    await admin?.end();
    if (gateway) {
      await gateway.stop();
      const logged = gateway.stdout().trim();
      if (logged) log(`the gateway's warnings and errors:\n${logged.slice(0, 4000)}`);
    }
    await stopAllChildren();
    await dropDatabase?.();
  });

  async function connections(): Promise<Connections> {
    const text = await scrape(baseUrl);
    const pool = byLabel(text, 'passerelle_db_pool_connections', 'state');
    const { rows } = await admin.query<{ state: string; n: number }>(
      `SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'passerelle' GROUP BY 1`,
      [databaseName],
    );
    return {
      pool: { total: pool.total ?? NaN, idle: pool.idle ?? NaN, waiting: pool.waiting ?? NaN },
      server: Object.fromEntries(rows.map((r) => [r.state, r.n])),
    };
  }

  const serverTotal = (c: Connections) => Object.values(c.server).reduce((a, b) => a + b, 0);
  /** Nothing borrowed, nobody waiting, and PostgreSQL sees exactly the pool's connections, all idle. */
  const atRest = (c: Connections) =>
    c.pool.waiting === 0 &&
    c.pool.idle === c.pool.total &&
    serverTotal(c) === c.pool.total &&
    serverTotal(c) === (c.server.idle ?? 0);

  /** Polls until `ok`, for at most `ms`; returns the last reading. */
  async function until(ok: (c: Connections) => boolean, ms: number): Promise<Connections> {
    const deadline = Date.now() + ms;
    let c = await connections();
    while (!ok(c) && Date.now() < deadline) {
      await sleep(250);
      c = await connections();
    }
    return c;
  }

  /**
   * Samples the pool and PostgreSQL every second while `work` runs: the most connections
   * borrowed, callers waiting for one, sessions queued on a lock (by kind), and event-loop lag.
   */
  async function sampled<T>(work: Promise<T>): Promise<{ result: T; peak: Peak }> {
    const peak: Peak = { borrowed: 0, waiting: 0, lockWaits: {}, eventLoopP99Ms: 0 };
    let running = true;
    const sampler = (async () => {
      while (running) {
        await sleep(1000);
        const [text, locks] = await Promise.all([
          scrape(baseUrl),
          admin.query<{ kind: string; n: number }>(
            `SELECT coalesce(l.locktype, 'other') AS kind, count(*)::int AS n
               FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
              WHERE a.datname = $1 AND a.application_name = 'passerelle' AND a.wait_event_type = 'Lock' GROUP BY 1`,
            [databaseName],
          ),
        ]);
        const pool = byLabel(text, 'passerelle_db_pool_connections', 'state');
        peak.borrowed = Math.max(peak.borrowed, (pool.total ?? 0) - (pool.idle ?? 0));
        peak.waiting = Math.max(peak.waiting, pool.waiting ?? 0);
        for (const r of locks.rows) peak.lockWaits[r.kind] = Math.max(peak.lockWaits[r.kind] ?? 0, r.n);
        peak.eventLoopP99Ms = Math.max(
          peak.eventLoopP99Ms,
          metricTotal(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
        );
      }
    })();
    try {
      return { result: await work, peak };
    } finally {
      running = false;
      await sampler;
    }
  }

  /** After a run: no SQL for a while, connections at rest, then drained by the idle timeout; the heap after full collections. */
  async function quiet(): Promise<Quiet> {
    let sql = metricTotal(await scrape(baseUrl), 'passerelle_sql_queries_total');
    for (let i = 0; i < 40; i++) {
      await sleep(250);
      const next = metricTotal(await scrape(baseUrl), 'passerelle_sql_queries_total');
      if (next === sql) break;
      sql = next;
    }
    const settled = await until(atRest, 5_000);
    await sleep(POOL_IDLE_TIMEOUT_MS + 1_000);
    const drained = await until((c) => atRest(c) && c.pool.total <= 1, 10_000);
    const heap = await inspector.heapAfterGc();
    const metrics = await scrape(baseUrl);
    return {
      heapUsed: heap.usedBytes,
      heapTotal: heap.totalBytes,
      rss: metricTotal(metrics, 'process_resident_memory_bytes'),
      settled,
      drained,
      metrics,
    };
  }

  function expectClean(summary: Summary): void {
    expect(summary.requests).toBeGreaterThan(0);
    expect({
      status5xx: summary.status5xx,
      connectionErrors: summary.connectionErrors,
      unexpected: summary.unexpected,
      samples: summary.samples,
    }).toEqual({ status5xx: 0, connectionErrors: {}, unexpected: 0, samples: [] });
  }

  function report(summary: Summary, peak: Peak, before: Quiet, after: Quiet): string {
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    const rows = summary.kinds.map(
      (k) =>
        `  ${k.kind.padEnd(18)} ${pad(k.requests, 7)} ${pad(k.p50.toFixed(1), 8)} ${pad(k.p99.toFixed(1), 8)}   ${Object.entries(
          k.statuses,
        )
          .map(([s, n]) => `${s}:${n}`)
          .join(' ')}`,
    );
    const codes = Object.entries(summary.errorCodes).map(
      ([code, n]) => `  ${code.padEnd(22)} expected ${pad(n.expected, 6)}   unexpected ${pad(n.unexpected, 4)}`,
    );
    const conn = (c: Connections) =>
      `pool total ${c.pool.total}, idle ${c.pool.idle}, waiting ${c.pool.waiting}; PostgreSQL ${JSON.stringify(c.server)}`;
    return [
      `${CONCURRENCY} concurrent callers (${CALLERS} people), ${summary.seconds.toFixed(1)} s, mix ${MIX.map(([n, w]) => `${n} ${w}%`).join(', ')}`,
      `requests ${summary.requests}, ${summary.requestsPerSecond.toFixed(1)} req/s, p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms`,
      `  ${'kind'.padEnd(18)} ${pad('requests', 7)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)}   HTTP statuses`,
      ...rows,
      `error codes (expected refusals ${summary.expectedRefusals}, unexpected answers ${summary.unexpected}):`,
      ...(codes.length ? codes : ['  none']),
      `5xx ${summary.status5xx}; connection errors ${JSON.stringify(summary.connectionErrors)}`,
      `during the load, at most: ${peak.borrowed}/${POOL_SIZE} connections borrowed, ${peak.waiting} callers waiting for one, sessions waiting on a lock ${JSON.stringify(peak.lockWaits)}, event-loop lag p99 ${peak.eventLoopP99Ms.toFixed(0)} ms`,
      `heap after GC: after warm-up ${mib(before.heapUsed)}, after the load ${mib(after.heapUsed)} (${((after.heapUsed / before.heapUsed - 1) * 100).toFixed(1)} %); RSS ${mib(before.rss)} -> ${mib(after.rss)}`,
      `connections after warm-up: settled ${conn(before.settled)}; drained ${conn(before.drained)}`,
      `connections after the load: settled ${conn(after.settled)}; drained ${conn(after.drained)}`,
    ].join('\n');
  }

  it('serves the mix with no 5xx, no connection error, no unexpected error; the heap stays flat and no connection leaks', async () => {
    const warmup = new Tally();
    await new LoadMix(client, baseUrl, callers, invitations, warmup).run(WARMUP_SECONDS, CONCURRENCY);
    log(`warm-up: ${warmup.summary().requests} requests in ${WARMUP_SECONDS} s`);
    expectClean(warmup.summary());
    const before = await quiet();

    const tally = new Tally();
    const { peak } = await sampled(new LoadMix(client, baseUrl, callers, invitations, tally).run(SECONDS, CONCURRENCY));
    const summary = tally.summary();
    const after = await quiet();
    log(`\n${report(summary, peak, before, after)}`);

    // Every answer was the one the rule demands: the only errors are the expected refusals.
    expectClean(summary);
    const served = new Set(summary.kinds.filter((k) => k.requests > 0).map((k) => k.kind));
    const kinds = [
      'feed',
      'space page',
      'post',
      'sign-in: acs',
      'sign-in: replay',
      'createPost',
      'commentOnPost',
      'react',
    ];
    expect(kinds.filter((k) => !served.has(k))).toEqual([]);
    expect(summary.errorCodes).toEqual(
      Object.fromEntries(Object.keys(summary.errorCodes).map((c) => [c, expect.objectContaining({ unexpected: 0 })])),
    );
    expect(Object.keys(summary.errorCodes).sort()).toEqual(['ASSERTION_REPLAYED', 'NOT_FOUND']);
    expect(summary.expectedRefusals).toBeGreaterThan(0);

    // The gateway agrees: no 5xx and no request cut off, by its own count.
    const statuses = delta(
      byLabel(after.metrics, 'passerelle_http_requests_total', 'status'),
      byLabel(before.metrics, 'passerelle_http_requests_total', 'status'),
    );
    expect(Object.keys(statuses).filter((s) => s.startsWith('5') || s === 'aborted')).toEqual([]);
    const graphqlCodes = delta(
      byLabel(after.metrics, 'passerelle_graphql_errors_total', 'code'),
      byLabel(before.metrics, 'passerelle_graphql_errors_total', 'code'),
    );
    expect(Object.keys(graphqlCodes)).toEqual(['NOT_FOUND']);

    // Memory flat: the live heap after full collections, against the one after the warm-up.
    expect(after.heapUsed).toBeLessThanOrEqual(before.heapUsed * (1 + HEAP_GROWTH_SHARE) + HEAP_GROWTH_BYTES);

    // No connection leak: at rest right after the load (nothing borrowed, nobody waiting,
    // PostgreSQL sees only the pool's idle sessions), then closed by the idle timeout, like after the warm-up.
    expect(after.settled.pool.total).toBeGreaterThan(0);
    expect(after.settled.pool.total).toBeLessThanOrEqual(POOL_SIZE);
    expect(atRest(after.settled)).toBe(true);
    expect(atRest(after.drained)).toBe(true);
    expect(after.drained.pool.total).toBeLessThanOrEqual(Math.max(1, before.drained.pool.total));
  });
});
