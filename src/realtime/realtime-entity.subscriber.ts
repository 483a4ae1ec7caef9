import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  EntitySubscriberInterface,
  InsertEvent,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { REALTIME_BUS, RealtimeBus } from './realtime.bus';
import { eventOfInsert, RealtimeEvent } from './realtime-event';

interface Pending {
  event: RealtimeEvent;
  /** The transaction level (savepoints nest) the row was inserted at. */
  depth: number;
}

/** How deep the runner's transaction is: 1 for a plain one, more inside savepoints. */
function depthOf(runner: QueryRunner): number {
  return (runner as QueryRunner & { transactionDepth?: number }).transactionDepth ?? 1;
}

/**
 * Collects the posts, comments and notifications inserted through TypeORM (save or insert),
 * per query runner, and publishes them once their transaction commits: a subscriber never
 * hears of a row that was rolled back, nor before it can read it. Writers call nothing.
 */
@Injectable()
export class RealtimeEntitySubscriber implements EntitySubscriberInterface {
  private readonly logger = new Logger('Realtime');
  private readonly pending = new WeakMap<QueryRunner, Pending[]>();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(REALTIME_BUS) private readonly bus: RealtimeBus,
  ) {
    dataSource.subscribers.push(this);
  }

  afterInsert(event: InsertEvent<unknown>): void {
    const realtime = eventOfInsert(event.metadata.target, event.entity);
    if (!realtime) return;
    const runner = event.queryRunner;
    if (!runner.isTransactionActive) {
      this.publish([realtime]);
      return;
    }
    const list = this.pending.get(runner) ?? [];
    list.push({ event: realtime, depth: depthOf(runner) });
    this.pending.set(runner, list);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    const list = this.pending.get(runner);
    if (!list) return;
    if (runner.isTransactionActive) {
      // A savepoint released: its rows now belong to the enclosing level.
      const depth = depthOf(runner);
      for (const p of list) p.depth = Math.min(p.depth, depth);
      return;
    }
    this.pending.delete(runner);
    this.publish(list.map((p) => p.event));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    const list = this.pending.get(runner);
    if (!list) return;
    if (!runner.isTransactionActive) {
      this.pending.delete(runner);
      return;
    }
    // Rolled back to a savepoint: only the rows inserted since are gone.
    const depth = depthOf(runner);
    this.pending.set(
      runner,
      list.filter((p) => p.depth <= depth),
    );
  }

  private publish(events: RealtimeEvent[]): void {
    if (events.length === 0) return;
    this.bus.publish(events).catch((error: unknown) => this.logger.warn(`publish failed: ${String(error)}`));
  }
}
