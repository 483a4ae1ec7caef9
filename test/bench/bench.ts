import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { Caller } from './callers';
import { mintCallers } from './callers';
import { CpuMeter } from './cpu';
import { checkSameAnswers } from './floor/check';
import { Gateway, productionNodeFlags, startFloorServer, startGateway } from './gateway';
import { runScenario, ScenarioResult, warmUp } from './load';
import { metricTotal, scrape } from './prometheus';
import { benchDatabaseName, benchDatabaseUrl, countRows, SeedReport, seedBenchDatabase, worldSize } from './seed';
import { WORKLOADS } from './workloads';

const USAGE = `usage: npm run bench -- [--scale N] [--duration S] [--connections C] [--callers N] [--warmup S] [--workers N] [--only W,…] [--skip-seed]

Seeds PostgreSQL database "passerelle_bench" (passerelle_bench_sN at scale N; on BENCH_DATABASE_URL, else DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/postgres), starts the gateway in production mode on a
loopback port, and drives the feed and a space page with autocannon. The report goes to
stdout, progress to stderr.

  --scale N        multiplies the world (default 1: 20 organisations, 2,000 users, 200 spaces,
                   100,000 posts, 300,000 comments)
  --duration S     seconds of measurement per scenario (default 10)
  --connections C  concurrent connections (default 16)
  --callers N      bearer tokens in the pool, at least 50 (default 64)
  --warmup S       seconds of unrecorded load before each scenario (default 3)
  --workers N      the gateway's WORKERS (default 1: one process); more than one needs REDIS_URL,
                   which the gateway then uses (the pool shares what instances share through it)
  --only W,…       measure only these workloads (names as below, comma-separated; all are still
                   checked against the floor)
  --skip-seed      reuse the database of an earlier run
  --check-only     stop after checking that the gateway and the floor give the same answers
  --json           also write the figures as JSON (with gateway/floor ratios) and print its path

Each workload (the feed, a space page, me, a 50-result users(search:)) runs against the
gateway and against the floor (test/bench/floor: node:http + pg, one prepared hand-written
statement per request), alternating which goes first, after a check that both give every
caller the same answers.`;

