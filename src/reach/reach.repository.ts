import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility, SubjectName } from '../access/subjects';
import { clearedForSql, effectiveClearanceSql, membershipActiveSql, userCountsSql } from '../auth/membership-rules';
import { HOST_ONLY_USER_ROLES, MembershipRole, OrganizationKind, PartnerVisibility } from '../common/domain.enums';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination';

/** Rows of whoCanAccess, before they become AccessGrants. */
export interface GrantRow {
  user_id: string;
  display_name: string;
  organization_id: string;
  organization_name: string;
  effective_clearance: number;
  overseer_roles: string[];
  membership_id: string | null;
  role: MembershipRole | null;
  since: Date | null;
  expires_at: Date | null;
  granted_by_id: string | null;
  granted_by_name: string | null;
  granted_by_org_id: string | null;
  granted_by_org_name: string | null;
  sponsor_id: string | null;
  sponsor_name: string | null;
  sponsor_org_id: string | null;
  sponsor_org_name: string | null;
}

export interface ReachRow {
  id: string;
  name: string;
  classification: number;
  readers: number;
  l0: number;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
}

export interface PersonRow {
  id: string;
  display_name: string;
  organization_id: string;
  organization_name: string;
}

/** Who reachOf asks about: one person, or every person of an organisation. */
export type ReachTarget = { userId: string; organizationId: null } | { userId: null; organizationId: string };

/** The two ways to read a space or a post that hold without a membership: none for posts. */
const OVERSEER_ROLES = `ARRAY[${HOST_ONLY_USER_ROLES.map((r) => `'${r}'`).join(', ')}]::text[]`;
const MODERATORS = `('${MembershipRole.OWNER}', '${MembershipRole.ANIMATOR}')`;
const HOST_ID = `(SELECT h."id" FROM organizations h WHERE h."kind" = '${OrganizationKind.HOST}')`;

// The confidentiality rule of DESIGN.md section 2, written from the text with the SQL faces of
// auth/membership-rules.ts. `u` counts, `o` is its organisation, `m` its membership, `s` the space.
const EFFECTIVE = effectiveClearanceSql('u', 'o');
const overseer = (u: string, o: string) =>
  `(${o}."kind" = '${OrganizationKind.HOST}' AND ${u}."roles" && ${OVERSEER_ROLES})`;
/** An active membership: ACTIVE, not expired at `now`, its member cleared for the space. */
const activeIn = (now: string) => `${membershipActiveSql('m', now)} AND ${clearedForSql(EFFECTIVE, 's')}`;
/** U reads P: label within clearance, hidden only for moderators, and the HUB rule. */
const readsPost = (clearance: string, role: string, isHost: string, orgId: string) =>
  `${clearance} >= p."label"
   AND (NOT p."hidden" OR ${role} IN ${MODERATORS})
   AND (s."partner_visibility" <> '${PartnerVisibility.HUB}' OR ${isHost}
        OR p."author_organization_id" IN (${orgId}, ${HOST_ID}))`;

const GRANT_COLUMNS = `u."id" AS user_id, u."display_name", u."organization_id", o."name" AS organization_name,
  ${EFFECTIVE}::int AS effective_clearance,
  CASE WHEN o."kind" = '${OrganizationKind.HOST}'
       THEN ARRAY(SELECT r FROM unnest(u."roles") r WHERE r = ANY(${OVERSEER_ROLES})) ELSE '{}'::text[] END AS overseer_roles,
  m."id" AS membership_id, m."role", m."created_at" AS since, m."expires_at",
  gb."id" AS granted_by_id, gb."display_name" AS granted_by_name, gbo."id" AS granted_by_org_id, gbo."name" AS granted_by_org_name,
  sp."id" AS sponsor_id, sp."display_name" AS sponsor_name, spo."id" AS sponsor_org_id, spo."name" AS sponsor_org_name`;
const GRANT_JOINS = `LEFT JOIN users gb ON gb."id" = m."granted_by_id" LEFT JOIN organizations gbo ON gbo."id" = gb."organization_id"
  LEFT JOIN users sp ON sp."id" = m."sponsor_id" LEFT JOIN organizations spo ON spo."id" = sp."organization_id"`;

/**
 * The reach queries. whoCanAccess and reachOf are one SQL statement per page each, written
 * from the rule's text (not from the engine: the property test holds the two to one answer);
 * viewAs and the dry run use the engine itself (AccessService scopes of the viewed ability).
 */
