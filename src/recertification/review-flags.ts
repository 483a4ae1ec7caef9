import { OrganizationKind } from '../common/domain.enums';
import { userCountsSql } from '../auth/membership-rules';

/**
 * The access review's flags, each a SQL expression over one grant row (`g` in
 * access-review.repository.ts), so that filters and counts run in the database:
 *
 * - STALE: the member's latest post, comment or reaction in the grant's space (or, without
 *   any, the grant itself) is at least ACCESS_REVIEW_STALE_DAYS old. A new grant is not stale.
 * - EXPIRING: the grant expires within RENEWAL_NOTICE_DAYS (the window in which its sponsor is
 *   asked to renew it), or has expired and waits for the lapse job.
 * - ORPHANED: the grant has no sponsor, or its sponsor no longer counts (disabled, or their
 *   organisation suspended) or is not a host user.
 * - OVER_CLEARED: the member's effective clearance is above everything their spaces need: the
 *   highest of the classifications and post labels (hidden and HUB posts included) of every
 *   space they hold a live grant (ACTIVE or SUSPENDED) in. Clearance is per person, so all
 *   their grants carry the flag alike.
 */
export const FLAG_SQL = {
  STALE: `(GREATEST(g."lastActivityAt", g."grantedAt") <= :staleBefore)`,
  EXPIRING: `(g."expiresAt" IS NOT NULL AND g."expiresAt" <= :expiringBefore)`,
  ORPHANED: `g."orphaned"`,
  OVER_CLEARED: `(g."effectiveClearance" > g."neededClearance")`,
} as const;

/** Whether a sponsor (user `sp` of organisation `spo`, both possibly missing) no longer answers for a grant. */
export function sponsorOrphanedSql(sp: string, spo: string): string {
  return `(${sp}."id" IS NULL OR NOT ${userCountsSql(sp, spo)} OR ${spo}."kind" <> '${OrganizationKind.HOST}')`;
}
