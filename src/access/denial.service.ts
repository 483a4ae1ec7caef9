import { Injectable, Optional } from '@nestjs/common';
import { AuditInput, AuditService } from '../audit/audit.service';
import { AccessException } from './access.exception';
import { Principal } from '../auth/principal';
import { MetricsService } from '../observability/metrics.service';

/** The denials of one request, per caller: ids by subject type. */
class RequestDenials {
  /** GraphQL operations of the request still running (a batched request has several). */
  users = 1;
  readonly byActor = new Map<string, { principal: Principal; count: number; denied: Map<string, Set<string>> }>();

  add(principal: Principal, subjectType: string, subjectId: string): void {
    let actor = this.byActor.get(principal.userId);
    if (!actor) this.byActor.set(principal.userId, (actor = { principal, count: 0, denied: new Map() }));
    actor.count++;
    let ids = actor.denied.get(subjectType);
    if (!ids) actor.denied.set(subjectType, (ids = new Set()));
    ids.add(subjectId);
  }

  events(requestId: string): AuditInput[] {
    return [...this.byActor.values()].map(({ principal, count, denied }) => {
      const types = [...denied.keys()];
      const ids = [...denied.values()].flatMap((s) => [...s]);
      return {
        ...denialOf(principal, requestId),
        subjectType: types.length === 1 ? types[0] : null,
        subjectId: ids.length === 1 ? ids[0] : null,
        details: { count, denied: Object.fromEntries([...denied].map(([type, s]) => [type, [...s]])) },
      };
    });
  }
}

function denialOf(principal: Principal, requestId: string | null): AuditInput {
  return {
    action: 'authz.denied',
    outcome: 'DENIED',
    actorId: principal.userId,
    actorOrganizationId: principal.organizationId,
    reason: 'not_visible_or_missing',
    requestId,
  };
}

/**
 * Refusals on the read path: audited, then thrown in one non-revealing shape. Within a
 * GraphQL request (see DenialAuditPlugin) the denials are collected and written as one
 * event when the request ends, so a request of many lookups costs one append to the chain.
 */
@Injectable()
export class DenialService {
  private readonly open = new Map<string, RequestDenials>();

  constructor(
    private readonly audit: AuditService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** The object is invisible to the caller or does not exist; both look the same. */
  async notFound(
    principal: Principal,
    subjectType: string,
    subjectId: string,
    requestId?: string,
  ): Promise<AccessException> {
    this.metrics?.countDenial('not_found');
    const id = subjectId.slice(0, 100);
    const collecting = requestId ? this.open.get(requestId) : undefined;
    if (collecting) collecting.add(principal, subjectType, id);
    else
      await this.audit.recordQuietly({
        ...denialOf(principal, requestId ?? null),
        subjectType,
        subjectId: id,
        details: { count: 1 },
      });
    return AccessException.notFound();
  }

  /** Starts collecting the denials of a request. */
  begin(requestId: string): void {
    const current = this.open.get(requestId);
    if (current) current.users++;
    else this.open.set(requestId, new RequestDenials());
  }

  /** Writes what the request collected, once its last operation ends, whether it failed or not. */
  async end(requestId: string): Promise<void> {
    const current = this.open.get(requestId);
    if (!current || --current.users > 0) return;
    this.open.delete(requestId);
    const events = current.events(requestId);
    if (events.length) await this.audit.recordManyQuietly(events);
  }
}
