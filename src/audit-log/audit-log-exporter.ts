import { Injectable } from '@nestjs/common';
import type { SqlFragment } from '../access/sql/condition-to-sql';
import { AuditLogErrorCode, AuditLogException } from './audit-log.exception';
import { AuditLogFilter } from './audit-log-filter';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogView, csvHeader, csvLine, jsonLine, presentEvent } from './audit-event-view';

export type ExportFormat = 'jsonl' | 'csv';

export function parseExportFormat(value: unknown): ExportFormat {
  if (value === undefined || value === null || value === '') return 'jsonl';
  if (value === 'jsonl' || value === 'csv') return value;
  throw new AuditLogException(AuditLogErrorCode.INVALID_FORMAT, 'format: jsonl or csv', { field: 'format' });
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** An export under way: what it covers, and its text, produced batch by batch. */
export interface AuditExport {
  format: ExportFormat;
  /** The chain's position when it started: later events are not in it. */
  upTo: number;
  chunks: AsyncGenerator<string>;
}

/** The export of the audit log in JSON Lines or CSV, shared by the HTTP route and the command line. */
@Injectable()
export class AuditLogExporter {
  constructor(private readonly repository: AuditLogRepository) {}

  async start(
    scope: SqlFragment | null,
    filter: AuditLogFilter,
    view: AuditLogView,
    format: ExportFormat,
  ): Promise<AuditExport> {
    const upTo = await this.repository.headSeq();
    const qb = this.repository.select(scope, filter, view);
    const repository = this.repository;
    async function* chunks(): AsyncGenerator<string> {
      if (format === 'csv') yield csvHeader();
      for await (const rows of repository.batches(qb, upTo)) {
        // One chunk per batch: a thousand lines per write, not a thousand writes.
        yield rows.map((e) => (format === 'csv' ? csvLine : jsonLine)(presentEvent(e, view))).join('');
      }
    }
    return { format, upTo, chunks: chunks() };
  }
}
