import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { membershipActiveSql } from '../auth/membership-rules';
import { InvitationStatus, SpaceStatus } from '../common/domain.enums';

/** The unit of a period in SQL (`date_trunc`, intervals). */
export type PeriodUnit = 'week' | 'month';

/**
 * One period of one group of spaces, as counts only: how many things happened and over how
 * many distinct people each figure is computed. No row ever names or counts a single person.
 */
export interface BucketCounts {
  grp: string;
  start: Date;
  end: Date;
  /** Distinct people who posted, commented or reacted; split by the host organisation. */
  active: number;
  activeHost: number;
  activeExternal: number;
  posts: number;
  /** Distinct authors of those posts. */
  posters: number;
  comments: number;
  commenters: number;
  /** Posts of the period answered by someone other than their author. */
  replied: number;
  /** Distinct authors of those first replies. */
  repliers: number;
  medianReplyHours: number | null;
}

export interface SpaceCurrentCounts {
  pendingInvitations: number;
  expiringMemberships: number;
}

/** The group of a space for spaceHealth: one group. */
export const SPACE_GROUP = 'space';
/** The groups of healthOverview: the spaces' statuses (ARCHIVED left out). */
export const OVERVIEW_GROUPS: readonly SpaceStatus[] = [SpaceStatus.PILOT, SpaceStatus.ACTIVE];
const EXPIRY_HORIZON_DAYS = 30;
const OPEN_INVITATIONS = [InvitationStatus.PENDING, InvitationStatus.PENDING_APPROVAL];

// Spaces by group, as a CTE body: `space_id, grp`.
const ONE_SPACE = `SELECT s.id AS space_id, '${SPACE_GROUP}'::text AS grp FROM spaces s WHERE s.id = $5::uuid`;
const BY_STATUS = `SELECT s.id AS space_id, s.status AS grp FROM spaces s WHERE s.status = ANY($5::text[])`;

/**
 * Every figure of every period in one statement: the periods from generate_series (UTC
 * calendar weeks or months, the current one last), the activity of the group's spaces in
 * their span, then per group and period the aggregates and the number of distinct people
 * behind each. $1 now, $2 unit, $3 count, $4 the host organisation, $5 the spaces' filter,
 * $6 the groups to answer for (every group gets every period, empty or not).
 */
function bucketsSql(groups: string): string {
  return `
WITH grp AS (${groups}),
bounds AS (
  SELECT date_trunc($2::text, $1::timestamptz AT TIME ZONE 'UTC') AS last_start,
         ('1 ' || $2::text)::interval AS step
),
buckets AS (
  SELECT s AT TIME ZONE 'UTC' AS start, (s + bounds.step) AT TIME ZONE 'UTC' AS "end"
    FROM bounds, generate_series(bounds.last_start - ($3::int - 1) * bounds.step, bounds.last_start, bounds.step) AS s
),
span AS (SELECT min(start) AS from_at, max("end") AS to_at FROM buckets),
posts_in AS (
  SELECT g.grp, p.author_id, p.author_organization_id, p.created_at,
         fr.created_at AS first_reply_at, fr.author_id AS first_replier
    FROM posts p
    JOIN grp g ON g.space_id = p.space_id
    CROSS JOIN span
    LEFT JOIN LATERAL (
      SELECT c.created_at, c.author_id FROM comments c
       WHERE c.post_id = p.id AND c.author_id <> p.author_id
       ORDER BY c.created_at, c.id LIMIT 1
    ) fr ON true
   WHERE p.created_at >= span.from_at AND p.created_at < span.to_at
),
comments_in AS (
  SELECT g.grp, c.author_id, c.author_organization_id, c.created_at
    FROM comments c
    JOIN posts p ON p.id = c.post_id
    JOIN grp g ON g.space_id = p.space_id
    CROSS JOIN span
   WHERE c.created_at >= span.from_at AND c.created_at < span.to_at
),
reactions_in AS (
  SELECT g.grp, r.author_id, r.author_organization_id, r.created_at
    FROM reactions r
    JOIN posts p ON p.id = r.post_id
    JOIN grp g ON g.space_id = p.space_id
    CROSS JOIN span
   WHERE r.created_at >= span.from_at AND r.created_at < span.to_at
),
acts AS (
  SELECT grp, author_id, author_organization_id, created_at FROM posts_in
  UNION ALL SELECT grp, author_id, author_organization_id, created_at FROM comments_in
  UNION ALL SELECT grp, author_id, author_organization_id, created_at FROM reactions_in
)
SELECT k.grp, b.start, b."end",
       act.active, act.active_host, act.active_external,
       pst.posts, pst.posters, pst.replied, pst.repliers, pst.median_reply_hours,
       cmt.comments, cmt.commenters
  FROM buckets b
 CROSS JOIN unnest($6::text[]) AS k(grp)
 CROSS JOIN LATERAL (
   SELECT count(DISTINCT a.author_id)::int AS active,
          count(DISTINCT a.author_id) FILTER (WHERE a.author_organization_id = $4::uuid)::int AS active_host,
          count(DISTINCT a.author_id) FILTER (WHERE a.author_organization_id <> $4::uuid)::int AS active_external
     FROM acts a WHERE a.grp = k.grp AND a.created_at >= b.start AND a.created_at < b."end"
 ) act
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS posts,
          count(DISTINCT p.author_id)::int AS posters,
          count(p.first_reply_at)::int AS replied,
          count(DISTINCT p.first_replier)::int AS repliers,
          percentile_cont(0.5) WITHIN GROUP (
            ORDER BY GREATEST(0, extract(epoch FROM p.first_reply_at - p.created_at)) / 3600
          ) FILTER (WHERE p.first_reply_at IS NOT NULL) AS median_reply_hours
     FROM posts_in p WHERE p.grp = k.grp AND p.created_at >= b.start AND p.created_at < b."end"
 ) pst
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS comments, count(DISTINCT c.author_id)::int AS commenters
     FROM comments_in c WHERE c.grp = k.grp AND c.created_at >= b.start AND c.created_at < b."end"
 ) cmt
 ORDER BY k.grp, b.start`;
}

