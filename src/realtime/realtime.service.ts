import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AbilityFactory } from '../access/ability.factory';
import { AppAbility } from '../access/subjects';
import { Principal } from '../auth/principal';
import { renewViewer, SubscriptionContext } from '../graphql/graphql-context.decorator';
import { REALTIME_BUS, RealtimeBus } from './realtime.bus';
import { RealtimeEvent } from './realtime-event';

/** Events a slow subscriber may have waiting; past that the oldest are dropped. */
const MAX_WAITING = 1000;

/** What one subscription follows: which events may concern it, and how to read one now. */
export interface Follow<T> {
  /** The root field the payload is delivered under (`postAdded`...). */
  field: string;
  /** A cheap test on the event's ids, before any query. */
  concerns(event: RealtimeEvent): boolean;
  /** The row, if the subscriber may read it under their current ability; null otherwise. */
  read(ability: AppAbility, principal: Principal, event: RealtimeEvent): Promise<T | null>;
}

/**
 * One subscription's stream. Each event is checked when it is delivered, never when it
 * was published: the socket's credential is checked again and the principal reloaded (a
 * socket whose caller no longer authenticates is closed and the stream ends), then the row
 * is read under the fresh ability, in SQL. A subscriber whose grant expired or was revoked
 * meanwhile simply gets nothing.
 */
class EventStream<T> implements AsyncIterableIterator<Record<string, T>> {
  private readonly waiting: RealtimeEvent[] = [];
  private wake: (() => void) | null = null;
  private done = false;

  constructor(
    private readonly ctx: SubscriptionContext,
    private readonly follow: Follow<T>,
    private readonly abilities: AbilityFactory,
    private readonly onEnd: (stream: EventStream<T>) => void,
    private readonly logger: Logger,
  ) {}

  push(event: RealtimeEvent): void {
    if (this.done) return;
    if (this.waiting.length >= MAX_WAITING) {
      this.waiting.shift();
      this.logger.warn(`a subscriber fell ${MAX_WAITING} events behind; the oldest was dropped`);
    }
    this.waiting.push(event);
    this.wake?.();
  }

  async next(): Promise<IteratorResult<Record<string, T>>> {
    while (!this.done) {
      const event = this.waiting.shift();
      if (!event) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      if (!this.follow.concerns(event)) continue;
      const principal = await this.ctx.socket.current();
      if (!principal) return this.finish();
      if (this.done) break;
      const ability = this.abilities.createFor(principal);
      const row = await this.follow.read(ability, principal, event);
      if (!row || this.done) continue;
      // The payload's own fields (author, space, counts...) resolve for this caller, as of now.
      renewViewer(this.ctx, principal, ability);
      return { value: { [this.follow.field]: row }, done: false };
    }
    return { value: undefined, done: true };
  }

  return(): Promise<IteratorResult<Record<string, T>>> {
    return Promise.resolve(this.finish());
  }

  throw(error: unknown): Promise<IteratorResult<Record<string, T>>> {
    this.finish();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): IteratorResult<Record<string, T>> {
    if (!this.done) {
      this.done = true;
      this.waiting.length = 0;
      this.wake?.();
      this.onEnd(this);
    }
    return { value: undefined, done: true };
  }
}

/** The subscriptions of this instance, fed by the bus (in memory, or Redis across instances). */
@Injectable()
export class RealtimeService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private readonly streams = new Set<EventStream<unknown>>();

  constructor(
    @Inject(REALTIME_BUS) private readonly bus: RealtimeBus,
    private readonly abilities: AbilityFactory,
  ) {}

  onModuleInit(): void {
    this.bus.listen((events) => {
      for (const stream of this.streams) for (const event of events) stream.push(event);
    });
  }

  /** A new stream for one subscription; it ends when the client stops, the socket closes or the app shuts down. */
  open<T>(ctx: SubscriptionContext, follow: Follow<T>): AsyncIterableIterator<Record<string, T>> {
    const stream = new EventStream<T>(
      ctx,
      follow,
      this.abilities,
      (s) => this.streams.delete(s as EventStream<unknown>),
      this.logger,
    );
    this.streams.add(stream as EventStream<unknown>);
    return stream;
  }

  /** How many subscriptions are open on this instance. */
  get openCount(): number {
    return this.streams.size;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.streams].map((s) => s.return()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
