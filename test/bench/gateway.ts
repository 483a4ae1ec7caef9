import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The gateway under test, a child process in production mode on a loopback port. */
export interface Gateway {
  baseUrl: string;
  pid: number;
  /** Ends the child (SIGTERM, then SIGKILL after a grace period). Safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Starts `node dist/src/main.js` against `databaseUrl`, with production's node flags, and
 * resolves once /metrics answers.
 * Its output goes to a log file (startServer), as production's goes to a collector.
 */
export async function startGateway(databaseUrl: string, log: (line: string) => void, workers = 1): Promise<Gateway> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  return startServer(
    'gateway',
    resolve(__dirname, '../../src/main.js'),
    baseUrl,
    log,
    {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      SECRET_KEY: randomBytes(32).toString('hex'),
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      METRICS_ENABLED: 'true',
      // The bench measures throughput from a few callers on one address: no rate limits.
      RATE_LIMIT_ENABLED: 'false',
      MIGRATIONS_RUN: 'false',
      ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
      ...(process.env.DATABASE_IDLE_TIMEOUT_MS
        ? { DATABASE_IDLE_TIMEOUT_MS: process.env.DATABASE_IDLE_TIMEOUT_MS }
        : {}),
      LOG_SQL: process.env.LOG_SQL ?? 'false',
      // Shared state the way production keeps it, when the caller provides a Redis.
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      WORKERS: String(workers),
    },
    productionNodeFlags(),
  );
}

/** The floor (floor/main.ts), a child process too, on the same database. */
export async function startFloorServer(databaseUrl: string, log: (line: string) => void): Promise<Gateway> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  return startServer('floor', resolve(__dirname, 'floor/main.js'), baseUrl, log, {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
  });
}

/** The node flags production starts the gateway with: those of package.json's `start:prod`. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const command = pkg.scripts['start:prod'].split(/\s+/);
  if (command[0] !== 'node' || command[command.length - 1] !== 'dist/src/main.js')
    throw new Error(`start:prod is not "node [flags] dist/src/main.js": ${pkg.scripts['start:prod']}`);
  return command.slice(1, -1);
}

async function startServer(
  name: string,
  main: string,
  baseUrl: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
): Promise<Gateway> {
  // The server writes its logs (one JSON line per request) straight to a file: relayed through
  // this process, they would cost the load generator CPU the floor, which logs nothing, does not.
  const logPath = join(tmpdir(), `passerelle-bench-${name}-${process.pid}.log`);
  const logFd = openSync(logPath, 'w');
  const child = spawn(process.execPath, [...nodeFlags, main], { env, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const gateway = { baseUrl, pid: child.pid ?? -1, stop: () => stopChild(child) };
  // Whatever happens to us, the child does not outlive this process.
  const killNow = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', killNow);
  try {
    await waitReady(child, `${baseUrl}/metrics`);
  } catch (error) {
    await gateway.stop();
    process.stderr.write(tailOf(logPath, name));
    throw error;
  }
  log(`${name} pid ${child.pid} ready on ${baseUrl}; its log: ${logPath}`);
  return gateway;
}

/** The last lines of a server's log, prefixed with its name, for a start-up that failed. */
function tailOf(path: string, name: string): string {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').slice(-40);
  return lines.map((line) => `[${name}] ${line}\n`).join('');
}

async function waitReady(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the gateway exited during start-up (code ${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the gateway did not answer ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
