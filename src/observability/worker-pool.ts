import cluster, { Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';

/** What the pool says of itself: the gateway's logger (JSON lines). */
export interface PoolLogger {
  info(message: string): void;
  error(message: string): void;
}

export interface WorkerPoolOptions {
  workers: number;
  /** The workers' own drain bound (SHUTDOWN_TIMEOUT_MS): past it and a margin, they are killed. */
  shutdownTimeoutMs: number;
}

/** A worker that dies this many times within RESTART_WINDOW_MS stops the pool (a crash loop, not an accident). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;
const KILL_MARGIN_MS = 2_000;

const METRICS_ASKED = 'passerelle:metrics-asked';
const METRICS_ANSWER = 'passerelle:metrics-answer';

/**
 * The primary process of WORKERS > 1: it serves nothing itself. It starts the first worker
 * alone (it runs the migrations, if any, and the scheduled jobs), then the others once it
 * listens, without either; node:cluster hands each new connection to a worker in turn. A
 * worker that dies is started again; one that keeps dying stops the pool. On SIGTERM or
 * SIGINT every worker is sent SIGTERM and drains as a single gateway does (graceful-shutdown.ts); the
 * primary exits when they have: 0 if they all did. It also answers the workers' /metrics
 * with the sum of theirs (prom-client's AggregatorRegistry). Resolves with the exit code.
 */
export function runWorkerPool(options: WorkerPoolOptions, log: PoolLogger): Promise<number> {
  return new Promise((resolve) => {
    const aggregator = new AggregatorRegistry();
    const slots: { env: NodeJS.ProcessEnv; deaths: number[] }[] = Array.from({ length: options.workers }, (_, i) =>
      i === 0 ? { env: {}, deaths: [] } : { env: { MIGRATIONS_RUN: 'false', JOBS_ENABLED: 'false' }, deaths: [] },
    );
    const slotOf = new Map<Worker, number>();
    let stopping: NodeJS.Signals | null = null;
    let started = 0;
    let exitCode = 0;

    const fork = (slot: number) => {
      const worker = cluster.fork({ ...slots[slot].env, [POOL_WORKER]: '1' });
      slotOf.set(worker, slot);
      worker.once('listening', () => {
        log.info(`worker ${slot + 1} listening (pid ${worker.process.pid})`);
        if (++started === 1 && options.workers > 1) for (let i = 1; i < options.workers; i++) fork(i);
        if (started === options.workers) log.info(`${options.workers} workers listening`);
      });
    };

    cluster.on('message', (worker, message: { type?: string; id?: number }) => {
      if (message?.type !== METRICS_ASKED) return;
      aggregator.clusterMetrics().then(
        (text) => worker.isConnected() && worker.send({ type: METRICS_ANSWER, id: message.id, text }),
        (error: Error) =>
          worker.isConnected() && worker.send({ type: METRICS_ANSWER, id: message.id, error: error.message }),
      );
    });

    cluster.on('exit', (worker, code, signal) => {
      const slot = slotOf.get(worker) ?? 0;
      slotOf.delete(worker);
      if (stopping) {
        if (code !== 0) exitCode = 1;
        if (slotOf.size === 0) resolve(exitCode);
        return;
      }
      const now = Date.now();
      const deaths = (slots[slot].deaths = [...slots[slot].deaths.filter((t) => now - t < RESTART_WINDOW_MS), now]);
      if (started === 0 || deaths.length >= MAX_RESTARTS) {
        // The first worker never listened (it printed why), or a worker keeps dying: stop them all.
        if (started > 0) log.error(`worker ${slot + 1} died ${deaths.length} times within a minute; stopping`);
        exitCode = 1;
        stop('SIGTERM');
        if (slotOf.size === 0) resolve(1);
        return;
      }
      log.error(`worker ${slot + 1} exited (${signal ?? `code ${code}`}); starting it again`);
      setTimeout(() => !stopping && fork(slot), RESTART_DELAY_MS).unref();
    });

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal: at once, as a single gateway does.
        for (const worker of slotOf.keys()) worker.process.kill('SIGKILL');
        process.exit(1);
      }
      stopping = signal;
      for (const worker of slotOf.keys()) worker.process.kill('SIGTERM');
      setTimeout(() => {
        for (const worker of slotOf.keys()) worker.process.kill('SIGKILL');
        resolve(1);
      }, options.shutdownTimeoutMs + KILL_MARGIN_MS).unref();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));

    fork(0);
  });
}

/** Set by the primary for its workers: a process manager's own cluster workers (PM2's) are not ours. */
const POOL_WORKER = 'PASSERELLE_POOL_WORKER';

/** Whether this process is a worker of a pool (WORKERS > 1) started by runWorkerPool. */
export function inWorkerPool(): boolean {
  return cluster.isWorker && process.env[POOL_WORKER] === '1';
}

/** This worker's number in its pool (1 to WORKERS), or null outside a pool. */
export function poolWorkerId(): number | null {
  return inWorkerPool() ? (cluster.worker?.id ?? null) : null;
}

/** In a pool's worker: `registry` answers the primary's collection for the pool's /metrics. */
export function joinPoolMetrics(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // Its constructor is what makes this worker answer the primary's requests.
  new AggregatorRegistry();
}

let asked = 0;
const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();

/** Longer than prom-client's own bound on the primary's collection (5 s). */
const METRICS_TIMEOUT_MS = 7_000;

/** In a pool's worker: the metrics of every worker of the pool, summed by the primary. */
export function poolMetrics(): Promise<string> {
  if (waiting.size === 0) process.on('message', onAnswer);
  const id = ++asked;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      if (waiting.size === 0) process.off('message', onAnswer);
      reject(new Error('metrics of the pool: the primary did not answer'));
    }, METRICS_TIMEOUT_MS);
    const settle =
      <T>(done: (value: T) => void) =>
      (value: T) => {
        clearTimeout(timer);
        done(value);
      };
    waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
    process.send?.({ type: METRICS_ASKED, id });
  });
}

function onAnswer(message: { type?: string; id?: number; text?: string; error?: string }): void {
  if (message?.type !== METRICS_ANSWER || message.id === undefined) return;
  const pending = waiting.get(message.id);
  if (!pending) return;
  waiting.delete(message.id);
  if (waiting.size === 0) process.off('message', onAnswer);
  if (message.error !== undefined) pending.reject(new Error(`metrics of the pool: ${message.error}`));
  else pending.resolve(message.text ?? '');
}
