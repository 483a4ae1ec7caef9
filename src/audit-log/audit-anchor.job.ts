import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AuditService } from '../audit/audit.service';
import { AuditAnchor } from '../database/entities/audit-anchor.entity';
import { ExclusiveJobRunner } from '../jobs/exclusive-job.runner';

/**
 * Anchors the audit chain's head every 10 minutes, in one instance: a signed row in
 * `audit_anchors` and a line in the application log (to be shipped off the database host),
 * so a tail deleted later is caught by verification.
 */
@Injectable()
export class AuditAnchorJob {
  constructor(
    private readonly jobs: ExclusiveJobRunner,
    private readonly audit: AuditService,
  ) {}

  @Cron(CronExpression.EVERY_10_MINUTES, { name: 'audit.anchor' })
  async scheduled(): Promise<void> {
    await this.run();
  }

  /** The anchor written, or null (an empty log, or another instance ran it). */
  async run(): Promise<AuditAnchor | null> {
    return (await this.jobs.run('audit.anchor', (manager) => this.audit.anchor(manager))) ?? null;
  }
}