interface Options {
  scale: number;
  duration: number;
  connections: number;
  callers: number;
  warmup: number;
  workers: number;
  skipSeed: boolean;
  json: boolean;
  checkOnly: boolean;
  only: string[] | null;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | null {
  const options: Options = {
    scale: 1,
    duration: 10,
    connections: 16,
    callers: 64,
    warmup: 3,
    workers: 1,
    skipSeed: false,
    json: false,
    checkOnly: false,
    only: null,
  };
  const numeric: Record<string, { key: keyof Options; min: number; integer: boolean }> = {
    '--scale': { key: 'scale', min: 0.01, integer: false },
    '--duration': { key: 'duration', min: 1, integer: true },
    '--connections': { key: 'connections', min: 1, integer: true },
    '--callers': { key: 'callers', min: 50, integer: true },
    '--warmup': { key: 'warmup', min: 0, integer: true },
    '--workers': { key: 'workers', min: 1, integer: true },
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    if (flag === '--help' || flag === '-h') return null;
    const switches: Record<string, 'skipSeed' | 'json' | 'checkOnly'> = {
      '--skip-seed': 'skipSeed',
      '--json': 'json',
      '--check-only': 'checkOnly',
    };
    if (switches[flag]) {
      options[switches[flag]] = true;
      continue;
    }
    if (flag === '--only') {
      const names = (inline ?? argv[++i] ?? '').split(',').map((n) => n.trim());
      const unknown = names.filter((n) => !WORKLOADS.some((w) => w.name === n));
      if (unknown.length > 0 || names.length === 0) {
        throw new UsageError(`--only takes workload names among ${WORKLOADS.map((w) => `"${w.name}"`).join(', ')}`);
      }
      options.only = names;
      continue;
    }
    const spec = numeric[flag];
    if (!spec) throw new UsageError(`unknown option ${flag}`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (
      text === undefined ||
      !Number.isFinite(value) ||
      value < spec.min ||
      (spec.integer && !Number.isInteger(value))
    ) {
      throw new UsageError(`${flag} needs ${spec.integer ? 'a whole number' : 'a number'} of at least ${spec.min}`);
    }
    (options[spec.key] as number) = value;
  }
  return options;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.workers > 1 && !process.env.REDIS_URL) {
    process.stderr.write(`--workers ${options.workers} needs REDIS_URL (the gateway's WORKERS > 1 does)\n`);
    return 2;
  }
  const baseUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = benchDatabaseName(options.scale);
  const databaseUrl = benchDatabaseUrl(baseUrl, database);

  let seed: SeedReport | null = null;
  if (options.skipSeed) {
    log(`reusing database ${database}`);
  } else {
    const size = worldSize(options.scale);
    log(`seeding ${database} at scale ${options.scale}: ${JSON.stringify(size)}`);
    seed = await seedBenchDatabase(baseUrl, size, log, database);
    log(`seeded in ${seed.seconds.toFixed(1)} s`);
  }
  const { rows, databaseBytes, serverVersion } = await describeDatabase(databaseUrl);
  if (rows.posts === 0) throw new Error(`database ${database} holds no posts: run without --skip-seed`);

  const callers = await mintCallers(databaseUrl, options.callers);
  log(`minted ${callers.length} tokens`);

  let gateway: Gateway | null = null;
  let floor: Gateway | null = null;
  let stopLoad: () => void = () => undefined;
  let interrupted = false;
  const stopAll = () => Promise.all([gateway?.stop(), floor?.stop()]);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    interrupted = true;
    stopLoad();
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    gateway = await startGateway(databaseUrl, log, options.workers);
    floor = await startFloorServer(databaseUrl, log);
    const compared = await checkSameAnswers(gateway.baseUrl, floor.baseUrl, callers, WORKLOADS);
    log(`the floor and the gateway gave the same ${compared} answers`);
    if (options.checkOnly) return 0;
    const loadBefore = loadavg()[0];
    const results: Measured[] = [];
    const only = options.only;
    const measured = WORKLOADS.filter((w) => !only || only.includes(w.name));
    for (const [i, workload] of measured.entries()) {
      // Alternating who goes first: neither always gets the warmer caches.
      const servers: [Target, Gateway, string][] = [
        ['gateway', gateway, 'passerelle'],
        ['floor', floor, 'passerelle-floor'],
      ];
      for (const [target, server, applicationName] of i % 2 === 0 ? servers : servers.reverse()) {
        if (interrupted) break;
        log(`${workload.name} on the ${target}: warm-up ${options.warmup} s`);
        await warmUp(server.baseUrl, workload, callers, options.warmup, options.connections);
        log(`${workload.name} on the ${target}: ${options.duration} s with ${options.connections} connections`);
        const cpu = new CpuMeter(server.pid, databaseUrl, applicationName);
        const result = await runScenario(server.baseUrl, workload, callers, options, (stop) => (stopLoad = stop), cpu);
        results.push({ ...result, target });
      }
    }
    const rss = metricTotal(await scrape(gateway.baseUrl), 'process_resident_memory_bytes');
    const machine = { loadBefore, loadAfter: loadavg()[0] };
    process.stdout.write(report(options, seed, rows, databaseBytes, serverVersion, callers, results, rss, machine));
    if (options.json) {
      const path = resolve(`bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(path, JSON.stringify(asJson(options, rows, results, rss, machine), null, 2));
      process.stdout.write(`JSON: ${path}\n`);
    }
    const failures = results.reduce((n, r) => n + r.non2xx + r.graphqlErrors + r.connectionErrors, 0);
    return failures > 0 ? 1 : 0;
  } finally {
    await stopAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

type Target = 'gateway' | 'floor';
type Measured = ScenarioResult & { target: Target };

/** gateway / floor of a figure of one workload (throughput: higher is better for the gateway). */
function ratios(results: Measured[]): { name: string; ratio: number | null }[] {
  const names = [...new Set(results.map((r) => r.name))];
  return names.map((name) => {
    const g = results.find((r) => r.name === name && r.target === 'gateway');
    const f = results.find((r) => r.name === name && r.target === 'floor');
    return { name, ratio: g && f && f.requestsPerSecond > 0 ? g.requestsPerSecond / f.requestsPerSecond : null };
  });
}

function asJson(
  options: Options,
  rows: SeedReport['rows'],
  results: Measured[],
  rss: number,
  machine: { loadBefore: number; loadAfter: number },
) {
  const byRatio = new Map(ratios(results).map((r) => [r.name, r.ratio]));
  return {
    at: new Date().toISOString(),
    options,
    world: rows,
    machine: { cpus: cpus().length, model: cpus()[0]?.model.trim() ?? null, ...machine, node: process.version },
    gatewayRssBytes: rss,
    workloads: [...byRatio.keys()].map((name) => {
      const pick = (target: Target) => {
        const r = results.find((x) => x.name === name && x.target === target);
        return r
          ? {
              requestsPerSecond: r.requestsPerSecond,
              p50: r.p50,
              p99: r.p99,
              sqlPerRequest: r.queriesPerRequest,
              cpuMsPerRequest: { server: r.gatewayCpuMs, postgres: r.databaseCpuMs },
              rowsPerResponse: r.rowsPerResponse,
              errors: r.non2xx + r.graphqlErrors + r.connectionErrors,
            }
          : null;
      };
      return { name, gateway: pick('gateway'), floor: pick('floor'), ratio: byRatio.get(name) ?? null };
    }),
  };
}

async function describeDatabase(
  url: string,
): Promise<{ rows: SeedReport['rows']; databaseBytes: number; serverVersion: string }> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const rows = await countRows(db);
    const info = (
      await db.query(
        `SELECT pg_database_size(current_database())::bigint AS bytes, current_setting('server_version') AS version`,
      )
    ).rows[0] as {
      bytes: string;
      version: string;
    };
    return { rows, databaseBytes: Number(info.bytes), serverVersion: info.version };
  } finally {
    await db.end();
  }
}

function report(
  options: Options,
  seed: SeedReport | null,
  rows: SeedReport['rows'],
  databaseBytes: number,
  serverVersion: string,
  callers: Caller[],
  results: Measured[],
  rss: number,
  machine: { loadBefore: number; loadAfter: number },
): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
  const hosts = callers.filter((c) => c.isHost).length;
  const spacesPerCaller = callers.reduce((s, c) => s + c.spaceIds.length, 0) / callers.length;
  const lines = [
    `# Passerelle benchmark`,
    ``,
    `- world: ${n(rows.organizations)} organisations, ${n(rows.users)} users, ${n(rows.spaces)} spaces, ${n(rows.memberships)} memberships, ${n(rows.posts)} posts, ${n(rows.comments)} comments (${(databaseBytes / 2 ** 20).toFixed(0)} MiB, PostgreSQL ${serverVersion})`,
    `- seed: ${seed ? `${seed.seconds.toFixed(1)} s at scale ${options.scale}` : 'skipped (database reused)'}`,
    `- load: ${options.duration} s per scenario after ${options.warmup} s of warm-up, ${options.connections} connections, ${callers.length} callers' tokens round-robin (${hosts} host, ${callers.length - hosts} external; ${spacesPerCaller.toFixed(1)} readable spaces each)`,
    `- gateway: NODE_ENV=production, node ${productionNodeFlags().join(' ')}, ${options.workers === 1 ? `one Node ${process.version} process` : `${options.workers} Node ${process.version} worker processes (WORKERS=${options.workers}, with Redis) and their primary`}, loopback; resident memory at the end ${(rss / 2 ** 20).toFixed(0)} MiB${options.workers === 1 ? '' : ' (the workers together)'}`,
    `- machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, shared by the gateway, PostgreSQL and the load generator; 1-minute load average ${machine.loadBefore.toFixed(2)} before, ${machine.loadAfter.toFixed(2)} after`,
    ``,
    `| workload | server | requests | req/s | p50 ms | p99 ms | SQL queries/request | CPU ms/request: gateway | CPU ms/request: PostgreSQL | rows/response | non-2xx | GraphQL errors | socket errors |`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.target} | ${n(r.requests)} | ${r.requestsPerSecond.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.queriesPerRequest.toFixed(2)} | ${ms(r.gatewayCpuMs)} | ${ms(r.databaseCpuMs)} | ${r.rowsPerResponse.toFixed(1)} | ${r.non2xx} | ${r.graphqlErrors} | ${r.connectionErrors} |`,
    ),
    ``,
    `| workload | gateway / floor (req/s) |`,
    `|---|---:|`,
    ...ratios(results).map((r) => `| ${r.name} | ${r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}×`} |`),
    ``,
    `Latencies are autocannon's (closed loop: each connection waits for its answer). SQL queries/request = Δ passerelle_sql_queries_total / Δ passerelle_http_requests_total read from /metrics around the run, authentication included. CPU ms/request: user + system time of the gateway process and of its PostgreSQL sessions (/proc) over the run, per request: unlike latency, it does not depend on what else the machine runs.`,
    `rows/response: posts per answer (feed: of 50 asked; space page: of 20 asked, each with up to 5 comments), people for users(search:) (of 50). The floor's CPU is its own process and its PostgreSQL sessions.`,
  ];
  for (const r of results) for (const e of r.firstErrors) lines.push(`error in ${r.name}: ${e}`);
  return lines.join('\n') + '\n';
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
