import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AuditEvent } from '../database/entities/audit-event.entity';
import { AppConfig } from '../config/app-config';
import { AuditAnchor } from '../database/entities/audit-anchor.entity';
import { GENESIS_HASH, hashEvent } from './audit-chain';
import { anchorSignatureValid, signAnchor } from './audit-anchor';
import { ChainProblem, ChainVerification, classifyBreak, rowHolds } from './chain-verification';
import { AuditRepository } from './audit.repository';
import type { AuditInput } from './audit.types';
import { NoiseAggregator } from './noise-aggregator';

export type { AuditInput, AuditOutcome } from './audit.types';

export type { ChainBreakKind, ChainProblem, ChainVerification } from './chain-verification';

// Events one standalone transaction appends at most.
const GROUP_MAX = 2000;
/** Anonymous noise is counted in memory and written once per kind and window. */
export const NOISE_WINDOW_MS = 60_000;
/** Refusals anyone can cause without signing in: aggregated rather than written one by one. */
const NOISE_ACTIONS = new Set(['auth.unauthenticated', 'auth.login.start']);

interface PendingWrite {
  events: AuditEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

@Injectable()
export class AuditService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuditService.name);
  private readonly noise: NoiseAggregator;
  private noiseTimer: NodeJS.Timeout | null = null;
  private pending: PendingWrite[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly log: AuditRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.noise = new NoiseAggregator(clock.now());
  }

  onModuleInit(): void {
    this.noiseTimer = setInterval(() => void this.flush(), NOISE_WINDOW_MS);
    this.noiseTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.noiseTimer) clearInterval(this.noiseTimer);
    this.noiseTimer = null;
    await this.flush();
  }

  /**
   * Appends an event. With a manager it joins that transaction (the event commits or rolls
   * back with the change it records); without one it commits on its own.
   */
  async record(input: AuditInput, manager?: EntityManager): Promise<void> {
    await this.recordMany([input], manager);
  }

  /**
   * Appends events in order, in one statement under the chain lock. Without a manager,
   * concurrent callers' events are grouped into one short transaction.
   */
  async recordMany(inputs: AuditInput[], manager?: EntityManager): Promise<void> {
    if (inputs.length === 0) return;
    const events = inputs.map((input) => this.prepare(input));
    if (manager) {
      await this.append(manager, events);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /**
   * Like record, but never throws: for refusals on read paths, where the refusal must still go
   * out. Anonymous noise (unauthenticated requests, failed sign-in starts) is aggregated: the
   * first of its kind in a window is written at once, the others counted.
   */
  async recordQuietly(input: AuditInput): Promise<void> {
    const now =
      NOISE_ACTIONS.has(input.action) && input.outcome !== 'SUCCESS' ? this.noise.note(input, this.clock.now()) : input;
    if (now) await this.recordManyQuietly([now]);
  }

  /** Writes the aggregated noise of the current window and starts a new one. */
  async flush(): Promise<void> {
    await this.recordManyQuietly(this.noise.drain(this.clock.now()));
  }

  /**
   * Walks the whole chain in order, in batches, and names the first row that does not hold
   * (altered, deleted, inserted or reordered behind the API), then checks every anchor: its
   * signature, and that the row at its position still has its hash (a deleted tail or a
   * rewritten history is caught there).
   */
  async verifyChain(): Promise<ChainVerification> {
    let prev: AuditEvent | null = null;
    let beforePrev: AuditEvent | null = null;
    let count = 0;
    const batch = 1000;
    for (let after = Number.MIN_SAFE_INTEGER; ;) {
      const events = await this.log.findEventsAfter(after, batch);
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        count++;
        if (!rowHolds(e, prev)) {
          const next = events[i + 1] ?? (await this.log.findEventsAfter(e.seq, 1))[0] ?? null;
          const problem = await classifyBreak(e, prev, beforePrev, next, this.log);
          return { ok: false, events: count, head: headOf(prev), anchors: 0, brokenAt: problem.seq, problem };
        }
        beforePrev = prev;
        prev = e;
        after = e.seq;
      }
      if (events.length < batch) break;
    }
    const head = headOf(prev);
    const { anchors, problem } = await this.verifyAnchors(head);
    return { ok: problem === null, events: count, head, anchors, brokenAt: problem?.seq ?? null, problem };
  }

  /**
   * Writes the chain's head (seq, hash) as a signed anchor, and to the application log; null
   * on an empty log. With a manager it joins that transaction.
   */
  async anchor(manager?: EntityManager): Promise<AuditAnchor | null> {
    const work = async (m: EntityManager) => {
      await this.log.lockChain(m);
      const head = await this.log.findHead(m);
      if (!head) return null;
      const anchor: AuditAnchor = {
        id: randomUUID(),
        seq: head.seq,
        hash: head.hash,
        anchoredAt: this.clock.now(),
        signature: '',
      };
      anchor.signature = signAnchor(this.config.secretKey, anchor);
      await this.log.insertAnchor(m, anchor);
      return anchor;
    };
    const anchor = manager ? await work(manager) : await this.log.inTransaction(work);
    if (anchor) {
      this.logger.log(
        `audit anchor seq=${anchor.seq} hash=${anchor.hash} at=${anchor.anchoredAt.toISOString()} id=${anchor.id} hmac=${anchor.signature}`,
      );
    }
    return anchor;
  }

  private async verifyAnchors(
    head: { seq: number; hash: string } | null,
  ): Promise<{ anchors: number; problem: ChainProblem | null }> {
    let anchors = 0;
    const batch = 1000;
    for (let after: { seq: number; id: string } | null = null; ;) {
      const rows = await this.log.findAnchorsAfter(after, batch);
      for (const a of rows) {
        anchors++;
        const when = a.anchoredAt.toISOString();
        if (!anchorSignatureValid(this.config.secretKey, a, a.signature)) {
          return {
            anchors,
            problem: {
              kind: 'ANCHOR_FORGED',
              seq: a.seq,
              eventId: null,
              message: `anchor ${a.id} (seq ${a.seq}, ${when}) does not carry a valid signature`,
            },
          };
        }
        if (head === null || a.seq > head.seq) {
          const from = (head?.seq ?? 0) + 1;
          return {
            anchors,
            problem: {
              kind: 'DELETED',
              seq: from,
              eventId: null,
              message: `tail truncated: the chain ends at seq ${from - 1}, but the anchor of ${when} saw it reach seq ${a.seq}; seq ${from}–${a.seq} were deleted`,
            },
          };
        }
        if (a.rowHash !== a.hash) {
          return {
            anchors,
            problem: {
              kind: 'ALTERED',
              seq: a.seq,
              eventId: null,
              message: `the row at seq ${a.seq} no longer has the hash anchored at ${when}: the chain was rewritten up to there`,
            },
          };
        }
        after = a;
      }
      if (rows.length < batch) return { anchors, problem: null };
    }
  }

  /** recordMany that never throws. */
  async recordManyQuietly(inputs: AuditInput[]): Promise<void> {
    if (inputs.length === 0) return;
    try {
      await this.recordMany(inputs);
    } catch (error) {
      this.logger.error(
        `audit write failed for ${inputs.map((i) => i.action).join(', ')}: ${(error as Error).message}`,
      );
    }
  }

  /** Everything but the link: computed before the lock is taken. */
  private prepare(input: AuditInput): AuditEvent {
    return {
      seq: 0,
      id: randomUUID(),
      occurredAt: this.clock.now(),
      action: input.action,
      outcome: input.outcome,
      actorId: input.actorId ?? null,
      actorOrganizationId: input.actorOrganizationId ?? null,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId ?? null,
      reason: input.reason ?? null,
      details: input.details ?? {},
      requestId: input.requestId ?? null,
      ip: input.ip ?? null,
      prevHash: '',
      hash: '',
    };
  }

  /** Group commit: whatever is pending when a transaction ends goes into the next one. */
  private async drain(): Promise<void> {
    for (;;) {
      const group: PendingWrite[] = [];
      let size = 0;
      while (this.pending.length && (size === 0 || size + this.pending[0].events.length <= GROUP_MAX)) {
        const next = this.pending.shift()!;
        group.push(next);
        size += next.events.length;
      }
      if (group.length === 0) {
        this.draining = null;
        return;
      }
      try {
        await this.log.inTransaction((m) =>
          this.append(
            m,
            group.flatMap((g) => g.events),
          ),
        );
        group.forEach((g) => g.resolve());
      } catch (error) {
        if (group.length === 1) {
          group[0].reject(error);
          continue;
        }
        // One caller's bad event must not take the others down: each alone.
        for (const g of group) {
          try {
            await this.log.inTransaction((m) => this.append(m, g.events));
            g.resolve();
          } catch (own) {
            g.reject(own);
          }
        }
      }
    }
  }

  private async append(manager: EntityManager, events: AuditEvent[]): Promise<void> {
    await this.log.lockChain(manager);
    const head = await this.log.findHead(manager);
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    // Linked on copies: a retried group relinks from the head it finds then.
    const rows = events.map((e) => {
      const row: AuditEvent = { ...e, seq: ++seq, prevHash };
      row.hash = hashEvent(row);
      prevHash = row.hash;
      return row;
    });
    await this.log.insertEvents(manager, rows);
  }
}

function headOf(e: AuditEvent | null): { seq: number; hash: string } | null {
  return e ? { seq: e.seq, hash: e.hash } : null;
}
