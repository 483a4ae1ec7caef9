import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { abilitySql, AccessService } from '../access/access.service';
import { SqlFragment } from '../access/sql/condition-to-sql';
import { AppAbility, SubjectName } from '../access/subjects';
import { effectiveClearanceSql } from '../auth/membership-rules';
import { MembershipRole, MembershipStatus, OrganizationKind } from '../common/domain.enums';
import { AccessReviewFlag } from './models/access-review.model';
import { FLAG_SQL, sponsorOrphanedSql } from './review-flags';

/** One grant row as the review query returns it. */
export interface ReviewRow {
  membershipId: string;
  memberId: string;
  memberName: string | null;
  organizationId: string;
  spaceId: string;
  spaceName: string | null;
  classification: number;
  role: MembershipRole;
  status: MembershipStatus;
  grantedAt: Date;
  expiresAt: Date | null;
  sponsorId: string | null;
  sponsorName: string | null;
  grantedById: string | null;
  grantedByName: string | null;
  lastSignInAt: Date | null;
  lastActivityAt: Date | null;
  effectiveClearance: number;
  neededClearance: number;
  flags: AccessReviewFlag[];
}

export interface ReviewScope {
  organizationId?: string;
  spaceId?: string;
}

export interface ReviewWindow {
  staleBefore: Date;
  expiringBefore: Date;
}

export interface ReviewSummary {
  total: number;
  stale: number;
  expiring: number;
  orphaned: number;
  overCleared: number;
}

const LIVE = `('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')`;

/**
 * The access review in SQL: every external grant (ACTIVE or SUSPENDED) of one organisation or
 * one space, with its last activity and its flags computed by the database; a page is one
 * statement. The scope is kept to what the caller may `review` (the CASL rule translated to
 * SQL), and names to what the caller may `read`: a person or space the caller does not see
 * comes back as id (and classification) only.
 */
