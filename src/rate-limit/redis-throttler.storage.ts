import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';
import { closeRedis } from '../common/redis-close';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The script below, registered on the connection (EVALSHA, loaded once). */
interface RateLimitRedis extends Redis {
  passerelleRateLimit(key: string, ttlMs: number, limit: number, blockMs: number): Promise<[number, number]>;
}

// One round trip, atomic: count the hit, start the window on the first one, and on the
// first hit over the limit stretch the key to the block duration when there is one.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
local block = tonumber(ARGV[3])
if block > 0 and hits == tonumber(ARGV[2]) + 1 then
  redis.call('PEXPIRE', KEYS[1], block)
  ttl = block
end
return {hits, ttl}
`;

/**
 * Throttler counters in Redis, shared by every instance: a fixed window per key (INCR then
 * PEXPIRE in one Lua script). Written here because the maintained Redis storage for
 * @nestjs/throttler does not declare NestJS 12 among its peers. When Redis fails, the
 * instance falls back to its own in-memory counters (limits still hold per instance)
 * rather than failing every request or letting every request through.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly fallback = new ThrottlerStorageService();
  private lastErrorLog = 0;

  private readonly redis: RateLimitRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('passerelleRateLimit', { numberOfKeys: 1, lua: INCREMENT });
    this.redis = redis as RateLimitRedis;
    this.redis.on('error', (error: Error) => this.logError(error));
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    let reply: [number, number];
    try {
      reply = await this.redis.passerelleRateLimit(`${this.prefix}${throttlerName}:${key}`, ttl, limit, blockDuration);
    } catch (error) {
      this.logError(error as Error);
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
    const [hits, remainingMs] = reply.map(Number);
    const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }

  async onApplicationShutdown(): Promise<void> {
    this.fallback.onApplicationShutdown();
    await closeRedis(this.redis);
  }

  /** At most one line every 30 seconds: a Redis outage must not flood the log either. */
  private logError(error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 30_000) return;
    this.lastErrorLog = now;
    this.logger.error(`redis: ${error.message} (counting in memory meanwhile)`);
  }
}
