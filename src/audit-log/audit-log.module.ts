import { Module } from '@nestjs/common';
import { AuditAnchorJob } from './audit-anchor.job';
import { AuditExportController } from './audit-export.controller';
import { AuditLogExporter } from './audit-log-exporter';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogResolver } from './audit-log.resolver';
import { AuditLogService } from './audit-log.service';

/** What the command line needs of the audit log: its queries and the export. */
@Module({ providers: [AuditLogRepository, AuditLogExporter], exports: [AuditLogRepository, AuditLogExporter] })
export class AuditLogStoreModule {}

/** The audit log for reviewers and partner admins: list, export, verification, anchoring. */
@Module({
  imports: [AuditLogStoreModule],
  controllers: [AuditExportController],
  providers: [AuditLogService, AuditLogResolver, AuditAnchorJob],
})
export class AuditLogModule {}
