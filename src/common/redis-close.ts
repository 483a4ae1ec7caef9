import type Redis from 'ioredis';

/**
 * Ends a Redis client for good: QUIT when it is connected (replies still due arrive first),
 * then a disconnect. A client that never reached its server with commands in its offline
 * queue would otherwise queue the QUIT behind them and go on reconnecting after it failed.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') await redis.quit().catch(() => undefined);
  redis.disconnect();
}
