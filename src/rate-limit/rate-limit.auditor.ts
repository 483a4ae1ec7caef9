import { BeforeApplicationShutdown, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { RateLimitName } from './rate-limit.policy';

/** How often rejections are written to the audit log, at most. */
export const RATE_LIMIT_AUDIT_INTERVAL_MS = 60_000;
/** Distinct clients tracked per interval; beyond that they are only counted. */
const MAX_TRACKED_KEYS = 1000;
/** Clients named in each audit row, the most rejected first. */
const TOP_KEYS = 10;

interface KeyCount {
  limit: RateLimitName;
  key: string;
  rejected: number;
}

/**
 * Rejections go to the audit log in aggregate: at most one `rate_limit.rejected` row per
 * instance and interval, with the counts per limit and the most rejected clients, so a
 * flood cannot grow the log faster than the clock. Memory is bounded too.
 */
@Injectable()
export class RateLimitAuditor implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private since: Date;
  private rejected = 0;
  private byLimit = new Map<RateLimitName, number>();
  private byKey = new Map<string, KeyCount>();
  private untracked = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.since = clock.now();
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), RATE_LIMIT_AUDIT_INTERVAL_MS);
    this.timer.unref();
  }

  note(limit: RateLimitName, key: string): void {
    this.rejected++;
    this.byLimit.set(limit, (this.byLimit.get(limit) ?? 0) + 1);
    const id = `${limit} ${key}`;
    const entry = this.byKey.get(id);
    if (entry) {
      entry.rejected++;
      return;
    }
    if (this.byKey.size >= MAX_TRACKED_KEYS) {
      // Space-saving: the least rejected client makes room, so that noise sent first
      // cannot hide a heavy hitter that comes later (its count may then be over-estimated).
      let least: [string, KeyCount] | null = null;
      for (const item of this.byKey) if (!least || item[1].rejected < least[1].rejected) least = item;
      this.byKey.delete(least![0]);
      this.untracked += least![1].rejected;
      this.byKey.set(id, { limit, key, rejected: least![1].rejected + 1 });
      return;
    }
    this.byKey.set(id, { limit, key, rejected: 1 });
  }

  /** Writes the interval's rejections, if any, as one audit row, and starts a new interval. */
  async flush(): Promise<void> {
    const until = this.clock.now();
    const { since, rejected, byLimit, byKey, untracked } = this;
    this.since = until;
    this.rejected = 0;
    this.byLimit = new Map();
    this.byKey = new Map();
    this.untracked = 0;
    if (rejected === 0) return;
    const top = [...byKey.values()]
      .sort((a, b) => b.rejected - a.rejected || a.key.localeCompare(b.key))
      .slice(0, TOP_KEYS);
    await this.audit.recordQuietly({
      action: 'rate_limit.rejected',
      outcome: 'DENIED',
      reason: 'rate_limited',
      details: {
        since: since.toISOString(),
        until: until.toISOString(),
        rejected,
        byLimit: Object.fromEntries(byLimit),
        trackedClients: byKey.size,
        // Rejections of clients dropped to make room; counts in `top` are then upper bounds.
        untrackedRejections: untracked,
        top: top.map(({ limit, key, rejected: n }) => ({ limit, key, rejected: n })),
      },
    });
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The last interval still goes out, while the database is open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
