import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const redisUrl = process.env.REDIS_URL;

describe('RedisThrottlerStorage', () => {
  it('counts in memory when Redis cannot be reached, so limits still hold on this instance', async () => {
    // Nothing listens on port 1: every command fails at once.
    const redis = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    const storage = new RedisThrottlerStorage(redis, 'unused:');
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await storage.increment('ip:203.0.113.1', 60_000, 3, 0, 'anonymous'));
    expect(results.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(results[3].timeToBlockExpire).toBeGreaterThan(0);
    await storage.onApplicationShutdown();
  });

  (redisUrl ? describe : describe.skip)('on Redis', () => {
    const prefix = `passerelle:test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    let storage: RedisThrottlerStorage;
    let redis: Redis;
    beforeAll(() => {
      storage = new RedisThrottlerStorage(new Redis(redisUrl!), prefix);
      redis = new Redis(redisUrl!);
    });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await storage.onApplicationShutdown();
    });

    it('blocks over the limit until the window ends, then counts afresh', async () => {
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await storage.increment('k1', 400, 3, 0, 'anonymous'));
      expect(seen.map((r) => [r.totalHits, r.isBlocked])).toEqual([
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ]);
      expect(seen[3].timeToBlockExpire).toBe(1);
      expect(await redis.pttl(`${prefix}anonymous:k1`)).toBeLessThanOrEqual(400);
      await new Promise((r) => setTimeout(r, 450));
      expect(await storage.increment('k1', 400, 3, 0, 'anonymous')).toMatchObject({ totalHits: 1, isBlocked: false });
    });

    it('is atomic under concurrent increments, and keeps limits apart by name', async () => {
      const all = await Promise.all(
        Array.from({ length: 50 }, () => storage.increment('k2', 60_000, 10, 0, 'graphql')),
      );
      expect(all.filter((r) => !r.isBlocked)).toHaveLength(10);
      expect(new Set(all.map((r) => r.totalHits)).size).toBe(50);
      expect(await storage.increment('k2', 60_000, 10, 0, 'sign_in')).toMatchObject({ totalHits: 1, isBlocked: false });
    });

    it('holds a block for its duration when one is asked for', async () => {
      for (let i = 0; i < 3; i++) await storage.increment('k3', 1000, 2, 5000, 'anonymous');
      const ttl = await redis.pttl(`${prefix}anonymous:k3`);
      expect(ttl).toBeGreaterThan(1000);
      expect(ttl).toBeLessThanOrEqual(5000);
    });
  });
});
