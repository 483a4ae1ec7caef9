import { Injectable } from '@nestjs/common';
import { SUBJECT_SQL } from '../access/sql/subject-sql-schema';
import type { SubjectName } from '../access/subjects';
import { AccessService } from '../access/access.service';
import { DenialService } from '../access/denial.service';
import { AppAbility, asSubject } from '../access/subjects';
import { AuditService, ChainVerification } from '../audit/audit.service';
import { Principal } from '../auth/principal';
import { AuditAnchor } from '../database/entities/audit-anchor.entity';
import { Connection, PageArgs } from '../graphql/pagination';
import { AuditLogErrorCode, AuditLogException } from './audit-log.exception';
import { AuditLogFilter, describeFilter, parseAuditLogFilter } from './audit-log-filter';
import { AuditExport, AuditLogExporter, parseExportFormat } from './audit-log-exporter';
import { AuditLogRepository } from './audit-log.repository';
import { AuditEventRecord, AuditLogView, presentEvent } from './audit-event-view';

/** Who reads the log, through GraphQL or the export route. */
export interface AuditLogReader {
  principal: Principal;
  ability: AppAbility;
  requestId?: string | null;
  ip?: string | null;
}

/**
 * The audit log for reviewers (issue 10, item 6) and partner admins (item 8). The rows a
 * reader gets are the CASL rule `read AuditEvent` in SQL; what each row shows is the reader's
 * view (audit-event-view.ts). Checks: the rule exists for the caller (FORBIDDEN), the filter
 * (BAD_USER_INPUT; a space they do not see is NOT_FOUND like a missing one). Refusals,
 * exports, verifications and anchors are audited.
 */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly exporter: AuditLogExporter,
    private readonly access: AccessService,
    private readonly denials: DenialService,
    private readonly audit: AuditService,
  ) {}

  async events(
    reader: AuditLogReader,
    rawFilter: Record<string, unknown>,
    page: PageArgs,
  ): Promise<Connection<AuditEventRecord>> {
    const filter = await this.parse(reader, 'audit.events', () => parseAuditLogFilter(rawFilter));
    const view = await this.viewFor(reader, 'audit.events', filter);
    const qb = this.repository.select(this.access.scope(reader.ability, 'AuditEvent', 'e'), filter, view);
    const events = await this.repository.page(qb, page);
    return {
      edges: events.edges.map((edge) => ({ cursor: edge.cursor, node: presentEvent(edge.node, view) })),
      pageInfo: events.pageInfo,
      get totalCount() {
        return events.totalCount;
      },
    };
  }

  /** Starts an export (audited `audit.export` before the first line goes out). */
  async export(
    reader: AuditLogReader,
    rawFilter: Record<string, unknown>,
    rawFormat: unknown,
    via: 'http' | 'graphql',
  ): Promise<AuditExport> {
    const filter = await this.parse(reader, 'audit.export', () => parseAuditLogFilter(rawFilter));
    const format = await this.parse(reader, 'audit.export', () => parseExportFormat(rawFormat));
    const view = await this.viewFor(reader, 'audit.export', filter);
    const started = await this.exporter.start(
      this.access.scope(reader.ability, 'AuditEvent', 'e'),
      filter,
      view,
      format,
    );
    await this.audit.record({
      ...this.actor(reader),
      action: 'audit.export',
      outcome: 'SUCCESS',
      details: {
        via,
        format,
        filter: describeFilter(filter),
        upTo: started.upTo,
        view: view.full ? 'full' : 'organization',
      },
    });
    return started;
  }

  /** Walks the chain and checks the anchors (overseers); the run and its finding are audited. */
  async verify(reader: AuditLogReader): Promise<ChainVerification> {
    await this.requireOverseer(reader, 'audit.verify');
    const result = await this.audit.verifyChain();
    await this.audit.record({
      ...this.actor(reader),
      action: 'audit.verify',
      outcome: result.ok ? 'SUCCESS' : 'FAILURE',
      reason: result.problem ? result.problem.kind.toLowerCase() : null,
      details: { via: 'graphql', events: result.events, anchors: result.anchors, problem: result.problem ?? null },
    });
    return result;
  }

  /** Anchors the chain's head now (overseers), audited. */
  async anchor(reader: AuditLogReader): Promise<AuditAnchor | null> {
    await this.requireOverseer(reader, 'audit.anchor');
    const anchor = await this.audit.anchor();
    await this.audit.record({
      ...this.actor(reader),
      action: 'audit.anchor',
      outcome: 'SUCCESS',
      details: anchor
        ? { via: 'graphql', anchorId: anchor.id, seq: anchor.seq, hash: anchor.hash }
        : { via: 'graphql', empty: true },
    });
    return anchor;
  }

  /**
   * The reader's view, from the rules: reading an event about no organisation at all is the
   * overseers' whole log; any other `read AuditEvent` rule is a partner admin's share.
   */
  private async viewFor(reader: AuditLogReader, action: string, filter: AuditLogFilter): Promise<AuditLogView> {
    const { ability, principal } = reader;
    // First what the filter names (the house order: visibility, then the rule). A filter naming a person, organisation or space the reader does not see answers like a
    // missing one (NOT_FOUND): the log must not tell whether it exists.
    const filtered: [SubjectName, string | undefined][] = [
      ['User', filter.actor],
      ['Organization', filter.organization],
      ['Space', filter.space],
    ];
    for (const [type, id] of filtered) {
      if (id && !(await this.repository.visible(SUBJECT_SQL[type].table, id, this.access.scope(ability, type, 'x')))) {
        throw await this.denials.notFound(principal, type, id, reader.requestId ?? undefined);
      }
    }
    if (!ability.can('read', 'AuditEvent')) {
      throw await this.refuse(
        reader,
        action,
        AuditLogErrorCode.REVIEWER_REQUIRED,
        'Only HOST_ADMIN, SECURITY_REVIEWER and partner admins (for their own people) read the audit log',
      );
    }
    if (ability.can('read', asSubject('AuditEvent', { aboutOrganizationId: [] }))) return { full: true };
    const seesSpace = (id: string) => ability.can('read', asSubject('Space', { id }));
    if (filter.organization && filter.organization !== principal.organizationId) {
      throw await this.refuse(
        reader,
        action,
        AuditLogErrorCode.ORGANIZATION_OUT_OF_SCOPE,
        "A partner admin reads the events about their own organisation's people only",
        { field: 'organization' },
      );
    }
    return { full: false, organizationId: principal.organizationId, seesSpace };
  }

  /** A refused input is audited like any refusal. */
  private async parse<T>(reader: AuditLogReader, action: string, work: () => T): Promise<T> {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof AuditLogException)) throw error;
      throw await this.refuse(reader, action, error.code, error.message, error.details);
    }
  }

  private async requireOverseer(reader: AuditLogReader, action: string): Promise<void> {
    if (reader.ability.can('read', asSubject('AuditEvent', { aboutOrganizationId: [] }))) return;
    throw await this.refuse(
      reader,
      action,
      AuditLogErrorCode.OVERSEER_REQUIRED,
      'Only HOST_ADMIN and SECURITY_REVIEWER verify or anchor the whole audit chain',
    );
  }

  private actor(reader: AuditLogReader) {
    return {
      actorId: reader.principal.userId,
      actorOrganizationId: reader.principal.organizationId,
      requestId: reader.requestId ?? null,
      ip: reader.ip ?? null,
    };
  }

  private async refuse(
    reader: AuditLogReader,
    action: string,
    code: AuditLogErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ): Promise<AuditLogException> {
    await this.audit.recordQuietly({
      ...this.actor(reader),
      action,
      outcome: 'DENIED',
      reason: code.toLowerCase(),
      details: { message, ...details },
    });
    return new AuditLogException(code, message, details);
  }
}
