import type Redis from 'ioredis';

/**
 * Ends a Redis client for good: QUIT when it is connected (replies still due arrive first),
 * then a disconnect, which also stops a client that never reached its server from retrying
 * forever (QUIT only waits in its offline queue).
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') await redis.quit().catch(() => undefined);
  redis.disconnect();
}
