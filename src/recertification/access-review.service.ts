import { Injectable } from '@nestjs/common';
import { DenialService } from '../access/denial.service';
import { AppAbility, asSubject } from '../access/subjects';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { parseId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination';
import { OrganizationsService } from '../organizations/organizations.service';
import { SpacesService } from '../spaces/spaces.service';
import { AccessReviewErrorCode, AccessReviewException } from './access-review.exception';
import { AccessReviewRepository, ReviewRow, ReviewScope, ReviewWindow } from './access-review.repository';
import {
  AccessReviewFlag,
  AccessReviewGrantModel,
  AccessReviewModel,
  AccessReviewSummaryModel,
} from './models/access-review.model';

const DAY_MS = 86_400_000;

export interface Reviewer {
  principal: Principal;
  ability: AppAbility;
  requestId?: string;
}

/**
 * The access review of an organisation or a space (issue 10 items 5 and 8). Checks in the
 * house order: exactly one scope (BAD_USER_INPUT), the scope is visible (NOT_FOUND, like a
 * missing one), the `review` rule on it (FORBIDDEN: overseers; a PARTNER_ADMIN for their own
 * organisation only). Each answer and each refusal is audited.
 */
@Injectable()
export class AccessReviewService {
  constructor(
    private readonly repository: AccessReviewRepository,
    private readonly organizations: OrganizationsService,
    private readonly spaces: SpacesService,
    private readonly denials: DenialService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async review(
    reviewer: Reviewer,
    raw: { organizationId?: string | null; spaceId?: string | null },
    flags: AccessReviewFlag[],
    page: PageArgs,
  ): Promise<AccessReviewModel> {
    const scope = await this.authorizedScope(reviewer, raw, 'access_review.read');
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['date', 'uuid']) as [Date, string] | null;
    const now = this.clock.now();
    const window: ReviewWindow = {
      staleBefore: new Date(now.getTime() - this.config.accessReviewStaleDays * DAY_MS),
      expiringBefore: new Date(now.getTime() + this.config.renewalNoticeDays * DAY_MS),
    };
    const rows = await this.repository.page(reviewer.ability, scope, window, flags, after, first + 1);
    await this.audit.recordQuietly({
      action: 'access_review.read',
      outcome: 'SUCCESS',
      actorId: reviewer.principal.userId,
      actorOrganizationId: reviewer.principal.organizationId,
      subjectType: scope.organizationId ? 'Organization' : 'Space',
      subjectId: scope.organizationId ?? scope.spaceId ?? null,
      details: { flags, first, after: page.after ?? null, returned: Math.min(rows.length, first) },
      requestId: reviewer.requestId ?? null,
    });
    let summary: Promise<AccessReviewSummaryModel> | undefined;
    const { ability } = reviewer;
    const repository = this.repository;
    return {
      organizationId: scope.organizationId ?? null,
      spaceId: scope.spaceId ?? null,
      staleDays: this.config.accessReviewStaleDays,
      expiringDays: this.config.renewalNoticeDays,
      // Computed only when asked for.
      get summary() {
        return (summary ??= repository.summary(ability, scope, window));
      },
      grants: toConnection(
        rows.map(grantOf),
        first,
        (g) => [g.grantedAt, g.membershipId],
        () => repository.count(ability, scope, window, flags),
      ),
    };
  }

  /** The one scope asked for, once the caller is known to see it and to be allowed to review it. */
  async authorizedScope(
    reviewer: Reviewer,
    raw: { organizationId?: string | null; spaceId?: string | null },
    action: string,
  ): Promise<ReviewScope> {
    const { ability, principal } = reviewer;
    const given = [raw.organizationId, raw.spaceId].filter((v) => v !== null && v !== undefined);
    if (given.length !== 1) {
      throw await this.refuse(
        reviewer,
        action,
        null,
        AccessReviewErrorCode.INVALID_SCOPE,
        'Give organizationId or spaceId, not both',
      );
    }
    // Given, even empty: an empty id is a malformed one (parseId), never "the other argument".
    if (raw.organizationId !== null && raw.organizationId !== undefined) {
      const id = parseId(raw.organizationId);
      const org = id ? await this.organizations.findVisible(ability, id) : null;
      if (!org) throw await this.denials.notFound(principal, 'Organization', raw.organizationId, reviewer.requestId);
      if (!ability.can('review', asSubject('Organization', { id: org.id }))) {
        throw await this.refuse(
          reviewer,
          action,
          { type: 'Organization', id: org.id },
          AccessReviewErrorCode.ROLE_REQUIRED,
          'Only HOST_ADMIN, SECURITY_REVIEWER and the organisation’s own PARTNER_ADMIN review its grants',
        );
      }
      return { organizationId: org.id };
    }
    const id = parseId(raw.spaceId as string);
    const space = id ? await this.spaces.findVisible(ability, id) : null;
    if (!space) throw await this.denials.notFound(principal, 'Space', raw.spaceId as string, reviewer.requestId);
    if (!ability.can('review', asSubject('Space', { id: space.id }))) {
      throw await this.refuse(
        reviewer,
        action,
        { type: 'Space', id: space.id },
        AccessReviewErrorCode.ROLE_REQUIRED,
        'Only HOST_ADMIN and SECURITY_REVIEWER review a space’s grants',
      );
    }
    return { spaceId: space.id };
  }

  /** Audits a refusal of the review's reads and returns the exception to throw. */
  async refuse(
    { principal: p, requestId }: Reviewer,
    action: string,
    subject: { type: string; id: string } | null,
    code: AccessReviewErrorCode,
    message: string,
  ): Promise<AccessReviewException> {
    await this.audit.recordQuietly({
      action,
      outcome: 'DENIED',
      actorId: p.userId,
      actorOrganizationId: p.organizationId,
      subjectType: subject?.type ?? null,
      subjectId: subject?.id ?? null,
      reason: code.toLowerCase(),
      details: { message },
      requestId: requestId ?? null,
    });
    return new AccessReviewException(code, message);
  }
}

function grantOf(r: ReviewRow): AccessReviewGrantModel {
  return {
    membershipId: r.membershipId,
    member: { id: r.memberId, displayName: r.memberName },
    organizationId: r.organizationId,
    space: { id: r.spaceId, classification: r.classification, name: r.spaceName },
    role: r.role,
    status: r.status,
    grantedAt: r.grantedAt,
    expiresAt: r.expiresAt,
    sponsor: r.sponsorId ? { id: r.sponsorId, displayName: r.sponsorName } : null,
    grantedBy: r.grantedById ? { id: r.grantedById, displayName: r.grantedByName } : null,
    lastSignInAt: r.lastSignInAt,
    lastActivityAt: r.lastActivityAt,
    effectiveClearance: r.effectiveClearance,
    neededClearance: r.neededClearance,
    flags: r.flags,
  };
}
