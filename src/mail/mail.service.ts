import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Locale } from '../common/domain.enums';
import { MailMessage } from '../database/entities/mail-message.entity';
import { User } from '../database/entities/user.entity';

/** Templates, each in French and English (see mail-templates.ts). */
export type MailTemplate =
  | 'invitation'
  | 'invitation.approval_needed'
  | 'invitation.approved'
  | 'invitation.rejected'
  | 'membership.renewal_due'
  | 'membership.revoked'
  | 'sponsorship.transferred'
  | 'recertification.requested'
  | 'recertification.lapsed'
  | 'organization.suspended'
  | 'organization.reactivated'
  | 'user.disabled';

/** One mail about an object, as the people who follow that object see it. */
export interface MailDelivery {
  id: string;
  template: string;
  toAddress: string;
  /** PENDING (waiting, or to be retried at nextAttemptAt), SENT, or FAILED (given up). */
  status: 'PENDING' | 'SENT' | 'FAILED';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  sentAt: Date | null;
  createdAt: Date;
}

export interface MailInput {
  /** A user (their address and locale), or a bare address (an invitee without an account: French). */
  to: { userId: string } | { email: string; locale?: Locale };
  template: MailTemplate;
  params: Record<string, unknown>;
  subjectType?: string;
  subjectId?: string;
}

/**
 * The mail interface of the write path. `enqueue` writes to the outbox in the caller's
 * transaction: the mail exists iff the change does, and a failed send never loses it. The
 * dispatcher sends what is due, through the configured transport, and retries failures.
 */
@Injectable()
export class MailService {
  constructor(
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async enqueue(manager: EntityManager, inputs: MailInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const userIds = inputs.flatMap((i) => ('userId' in i.to ? [i.to.userId] : []));
    const users = userIds.length
      ? await manager
          .createQueryBuilder(User, 'u')
          .select(['u.id', 'u.email', 'u.locale'])
          .where('u.id IN (:...ids)', { ids: userIds })
          .getMany()
      : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    const now = this.clock.now();
    const rows = inputs.flatMap((i) => {
      const to = 'userId' in i.to ? byId.get(i.to.userId) : { id: null, email: i.to.email, locale: i.to.locale };
      if (!to) return [];
      return [
        {
          toAddress: to.email,
          toUserId: to.id,
          locale: to.locale ?? Locale.FR,
          template: i.template,
          params: i.params,
          status: 'PENDING',
          attempts: 0,
          nextAttemptAt: now,
          subjectType: i.subjectType ?? null,
          subjectId: i.subjectId ?? null,
        },
      ];
    });
    if (rows.length)
      await manager.save(
        MailMessage,
        rows.map((r) => manager.create(MailMessage, r)),
      );
  }

  /**
   * The mails about one object (e.g. an invitation), oldest first, with their delivery state.
   * The caller decides who may read them: this answers for the object, not for a reader.
   */
  async deliveriesOf(subjectType: string, subjectId: string): Promise<MailDelivery[]> {
    const rows = await this.dataSource
      .getRepository(MailMessage)
      .createQueryBuilder('m')
      .where('m.subject_type = :subjectType AND m.subject_id = :subjectId', { subjectType, subjectId })
      .orderBy('m.created_at', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .getMany();
    return rows.map((m) => ({
      id: m.id,
      template: m.template,
      toAddress: m.toAddress,
      status: m.status as MailDelivery['status'],
      attempts: m.attempts,
      lastError: m.lastError,
      nextAttemptAt: m.nextAttemptAt,
      sentAt: m.sentAt,
      createdAt: m.createdAt,
    }));
  }
}
