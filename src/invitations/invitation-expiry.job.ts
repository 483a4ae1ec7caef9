import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { ExclusiveJobRunner } from '../jobs/exclusive-job.runner';
import { InvitationsService } from './invitations.service';

const EVERY_FIVE_MINUTES = 5 * 60_000;

/**
 * `invitations.expire`: an invitation left unanswered past its expiry becomes EXPIRED (reads
 * already treat it so from that instant). Scheduled every five minutes where JOBS_ENABLED,
 * and run by one instance at a time (advisory lock); tests call `expireDue` directly.
 */
@Injectable()
export class InvitationExpiryJob {
  private readonly logger = new Logger(InvitationExpiryJob.name);

  constructor(
    private readonly jobs: ExclusiveJobRunner,
    private readonly invitations: InvitationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  @Interval('invitations.expire', EVERY_FIVE_MINUTES)
  async tick(): Promise<void> {
    try {
      const expired = await this.expireDue(this.clock.now());
      if (expired) this.logger.log(`invitations.expire: ${expired} invitation(s) expired`);
    } catch (error) {
      this.logger.error(`invitations.expire failed: ${(error as Error).stack ?? String(error)}`);
    }
  }

  /** Expires what is due at `now`, audited in the same transaction; how many (0 if another instance runs it). */
  async expireDue(now: Date): Promise<number> {
    const count = await this.jobs.run('invitations.expire', async (manager) => {
      const expired = await this.invitations.expireDue(manager, now);
      await this.audit.recordMany(
        expired.map((inv) => ({
          action: 'invitation.expire',
          outcome: 'SUCCESS' as const,
          actorId: null,
          subjectType: 'Invitation',
          subjectId: inv.id,
          details: { from: inv.status, expiresAt: inv.expiresAt.toISOString(), spaceId: inv.spaceId },
        })),
        manager,
      );
      return expired.length;
    });
    return count ?? 0;
  }
}