@Injectable()
export class AccessReviewRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  async page(
    ability: AppAbility,
    scope: ReviewScope,
    window: ReviewWindow,
    flags: AccessReviewFlag[],
    after: [Date, string] | null,
    limit: number,
  ): Promise<ReviewRow[]> {
    const { sql, params } = this.grants(ability, scope);
    const keyset = after ? `AND (g."grantedAt", g."membershipId") > (:afterAt, :afterId)` : '';
    const rows = await this.run<ReviewRow & Record<AccessReviewFlag, boolean>>(
      `WITH g AS (${sql})
       SELECT g.*, ${Object.entries(FLAG_SQL)
         .map(([flag, expr]) => `${expr} AS "${flag}"`)
         .join(', ')}
         FROM g
        WHERE ${flagFilter(flags)} ${keyset}
        ORDER BY g."grantedAt", g."membershipId"
        LIMIT :limit`,
      { ...params, ...windowParams(window), afterAt: after?.[0], afterId: after?.[1], limit },
    );
    return rows.map((r) => {
      const flagged = (Object.keys(FLAG_SQL) as AccessReviewFlag[]).filter((f) => r[f]);
      for (const f of Object.keys(FLAG_SQL)) delete (r as Record<string, unknown>)[f];
      return { ...r, flags: flagged };
    });
  }

  async count(
    ability: AppAbility,
    scope: ReviewScope,
    window: ReviewWindow,
    flags: AccessReviewFlag[],
  ): Promise<number> {
    const { sql, params } = this.grants(ability, scope);
    const [row] = await this.run<{ n: number }>(
      `WITH g AS (${sql}) SELECT count(*)::int AS n FROM g WHERE ${flagFilter(flags)}`,
      { ...params, ...windowParams(window) },
    );
    return row.n;
  }

  async summary(ability: AppAbility, scope: ReviewScope, window: ReviewWindow): Promise<ReviewSummary> {
    const { sql, params } = this.grants(ability, scope);
    const [row] = await this.run<ReviewSummary>(
      `WITH g AS (${sql})
       SELECT count(*)::int AS total,
              count(*) FILTER (WHERE ${FLAG_SQL.STALE})::int AS stale,
              count(*) FILTER (WHERE ${FLAG_SQL.EXPIRING})::int AS expiring,
              count(*) FILTER (WHERE ${FLAG_SQL.ORPHANED})::int AS orphaned,
              count(*) FILTER (WHERE ${FLAG_SQL.OVER_CLEARED})::int AS "overCleared"
         FROM g`,
      { ...params, ...windowParams(window) },
    );
    return row;
  }

  /** The grants in scope with every fact the flags read (a CTE body). */
  private grants(ability: AppAbility, scope: ReviewScope): SqlFragment {
    const reviewable = scope.organizationId
      ? this.reviewScope(ability, 'Organization', 'rv_o')
      : this.reviewScope(ability, 'Space', 'rv_s');
    const inScope = scope.organizationId
      ? `m.user_organization_id = :scopeId
         AND EXISTS (SELECT 1 FROM organizations rv_o WHERE rv_o.id = m.user_organization_id AND ${reviewable.sql})`
      : `m.space_id = :scopeId
         AND EXISTS (SELECT 1 FROM spaces rv_s WHERE rv_s.id = m.space_id AND ${reviewable.sql})`;
    const member = this.access.scope(ability, 'User', 'u', 'n_u');
    const sponsor = this.access.scope(ability, 'User', 'sp', 'n_sp');
    const granter = this.access.scope(ability, 'User', 'gb', 'n_gb');
    const space = this.access.scope(ability, 'Space', 's', 'n_s');
    return {
      sql: `
      SELECT m.id AS "membershipId", m.user_id AS "memberId",
             CASE WHEN (${member.sql}) THEN u.display_name END AS "memberName",
             m.user_organization_id AS "organizationId",
             m.space_id AS "spaceId", s.classification::int AS classification,
             CASE WHEN (${space.sql}) THEN s.name END AS "spaceName",
             m.role, m.status, m.created_at AS "grantedAt", m.expires_at AS "expiresAt",
             m.sponsor_id AS "sponsorId", CASE WHEN (${sponsor.sql}) THEN sp.display_name END AS "sponsorName",
             m.granted_by_id AS "grantedById", CASE WHEN (${granter.sql}) THEN gb.display_name END AS "grantedByName",
             u.last_login_at AS "lastSignInAt",
             act.at AS "lastActivityAt",
             ${effectiveClearanceSql('u', 'o')}::int AS "effectiveClearance",
             need.level::int AS "neededClearance",
             ${sponsorOrphanedSql('sp', 'spo')} AS orphaned
        FROM memberships m
        JOIN users u ON u.id = m.user_id
        JOIN organizations o ON o.id = u.organization_id
        JOIN spaces s ON s.id = m.space_id
        LEFT JOIN users sp ON sp.id = m.sponsor_id
        LEFT JOIN organizations spo ON spo.id = sp.organization_id
        LEFT JOIN users gb ON gb.id = m.granted_by_id
        CROSS JOIN LATERAL (SELECT GREATEST(
            (SELECT max(p.created_at) FROM posts p WHERE p.space_id = m.space_id AND p.author_id = m.user_id),
            (SELECT max(c.created_at) FROM comments c JOIN posts cp ON cp.id = c.post_id
              WHERE cp.space_id = m.space_id AND c.author_id = m.user_id),
            (SELECT max(r.created_at) FROM reactions r JOIN posts rp ON rp.id = r.post_id
              WHERE rp.space_id = m.space_id AND r.author_id = m.user_id)) AS at) act
        CROSS JOIN LATERAL (
          SELECT COALESCE(max(GREATEST(s2.classification,
                   COALESCE((SELECT max(p2.label) FROM posts p2 WHERE p2.space_id = s2.id), 0))), 0) AS level
            FROM memberships m2 JOIN spaces s2 ON s2.id = m2.space_id
           WHERE m2.user_id = m.user_id AND m2.status IN ${LIVE}) need
       WHERE o.kind <> '${OrganizationKind.HOST}' AND m.status IN ${LIVE} AND ${inScope}`,
      params: {
        ...reviewable.params,
        ...member.params,
        ...sponsor.params,
        ...granter.params,
        ...space.params,
        scopeId: scope.organizationId ?? scope.spaceId,
      },
    };
  }

  /** The rows of `subject` the caller may `review`, as SQL (the read scope's translator, on another action). */
  private reviewScope(ability: AppAbility, subject: SubjectName, alias: string): SqlFragment {
    const { sql, params } = abilitySql(ability, 'review', subject, alias, `${alias}_casl`);
    return { sql: `(${sql})`, params };
  }

  private async run<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const bound = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, bound);
    return this.dataSource.query(query, values);
  }
}

function windowParams(w: ReviewWindow): Record<string, unknown> {
  return { staleBefore: w.staleBefore, expiringBefore: w.expiringBefore };
}

/** Grants carrying at least one of the flags (all grants without a filter). */
function flagFilter(flags: AccessReviewFlag[]): string {
  return flags.length ? `(${flags.map((f) => FLAG_SQL[f]).join(' OR ')})` : 'TRUE';
}
