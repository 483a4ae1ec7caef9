import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MembershipRole, OrganizationKind, PartnerVisibility, UserRole } from '../common/domain.enums';
import { clearedForSql, effectiveClearanceSql, membershipActiveSql, userCountsSql } from './membership-rules';
import { Principal } from './principal';
import { preparedQuery } from '../common/prepared-query';

interface PrincipalRow {
  user_id: string;
  organization_id: string;
  organization_kind: OrganizationKind;
  email: string;
  display_name: string;
  effective_clearance: number;
  roles: UserRole[];
  host_id: string;
  memberships: { spaceId: string; role: MembershipRole; partnerVisibility: PartnerVisibility }[] | null;
}

/**
 * Loads a principal in one query. A user who does not count (disabled, or organisation
 * suspended) yields null: their sessions and tokens no longer authenticate.
 */
@Injectable()
export class PrincipalService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `db` is the data source, or a transaction's manager to load the principal as that
   * transaction sees the data (the security review's dry runs).
   */
  async load(
    userId: string,
    now: Date,
    via: Principal['via'],
    db: Pick<EntityManager, 'query'> = this.dataSource,
  ): Promise<Principal | null> {
    const rows: PrincipalRow[] = await db.query(`${principalSql('$2')} AND u.id = $1`, [userId, now]);
    return rows[0] ? toPrincipal(rows[0], now, via) : null;
  }

  /**
   * The live API token whose SHA-256 is `tokenHash` (not expired at `now`, not revoked) and
   * its user's principal, in one statement: null for no such token; `principal` null when the
   * token is live but its user no longer counts. The principal is read from `text`, what the
   * database function token_principal gives: a later statement proves the principal unchanged
   * by calling it again and finding the same text (principal-check.ts).
   */
  async loadByToken(
    tokenHash: string,
    now: Date,
  ): Promise<{ tokenId: string; userId: string; principal: Principal | null; text: string | null } | null> {
    const rows = await preparedQuery<{ token_id: string; token_user_id: string; text: string | null }>(
      this.dataSource,
      `SELECT t.id AS token_id, t.user_id AS token_user_id, ${tokenPrincipalTextSql('$1', '$2')} AS text
         FROM api_tokens t
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2`,
      [tokenHash, now],
    );
    const row = rows[0];
    if (!row) return null;
    const via = { kind: 'token' as const, id: row.token_id };
    return {
      tokenId: row.token_id,
      userId: row.token_user_id,
      principal: row.text === null ? null : toPrincipal(JSON.parse(row.text) as PrincipalRow, now, via),
      text: row.text,
    };
  }
}

/**
 * A scalar subquery (run once per statement): the principal of the live token whose hash is
 * the parameter `hash`, at the instant `now`, as the text loadByToken reads; NULL when the
 * token is unknown, expired or revoked, or its user no longer counts. Equal texts are equal
 * principals. The database function (migrations/1764720000000-token-principal.ts) keeps its
 * plan for the session, so a statement that carries it does not plan its six relations again.
 */
export function tokenPrincipalTextSql(hash: string, now: string): string {
  return `(SELECT token_principal(${hash}, ${now}))`;
}

/**
 * The principal of users who count; `now` is the parameter of the instant memberships are
 * judged at. Memberships are aggregated in a fixed order, so the same facts give the same text.
 */
const principalSql = (
  now: string,
) => `SELECT u.id AS user_id, u.organization_id, o.kind AS organization_kind, u.email, u.display_name,
       ${effectiveClearanceSql('u', 'o')}::int AS effective_clearance, u.roles,
       (SELECT h.id FROM organizations h WHERE h.kind = 'HOST') AS host_id,
       (SELECT json_agg(json_build_object('spaceId', s.id, 'role', m.role, 'partnerVisibility', s.partner_visibility)
                         ORDER BY s.id)
          FROM memberships m JOIN spaces s ON s.id = m.space_id
         WHERE m.user_id = u.id AND ${membershipActiveSql('m', now)}
           AND ${clearedForSql(effectiveClearanceSql('u', 'o'), 's')}) AS memberships
  FROM users u JOIN organizations o ON o.id = u.organization_id
 WHERE ${userCountsSql('u', 'o')}`;

function toPrincipal(row: PrincipalRow, now: Date, via: Principal['via']): Principal {
  const isHost = row.organization_kind === OrganizationKind.HOST;
  return {
    userId: row.user_id,
    organizationId: row.organization_id,
    organizationKind: row.organization_kind,
    hostOrganizationId: row.host_id,
    email: row.email,
    displayName: row.display_name,
    effectiveClearance: Number(row.effective_clearance),
    // Host roles count only for host users, whatever the row says.
    roles: row.roles.filter((r) => isHost || r === UserRole.PARTNER_ADMIN),
    isHost,
    activeMemberships: row.memberships ?? [],
    now,
    via,
  };
}
