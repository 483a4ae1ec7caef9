import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { MailMessage } from '../database/entities/mail-message.entity';
import { MetricsService } from '../observability/metrics.service';
import { renderMail, UnknownMailTemplateError } from './mail-templates';
import { localeOf } from './text-format';
import { MailTransport } from './transports/mail-transport';

/** After this many attempts a message is FAILED (kept, with its last error, for people to see). */
export const MAIL_MAX_ATTEMPTS = 8;
/** Minutes before the next attempt, after the 1st, 2nd... failure (the last value repeats). */
export const MAIL_BACKOFF_MINUTES = [1, 5, 15, 60, 240, 720, 1440];
/** A claimed message is due again after this long, in case its sender died before recording. */
export const MAIL_CLAIM_LEASE_MS = 10 * 60_000;
const BATCH_SIZE = 20;
const MAX_BATCHES_PER_RUN = 25;

export interface DispatchResult {
  sent: number;
  /** Failed this time, to be retried later. */
  retried: number;
  /** Not sent: what it announced was withdrawn before it went out (an invitation revoked meanwhile). */
  withdrawn: number;
  /** Failed for good (attempts exhausted, or a message that cannot be rendered). */
  failed: number;
}

/**
 * Sends the outbox. Each batch of due messages is claimed in a short transaction
 * (`FOR UPDATE SKIP LOCKED`, then moved past a lease), so several instances never take the
 * same message; the send happens outside any transaction; its outcome is then recorded. A
 * failure leaves the message PENDING with its attempt counted, its (short) error and the
 * time of its next try; after MAIL_MAX_ATTEMPTS it is FAILED. Nothing is ever deleted.
 */
@Injectable()
export class MailDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private metrics: MetricsService | null = null;
  private running = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    try {
      this.metrics = this.moduleRef.get(MetricsService, { strict: false });
    } catch {
      this.metrics = null; // METRICS_ENABLED is off
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  /** The schedule (JOBS_ENABLED): every 30 seconds, one run at a time per instance. */
  @Interval('mail-dispatch', 30_000)
  async scheduledDispatch(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const result = await this.dispatchDue(this.clock.now());
      if (result.sent + result.retried + result.failed > 0)
        this.logger.log(`dispatch: ${result.sent} sent, ${result.retried} to retry, ${result.failed} failed`);
    } catch (error) {
      this.logger.error(`dispatch stopped: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Sends every PENDING message due at `now` (public for tests, which move the clock). */
  async dispatchDue(now: Date): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, retried: 0, failed: 0, withdrawn: 0 };
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const claimed = await this.claim(now);
      if (claimed.length === 0) break;
      for (const message of claimed) result[await this.deliver(message, now)]++;
    }
    return result;
  }

  /** Takes a batch of due messages that no other instance holds, and counts the attempt. */
  private claim(now: Date): Promise<MailMessage[]> {
    return this.dataSource.transaction(async (manager) => {
      const due = await manager
        .createQueryBuilder(MailMessage, 'm')
        .where('m.status = :pending', { pending: 'PENDING' })
        .andWhere('m.next_attempt_at <= :now', { now })
        .orderBy('m.next_attempt_at', 'ASC')
        .addOrderBy('m.id', 'ASC')
        .limit(BATCH_SIZE)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (due.length === 0) return [];
      await manager.update(
        MailMessage,
        { id: In(due.map((m) => m.id)) },
        { attempts: () => 'attempts + 1', nextAttemptAt: new Date(now.getTime() + MAIL_CLAIM_LEASE_MS) },
      );
      return due.map((m) => ({ ...m, attempts: m.attempts + 1 }));
    });
  }

  private async deliver(message: MailMessage, now: Date): Promise<keyof DispatchResult> {
    let outcome: keyof DispatchResult;
    let changes: Partial<Pick<MailMessage, 'status' | 'sentAt' | 'lastError' | 'nextAttemptAt'>>;
    const withdrawn = await this.withdrawnBecause(message);
    if (withdrawn) {
      await this.dataSource
        .createQueryBuilder()
        .update(MailMessage)
        .set({ status: 'FAILED', lastError: withdrawn })
        .where('id = :id AND status = :pending', { id: message.id, pending: 'PENDING' })
        .execute();
      this.metrics?.countMail('withdrawn');
      return 'withdrawn';
    }
    try {
      const locale = localeOf(message.locale);
      const params = { link: this.config.publicUrl, ...message.params };
      const rendered = renderMail(message.template, locale, params);
      await this.transport.send({ id: message.id, to: message.toAddress, ...rendered });
      outcome = 'sent';
      changes = { status: 'SENT', sentAt: now, lastError: null };
    } catch (error) {
      const final = error instanceof UnknownMailTemplateError || message.attempts >= MAIL_MAX_ATTEMPTS;
      outcome = final ? 'failed' : 'retried';
      changes = final
        ? { status: 'FAILED', lastError: this.describe(error) }
        : { lastError: this.describe(error), nextAttemptAt: nextAttemptAt(now, message.attempts) };
      this.logger.warn(
        `${message.template} to ${message.toAddress}: attempt ${message.attempts} failed (${changes.lastError})` +
          (final ? ', given up' : ''),
      );
    }
    await this.dataSource
      .createQueryBuilder()
      .update(MailMessage)
      .set(changes)
      .where('id = :id AND status = :pending', { id: message.id, pending: 'PENDING' })
      .execute();
    this.metrics?.countMail(outcome);
    return outcome;
  }

  /**
   * An invitation mail waits in the outbox until the next run: if the invitation was revoked,
   * rejected or answered meanwhile, the mail is not sent (and says why). Null: still current.
   */
  private async withdrawnBecause(message: MailMessage): Promise<string | null> {
    const stillAbout = OPEN_STATUS_OF[message.template];
    if (!stillAbout || message.subjectType !== 'Invitation' || !message.subjectId) return null;
    const [row]: { status: string }[] = await this.dataSource.query(`SELECT status FROM invitations WHERE id = $1`, [
      message.subjectId,
    ]);
    // Invitations are never deleted; a mail about one this database does not hold goes out.
    if (!row || row.status === stillAbout) return null;
    return `not sent: the invitation is ${row.status}`;
  }

  /** A short error for people to read: no credentials, no stack, one line. */
  private describe(error: unknown): string {
    const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
    let text = [e.code, e.responseCode, e.message]
      .filter((v) => typeof v === 'string' || typeof v === 'number')
      .join(' ');
    const secrets = this.config.smtpUrl ? credentialsOf(this.config.smtpUrl) : [];
    for (const secret of secrets) text = text.split(secret).join('***');
    text = text.replace(/\/\/[^/@\s]*@/g, '//***@');
    return (text.replace(/\s+/g, ' ').trim() || 'send failed').slice(0, 300);
  }
}

/** Invitation mails, and the status their invitation must still have for them to go out. */
const OPEN_STATUS_OF: Record<string, string> = {
  invitation: 'PENDING',
  'invitation.approval_needed': 'PENDING_APPROVAL',
};

/** When to try again after `attempts` attempts (the last one failed). */
export function nextAttemptAt(now: Date, attempts: number): Date {
  const minutes = MAIL_BACKOFF_MINUTES[Math.min(Math.max(attempts, 1), MAIL_BACKOFF_MINUTES.length) - 1];
  return new Date(now.getTime() + minutes * 60_000);
}

function credentialsOf(url: string): string[] {
  try {
    const u = new URL(url);
    return [u.password, decodeURIComponent(u.password), u.username, decodeURIComponent(u.username)].filter(
      (s) => s.length >= 3,
    );
  } catch {
    return [];
  }
}
