import { SMALL_WORLD } from './fixtures/small-world';
import {
  baseEnv,
  buildOnce,
  describeOnEmbeddedOnce,
  embeddedGatewayEnv,
  freePort,
  jsonLines,
  startChild,
  stopAllChildren,
} from './support/child-gateway';
import { createTestDatabase } from './support/test-database';
import { startTestApp } from './support/test-app';

// WORKERS > 1: the built gateway as a pool of worker processes (node:cluster) on one port.
// Needs PostgreSQL (DATABASE_URL; CI sets it) and Redis: the embedded database lives in one
// process, and the configuration refuses a pool on it (app-config.spec.ts).
const base = process.env.DATABASE_URL;
const describePg = base ? describe : describe.skip;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET_KEY = 'ab'.repeat(32);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describePg('a pool of workers (WORKERS=2)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let token: string;
  let ownerId: string;

  beforeAll(async () => {
    buildOnce();
    db = await createTestDatabase();
    // The world and a token, written by an app on the same database (which it migrates).
    const t = await startTestApp({ ...db.env, SECRET_KEY });
    try {
      const ids = await t.importWorld(SMALL_WORLD);
      ownerId = ids.owner;
      token = await t.tokenFor(ownerId);
    } finally {
      await t.close();
    }
  });
  afterEach(() => stopAllChildren());
  afterAll(() => db?.drop());

  async function startPool() {
    const port = await freePort();
    const g = await startChild(
      baseEnv({
        NODE_ENV: 'production',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SECRET_KEY,
        REDIS_URL,
        WORKERS: '2',
        METRICS_ENABLED: 'true',
        RATE_LIMIT_ENABLED: 'false',
        LOG_LEVEL: 'info',
        ...db.env,
      }),
    );
    expect(g.listening).toBe(true);
    for (let i = 0; i < 200 && !g.stdout().includes('"2 workers listening"'); i++) await sleep(50);
    expect(g.stdout()).toContain('"2 workers listening"');
    return { g, url: `http://127.0.0.1:${port}` };
  }

  async function me(url: string): Promise<{ status: number; id: unknown }> {
    // A connection per request: node:cluster hands each new one to the next worker.
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'close' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const body = (await res.json()) as { data?: { me?: { id?: unknown } } };
    return { status: res.status, id: body.data?.me?.id };
  }

  it('serves from both workers, sums their metrics, and drains them both on SIGTERM', async () => {
    const { g, url } = await startPool();
    const answers = await Promise.all(Array.from({ length: 40 }, () => me(url)));
    expect(answers).toEqual(Array.from({ length: 40 }, () => ({ status: 200, id: ownerId })));

    // The request lines reach the pipe a moment after the answers.
    const servedLines = () =>
      jsonLines(g.stdout()).filter((l) => l.req?.url === '/graphql' && l.res?.statusCode === 200);
    for (let i = 0; i < 100 && servedLines().length < 40; i++) await sleep(50);
    const served = servedLines();
    expect(served).toHaveLength(40);
    // Each request line says which worker answered: both did.
    expect(new Set(served.map((l) => l.worker))).toEqual(new Set([1, 2]));

    // One worker answers the scrape, with the pool's counts: every request of both.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const ok = Number(/^passerelle_http_requests_total\{status="200"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(ok).toBeGreaterThanOrEqual(40);
    expect(Number(/^passerelle_graphql_request_duration_seconds_count.* (\d+)$/m.exec(metrics)?.[1])).toBe(40);

    g.child.kill('SIGTERM');
    expect(await g.exited).toBe(0);
    const messages = jsonLines(g.stdout()).map((l) => l.msg);
    expect(messages.filter((m) => m === 'shut down cleanly')).toHaveLength(2);
    const pids = messages.flatMap((m) => /^worker \d listening \(pid (\d+)\)$/.exec(m)?.[1] ?? []).map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(g.stderr()).toBe('');
  });

  it('starts a worker that died again, and keeps serving meanwhile', async () => {
    const { g, url } = await startPool();
    const second = jsonLines(g.stdout()).find((l) => /^worker 2 listening/.test(l.msg));
    const pid = Number(/pid (\d+)/.exec(second?.msg)?.[1]);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && !g.stdout().includes('worker 2 exited (SIGKILL); starting it again'); i++)
      await sleep(50);
    expect(g.stdout()).toContain('worker 2 exited (SIGKILL); starting it again');
    expect(await me(url)).toEqual({ status: 200, id: ownerId });
    for (let i = 0; i < 200 && jsonLines(g.stdout()).filter((l) => /^worker 2 listening/.test(l.msg)).length < 2; i++)
      await sleep(50);
    const restarted = jsonLines(g.stdout()).filter((l) => /^worker 2 listening/.test(l.msg));
    expect(restarted).toHaveLength(2);
    g.child.kill('SIGTERM');
    expect(await g.exited).toBe(0);
  });
});

// Another process manager's cluster (PM2 runs apps as cluster workers): node -e runs this
// primary with the gateway's script as its argument (startChild puts it after the node flags).
const FOREIGN_PRIMARY = `
  const cluster = require('node:cluster');
  cluster.setupPrimary({ exec: process.argv[1], execArgv: [] });
  const worker = cluster.fork();
  process.on('SIGTERM', () => worker.process.kill('SIGTERM'));
  worker.on('exit', (code) => process.exit(code ?? 1));
`;

describeOnEmbeddedOnce("a worker of another manager's cluster", () => {
  beforeAll(() => buildOnce());
  afterEach(() => stopAllChildren());

  async function underForeignPrimary(extra: Record<string, string> = {}) {
    const port = await freePort();
    const g = await startChild(embeddedGatewayEnv(port, { METRICS_ENABLED: 'true', ...extra }), 120_000, {
      nodeArgs: ['-e', FOREIGN_PRIMARY],
    });
    expect(g.listening).toBe(true);
    return { g, url: `http://127.0.0.1:${port}` };
  }

  it('is a gateway of its own: its /metrics, its log lines without a pool worker', async () => {
    const { g, url } = await underForeignPrimary();
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3000) });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^process_uptime_seconds \d+$/m);
    const lines = jsonLines(g.stdout());
    expect(lines.some((l) => /^listening on /.test(l.msg))).toBe(true);
    expect(lines.filter((l) => 'worker' in l)).toEqual([]);
    g.child.kill('SIGTERM');
    expect(await g.exited).toBe(0);
  });

  it("answers /metrics 503 with a reason when the pool's primary does not answer", async () => {
    // The flag the pool's primary sets, under a primary that never answers the workers.
    const { g, url } = await underForeignPrimary({ PASSERELLE_POOL_WORKER: '1' });
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(15_000) });
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('metrics of the pool: the primary did not answer\n');
    expect(jsonLines(g.stdout()).some((l) => l.worker === 1)).toBe(true);
    g.child.kill('SIGTERM');
    expect(await g.exited).toBe(0);
  }, 30_000);
});
