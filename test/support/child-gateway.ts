import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const MAIN = join(ROOT, 'dist/src/main.js');
export const CLI_MAIN = join(ROOT, 'dist/src/cli/main.js');

/**
 * Builds dist/ as `npm start` does (scripts/build-if-stale.mjs): only when a source is newer
 * than the last build, so the suites that start the built gateway share one build (CI's, or
 * the first suite's). Errors elsewhere in the tree must not stop the emit: tsc still writes
 * dist/, and without a stamp the next call builds again.
 */
export function buildOnce(): void {
  spawnSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.mjs')], { cwd: ROOT, encoding: 'utf8' });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * Only what a newcomer's shell would pass, plus the test's settings, and the run's migrated
 * template for in-memory embedded databases (test/jest/global-setup.js): a data folder never
 * uses it, so the newcomer's first start still runs initdb and every migration.
 */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const template = process.env.PGLITE_TEMPLATE_DIR ? { PGLITE_TEMPLATE_DIR: process.env.PGLITE_TEMPLATE_DIR } : {};
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', ...template, ...extra };
}

/**
 * `describe` for tests of the built gateway on the embedded database (embeddedGatewayEnv):
 * they run the same whatever DATABASE_URL says. CI runs the end-to-end suite twice, on
 * PostgreSQL then on the embedded database; its second pass sets EMBEDDED_REPEAT=1 and skips
 * these, which ran in its first.
 */
export const describeOnEmbeddedOnce: jest.Describe = process.env.EMBEDDED_REPEAT === '1' ? describe.skip : describe;

/** A gateway on the embedded database in memory, on `port`: no demo data, no jobs, logs at info. */
export function embeddedGatewayEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return baseEnv({
    NODE_ENV: 'development',
    PORT: String(port),
    DATA_DIR: 'memory',
    DEMO_SEED: 'false',
    DEMO_IDP: 'false',
    JOBS_ENABLED: 'false',
    LOG_LEVEL: 'info',
    ...extra,
  });
}

/** The JSON lines of a child's output (its logs), parsed; other lines left out. */
export function jsonLines(text: string): Record<string, any>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
}

export interface ChildGateway {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Kills every child gateway still running: a failed assertion must not leave one behind (Jest would never exit). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      const gone = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGKILL');
      return gone;
    }),
  );
  running.clear();
}

export interface ChildOptions {
  /** Node's own flags, put before the script (e.g. `--inspect=127.0.0.1:0`). */
  nodeArgs?: string[];
  /** Keeps only the stdout lines it accepts (a long run logs every request); every line by default. */
  keepLine?: (line: string) => boolean;
}

/** Starts `node dist/src/main.js`; resolves once it listens, or once it exits. */
export async function startChild(
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
  options: ChildOptions = {},
): Promise<ChildGateway & { listening: boolean }> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  let partial = '';
  let saidListening = false;
  const keepLine = options.keepLine;
  child.stdout!.on('data', (b: Buffer) => {
    if (!keepLine) {
      out += b.toString('utf8');
      saidListening ||= out.includes('listening on');
      return;
    }
    const lines = (partial + b.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      saidListening ||= line.includes('listening on');
      if (keepLine(line)) out += `${line}\n`;
    }
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const listening = await new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const check = () => {
      if (saidListening) {
        clearTimeout(timer);
        done(true);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      done(saidListening);
    });
  });
  return {
    child,
    listening,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
