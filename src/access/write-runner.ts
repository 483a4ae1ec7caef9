import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AuditInput } from '../audit/audit.types';
import { Principal } from '../auth/principal';
import { MetricsService } from '../observability/metrics.service';
import { AppAbility } from './subjects';
import { WriteException } from './write.exception';

/** Who does a write: the signed-in caller with the request's ability, or the scheduler. */
export interface WriteActor {
  principal: Principal;
  ability: AppAbility;
  requestId?: string;
}

/** One write in progress: its transaction, and the audit events that commit with it. */
export class WriteTx {
  private readonly events: AuditInput[] = [];

  constructor(
    readonly manager: EntityManager,
    readonly actor: WriteActor | null,
    private readonly action: string,
  ) {}

  /** Records a change; written in the same transaction, so it commits or rolls back with it. */
  audit(event: Omit<AuditInput, 'outcome' | 'action'> & { action?: string }): void {
    this.events.push({
      actorId: this.actor?.principal.userId ?? null,
      actorOrganizationId: this.actor?.principal.organizationId ?? null,
      requestId: this.actor?.requestId ?? null,
      ...event,
      action: event.action ?? this.action,
      outcome: 'SUCCESS',
    });
  }

  drain(): AuditInput[] {
    return this.events.splice(0);
  }
}

/**
 * Runs every write of the write path: one transaction for the change and its audit events;
 * a refusal (a WriteException thrown anywhere in `work`) rolls everything back and is then
 * audited on its own with its code, so nothing half-written is left and every refusal is
 * on record. Work should lock the rows it decides on (`FOR UPDATE`) so that concurrent
 * writes reach one consistent outcome.
 */
@Injectable()
export class WriteRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async run<T>(
    actor: WriteActor | null,
    action: string,
    subject: { type: string; id?: string | null },
    work: (tx: WriteTx) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tx = new WriteTx(manager, actor, action);
        const result = await work(tx);
        await this.audit.recordMany(tx.drain(), manager);
        return result;
      });
    } catch (error) {
      if (error instanceof WriteException) {
        this.metrics?.countDenial('write');
        await this.audit.record({
          action,
          outcome: 'DENIED',
          actorId: actor?.principal.userId ?? null,
          actorOrganizationId: actor?.principal.organizationId ?? null,
          subjectType: (error.details.subjectType as string | undefined) ?? subject.type,
          subjectId: ((error.details.subjectId as string | undefined) ?? subject.id ?? null)?.slice(0, 100) ?? null,
          // A NOT_FOUND may say why in the log (wrong_email...) while the caller sees one answer.
          reason: typeof error.details.auditReason === 'string' ? error.details.auditReason : error.code.toLowerCase(),
          details: { message: error.message, ...error.details },
          requestId: actor?.requestId ?? null,
        });
      }
      throw error;
    }
  }
}
