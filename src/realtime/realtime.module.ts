import { Module } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RealtimeEntitySubscriber } from './realtime-entity.subscriber';
import { InMemoryRealtimeBus, REALTIME_BUS, RealtimeBus, RedisRealtimeBus } from './realtime.bus';
import { RealtimeRepository } from './realtime.repository';
import { RealtimeResolver } from './realtime.resolver';
import { RealtimeService } from './realtime.service';

/**
 * Real time: postAdded, commentAdded and notificationAdded over graphql-ws. Committed
 * inserts become events (RealtimeEntitySubscriber), travel through Redis with REDIS_URL
 * (in memory otherwise), and are checked against each subscriber's current abilities when
 * they are delivered (RealtimeService). The socket itself is authenticated and re-checked
 * in graphql/subscription-server.ts.
 */
@Module({
  providers: [
    {
      provide: REALTIME_BUS,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<RealtimeBus> => {
        if (!config.redisUrl) return new InMemoryRealtimeBus();
        const bus = new RedisRealtimeBus(
          new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }),
          config.realtimeRedisChannel,
        );
        await bus.start();
        return bus;
      },
    },
    RealtimeEntitySubscriber,
    RealtimeRepository,
    RealtimeService,
    RealtimeResolver,
  ],
})
export class RealtimeModule {}
