import { EntityManager } from 'typeorm';
import { MembershipRole, MembershipStatus } from '../common/domain.enums';

export interface MovedSponsorship {
  membershipId: string;
  spaceId: string;
  memberId: string;
  /** The space's OWNER who sponsors it now; null when the space has no other active OWNER. */
  newSponsorId: string | null;
}

export interface TransferOptions {
  /** Only the grants of this space (the sponsor left or was revoked from it). */
  spaceId?: string;
}

/**
 * When a sponsor leaves or is disabled, their grants (ACTIVE or SUSPENDED) move to an active
 * OWNER of each grant's space (the longest-standing one other than the sponsor, whose user
 * counts). A space without another OWNER keeps the grant unsponsored (sponsor null): it still
 * lapses at its expiry, and reviewers see it as such. The caller notifies the new sponsors.
 */
export async function transferSponsorships(
  manager: EntityManager,
  fromUserId: string,
  now: Date,
  options: TransferOptions = {},
): Promise<MovedSponsorship[]> {
  const rows: { id: string; spaceId: string; memberId: string; newSponsorId: string | null }[] = await manager.query(
    `SELECT m.id, m.space_id AS "spaceId", m.user_id AS "memberId",
            (SELECT o.user_id FROM memberships o
               JOIN users ou ON ou.id = o.user_id AND ou.status = 'ACTIVE'
               JOIN organizations oo ON oo.id = ou.organization_id AND oo.status = 'ACTIVE'
              WHERE o.space_id = m.space_id AND o.role = '${MembershipRole.OWNER}'
                AND o.status = '${MembershipStatus.ACTIVE}'
                AND COALESCE(o.expires_at, 'infinity'::timestamptz) > $2 AND o.user_id <> $1
                AND o.user_id <> m.user_id
              ORDER BY o.created_at, o.id LIMIT 1) AS "newSponsorId"
       FROM memberships m
      WHERE m.sponsor_id = $1 AND m.status IN ('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')
        AND ($3::uuid IS NULL OR m.space_id = $3::uuid)
      ORDER BY m.space_id, m.id
      FOR UPDATE OF m`,
    [fromUserId, now, options.spaceId ?? null],
  );
  for (const row of rows) {
    await manager.query(
      `UPDATE memberships SET sponsor_id = $2, renewal_requested_at = NULL, updated_at = now() WHERE id = $1`,
      [row.id, row.newSponsorId],
    );
  }
  return rows.map((r) => ({
    membershipId: r.id,
    spaceId: r.spaceId,
    memberId: r.memberId,
    newSponsorId: r.newSponsorId,
  }));
}
