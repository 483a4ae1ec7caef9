import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { effectiveClearanceSql } from '../auth/membership-rules';
import {
  InvitationStatus,
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  OrganizationStatus,
  SuspensionCause,
  UserRole,
  UserStatus,
} from '../common/domain.enums';
import { Organization } from '../database/entities/organization.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';

/** Whose credentials, grants and invitations a kill switch ends. */
export type KillScope = { organizationId: string } | { userId: string; email: string };

export interface EndedSession {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  connectionId: string | null;
  connectionOrganizationId: string | null;
  connectionName: string | null;
}

export interface EndedToken {
  id: string;
  userId: string;
  name: string | null;
  expiresAt: Date;
}

export interface EndedMembership {
  id: string;
  userId: string;
  spaceId: string;
  role: MembershipRole;
  expiresAt: Date | null;
  sponsorId: string | null;
}

export interface EndedInvitation {
  id: string;
  spaceId: string;
  organizationId: string;
  invitedById: string;
  email: string | null;
  wholeOrganization: boolean;
  status: InvitationStatus;
  expiresAt: Date;
}

/** A grant suspended by the kill switch, with what decides whether it may come back. */
export interface SuspendedGrant extends EndedMembership {
  userStatus: UserStatus;
  organizationStatus: OrganizationStatus;
  cleared: boolean;
}

const PENDING = [InvitationStatus.PENDING, InvitationStatus.PENDING_APPROVAL];

/**
 * The kill switch's queries, named for what they answer. Every one runs in the caller's
 * transaction (the switch and its dry run are one transaction each); the ending ones are
 * UPDATE ... RETURNING, so what is reported is exactly what was changed.
 */
@Injectable()
export class SuspensionsRepository {
  constructor(private readonly access: AccessService) {}

  /** The organisation, locked for the rest of the transaction: concurrent switches queue here. */
  lockOrganization(m: EntityManager, id: string): Promise<Organization | null> {
    return m
      .getRepository(Organization)
      .createQueryBuilder('o')
      .setLock('pessimistic_write')
      .where('o.id = :id', { id })
      .getOne();
  }

  lockUser(m: EntityManager, id: string): Promise<User | null> {
    return m
      .getRepository(User)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('u.id = :id', { id })
      .getOne();
  }

  findOrganization(m: EntityManager, id: string): Promise<Organization | null> {
    return m.getRepository(Organization).findOne({ where: { id } });
  }

  /** Whether the caller's read rule lets them see this organisation / person. */
  async canSee(m: EntityManager, ability: AppAbility, subject: 'Organization' | 'User', id: string): Promise<boolean> {
    const entity = subject === 'Organization' ? Organization : User;
    const qb = m.getRepository(entity).createQueryBuilder('x').select('x.id').where('x.id = :id', { id });
    return (await this.access.restrict(qb, ability, subject).getCount()) > 0;
  }

  /** The people among `ids` the caller sees, as they are now (call before anything ends). */
  async visibleUsers(m: EntityManager, ability: AppAbility, ids: readonly string[]): Promise<Map<string, User>> {
    if (ids.length === 0) return new Map();
    const qb = m
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.id = ANY(:ids)', { ids: [...new Set(ids)] });
    const users = await this.access.restrict(qb, ability, 'User').getMany();
    return new Map(users.map((u) => [u.id, u]));
  }

  /** The people of an organisation the caller sees, as they are now (call before anything ends). */
  async visibleUsersOfOrganization(
    m: EntityManager,
    ability: AppAbility,
    organizationId: string,
  ): Promise<Map<string, User>> {
    const qb = m
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId', { organizationId });
    const users = await this.access.restrict(qb, ability, 'User').getMany();
    return new Map(users.map((u) => [u.id, u]));
  }

