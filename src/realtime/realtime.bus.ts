import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { parseEvents, RealtimeEvent } from './realtime-event';

export const REALTIME_BUS = Symbol('REALTIME_BUS');

/** Events per message: a large import is published in several messages. */
const BATCH = 200;

/** Carries the events of committed writes to every instance's subscribers. */
export interface RealtimeBus {
  publish(events: RealtimeEvent[]): Promise<void>;
  /** Registers the one listener of this instance. */
  listen(listener: (events: RealtimeEvent[]) => void): void;
  close(): Promise<void>;
}

/** One instance: events go straight to its own subscribers (after the writer's commit). */
export class InMemoryRealtimeBus implements RealtimeBus {
  private listener: ((events: RealtimeEvent[]) => void) | null = null;

  publish(events: RealtimeEvent[]): Promise<void> {
    const listener = this.listener;
    // Never inside the writer's call: delivery runs its own queries.
    if (listener && events.length) setImmediate(() => listener(events));
    return Promise.resolve();
  }

  listen(listener: (events: RealtimeEvent[]) => void): void {
    this.listener = listener;
  }

  close(): Promise<void> {
    this.listener = null;
    return Promise.resolve();
  }
}

/**
 * Redis pub/sub: every instance publishes to one channel and hears all of it, its own
 * events included (one path for all). A subscribing connection can do nothing else, hence
 * the duplicate. Events lost while Redis is down are not replayed: clients refetch on
 * reconnecting, as they must after any network cut.
 */
export class RedisRealtimeBus implements RealtimeBus {
  private readonly logger = new Logger('RealtimeBus');
  private readonly subscriber: Redis;
  private listener: ((events: RealtimeEvent[]) => void) | null = null;
  private closed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
  ) {
    this.subscriber = publisher.duplicate();
    this.subscriber.on('error', (error: Error) => this.logger.warn(`Redis subscriber: ${error.message}`));
    this.publisher.on('error', (error: Error) => this.logger.warn(`Redis publisher: ${error.message}`));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel || !this.listener) return;
      const events = parseEvents(message);
      if (events.length) this.listener(events);
    });
  }

  /** Resolves once the subscription is in place, so that nothing published after start is missed. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  async publish(events: RealtimeEvent[]): Promise<void> {
    if (this.closed) return;
    for (let i = 0; i < events.length; i += BATCH) {
      try {
        await this.publisher.publish(this.channel, JSON.stringify(events.slice(i, i + BATCH)));
      } catch (error) {
        // The write is committed already; only its live delivery is lost.
        this.logger.warn(`could not publish ${events.length} event(s): ${(error as Error).message}`);
      }
    }
  }

  listen(listener: (events: RealtimeEvent[]) => void): void {
    this.listener = listener;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listener = null;
    await Promise.all([this.subscriber.quit().catch(() => undefined), this.publisher.quit().catch(() => undefined)]);
  }
}
