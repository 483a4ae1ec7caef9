import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { abilitySql, AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { MembershipRole, MembershipStatus, OrganizationKind, SpaceStatus } from '../common/domain.enums';
import {
  RecertificationCampaign,
  RecertificationCampaignStatus,
} from '../database/entities/recertification-campaign.entity';
import { RecertificationItemStatus } from '../database/entities/recertification-item.entity';
import { Connection, PageArgs } from '../graphql/pagination';
import { keysetPage } from '../graphql/keyset-page';
import { sponsorOrphanedSql } from './review-flags';

const LIVE = `('${MembershipStatus.ACTIVE}', '${MembershipStatus.SUSPENDED}')`;

/** A grant snapshot into a campaign, with whom it goes to. */
export interface SnapshotGrant {
  membershipId: string;
  spaceId: string;
  spaceName: string;
  userId: string;
  memberName: string;
  sponsorId: string | null;
  orphaned: boolean;
}

/** An item as a decision reads it, locked. */
export interface LockedItem {
  id: string;
  campaignId: string;
  membershipId: string;
  status: RecertificationItemStatus;
  deadline: Date;
}

/** An item that lapsed, with whom to tell. */
export interface LapsedItem {
  id: string;
  campaignId: string;
  membershipId: string;
  spaceId: string;
  spaceName: string;
  userId: string;
  assigneeIds: string[];
  deadline: Date;
  expiresAt: Date | null;
}

export interface ItemRow {
  id: string;
  campaignId: string;
  deadline: Date;
  status: RecertificationItemStatus;
  membershipId: string;
  memberId: string;
  memberName: string | null;
  spaceId: string;
  spaceName: string | null;
  classification: number;
  role: MembershipRole;
  expiresAt: Date | null;
  sponsorId: string | null;
  decidedAt: Date | null;
  decidedById: string | null;
  reason: string | null;
  createdAt: Date;
}

export interface Progress {
  total: number;
  certified: number;
  revoked: number;
  lapsed: number;
  pending: number;
}

/** The campaigns' SQL: snapshots, locks, the lapse, and the reads scoped by the caller's rules. */
@Injectable()
export class RecertificationRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /**
   * The live external grants (ACTIVE or SUSPENDED, unexpired) of an organisation or space, in
   * spaces open to changes, not already pending in an open campaign; locked, so a revocation in
   * flight waits. `orphaned`: the sponsor is missing, no longer counts, or is not a host user.
   */
  async lockGrantsInScope(
    manager: EntityManager,
    scope: { organizationId?: string; spaceId?: string },
    now: Date,
  ): Promise<SnapshotGrant[]> {
    return manager.query(
      `SELECT m.id AS "membershipId", m.space_id AS "spaceId", s.name AS "spaceName", m.user_id AS "userId",
              u.display_name AS "memberName", m.sponsor_id AS "sponsorId", ${sponsorOrphanedSql('sp', 'spo')} AS orphaned
         FROM memberships m
         JOIN users u ON u.id = m.user_id
         JOIN organizations o ON o.id = m.user_organization_id
         JOIN spaces s ON s.id = m.space_id
         LEFT JOIN users sp ON sp.id = m.sponsor_id
         LEFT JOIN organizations spo ON spo.id = sp.organization_id
        WHERE o.kind <> '${OrganizationKind.HOST}' AND m.status IN ${LIVE}
          AND COALESCE(m.expires_at, 'infinity'::timestamptz) > $3
          AND s.status <> '${SpaceStatus.ARCHIVED}'
          AND ($1::uuid IS NULL OR m.user_organization_id = $1::uuid)
          AND ($2::uuid IS NULL OR m.space_id = $2::uuid)
          AND NOT EXISTS (
            SELECT 1 FROM recertification_items i JOIN recertification_campaigns c ON c.id = i.campaign_id
             WHERE i.membership_id = m.id AND i.status = '${RecertificationItemStatus.PENDING}'
               AND c.status = '${RecertificationCampaignStatus.OPEN}')
        ORDER BY m.space_id, m.created_at, m.id
        FOR UPDATE OF m`,
      [scope.organizationId ?? null, scope.spaceId ?? null, now],
    );
  }

  async insertItems(
    manager: EntityManager,
    campaignId: string,
    items: { grant: SnapshotGrant; assigneeIds: string[] }[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO recertification_items (campaign_id, membership_id, space_id, user_id, sponsor_id, assignee_ids, status)
       SELECT $1, x.membership_id, x.space_id, x.user_id, x.sponsor_id,
              ARRAY(SELECT jsonb_array_elements_text(x.assignees)::uuid), '${RecertificationItemStatus.PENDING}'
         FROM jsonb_to_recordset($2::jsonb)
           AS x(membership_id uuid, space_id uuid, user_id uuid, sponsor_id uuid, assignees jsonb)`,
      [
        campaignId,
        JSON.stringify(
          items.map(({ grant, assigneeIds }) => ({
            membership_id: grant.membershipId,
            space_id: grant.spaceId,
            user_id: grant.userId,
            sponsor_id: grant.sponsorId,
            assignees: assigneeIds,
          })),
        ),
      ],
    );
  }

  /**
   * The id of the organisation or space a campaign would cover, if the caller sees it; read
   * in the writer's transaction (the embedded database has one session: a read outside it waits).
   */
  async visibleScopeId(
    manager: EntityManager,
    ability: AppAbility,
    subject: 'Organization' | 'Space',
    id: string,
  ): Promise<string | null> {
    const qb = manager
      .createQueryBuilder()
      .select('x.id', 'id')
      .from(subject === 'Organization' ? 'organizations' : 'spaces', 'x')
      .where('x.id = :id', { id });
    const row = await this.access.restrict(qb, ability, subject, 'x').getRawOne<{ id: string }>();
    return row?.id ?? null;
  }

  /** Locks an item (before its grant's space and row: the lapse job takes them in this order too). */
  async lockItem(manager: EntityManager, id: string): Promise<LockedItem | null> {
    const rows: LockedItem[] = await manager.query(
      `SELECT i.id, i.campaign_id AS "campaignId", i.membership_id AS "membershipId", i.status, c.deadline
         FROM recertification_items i JOIN recertification_campaigns c ON c.id = i.campaign_id
        WHERE i.id = $1
        FOR UPDATE OF i`,
      [id],
    );
    return rows[0] ?? null;
  }

  async decide(
    manager: EntityManager,
    id: string,
    status: RecertificationItemStatus,
    by: string,
    at: Date,
    reason: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE recertification_items SET status = $2, decided_by_id = $3, decided_at = $4, reason = $5 WHERE id = $1`,
      [id, status, by, at, reason],
    );
  }

  /**
   * Every PENDING item of an open campaign whose deadline has passed becomes LAPSED; returns
   * them (locked, item before grant) with the grant's space and whom the item was given to.
   */
  async lapseOverdueItems(manager: EntityManager, now: Date): Promise<LapsedItem[]> {
    const [rows] = await manager.query(
      `UPDATE recertification_items i
          SET status = '${RecertificationItemStatus.LAPSED}', decided_at = c.deadline
         FROM recertification_campaigns c, spaces s, memberships m
        WHERE c.id = i.campaign_id AND s.id = i.space_id AND m.id = i.membership_id
          AND c.status = '${RecertificationCampaignStatus.OPEN}' AND c.deadline <= $1
          AND i.status = '${RecertificationItemStatus.PENDING}'
        RETURNING i.id, i.campaign_id AS "campaignId", i.membership_id AS "membershipId", i.space_id AS "spaceId",
                  s.name AS "spaceName", i.user_id AS "userId", i.assignee_ids AS "assigneeIds",
                  c.deadline, m.expires_at AS "expiresAt"`,
      [now],
    );
    return rows as LapsedItem[];
  }

  /** Ends the grants of these lapsed items that are still live: EXPIRED at the campaign's deadline. Returns the grants' ids. */
  async expireGrants(manager: EntityManager, itemIds: string[], reason: string): Promise<string[]> {
    if (!itemIds.length) return [];
    const [rows] = await manager.query(
      `UPDATE memberships m
          SET status = '${MembershipStatus.EXPIRED}', ended_at = c.deadline, end_reason = $2,
              suspension_cause = NULL, renewal_requested_at = NULL, updated_at = now()
         FROM recertification_items i JOIN recertification_campaigns c ON c.id = i.campaign_id
        WHERE i.id = ANY($1::uuid[]) AND i.membership_id = m.id
          AND m.status IN ${LIVE}
        RETURNING m.id`,
      [itemIds, reason],
    );
    return [...new Set((rows as { id: string }[]).map((r) => r.id))];
  }

  /** Open campaigns past their deadline are closed. */
  async closeOverdueCampaigns(manager: EntityManager, now: Date): Promise<string[]> {
    const [rows] = await manager.query(
      `UPDATE recertification_campaigns SET status = '${RecertificationCampaignStatus.CLOSED}', closed_at = $1
        WHERE status = '${RecertificationCampaignStatus.OPEN}' AND deadline <= $1
        RETURNING id`,
      [now],
    );
    return (rows as { id: string }[]).map((r) => r.id);
  }

  /** A page of the campaigns the caller may read, newest first. */
  pageCampaigns(ability: AppAbility, page: PageArgs): Promise<Connection<RecertificationCampaign>> {
    const qb = this.dataSource.getRepository(RecertificationCampaign).createQueryBuilder('c');
    this.access.restrict(qb, ability, 'RecertificationCampaign');
    return keysetPage(
      qb,
      [
        { sql: 'c.created_at', type: 'date', value: (c) => c.createdAt },
        { sql: 'c.id', type: 'uuid', value: (c) => c.id },
      ],
      'DESC',
      page,
    );
  }

  findVisibleCampaign(ability: AppAbility, id: string): Promise<RecertificationCampaign | null> {
    const qb = this.dataSource
      .getRepository(RecertificationCampaign)
      .createQueryBuilder('c')
      .where('c.id = :id', { id });
    return this.access.restrict(qb, ability, 'RecertificationCampaign').getOne();
  }

  /** Progress of several campaigns in one statement. */
  async progressOf(campaignIds: readonly string[]): Promise<Map<string, Progress>> {
    const rows: (Progress & { campaignId: string })[] = await this.dataSource.query(
      `SELECT campaign_id AS "campaignId", count(*)::int AS total,
              count(*) FILTER (WHERE status = '${RecertificationItemStatus.CERTIFIED}')::int AS certified,
              count(*) FILTER (WHERE status = '${RecertificationItemStatus.REVOKED}')::int AS revoked,
              count(*) FILTER (WHERE status = '${RecertificationItemStatus.LAPSED}')::int AS lapsed,
              count(*) FILTER (WHERE status = '${RecertificationItemStatus.PENDING}')::int AS pending
         FROM recertification_items WHERE campaign_id = ANY($1::uuid[]) GROUP BY campaign_id`,
      [[...campaignIds]],
    );
    return new Map(rows.map(({ campaignId, ...p }) => [campaignId, p]));
  }

  /**
   * A page of the caller's own pending items (oldest first): given to them, and still within
   * their `certify` rule (translated to SQL on the grant). Names follow the read rule, and a
   * grant's sponsor sees the member and space they answer for.
   */
  async pageMyItems(
    ability: AppAbility,
    userId: string,
    after: [Date, string] | null,
    limit: number,
  ): Promise<ItemRow[]> {
    return this.pageItems(ability, this.myItems(ability, userId), true, after, limit);
  }

  countMyItems(ability: AppAbility, userId: string): Promise<number> {
    return this.countItems(this.myItems(ability, userId));
  }

  /**
   * A page of one campaign's items (every status, or one), for whoever reads the campaign: the
   * campaign's read rule is part of the statement, so an unseen campaign has no items. Names of
   * members and spaces follow the caller's read rule.
   */
  async pageCampaignItems(
    ability: AppAbility,
    campaignId: string,
    status: RecertificationItemStatus | null,
    after: [Date, string] | null,
    limit: number,
  ): Promise<ItemRow[]> {
    return this.pageItems(ability, this.campaignItems(ability, campaignId, status), false, after, limit);
  }

  countCampaignItems(
    ability: AppAbility,
    campaignId: string,
    status: RecertificationItemStatus | null,
  ): Promise<number> {
    return this.countItems(this.campaignItems(ability, campaignId, status));
  }

  /** How many items `items` (the statement's FROM and WHERE) holds. */
  private async countItems(items: { sql: string; where: string; params: Record<string, unknown> }): Promise<number> {
    const [row] = await this.run<{ n: number }>(
      `SELECT count(*)::int AS n ${items.sql} WHERE ${items.where}`,
      items.params,
    );
    return row.n;
  }

  /**
   * A page of items from `items` (the statement's FROM and WHERE), oldest first. Names of members
   * and spaces follow the caller's read rule; with `sponsorNames`, a grant's sponsor (`:me`, which
   * `items` binds) also sees the member and space they answer for.
   */
  private pageItems(
    ability: AppAbility,
    items: { sql: string; where: string; params: Record<string, unknown> },
    sponsorNames: boolean,
    after: [Date, string] | null,
    limit: number,
  ): Promise<ItemRow[]> {
    const member = this.access.scope(ability, 'User', 'u', 'n_u');
    const space = this.access.scope(ability, 'Space', 's', 'n_s');
    const keyset = after ? `AND (i.created_at, i.id) > (:afterAt, :afterId)` : '';
    const sponsor = sponsorNames ? 'OR m.sponsor_id = :me' : '';
    return this.run(
      `SELECT i.id, i.campaign_id AS "campaignId", c.deadline, i.status, i.membership_id AS "membershipId",
              i.user_id AS "memberId",
              CASE WHEN (${member.sql}) ${sponsor} THEN u.display_name END AS "memberName",
              i.space_id AS "spaceId", s.classification::int AS classification,
              CASE WHEN (${space.sql}) ${sponsor} THEN s.name END AS "spaceName",
              m.role, m.expires_at AS "expiresAt", i.sponsor_id AS "sponsorId", i.decided_at AS "decidedAt",
              i.decided_by_id AS "decidedById", i.reason, i.created_at AS "createdAt"
         ${items.sql}
         JOIN users u ON u.id = i.user_id
         JOIN spaces s ON s.id = i.space_id
        WHERE ${items.where} ${keyset}
        ORDER BY i.created_at, i.id
        LIMIT :limit`,
      {
        ...items.params,
        ...member.params,
        ...space.params,
        limit,
        ...(after ? { afterAt: after[0], afterId: after[1] } : {}),
      },
    );
  }

  private campaignItems(
    ability: AppAbility,
    campaignId: string,
    status: RecertificationItemStatus | null,
  ): { sql: string; where: string; params: Record<string, unknown> } {
    const campaign = this.access.scope(ability, 'RecertificationCampaign', 'c', 'n_c');
    return {
      sql: `FROM recertification_items i
         JOIN recertification_campaigns c ON c.id = i.campaign_id
         JOIN memberships m ON m.id = i.membership_id`,
      where: `i.campaign_id = :campaignId AND (${campaign.sql})${status ? ' AND i.status = :itemStatus' : ''}`,
      params: { ...campaign.params, campaignId, ...(status ? { itemStatus: status } : {}) },
    };
  }

  /** Pending items of open campaigns given to the caller and still within their `certify` rule. */
  private myItems(
    ability: AppAbility,
    userId: string,
  ): { sql: string; where: string; params: Record<string, unknown> } {
    const certify = abilitySql(ability, 'certify', 'Membership', 'm', 'cert');
    return {
      sql: `FROM recertification_items i
         JOIN recertification_campaigns c ON c.id = i.campaign_id
         JOIN memberships m ON m.id = i.membership_id`,
      where: `i.status = '${RecertificationItemStatus.PENDING}' AND c.status = '${RecertificationCampaignStatus.OPEN}'
          AND :me = ANY(i.assignee_ids) AND (${certify.sql})`,
      params: { ...certify.params, me: userId },
    };
  }

  private run<T>(sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.dataSource.query(query, values);
  }
}
