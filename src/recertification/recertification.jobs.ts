import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ExclusiveJobRunner } from '../jobs/exclusive-job.runner';
import { MailInput, MailService } from '../mail/mail.service';
import { NotificationsService, NotifyInput } from '../notifications/notifications.service';
import { LapsedItem, RecertificationRepository } from './recertification.repository';

/** Why a grant ended when nobody recertified it (memberships.end_reason). */
export const LAPSE_REASON = 'recertification_lapsed';

export interface RecertificationLapseRun {
  /** Items nobody decided by their campaign's deadline. */
  lapsed: string[];
  /** The grants those items ended (EXPIRED); a grant that had ended meanwhile is not among them. */
  expired: string[];
  closedCampaigns: string[];
}

/**
 * The deadline of a campaign: every item nobody certified or revoked lapses, and its grant, if
 * still live, ends as EXPIRED at the deadline (as a grant nobody renews ends at its expiry:
 * nobody decided to revoke it). The member is told (membership.expired), and whoever the item
 * was given to (the sponsor, or the OWNERs of an orphaned grant's space) gets a notice per
 * grant and one mail. One run under an advisory lock, audited as one event by the scheduler.
 */
@Injectable()
export class RecertificationJobs {
  private readonly logger = new Logger(RecertificationJobs.name);

  constructor(
    private readonly jobs: ExclusiveJobRunner,
    private readonly repository: RecertificationRepository,
    private readonly notifications: NotificationsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_10_MINUTES, { name: 'recertification.lapse' })
  async lapseTick(): Promise<void> {
    try {
      await this.lapseOverdue(this.clock.now());
    } catch (error) {
      this.logger.error(`recertification.lapse failed: ${(error as Error).message}`);
    }
  }

  lapseOverdue(now: Date): Promise<RecertificationLapseRun | null> {
    return this.jobs.run('recertification.lapse', async (manager) => {
      const lapsed = await this.repository.lapseOverdueItems(manager, now);
      const expired = await this.repository.expireGrants(
        manager,
        lapsed.map((i) => i.id),
        LAPSE_REASON,
      );
      const closedCampaigns = await this.repository.closeOverdueCampaigns(manager, now);
      if (!lapsed.length && !closedCampaigns.length) return { lapsed: [], expired: [], closedCampaigns: [] };
      const ended = new Set(expired);
      await this.notifications.notify(manager, this.notices(lapsed, ended));
      await this.mail.enqueue(manager, this.mails(lapsed));
      await this.audit.record(
        {
          action: 'recertification.lapse',
          outcome: 'SUCCESS',
          actorId: null,
          subjectType: 'RecertificationItem',
          details: {
            campaigns: closedCampaigns,
            lapsed: lapsed.map((i) => ({ itemId: i.id, membershipId: i.membershipId, told: i.assigneeIds })),
            expired,
          },
        },
        manager,
      );
      return { lapsed: lapsed.map((i) => i.id), expired, closedCampaigns };
    });
  }

  private notices(lapsed: LapsedItem[], ended: Set<string>): NotifyInput[] {
    const out: NotifyInput[] = [];
    for (const i of lapsed) {
      const data = { membershipId: i.membershipId, memberId: i.userId, campaignId: i.campaignId };
      for (const userId of i.assigneeIds) {
        out.push({
          userId,
          kind: 'recertification.lapsed',
          spaceId: i.spaceId,
          subjectType: 'Membership',
          subjectId: i.membershipId,
          data,
        });
      }
      if (ended.has(i.membershipId)) {
        out.push({
          userId: i.userId,
          kind: 'membership.expired',
          spaceId: i.spaceId,
          subjectType: 'Membership',
          subjectId: i.membershipId,
          data: { ...data, expiresAt: new Date(i.deadline).toISOString() },
        });
      }
    }
    return out;
  }

  /** One mail per person told and campaign, with how many of their grants lapsed. */
  private mails(lapsed: LapsedItem[]): MailInput[] {
    const counts = new Map<string, { userId: string; campaignId: string; deadline: Date; count: number }>();
    for (const i of lapsed) {
      for (const userId of i.assigneeIds) {
        const key = `${userId}/${i.campaignId}`;
        const entry = counts.get(key) ?? { userId, campaignId: i.campaignId, deadline: i.deadline, count: 0 };
        entry.count++;
        counts.set(key, entry);
      }
    }
    return [...counts.values()].map((e) => ({
      to: { userId: e.userId },
      template: 'recertification.lapsed' as const,
      params: {
        count: e.count,
        deadlineAt: new Date(e.deadline).toISOString(),
        link: `${this.config.publicUrl}/review/recertification`,
      },
      subjectType: 'RecertificationCampaign',
      subjectId: e.campaignId,
    }));
  }
}
