import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ExclusiveJobRunner } from '../jobs/exclusive-job.runner';
import { NotifyInput } from '../notifications/notifications.service';
import { MailInput } from '../mail/mail.service';
import { MembershipNotices } from './membership-notices';
import { DueGrant, MembershipsRepository } from './memberships.repository';
import { MovedSponsorship, transferSponsorships } from './sponsorship';

const DAY_MS = 86_400_000;

export interface RenewalRun {
  reminded: string[];
}
export interface LapseRun {
  expired: string[];
}
export interface SweepRun {
  /** Sponsors who no longer count, whose grants moved. */
  sponsors: string[];
  moved: MovedSponsorship[];
  /** External grants that had no sponsor and now have one. */
  assigned: MovedSponsorship[];
}

/**
 * The memberships' scheduled work: asking sponsors to renew, recording lapses, and giving
 * orphaned grants to their spaces' OWNERs. Each public method does one run under an advisory
 * lock (null when another instance holds it) and audits it as one event; the @Cron methods
 * only call them, and run only where the ScheduleModule is loaded (JOBS_ENABLED).
 */
@Injectable()
export class MembershipJobs {
  private readonly logger = new Logger(MembershipJobs.name);

  constructor(
    private readonly jobs: ExclusiveJobRunner,
    private readonly repository: MembershipsRepository,
    private readonly notices: MembershipNotices,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: 'memberships.renewal-reminders' })
  async renewalRemindersTick(): Promise<void> {
    await this.logged('memberships.renewal-reminders', () => this.sendRenewalReminders(this.clock.now()));
  }

  @Cron(CronExpression.EVERY_10_MINUTES, { name: 'memberships.lapse' })
  async lapseTick(): Promise<void> {
    await this.logged('memberships.lapse', () => this.lapseExpired(this.clock.now()));
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'memberships.sponsor-sweep' })
  async sponsorSweepTick(): Promise<void> {
    await this.logged('memberships.sponsor-sweep', () => this.reassignOrphanedSponsorships(this.clock.now()));
  }

  /**
   * ACTIVE external grants expiring within RENEWAL_NOTICE_DAYS whose sponsor has not been asked
   * yet: the sponsor (or, without one who counts, the space's OWNERs) gets a notice and a mail,
   * and the grant remembers it was asked (until its expiry moves).
   */
  sendRenewalReminders(now: Date): Promise<RenewalRun | null> {
    return this.jobs.run('memberships.renewal-reminders', async (manager) => {
      const until = new Date(now.getTime() + this.config.renewalNoticeDays * DAY_MS);
      const due = await this.repository.lockDueForRenewal(manager, now, until);
      if (!due.length) return { reminded: [] };
      const sponsors = await this.repository.countingUserIds(
        manager,
        due.flatMap((g) => (g.sponsorId ? [g.sponsorId] : [])),
      );
      const notices: NotifyInput[] = [];
      const mails: MailInput[] = [];
      const recipientsOf: Record<string, string[]> = {};
      for (const grant of due) {
        const recipients =
          grant.sponsorId && sponsors.has(grant.sponsorId)
            ? [grant.sponsorId]
            : await this.repository.liveOwnerIds(manager, grant.spaceId, now);
        recipientsOf[grant.id] = recipients;
        for (const userId of recipients) {
          notices.push({
            userId,
            kind: 'membership.renewal_due',
            spaceId: grant.spaceId,
            subjectType: 'Membership',
            subjectId: grant.id,
            data: {
              membershipId: grant.id,
              memberId: grant.userId,
              expiresAt: new Date(grant.expiresAt).toISOString(),
            },
          });
          mails.push({
            to: { userId },
            template: 'membership.renewal_due',
            params: {
              memberName: grant.memberName,
              spaceName: grant.spaceName,
              expiresAt: new Date(grant.expiresAt).toISOString(),
              link: this.notices.spaceLink(grant.spaceId),
            },
            subjectType: 'Membership',
            subjectId: grant.id,
          });
        }
      }
      await this.notices.notify(manager, notices);
      await this.notices.enqueue(manager, mails);
      // A grant with nobody to ask (no sponsor who counts, no OWNER) is asked again next run.
      const reminded = due.filter((g) => recipientsOf[g.id].length).map((g) => g.id);
      const unasked = due.filter((g) => !recipientsOf[g.id].length).map((g) => g.id);
      await this.repository.markRenewalRequested(manager, reminded, now);
      await this.record(manager, 'membership.renewal_reminders', { reminded, unasked, recipients: recipientsOf });
      return { reminded };
    });
  }

  /**
   * Grants nobody renewed lapse at their expiry (the rule already stops reading them then):
   * ACTIVE or SUSPENDED grants past it become EXPIRED; the member and the sponsor are told.
   */
  lapseExpired(now: Date): Promise<LapseRun | null> {
    return this.jobs.run('memberships.lapse', async (manager) => {
      const lapsed = await this.repository.lapseExpired(manager, now);
      if (!lapsed.length) return { expired: [] };
      await this.notices.notify(
        manager,
        lapsed.flatMap((g) => this.expiredNotices(g)),
      );
      await this.record(manager, 'membership.lapse', { expired: lapsed.map((g) => g.id) });
      return { expired: lapsed.map((g) => g.id) };
    });
  }

  /**
   * Grants whose sponsor no longer counts (disabled, or their organisation suspended) move to
   * their spaces' OWNERs, who are told; external grants without a sponsor get one the same way.
   */
  reassignOrphanedSponsorships(now: Date): Promise<SweepRun | null> {
    return this.jobs.run('memberships.sponsor-sweep', async (manager) => {
      const sponsors = await this.repository.orphanedSponsorIds(manager);
      const moved: MovedSponsorship[] = [];
      for (const sponsorId of sponsors) {
        const theirs = await transferSponsorships(manager, sponsorId, now);
        await this.notices.sponsorshipsMoved(manager, theirs, sponsorId);
        moved.push(...theirs);
      }
      const assigned = await this.repository.sponsorUnsponsored(manager, now);
      await this.notices.sponsorshipsMoved(manager, assigned, null);
      if (moved.length || assigned.length) {
        await this.record(manager, 'membership.sponsor_sweep', {
          sponsors,
          moved: moved.map((m) => ({ membershipId: m.membershipId, newSponsorId: m.newSponsorId })),
          assigned: assigned.map((m) => ({ membershipId: m.membershipId, newSponsorId: m.newSponsorId })),
        });
      }
      return { sponsors, moved, assigned };
    });
  }

  private expiredNotices(g: DueGrant): NotifyInput[] {
    const base = {
      kind: 'membership.expired' as const,
      spaceId: g.spaceId,
      subjectType: 'Membership',
      subjectId: g.id,
      data: { membershipId: g.id, memberId: g.userId, expiresAt: new Date(g.expiresAt).toISOString() },
    };
    const out: NotifyInput[] = [{ ...base, userId: g.userId }];
    if (g.sponsorId && g.sponsorId !== g.userId) out.push({ ...base, userId: g.sponsorId });
    return out;
  }

  /** One audit event per run, by the scheduler (no actor), in the run's transaction. */
  private record(manager: EntityManager, action: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record(
      { action, outcome: 'SUCCESS', actorId: null, subjectType: 'Membership', details },
      manager,
    );
  }

  private async logged(job: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.logger.error(`${job} failed: ${(error as Error).message}`);
    }
  }
}
