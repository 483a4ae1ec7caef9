import { EntityManager } from 'typeorm';
import { MembershipStatus, SuspensionCause } from '../common/domain.enums';
import { effectiveClearanceSql } from '../auth/membership-rules';

/** Which memberships to re-evaluate: those of some users, of an organisation, or of a space. */
export type ReevaluationScope = { userIds: string[] } | { organizationId: string } | { spaceId: string };

export interface ReevaluatedMembership {
  id: string;
  userId: string;
  spaceId: string;
  sponsorId: string | null;
}

/**
 * After a change of clearance, of an organisation's cap or of a space's classification: the
 * rule already reads the new values; this records it in the status. Memberships whose
 * member's effective clearance no longer reaches the space's classification are SUSPENDED
 * (cause CLEARANCE); those suspended for that cause alone whose member is cleared again, and
 * which have not expired meanwhile, are ACTIVE again. Returns both sets.
 */
export async function reevaluateMemberships(
  manager: EntityManager,
  scope: ReevaluationScope,
  now: Date,
  reason: string,
): Promise<{ suspended: ReevaluatedMembership[]; restored: ReevaluatedMembership[] }> {
  const [filter, params] = scopeSql(scope);
  const clearance = effectiveClearanceSql('u', 'o');
  const from = `FROM users u JOIN organizations o ON o.id = u.organization_id, spaces s
    WHERE u.id = m.user_id AND s.id = m.space_id AND ${filter}`;
  const returning = 'RETURNING m.id, m.user_id AS "userId", m.space_id AS "spaceId", m.sponsor_id AS "sponsorId"';
  const [suspended] = await manager.query(
    `UPDATE memberships m
        SET status = '${MembershipStatus.SUSPENDED}', suspension_cause = '${SuspensionCause.CLEARANCE}',
            ended_at = $${params.length + 1}, end_reason = $${params.length + 2}, updated_at = now()
       ${from} AND m.status = '${MembershipStatus.ACTIVE}' AND ${clearance} < s.classification
     ${returning}`,
    [...params, now, reason],
  );
  const [restored] = await manager.query(
    `UPDATE memberships m
        SET status = '${MembershipStatus.ACTIVE}', suspension_cause = NULL, ended_at = NULL, end_reason = NULL,
            updated_at = now()
       ${from} AND m.status = '${MembershipStatus.SUSPENDED}' AND m.suspension_cause = '${SuspensionCause.CLEARANCE}'
         AND ${clearance} >= s.classification
         AND COALESCE(m.expires_at, 'infinity'::timestamptz) > $${params.length + 1}
     ${returning}`,
    [...params, now],
  );
  return { suspended: suspended as ReevaluatedMembership[], restored: restored as ReevaluatedMembership[] };
}

function scopeSql(scope: ReevaluationScope): [string, unknown[]] {
  if ('userIds' in scope) return ['m.user_id = ANY($1::uuid[])', [scope.userIds]];
  if ('organizationId' in scope) return ['u.organization_id = $1', [scope.organizationId]];
  return ['m.space_id = $1', [scope.spaceId]];
}
