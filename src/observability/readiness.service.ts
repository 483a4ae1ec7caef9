import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** How long one dependency may take to answer before the instance is reported not ready. */
export const READINESS_TIMEOUT_MS = 2000;

export type DependencyState = { status: 'up' } | { status: 'down'; error: string };

export interface Readiness {
  status: 'ok' | 'unavailable' | 'draining';
  /** Absent while draining: the answer is then immediate. */
  checks?: { database: DependencyState; redis?: DependencyState };
}

/**
 * Whether this instance should get traffic: the database answers `SELECT 1`, Redis answers
 * PING when REDIS_URL is set, each within READINESS_TIMEOUT_MS; and the process is not
 * shutting down (then it is `draining` at once, so a load balancer stops sending work).
 * Errors are named by kind only (timeout, a socket code): never a URL or a password.
 */
@Injectable()
export class ReadinessService implements OnModuleInit, OnApplicationShutdown {
  private drainingSince: number | null = null;
  private redis: Redis | null = null;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    // Connected ahead of the first probe, which would otherwise find it still connecting.
    if (this.config.redisUrl) this.redis = this.connectRedis(this.config.redisUrl);
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  /** From now on, not ready (called first thing on SIGTERM/SIGINT). */
  beginDraining(): void {
    this.drainingSince ??= Date.now();
  }

  async check(): Promise<Readiness> {
    if (this.draining) return { status: 'draining' };
    const [database, redis] = await Promise.all([
      probe(() => this.selectOne()),
      this.config.redisUrl ? probe(() => this.ping()) : Promise.resolve(undefined),
    ]);
    const checks = redis ? { database, redis } : { database };
    const up = database.status === 'up' && (redis === undefined || redis.status === 'up');
    return { status: up ? 'ok' : 'unavailable', checks };
  }

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    this.redis = null;
    if (redis) redis.disconnect();
  }

  private async selectOne(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new ProbeError('not_connected');
    await this.dataSource.query('SELECT 1');
  }

  private async ping(): Promise<void> {
    // A connection of its own: never queued behind the caches' commands, never queueing while down.
    this.redis ??= this.connectRedis(this.config.redisUrl!);
    if (this.redis.status !== 'ready') await connected(this.redis);
    const answer = await this.redis.ping();
    if (answer !== 'PONG') throw new ProbeError('unexpected_reply');
  }

  private connectRedis(url: string): Redis {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: READINESS_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Reported by the probe, not logged per retry.
    redis.on('error', () => undefined);
    redis.connect().catch(() => undefined);
    return redis;
  }
}

class ProbeError extends Error {}

/** Resolves once the connection is ready, rejects with the next connection error (the probe bounds the wait). */
function connected(redis: Redis): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      redis.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      redis.off('ready', onReady);
      reject(error);
    };
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

async function probe(run: () => Promise<void>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeError('timeout')), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([run(), timeout]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: kindOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A word for what went wrong: the probe's own reason, a socket code, or `error`. */
function kindOf(error: unknown): string {
  if (error instanceof ProbeError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  const message = (error as Error | undefined)?.message ?? '';
  if (/Stream isn't writeable|Connection is closed/i.test(message)) return 'not_connected';
  return 'error';
}
