import { Module } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RateLimitAuditor } from './rate-limit.auditor';
import { RateLimitMiddleware } from './rate-limit.middleware';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * Rate limits per client IP and per principal (see rate-limit.policy.ts). Counters live
 * in Redis when REDIS_URL is set, so that instances share them, and in memory otherwise.
 * The app factory mounts RateLimitMiddleware ahead of the body parser.
 */
@Module({
  providers: [
    {
      provide: ThrottlerStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ThrottlerStorage => {
        if (!config.redisUrl) return new ThrottlerStorageService();
        // Bounded waits: a slow Redis sends the request to the in-memory fallback, not into a queue.
        const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 1000 });
        return new RedisThrottlerStorage(redis, config.rateLimitRedisPrefix);
      },
    },
    RateLimitAuditor,
    RateLimitMiddleware,
  ],
  exports: [RateLimitMiddleware, RateLimitAuditor],
})
export class RateLimitModule {}
