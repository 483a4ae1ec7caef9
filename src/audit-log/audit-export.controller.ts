import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Logger, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AbilityFactory } from '../access/ability.factory';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { Principal } from '../auth/principal';
import type { AuthenticatedRequest } from '../auth/request-context';
import { EXPORT_CONTENT_TYPES } from './audit-log-exporter';
import { AuditLogService } from './audit-log.service';

/**
 * `GET /audit/export?format=jsonl|csv&actor=&organization=&space=&action=&decision=&from=&to=`
 * with a session cookie or a bearer token: the caller's share of the log, streamed in chain
 * order as it is read (keyset batches, constant memory), audited `audit.export`.
 */
@Controller('audit')
export class AuditExportController {
  private readonly logger = new Logger(AuditExportController.name);

  constructor(
    private readonly log: AuditLogService,
    private readonly abilities: AbilityFactory,
  ) {}

  @Get('export')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const { format, ...filter } = query;
    // Refusals are thrown before the first byte: the global filter answers them as JSON.
    const started = await this.log.export(
      { principal, ability: this.abilities.createFor(principal), requestId: req.requestId ?? null, ip: req.ip ?? null },
      filter,
      format,
      'http',
    );
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200);
    res.setHeader('Content-Type', EXPORT_CONTENT_TYPES[started.format]);
    res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.${started.format}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Audit-Export-Up-To', String(started.upTo));
    try {
      await pipeline(Readable.from(started.chunks), res);
    } catch (error) {
      // Headers are gone: a reader that left, or a failure midway, ends the stream short.
      this.logger.warn(`audit export ended early: ${(error as Error).message}`);
      res.destroy();
    }
  }
}
