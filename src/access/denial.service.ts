import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AccessException } from './access.exception';
import { Principal } from './principal';

/** Refusals on the read path: audited, then thrown in one non-revealing shape. */
@Injectable()
export class DenialService {
  constructor(private readonly audit: AuditService) {}

  /** The object is invisible to the caller or does not exist; both look the same. */
  async notFound(principal: Principal, subjectType: string, subjectId: string, requestId?: string): Promise<AccessException> {
    await this.audit.recordQuietly({
      action: 'authz.denied',
      outcome: 'DENIED',
      actorId: principal.userId,
      actorOrganizationId: principal.organizationId,
      subjectType,
      subjectId: subjectId.slice(0, 100),
      reason: 'not_visible_or_missing',
      requestId: requestId ?? null,
    });
    return AccessException.notFound();
  }
}
