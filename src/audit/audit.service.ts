import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AuditEvent } from './audit-event.entity';
import { GENESIS_HASH, hashEvent } from './audit-chain';

export type AuditOutcome = 'SUCCESS' | 'FAILURE' | 'DENIED';

export interface AuditInput {
  /** Dotted verb, e.g. `auth.login`, `authz.denied`, `token.mint`, `world.import`. */
  action: string;
  outcome: AuditOutcome;
  actorId?: string | null;
  actorOrganizationId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  /** A precise, machine-readable reason, e.g. `signature_invalid`, `not_visible_or_missing`. */
  reason?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
  ip?: string | null;
}

export interface ChainVerification {
  ok: boolean;
  events: number;
  /** The first event whose hash or link does not hold. */
  brokenAt: number | null;
}

// One chain for the whole gateway: writers queue on this advisory lock within their transaction.
const CHAIN_LOCK = 4_242_001;

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends an event. With a manager it joins that transaction (the event commits or rolls
   * back with the change it records); without one it commits on its own.
   */
  async record(input: AuditInput, manager?: EntityManager): Promise<void> {
    if (manager) {
      await this.append(manager, input);
      return;
    }
    await this.dataSource.transaction((m) => this.append(m, input));
  }

  /** Like record, but never throws: for denials on read paths, where the refusal must still go out. */
  async recordQuietly(input: AuditInput): Promise<void> {
    try {
      await this.record(input);
    } catch (error) {
      this.logger.error(`audit write failed for ${input.action}: ${(error as Error).message}`);
    }
  }

  async verifyChain(): Promise<ChainVerification> {
    const repo = this.dataSource.getRepository(AuditEvent);
    let prev = GENESIS_HASH;
    let count = 0;
    const batch = 1000;
    for (let from = 0; ; from += batch) {
      const events = await repo.find({ order: { seq: 'ASC' }, skip: from, take: batch });
      for (const e of events) {
        count++;
        if (e.seq !== count || e.prevHash !== prev || hashEvent(e) !== e.hash) {
          return { ok: false, events: count, brokenAt: e.seq };
        }
        prev = e.hash;
      }
      if (events.length < batch) break;
    }
    return { ok: true, events: count, brokenAt: null };
  }

  private async append(manager: EntityManager, input: AuditInput): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const last: { seq: string; hash: string }[] = await manager.query(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    const event: Omit<AuditEvent, 'hash'> & { hash?: string } = {
      seq: last.length ? Number(last[0].seq) + 1 : 1,
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
      prevHash: last.length ? last[0].hash : GENESIS_HASH,
    };
    event.hash = hashEvent(event);
    await manager.insert(AuditEvent, event as never);
  }
}