interface BucketRow {
  grp: string;
  start: Date;
  end: Date;
  active: number;
  active_host: number;
  active_external: number;
  posts: number;
  posters: number;
  replied: number;
  repliers: number;
  median_reply_hours: number | string | null;
  comments: number;
  commenters: number;
}

/** The health figures' queries: aggregates computed in SQL, never a row per person. */
@Injectable()
export class CommunityHealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every period of one space. */
  spaceBuckets(spaceId: string, unit: PeriodUnit, count: number, now: Date, hostId: string): Promise<BucketCounts[]> {
    return this.buckets(ONE_SPACE, [now, unit, count, hostId, spaceId, [SPACE_GROUP]]);
  }

  /** Every period of the PILOT spaces and of the ACTIVE ones, each group as a whole. */
  overviewBuckets(unit: PeriodUnit, count: number, now: Date, hostId: string): Promise<BucketCounts[]> {
    return this.buckets(BY_STATUS, [now, unit, count, hostId, OVERVIEW_GROUPS, OVERVIEW_GROUPS]);
  }

  /** How many PILOT and ACTIVE spaces there are. */
  async spacesPerGroup(): Promise<Record<string, number>> {
    const rows: { status: string; n: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS n FROM spaces WHERE status = ANY($1::text[]) GROUP BY status`,
      [OVERVIEW_GROUPS],
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** The space's invitations waiting now, and its active grants that expire within 30 days. */
  async currentCounts(spaceId: string, now: Date): Promise<SpaceCurrentCounts> {
    const [row]: { pending: number; expiring: number }[] = await this.dataSource.query(
      `SELECT
         (SELECT count(*)::int FROM invitations i
           WHERE i.space_id = $1 AND i.status = ANY($3::text[]) AND i.expires_at > $2) AS pending,
         (SELECT count(DISTINCT m.user_id)::int FROM memberships m
           WHERE m.space_id = $1 AND ${membershipActiveSql('m', '$2')}
             AND m.expires_at <= $2::timestamptz + ($4::int * interval '1 day')) AS expiring`,
      [spaceId, now, OPEN_INVITATIONS, EXPIRY_HORIZON_DAYS],
    );
    return { pendingInvitations: Number(row.pending), expiringMemberships: Number(row.expiring) };
  }

  /** The language the caller reads in: French unless they chose English. */
  async localeOf(userId: string): Promise<string | null> {
    const [row]: { locale: string }[] = await this.dataSource.query(`SELECT locale FROM users WHERE id = $1`, [userId]);
    return row?.locale ?? null;
  }

  private async buckets(groups: string, params: unknown[]): Promise<BucketCounts[]> {
    const rows: BucketRow[] = await this.dataSource.query(bucketsSql(groups), params);
    return rows.map((r) => ({
      grp: r.grp,
      start: new Date(r.start),
      end: new Date(r.end),
      active: Number(r.active),
      activeHost: Number(r.active_host),
      activeExternal: Number(r.active_external),
      posts: Number(r.posts),
      posters: Number(r.posters),
      comments: Number(r.comments),
      commenters: Number(r.commenters),
      replied: Number(r.replied),
      repliers: Number(r.repliers),
      medianReplyHours: r.median_reply_hours === null ? null : Number(r.median_reply_hours),
    }));
  }
}