  /** Members of the live grants a person sponsors. */
  async sponsoredMemberIds(m: EntityManager, sponsorId: string): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `SELECT DISTINCT m.user_id AS id FROM memberships m
        WHERE m.sponsor_id = $1 AND m.status IN ('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')`,
      [sponsorId],
    );
    return rows.map((r) => r.id);
  }

  /** Space names for mails to people who see those spaces (their OWNERs). */
  async spaceNames(m: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; name: string }[] = await m.query(
      `SELECT id, name FROM spaces WHERE id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async visibleSpaces(m: EntityManager, ability: AppAbility, ids: readonly string[]): Promise<Map<string, Space>> {
    if (ids.length === 0) return new Map();
    const qb = m
      .getRepository(Space)
      .createQueryBuilder('s')
      .where('s.id = ANY(:ids)', { ids: [...new Set(ids)] });
    const spaces = await this.access.restrict(qb, ability, 'Space').getMany();
    return new Map(spaces.map((s) => [s.id, s]));
  }

  /** Users sponsoring a live (ACTIVE or SUSPENDED) grant of the organisation's users / of one person. */
  async sponsorIds(m: EntityManager, scope: KillScope): Promise<string[]> {
    const [filter, param] = scopeOfMembership(scope);
    const rows: { id: string }[] = await m.query(
      `SELECT DISTINCT m.sponsor_id AS id FROM memberships m
        WHERE ${filter} AND m.sponsor_id IS NOT NULL
          AND m.status IN ('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')`,
      [param],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Active HOST_ADMINs of the host other than `exceptUserId`, counted under a transaction
   * lock: two admins disabling each other at once cannot both pass.
   */
  async otherActiveHostAdmins(m: EntityManager, exceptUserId: string): Promise<number> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('passerelle:host-admins'))`);
    const rows: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM users u JOIN organizations o ON o.id = u.organization_id
        WHERE o.kind = '${OrganizationKind.HOST}' AND u.status = '${UserStatus.ACTIVE}'
          AND '${UserRole.HOST_ADMIN}' = ANY(u.roles) AND u.id <> $1`,
      [exceptUserId],
    );
    return Number(rows[0].n);
  }

  /** Active PARTNER_ADMINs of an organisation. */
  async partnerAdminIds(m: EntityManager, organizationId: string): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `SELECT u.id FROM users u
        WHERE u.organization_id = $1 AND u.status = '${UserStatus.ACTIVE}' AND '${UserRole.PARTNER_ADMIN}' = ANY(u.roles)
        ORDER BY u.id`,
      [organizationId],
    );
    return rows.map((r) => r.id);
  }

  /** Of `ids`, the people who count (ACTIVE in an ACTIVE organisation): those who can be told in-app. */
  async countingUserIds(m: EntityManager, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await m.query(
      `SELECT u.id FROM users u JOIN organizations o ON o.id = u.organization_id
        WHERE u.id = ANY($1::uuid[]) AND u.status = '${UserStatus.ACTIVE}' AND o.status = '${OrganizationStatus.ACTIVE}'`,
      [[...new Set(ids)]],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Revokes every live session (not revoked, not expired) in scope. */
  async endSessions(m: EntityManager, scope: KillScope, now: Date, reason: string): Promise<EndedSession[]> {
    const [filter, param] = scopeOfUser(scope, 's.user_id');
    const rows = await returning(
      m,
      `UPDATE sessions s SET revoked_at = $2, revoked_reason = $3
        WHERE ${filter} AND s.revoked_at IS NULL AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2
        RETURNING s.id, s.user_id AS "userId", s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt",
                  s.connection_id AS "connectionId",
                  (SELECT c.organization_id FROM idp_connections c WHERE c.id = s.connection_id) AS "connectionOrganizationId",
                  (SELECT c.name FROM idp_connections c WHERE c.id = s.connection_id) AS "connectionName"`,
      [param, now, reason],
    );
    return sortById(rows as EndedSession[]);
  }

  /** Revokes every live API token (not revoked, not expired) in scope. */
  async endTokens(m: EntityManager, scope: KillScope, now: Date): Promise<EndedToken[]> {
    const [filter, param] = scopeOfUser(scope, 't.user_id');
    const rows = await returning(
      m,
      `UPDATE api_tokens t SET revoked_at = $2
        WHERE ${filter} AND t.revoked_at IS NULL AND t.expires_at > $2
        RETURNING t.id, t.user_id AS "userId", t.name, t.expires_at AS "expiresAt"`,
      [param, now],
    );
    return sortById(rows as EndedToken[]);
  }

  /** Suspends every ACTIVE grant in scope, with the cause that alone may restore it. */
  async suspendMemberships(
    m: EntityManager,
    scope: KillScope,
    cause: SuspensionCause,
    now: Date,
    reason: string,
  ): Promise<EndedMembership[]> {
    const [filter, param] = scopeOfMembership(scope);
    const rows = await returning(
      m,
      `UPDATE memberships m
          SET status = '${MembershipStatus.SUSPENDED}', suspension_cause = $2, ended_at = $3, end_reason = $4,
              updated_at = now()
        WHERE ${filter} AND m.status = '${MembershipStatus.ACTIVE}'
        RETURNING m.id, m.user_id AS "userId", m.space_id AS "spaceId", m.role, m.expires_at AS "expiresAt",
                  m.sponsor_id AS "sponsorId"`,
      [param, cause, now, reason],
    );
    return sortById(rows as EndedMembership[]);
  }

  /**
   * Revokes the pending invitations in scope: every one to the organisation (by email or
   * whole), or those addressed to one person's email.
   */
  async revokeInvitations(
    m: EntityManager,
    scope: KillScope,
    now: Date,
    reason: string,
    actorId: string,
  ): Promise<EndedInvitation[]> {
    const [filter, param] =
      'organizationId' in scope
        ? ['i.organization_id = $1', scope.organizationId]
        : ['lower(i.email) = lower($1)', scope.email];
    // RETURNING shows the new row: the status it had comes from the locked snapshot.
    const rows = await returning(
      m,
      `WITH target AS (
         SELECT i.id, i.status FROM invitations i
          WHERE ${filter} AND i.status IN ('${PENDING.join("', '")}') FOR UPDATE)
       UPDATE invitations i
          SET status = '${InvitationStatus.REVOKED}', decision_reason = $3, decided_at = $2, decided_by_id = $4,
              updated_at = now()
         FROM target
        WHERE i.id = target.id
        RETURNING i.id, i.space_id AS "spaceId", i.organization_id AS "organizationId", i.invited_by_id AS "invitedById",
                  i.email, i.whole_organization AS "wholeOrganization", target.status, i.expires_at AS "expiresAt"`,
      [param, now, reason, actorId],
    );
    return sortById(rows as EndedInvitation[]);
  }

  /** The grants in scope suspended for `cause`, locked, with what decides whether each may come back. */
  async lockSuspendedGrants(m: EntityManager, scope: KillScope, cause: SuspensionCause): Promise<SuspendedGrant[]> {
    const [filter, param] = scopeOfMembership(scope);
    const rows: SuspendedGrant[] = await m.query(
      `SELECT m.id, m.user_id AS "userId", m.space_id AS "spaceId", m.role, m.expires_at AS "expiresAt",
              m.sponsor_id AS "sponsorId", u.status AS "userStatus", o.status AS "organizationStatus",
              (${effectiveClearanceSql('u', 'o')} >= s.classification) AS cleared
         FROM memberships m
         JOIN users u ON u.id = m.user_id
         JOIN organizations o ON o.id = u.organization_id
         JOIN spaces s ON s.id = m.space_id
        WHERE ${filter} AND m.status = '${MembershipStatus.SUSPENDED}' AND m.suspension_cause = $2
        ORDER BY m.id
        FOR UPDATE OF m`,
      [param, cause],
    );
    return rows;
  }

  async restoreGrants(m: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await m.query(
      `UPDATE memberships SET status = '${MembershipStatus.ACTIVE}', suspension_cause = NULL, ended_at = NULL,
              end_reason = NULL, updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Grants that expired while suspended: EXPIRED at their expiry, as the lapse job records them. */
  async expireGrants(m: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await m.query(
      `UPDATE memberships SET status = '${MembershipStatus.EXPIRED}', suspension_cause = NULL, ended_at = expires_at,
              end_reason = 'expired', updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Grants that stay suspended, now for the cause still standing. */
  async resuspendGrants(m: EntityManager, ids: string[], cause: SuspensionCause, reason: string): Promise<void> {
    if (!ids.length) return;
    await m.query(
      `UPDATE memberships SET suspension_cause = $2, end_reason = $3, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [ids, cause, reason],
    );
  }
}

function scopeOfUser(scope: KillScope, column: string): [string, string] {
  return 'organizationId' in scope
    ? [`${column} IN (SELECT id FROM users WHERE organization_id = $1)`, scope.organizationId]
    : [`${column} = $1`, scope.userId];
}

function scopeOfMembership(scope: KillScope): [string, string] {
  return 'organizationId' in scope
    ? ['m.user_organization_id = $1', scope.organizationId]
    : ['m.user_id = $1', scope.userId];
}

function sortById<T extends { id: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Rows of an UPDATE ... RETURNING: the PostgreSQL driver gives `[rows, count]` for a plain
 * UPDATE, and the rows alone when the statement starts with WITH.
 */
async function returning(m: EntityManager, sql: string, params: unknown[]): Promise<unknown[]> {
  const raw: unknown = await m.query(sql, params);
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return raw[0];
  return raw as unknown[];
}
