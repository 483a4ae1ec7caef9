import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import {
  clearedForSql,
  effectiveClearanceSql,
  membershipActiveUntilSql,
  userCountsSql,
} from '../auth/membership-rules';
import {
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  PartnerVisibility,
  SpaceStatus,
} from '../common/domain.enums';
import { Membership } from '../database/entities/membership.entity';

/** A grant as the write path decides on it: the row, its space and its member, read under lock. */
export interface LockedGrant {
  membership: Membership;
  space: {
    id: string;
    name: string;
    status: SpaceStatus;
    classification: number;
    partnerVisibility: PartnerVisibility;
  };
  member: { id: string; organizationId: string; displayName: string; external: boolean };
}

/** A grant a job acts on, with what its notices and mails name. */
export interface DueGrant {
  id: string;
  spaceId: string;
  spaceName: string;
  userId: string;
  memberName: string;
  sponsorId: string | null;
  expiresAt: Date;
}

/** The memberships' queries for the write path and the jobs, each in the caller's transaction. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly access: AccessService) {}

  /** The space a membership belongs to, without locking (to lock the space first). */
  async spaceIdOf(manager: EntityManager, membershipId: string): Promise<string | null> {
    const rows: { spaceId: string }[] = await manager.query(
      `SELECT space_id AS "spaceId" FROM memberships WHERE id = $1`,
      [membershipId],
    );
    return rows[0]?.spaceId ?? null;
  }

  /**
   * Locks the space row (every membership write of a space queues here, so "the last OWNER"
   * is counted on a stable set), then the membership row, and reads both with the member.
   */
  async lockGrant(
    manager: EntityManager,
    where: { id: string } | { spaceId: string; userId: string },
  ): Promise<LockedGrant | null> {
    const spaceId = 'id' in where ? await this.spaceIdOf(manager, where.id) : where.spaceId;
    if (!spaceId) return null;
    const spaces: LockedGrant['space'][] = await manager.query(
      `SELECT id, name, status, classification, partner_visibility AS "partnerVisibility" FROM spaces WHERE id = $1 FOR UPDATE`,
      [spaceId],
    );
    if (!spaces.length) return null;
    const qb = manager
      .getRepository(Membership)
      .createQueryBuilder('m')
      .where('m.space_id = :spaceId', { spaceId })
      .setLock('pessimistic_write');
    if ('id' in where) qb.andWhere('m.id = :id', { id: where.id });
    else qb.andWhere('m.user_id = :userId', { userId: where.userId });
    const membership = await qb.getOne();
    if (!membership) return null;
    const [member]: { id: string; organizationId: string; displayName: string; kind: OrganizationKind }[] =
      await manager.query(
        `SELECT u.id, u.organization_id AS "organizationId", u.display_name AS "displayName", o.kind
           FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
        [membership.userId],
      );
    return {
      membership,
      space: spaces[0],
      member: {
        id: member.id,
        organizationId: member.organizationId,
        displayName: member.displayName,
        external: member.kind !== OrganizationKind.HOST,
      },
    };
  }

  /**
   * The role a user holds now in a space through an active grant (ACTIVE, unexpired, cleared,
   * the user counting), or null. Read under the space's lock: what a concurrent write of the
   * same space changed is seen here, whatever the caller's principal said at the request's start.
   */
  async activeRoleIn(
    manager: EntityManager,
    userId: string,
    spaceId: string,
    now: Date,
  ): Promise<MembershipRole | null> {
    const rows: { role: MembershipRole }[] = await manager.query(
      `SELECT m.role FROM memberships m
         JOIN users u ON u.id = m.user_id
         JOIN organizations o ON o.id = u.organization_id
         JOIN spaces s ON s.id = m.space_id
        WHERE m.user_id = $1 AND m.space_id = $2 AND m.status = '${MembershipStatus.ACTIVE}'
          AND ${membershipActiveUntilSql('m')} > $3 AND ${userCountsSql('u', 'o')}
          AND ${effectiveClearanceSql('u', 'o')} >= s.classification`,
      [userId, spaceId, now],
    );
    return rows[0]?.role ?? null;
  }

  /** Whether the caller's read rule lets them see this membership (an active member who counts). */
  async readable(manager: EntityManager, ability: AppAbility, membershipId: string): Promise<boolean> {
    const qb = manager
      .getRepository(Membership)
      .createQueryBuilder('m')
      .where('m.id = :membershipId', { membershipId });
    return this.access.restrict(qb, ability, 'Membership').getExists();
  }

  /**
   * The space's OWNERs who run it now: active grants (ACTIVE, unexpired, the member cleared for
   * the space, DESIGN 2) whose user counts. Called under the space's lock.
   */
  async liveOwnerIds(manager: EntityManager, spaceId: string, now: Date): Promise<string[]> {
    const rows: { userId: string }[] = await manager.query(
      `SELECT m.user_id AS "userId"
         FROM memberships m
         JOIN users u ON u.id = m.user_id
         JOIN organizations o ON o.id = u.organization_id
         JOIN spaces s ON s.id = m.space_id
        WHERE m.space_id = $1 AND m.role = '${MembershipRole.OWNER}' AND m.status = '${MembershipStatus.ACTIVE}'
          AND ${membershipActiveUntilSql('m')} > $2 AND ${userCountsSql('u', 'o')}
          AND ${clearedForSql(effectiveClearanceSql('u', 'o'), 's')}
        ORDER BY m.created_at, m.id`,
      [spaceId, now],
    );
    return rows.map((r) => r.userId);
  }

  /**
   * ACTIVE external grants expiring within the notice window whose sponsor has not been asked
   * yet, in spaces still open to writes; locked, so a renewal in flight waits for the job.
   */
  async lockDueForRenewal(manager: EntityManager, now: Date, until: Date): Promise<DueGrant[]> {
    return manager.query(
      `SELECT m.id, m.space_id AS "spaceId", s.name AS "spaceName", m.user_id AS "userId",
              u.display_name AS "memberName", m.sponsor_id AS "sponsorId", m.expires_at AS "expiresAt"
         FROM memberships m
         JOIN spaces s ON s.id = m.space_id
         JOIN users u ON u.id = m.user_id
         JOIN organizations o ON o.id = m.user_organization_id
        WHERE m.status = '${MembershipStatus.ACTIVE}' AND o.kind <> '${OrganizationKind.HOST}'
          AND m.renewal_requested_at IS NULL
          AND m.expires_at > $1 AND m.expires_at <= $2
          AND s.status <> '${SpaceStatus.ARCHIVED}'
        ORDER BY m.expires_at, m.id
        FOR UPDATE OF m`,
      [now, until],
    );
  }

  async markRenewalRequested(manager: EntityManager, ids: string[], now: Date): Promise<void> {
    if (!ids.length) return;
    await manager.query(
      `UPDATE memberships SET renewal_requested_at = $2, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [ids, now],
    );
  }

  /** Which of these users count (ACTIVE, in an ACTIVE organisation). */
  async countingUserIds(manager: EntityManager, userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows: { id: string }[] = await manager.query(
      `SELECT u.id FROM users u JOIN organizations o ON o.id = u.organization_id
        WHERE u.id = ANY($1::uuid[]) AND ${userCountsSql('u', 'o')}`,
      [userIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Grants still ACTIVE or SUSPENDED whose expiry has passed become EXPIRED, ended at their
   * expiry. Returns them with what their notices name.
   */
  async lapseExpired(manager: EntityManager, now: Date): Promise<DueGrant[]> {
    const [rows] = await manager.query(
      `UPDATE memberships m
          SET status = '${MembershipStatus.EXPIRED}', ended_at = m.expires_at, end_reason = 'expired',
              suspension_cause = NULL, updated_at = now()
         FROM spaces s, users u
        WHERE s.id = m.space_id AND u.id = m.user_id
          AND m.status IN ('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')
          AND m.expires_at <= $1
        RETURNING m.id, m.space_id AS "spaceId", s.name AS "spaceName", m.user_id AS "userId",
                  u.display_name AS "memberName", m.sponsor_id AS "sponsorId", m.expires_at AS "expiresAt"`,
      [now],
    );
    return rows as DueGrant[];
  }

  /** Sponsors of live grants (ACTIVE or SUSPENDED) who no longer count: disabled, or their organisation is not ACTIVE. */
  async orphanedSponsorIds(manager: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT DISTINCT m.sponsor_id AS id
         FROM memberships m
         JOIN users u ON u.id = m.sponsor_id
         JOIN organizations o ON o.id = u.organization_id
        WHERE m.status IN ('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')
          AND NOT ${userCountsSql('u', 'o')}
        ORDER BY 1`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Every external grant has a sponsor: live external grants without one (imported, or left
   * unsponsored when their space had no other OWNER) get their space's longest-standing OWNER
   * who counts, where there is one. Returns the grants assigned.
   */
  async sponsorUnsponsored(
    manager: EntityManager,
    now: Date,
  ): Promise<{ membershipId: string; spaceId: string; memberId: string; newSponsorId: string }[]> {
    const owner = `(SELECT o.user_id FROM memberships o
        JOIN users ou ON ou.id = o.user_id
        JOIN organizations oo ON oo.id = ou.organization_id
       WHERE o.space_id = m.space_id AND o.role = '${MembershipRole.OWNER}' AND o.status = '${MembershipStatus.ACTIVE}'
         AND ${membershipActiveUntilSql('o')} > $1 AND ${userCountsSql('ou', 'oo')}
       ORDER BY o.created_at, o.id LIMIT 1)`;
    const [rows] = await manager.query(
      `UPDATE memberships m SET sponsor_id = ${owner}, renewal_requested_at = NULL, updated_at = now()
         FROM organizations org
        WHERE org.id = m.user_organization_id AND org.kind <> '${OrganizationKind.HOST}'
          AND m.sponsor_id IS NULL
          AND m.status IN ('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')
          AND ${owner} IS NOT NULL
        RETURNING m.id AS "membershipId", m.space_id AS "spaceId", m.user_id AS "memberId", m.sponsor_id AS "newSponsorId"`,
      [now],
    );
    return rows;
  }

  /** Names for notices and mails (people the recipient deals with through this grant). */
  async displayNames(manager: EntityManager, userIds: string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const rows: { id: string; displayName: string }[] = await manager.query(
      `SELECT id, display_name AS "displayName" FROM users WHERE id = ANY($1::uuid[])`,
      [userIds],
    );
    return new Map(rows.map((r) => [r.id, r.displayName]));
  }

  async spaceNames(manager: EntityManager, spaceIds: string[]): Promise<Map<string, string>> {
    if (!spaceIds.length) return new Map();
    const rows: { id: string; name: string }[] = await manager.query(
      `SELECT id, name FROM spaces WHERE id = ANY($1::uuid[])`,
      [spaceIds],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