@Injectable()
export class ReachRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** Whether a row exists, whoever may see it (for reviewers, whose `review` rule covers every row). */
  async exists(type: 'Space' | 'Post' | 'User' | 'Organization', id: string): Promise<boolean> {
    const table = { Space: 'spaces', Post: 'posts', User: 'users', Organization: 'organizations' }[type];
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${table} WHERE "id" = $1`, [id]);
    return rows.length > 0;
  }

  /** Whether the ability reads the row (the read path's own scope). */
  async visible(ability: AppAbility, type: SubjectName, id: string): Promise<boolean> {
    const { sql, params } = this.access.scope(ability, type, 'x');
    const table = { Space: 'spaces', Post: 'posts', User: 'users', Organization: 'organizations' }[
      type as 'Space' | 'Post' | 'User' | 'Organization'
    ];
    return this.dataSource
      .createQueryBuilder()
      .select('1')
      .from(table, 'x')
      .where('x."id" = :id', { id })
      .andWhere(new Brackets((w) => w.where(sql, params)))
      .getExists();
  }

  async person(id: string, db: Pick<EntityManager, 'query'> = this.dataSource): Promise<PersonRow | null> {
    const rows: PersonRow[] = await db.query(
      `SELECT u."id", u."display_name", u."organization_id", o."name" AS organization_name
         FROM users u JOIN organizations o ON o."id" = u."organization_id" WHERE u."id" = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Everyone who reads space S: people who count, with an active membership in S, or holding
   * HOST_ADMIN / SECURITY_REVIEWER as host users. By name then id; one statement per page.
   */
  whoCanAccessSpace(spaceId: string, now: Date, page: PageArgs): Promise<Connection<GrantRow>> {
    const from = `FROM users u JOIN organizations o ON o."id" = u."organization_id"
      JOIN spaces s ON s."id" = $1
      LEFT JOIN memberships m ON m."user_id" = u."id" AND m."space_id" = s."id" AND ${activeIn('$2')}`;
    const where = `${userCountsSql('u', 'o')} AND (m."id" IS NOT NULL OR ${overseer('u', 'o')})`;
    return this.grantPage(from, where, [spaceId, now], page);
  }

  /**
   * Everyone who reads post P: people who count with an active membership in P's space, an
   * effective clearance at least P's label, a moderator's role if P is hidden, and in a HUB
   * space, when external, P written by the host or their own organisation. No overseer path.
   */
  whoCanAccessPost(postId: string, now: Date, page: PageArgs): Promise<Connection<GrantRow>> {
    const isHost = `(o."kind" = '${OrganizationKind.HOST}')`;
    const from = `FROM posts p JOIN spaces s ON s."id" = p."space_id"
      JOIN memberships m ON m."space_id" = s."id"
      JOIN users u ON u."id" = m."user_id" JOIN organizations o ON o."id" = u."organization_id"`;
    const where = `p."id" = $1 AND ${activeIn('$2')} AND ${userCountsSql('u', 'o')}
        AND ${readsPost(EFFECTIVE, 'm."role"', isHost, 'u."organization_id"')}`;
    return this.grantPage(from, where, [postId, now], page);
  }

  private async grantPage(
    from: string,
    where: string,
    params: unknown[],
    page: PageArgs,
  ): Promise<Connection<GrantRow>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['string', 'uuid']);
    const n = params.length;
    const keyset = after ? `AND (u."display_name", u."id") > ($${n + 1}, $${n + 2}::uuid)` : '';
    const rows: GrantRow[] = await this.dataSource.query(
      `SELECT ${GRANT_COLUMNS} ${from} ${GRANT_JOINS} WHERE ${where} ${keyset}
        ORDER BY u."display_name", u."id" LIMIT ${first + 1}`,
      after ? [...params, ...after] : params,
    );
    return toConnection(
      rows,
      first,
      (r) => [r.display_name, r.user_id],
      async () => {
        const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count ${from} WHERE ${where}`, params);
        return Number(count);
      },
    );
  }

  /**
   * Every space the target reads (one person, or any person of an organisation), with how
   * many of them read it and the posts readable there per label: one statement per page.
   */
  async reachOf(target: ReachTarget, now: Date, page: PageArgs): Promise<Connection<ReachRow>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['string', 'uuid']);
    const params: unknown[] = [target.userId, target.organizationId, now];
    // Everyone asked about is of one organisation (one person, or one organisation's people), so
    // the HUB rule is the same for all of them, and a post is readable by one of them in a space
    // iff its label is within the best clearance there of a moderator (hidden or not), or of
    // anyone (not hidden): two maxima per space instead of a search through every grant.
    const cte = `WITH readers AS (
        SELECT u."id", u."organization_id", ${EFFECTIVE}::int AS clearance,
               (o."kind" = '${OrganizationKind.HOST}') AS is_host, ${overseer('u', 'o')} AS overseer
          FROM users u JOIN organizations o ON o."id" = u."organization_id"
         WHERE (u."id" = $1::uuid OR u."organization_id" = $2::uuid) AND ${userCountsSql('u', 'o')}
      ), grants AS (
        SELECT r.*, m."space_id", m."role" FROM readers r
          JOIN memberships m ON m."user_id" = r."id" JOIN spaces s ON s."id" = m."space_id"
         WHERE ${membershipActiveSql('m', '$3')} AND ${clearedForSql('r.clearance', 's')}
      ), per_space AS (
        SELECT g."space_id", max(g.clearance) AS max_all,
               max(g.clearance) FILTER (WHERE g."role" IN ${MODERATORS}) AS max_moderator,
               count(DISTINCT g."id") FILTER (WHERE NOT g.overseer) AS members,
               bool_or(g.is_host) AS is_host, min(g."organization_id"::text)::uuid AS organization_id
          FROM grants g GROUP BY g."space_id"
      )`;
    const reached = `(s."id" IN (SELECT "space_id" FROM per_space) OR EXISTS (SELECT 1 FROM readers r WHERE r.overseer))`;
    const keyset = after ? `AND (s."name", s."id") > ($4, $5::uuid)` : '';
    const rows: ReachRow[] = await this.dataSource.query(
      // The page of spaces first, then the counts for those spaces only.
      `${cte}, page AS (
         SELECT s."id", s."name", s."classification", s."partner_visibility" FROM spaces s
          WHERE ${reached} ${keyset}
          ORDER BY s."name", s."id" LIMIT ${first + 1}
       )
       SELECT s."id", s."name", s."classification",
              ((SELECT count(*) FROM readers r WHERE r.overseer) + COALESCE(g.members, 0))::int AS readers,
              c.l0, c.l1, c.l2, c.l3, c.l4
         FROM page s
         LEFT JOIN per_space g ON g."space_id" = s."id"
         CROSS JOIN LATERAL (
           SELECT ${[0, 1, 2, 3, 4].map((l) => `count(*) FILTER (WHERE p."label" = ${l})::int AS l${l}`).join(', ')}
             FROM posts p
            -- A space reached only as an overseer (no grant: g is null) reads no post.
            WHERE p."space_id" = s."id" AND g."space_id" IS NOT NULL
              AND (p."label" <= g.max_moderator OR (NOT p."hidden" AND p."label" <= g.max_all))
              AND (s."partner_visibility" <> '${PartnerVisibility.HUB}' OR g.is_host
                   OR p."author_organization_id" IN (g."organization_id", ${HOST_ID}))
         ) c
        ORDER BY s."name", s."id"`,
      after ? [...params, ...after] : params,
    );
    return toConnection(
      rows,
      first,
      (r) => [r.name, r.id],
      async () => {
        const [{ count }] = await this.dataSource.query(
          `${cte} SELECT count(*)::int AS count FROM spaces s WHERE ${reached}`,
          params,
        );
        return Number(count);
      },
    );
  }

  // --- The engine, for viewAs and the dry run ------------------------------------------------

  /** The spaces `viewed` reads (and the reviewer sees), by name then id. */
  viewedSpaces(viewed: AppAbility, reviewer: AppAbility, page: PageArgs): Promise<Connection<Space>> {
    const qb = this.both(this.dataSource.getRepository(Space).createQueryBuilder('s'), viewed, reviewer, 'Space');
    return keysetPage(
      qb,
      [
        { sql: 's.name', type: 'string', value: (s) => s.name },
        { sql: 's.id', type: 'uuid', value: (s) => s.id },
      ],
      'ASC',
      page,
    );
  }

  /** The people `viewed` sees (and the reviewer sees), by name then id, with their organisation. */
  viewedPeople(viewed: AppAbility, reviewer: AppAbility, page: PageArgs): Promise<Connection<User>> {
    const qb = this.both(
      this.dataSource.getRepository(User).createQueryBuilder('u').innerJoinAndSelect('u.organization', 'uorg'),
      viewed,
      reviewer,
      'User',
    );
    return keysetPage(
      qb,
      [
        { sql: 'u.display_name', type: 'string', value: (u) => u.displayName },
        { sql: 'u.id', type: 'uuid', value: (u) => u.id },
      ],
      'ASC',
      page,
    );
  }

  /**
   * The posts `viewed` reads, newest first as in their feed. Reviewers read no post without a
   * membership; titles are the service's to withhold by label.
   */
  viewedPosts(viewed: AppAbility, page: PageArgs): Promise<Connection<Post>> {
    const qb = this.access.restrict(this.dataSource.getRepository(Post).createQueryBuilder('p'), viewed, 'Post');
    return keysetPage(
      qb,
      [
        { sql: 'p.created_at', type: 'date', value: (p) => p.createdAt },
        { sql: 'p.id', type: 'uuid', value: (p) => p.id },
      ],
      'DESC',
      page,
    );
  }

  private both<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    viewed: AppAbility,
    reviewer: AppAbility,
    subject: SubjectName,
  ): SelectQueryBuilder<T> {
    const a = this.access.scope(viewed, subject, qb.alias, 'viewed_');
    const b = this.access.scope(reviewer, subject, qb.alias, 'reviewer_');
    return qb
      .andWhere(new Brackets((w) => w.where(a.sql, a.params)))
      .andWhere(new Brackets((w) => w.where(b.sql, b.params)));
  }

  /**
   * Snapshots what `ability` reads (spaces, posts, people) into temporary tables of the
   * transaction `m` ("before" or "after" a dry run's change): kept in the database, not in
   * memory, and each scope evaluated once.
   */
  async snapshotReach(m: EntityManager, ability: AppAbility | null, when: Snapshot): Promise<void> {
    for (const kind of REACH_KINDS) {
      const qb = this.scoped(m, kind, ability).select(`${kind.alias}."id"`, 'id');
      const [sql, params] = qb.getQueryAndParameters();
      await m.query(`CREATE TEMPORARY TABLE ${tableOf(kind, when)} ON COMMIT DROP AS ${sql}`, params);
      await m.query(`ALTER TABLE ${tableOf(kind, when)} ADD PRIMARY KEY ("id")`);
    }
  }

  /** How many of each kind a snapshot holds. */
  async snapshotCounts(m: EntityManager, when: Snapshot): Promise<Record<ReachKindName, number>> {
    const out = {} as Record<ReachKindName, number>;
    for (const kind of REACH_KINDS) {
      const [{ count }] = await m.query(`SELECT count(*)::int AS count FROM ${tableOf(kind, when)}`);
      out[kind.name] = Number(count);
    }
    return out;
  }

  /**
   * What is in the "after" snapshot and not "before" (gained), or the reverse (lost): the
   * first `limit` in the list order, and the total.
   */
  async delta<K extends ReachKindName>(
    m: EntityManager,
    name: K,
    direction: 'gained' | 'lost',
    limit: number,
  ): Promise<{ total: number; rows: ReachEntity[K][] }> {
    const kind = REACH_KINDS.find((k) => k.name === name)!;
    const a = kind.alias;
    const [inside, outside] = direction === 'gained' ? (['after', 'before'] as const) : (['before', 'after'] as const);
    const qb = m
      .createQueryBuilder(kind.entity, a)
      .where(`${a}."id" IN (SELECT "id" FROM ${tableOf(kind, inside)})`)
      .andWhere(`${a}."id" NOT IN (SELECT "id" FROM ${tableOf(kind, outside)})`);
    const total = await qb.clone().getCount();
    if (kind.name === 'people') qb.innerJoinAndSelect(`${a}.organization`, 'uorg');
    kind.order.forEach(([sql, dir], i) => (i === 0 ? qb.orderBy(sql, dir) : qb.addOrderBy(sql, dir)));
    const rows = (await qb.limit(limit).getMany()) as ReachEntity[K][];
    return { total, rows };
  }

  private scoped(m: EntityManager, kind: ReachKind, ability: AppAbility | null): SelectQueryBuilder<ObjectLiteral> {
    const qb = m.createQueryBuilder(kind.entity, kind.alias);
    if (!ability) return qb.where('FALSE');
    return this.access.restrict(qb, ability, kind.subject);
  }
}

export type ReachKindName = 'spaces' | 'posts' | 'people';
export type Snapshot = 'before' | 'after';
const tableOf = (kind: ReachKind, when: Snapshot) => `reach_${when}_${kind.name}`;
interface ReachEntity {
  spaces: Space;
  posts: Post;
  people: User;
}
interface ReachKind {
  name: ReachKindName;
  entity: typeof Space | typeof Post | typeof User;
  subject: SubjectName;
  alias: string;
  order: [string, 'ASC' | 'DESC'][];
}
const REACH_KINDS: readonly ReachKind[] = [
  {
    name: 'spaces',
    entity: Space,
    subject: 'Space',
    alias: 's',
    order: [
      ['s.name', 'ASC'],
      ['s.id', 'ASC'],
    ],
  },
  {
    name: 'posts',
    entity: Post,
    subject: 'Post',
    alias: 'p',
    order: [
      ['p.created_at', 'DESC'],
      ['p.id', 'DESC'],
    ],
  },
  {
    name: 'people',
    entity: User,
    subject: 'User',
    alias: 'u',
    order: [
      ['u.display_name', 'ASC'],
      ['u.id', 'ASC'],
    ],
  },
];
