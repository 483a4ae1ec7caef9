import { EntityManager } from 'typeorm';
import { MembershipStatus, OrganizationStatus, SuspensionCause, UserStatus } from '../common/domain.enums';
import { effectiveClearanceSql } from '../auth/membership-rules';
import { WriteTx } from '../access/write-runner';
import { NotificationsService } from '../notifications/notifications.service';

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
  // Cleared again: the grant comes back unless another cause still holds it (the person
  // disabled, the organisation suspended), which then becomes its cause, as the kill switch does.
  const [lifted] = await manager.query(
    `UPDATE memberships m
        SET status = CASE WHEN u.status = '${UserStatus.ACTIVE}' AND o.status = '${OrganizationStatus.ACTIVE}'
                          THEN '${MembershipStatus.ACTIVE}' ELSE '${MembershipStatus.SUSPENDED}' END,
            suspension_cause = CASE WHEN u.status <> '${UserStatus.ACTIVE}' THEN '${SuspensionCause.USER_DISABLED}'
                                    WHEN o.status <> '${OrganizationStatus.ACTIVE}' THEN '${SuspensionCause.ORGANIZATION_SUSPENDED}'
                                    ELSE NULL END,
            ended_at = CASE WHEN u.status = '${UserStatus.ACTIVE}' AND o.status = '${OrganizationStatus.ACTIVE}'
                            THEN NULL ELSE m.ended_at END,
            end_reason = CASE WHEN u.status = '${UserStatus.ACTIVE}' AND o.status = '${OrganizationStatus.ACTIVE}'
                              THEN NULL ELSE m.end_reason END,
            updated_at = now()
       ${from} AND m.status = '${MembershipStatus.SUSPENDED}' AND m.suspension_cause = '${SuspensionCause.CLEARANCE}'
         AND ${clearance} >= s.classification
         AND COALESCE(m.expires_at, 'infinity'::timestamptz) > $${params.length + 1}
     ${returning}, m.status`,
    [...params, now],
  );
  const restored = (lifted as (ReevaluatedMembership & { status: string })[])
    .filter((m) => m.status === MembershipStatus.ACTIVE)
    .map(({ status: _status, ...m }) => m);
  return { suspended: suspended as ReevaluatedMembership[], restored };
}

function scopeSql(scope: ReevaluationScope): [string, unknown[]] {
  if ('userIds' in scope) return ['m.user_id = ANY($1::uuid[])', [scope.userIds]];
  if ('organizationId' in scope) return ['u.organization_id = $1', [scope.organizationId]];
  return ['m.space_id = $1', [scope.spaceId]];
}

/**
 * Records what a re-evaluation changed, in the writer's transaction: each person whose grant
 * was suspended or restored is told (a notice), and each grant gets its own audit event.
 * `facts` says what changed (the new classification, cap or effective clearance) and is
 * carried by both.
 */
export async function recordReevaluation(
  tx: WriteTx,
  notifications: NotificationsService,
  outcome: { suspended: ReevaluatedMembership[]; restored: ReevaluatedMembership[] },
  facts: Record<string, unknown>,
): Promise<void> {
  const changes = [
    { list: outcome.suspended, kind: 'membership.suspended', action: 'membership.suspend' },
    { list: outcome.restored, kind: 'membership.restored', action: 'membership.restore' },
  ] as const;
  const details = (m: ReevaluatedMembership) => ({ cause: SuspensionCause.CLEARANCE, ...facts, spaceId: m.spaceId });
  await notifications.notify(
    tx.manager,
    changes.flatMap(({ list, kind }) =>
      list.map((m) => ({
        userId: m.userId,
        kind,
        spaceId: m.spaceId,
        subjectType: 'Membership',
        subjectId: m.id,
        data: { cause: SuspensionCause.CLEARANCE, ...facts },
      })),
    ),
  );
  for (const { list, action } of changes) {
    for (const m of list) {
      tx.audit({ action, subjectType: 'Membership', subjectId: m.id, details: { ...details(m), userId: m.userId } });
    }
  }
}
