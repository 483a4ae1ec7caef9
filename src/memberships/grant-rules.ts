import { EntityManager } from 'typeorm';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import {
  EXTERNAL_MEMBERSHIP_DEFAULT_DAYS,
  EXTERNAL_MEMBERSHIP_MAX_DAYS,
  HOST_ONLY_SPACE_ROLES,
  MembershipRole,
  RISKY_SPACE_MEMBERSHIP_MAX_DAYS,
} from '../common/domain.enums';

const DAY_MS = 86_400_000;

/** What a grant (an invitation's, or a membership's after a change) would be. */
export interface GrantRequest {
  /** The grantee is outside the host organisation. */
  external: boolean;
  role: MembershipRole;
  /** Asked-for expiry; undefined takes the default (90 days for externals, none for the host). */
  expiresAt?: Date | null;
}

export interface GrantContext {
  now: Date;
  /** An OPEN risk of impact >= 3 stands in the space: external grants last 30 days at most. */
  risky: boolean;
}

/** The latest expiry an external grant may have from `now`. */
export function maxExternalExpiry(ctx: GrantContext): Date {
  const days = ctx.risky ? RISKY_SPACE_MEMBERSHIP_MAX_DAYS : EXTERNAL_MEMBERSHIP_MAX_DAYS;
  return new Date(ctx.now.getTime() + days * DAY_MS);
}

/** An external grant's expiry when none is asked for: 90 days, or the risky maximum if shorter. */
export function defaultExternalExpiry(ctx: GrantContext): Date {
  const days = Math.min(
    EXTERNAL_MEMBERSHIP_DEFAULT_DAYS,
    ctx.risky ? RISKY_SPACE_MEMBERSHIP_MAX_DAYS : EXTERNAL_MEMBERSHIP_MAX_DAYS,
  );
  return new Date(ctx.now.getTime() + days * DAY_MS);
}

/**
 * The grant's value rules (DESIGN.md section 1): an external is never OWNER or ANIMATOR, an
 * external grant always expires, 365 days at most from now (30 while a critical risk is
 * open), and no grant is made already expired. Returns the role and the expiry to store.
 */
export function resolveGrant(
  request: GrantRequest,
  ctx: GrantContext,
): { role: MembershipRole; expiresAt: Date | null } {
  if (request.external && HOST_ONLY_SPACE_ROLES.includes(request.role)) {
    throw new WriteException(
      WriteErrorCode.EXTERNAL_ROLE,
      `An external user cannot be ${request.role}: only MEMBER or OBSERVER`,
      { role: request.role },
    );
  }
  const asked = request.expiresAt ?? null;
  if (asked && asked.getTime() <= ctx.now.getTime()) {
    throw new WriteException(WriteErrorCode.EXPIRY_IN_PAST, 'The expiry must be in the future', {
      expiresAt: asked.toISOString(),
    });
  }
  if (!request.external) return { role: request.role, expiresAt: asked };
  const max = maxExternalExpiry(ctx);
  if (asked && asked.getTime() > max.getTime()) {
    const days = ctx.risky ? RISKY_SPACE_MEMBERSHIP_MAX_DAYS : EXTERNAL_MEMBERSHIP_MAX_DAYS;
    throw new WriteException(
      WriteErrorCode.EXPIRY_TOO_LATE,
      ctx.risky
        ? `An external grant lasts ${days} days at most while a critical risk is open in the space`
        : `An external grant lasts ${days} days at most`,
      { expiresAt: asked.toISOString(), latest: max.toISOString() },
    );
  }
  return { role: request.role, expiresAt: asked ?? defaultExternalExpiry(ctx) };
}

/** Whether an OPEN risk of impact >= 3 (critical or strategic) stands in the space. */
export async function spaceIsRisky(manager: EntityManager, spaceId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `SELECT 1 FROM risk_entries WHERE space_id = $1 AND status = 'OPEN' AND impact >= 3 LIMIT 1`,
    [spaceId],
  );
  return rows.length > 0;
}
