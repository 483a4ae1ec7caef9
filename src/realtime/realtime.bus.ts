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
    // Its subscribe waits for Redis however long it takes (ioredis subscribes again after a reconnection).
    this.subscriber = publisher.duplicate({ maxRetriesPerRequest: null });
    this.subscriber.on('error', (error: Error) => this.logger.warn(`Redis subscriber: ${error.message}`));
    this.publisher.on('error', (error: Error) => this.logger.warn(`Redis publisher: ${error.message}`));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel || !this.listener) return;
      const events = parseEvents(message);
      if (events.length) this.listener(events);
    });
  }

  /**
   * Resolves once the subscription is in place, so that nothing published after start is
   * missed; if Redis does not answer within `waitMs`, the gateway starts anyway and the
   * subscription completes when Redis comes back.
   */
  async start(waitMs = 5000): Promise<void> {
    const subscribed = this.subscriber.subscribe(this.channel).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
    const inTime = await Promise.race([subscribed, late]).finally(() => clearTimeout(timer));
    if (!inTime) this.logger.warn(`Redis did not answer within ${waitMs} ms: subscription events wait for it`);
    subscribed.catch((error: Error) => this.logger.warn(`Redis subscription failed: ${error.message}`));
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

  close(): Promise<void> {
    this.closed = true;
    this.listener = null;
    // disconnect, not quit: a quit waits for a Redis that may be gone, and shutdown must not.
    this.subscriber.disconnect();
    this.publisher.disconnect();
    return Promise.resolve();
  }
}
