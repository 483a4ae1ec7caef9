import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { effectiveClearanceSql, membershipActiveSql, userCountsSql } from '../auth/membership-rules';
import { Principal } from '../auth/principal';
import {
  ConnectionStatus,
  InvitationStatus,
  MembershipRole,
  OrganizationKind,
  SpaceStatus,
  UserRole,
} from '../common/domain.enums';
import { InvitationAnswer } from '../database/entities/invitation-answer.entity';
import { Invitation } from '../database/entities/invitation.entity';
import { MailMessage } from '../database/entities/mail-message.entity';
import { Membership } from '../database/entities/membership.entity';
import { Organization } from '../database/entities/organization.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';
import { OPEN_INVITATION_STATUSES } from './invitation-state';

const OPEN = [...OPEN_INVITATION_STATUSES];

/** Who to tell: a user's id, name and address. */
export interface Recipient {
  id: string;
  displayName: string;
  email: string;
}

/** The invitations' queries, named for what they answer. Locking reads take the transaction's manager. */
@Injectable()
export class InvitationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  // --- Locks (taken parents first: organisation, user, space, then the invitation). ---

  /** The invitation, read without a lock: which space and organisation to lock before it. */
  peekInvitation(manager: EntityManager, id: string): Promise<Invitation | null> {
    return manager.findOne(Invitation, { where: { id } });
  }

  /** The invitation, locked until the transaction ends; its status is read after the lock. */
  lockInvitation(manager: EntityManager, id: string): Promise<Invitation | null> {
    return manager
      .createQueryBuilder(Invitation, 'i')
      .setLock('pessimistic_write')
      .where('i.id = :id', { id })
      .getOne();
  }

  /**
   * The space, share-locked: it cannot be archived or reclassified before this write commits.
   * `exclusive` serialises the writers that decide on the space's invitations (two identical
   * invitations at once).
   */
  lockSpace(manager: EntityManager, id: string, mode: 'share' | 'exclusive'): Promise<Space | null> {
    return manager
      .createQueryBuilder(Space, 's')
      .setLock(mode === 'share' ? 'pessimistic_read' : 'for_no_key_update')
      .where('s.id = :id', { id })
      .getOne();
  }

  /** An organisation, share-locked: it cannot be suspended before this write commits. */
  lockOrganization(manager: EntityManager, id: string): Promise<Organization | null> {
    return manager
      .createQueryBuilder(Organization, 'o')
      .setLock('pessimistic_read')
      .where('o.id = :id', { id })
      .getOne();
  }

  /** A user, locked against a concurrent disable and against their own concurrent acceptances. */
  lockUser(manager: EntityManager, id: string): Promise<User | null> {
    return manager.createQueryBuilder(User, 'u').setLock('for_no_key_update').where('u.id = :id', { id }).getOne();
  }

  /** The user's membership row in the space (unique), locked; whatever its status. */
  lockMembership(manager: EntityManager, userId: string, spaceId: string): Promise<Membership | null> {
    return manager
      .createQueryBuilder(Membership, 'm')
      .setLock('pessimistic_write')
      .where('m.user_id = :userId AND m.space_id = :spaceId', { userId, spaceId })
      .getOne();
  }

  // --- Facts for the write rules. ---

  /** The organisation that verified this email domain (no open links: none means refused). */
  organizationOfDomain(manager: EntityManager, domain: string): Promise<Organization | null> {
    return manager
      .createQueryBuilder(Organization, 'o')
      .where(':domain = ANY(o.domains)', { domain })
      .orderBy('o.created_at')
      .getOne();
  }

  /** An organisation the caller sees (the read rule, in SQL), share-locked. */
  lockVisibleOrganization(manager: EntityManager, ability: AppAbility, id: string): Promise<Organization | null> {
    const qb = manager.createQueryBuilder(Organization, 'o').where('o.id = :id', { id });
    return this.access.restrict(qb, ability, 'Organization').setLock('pessimistic_read').getOne();
  }

  userByEmail(manager: EntityManager, email: string): Promise<User | null> {
    return manager.findOne(User, { where: { email } });
  }

  /** Whether the user holds an active membership (ACTIVE, not expired) in the space. */
  async hasActiveMembership(manager: EntityManager, userId: string, spaceId: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM memberships m WHERE m.user_id = $1 AND m.space_id = $2 AND ${membershipActiveSql('m', '$3')}`,
      [userId, spaceId, now],
    );
    return rows.length > 0;
  }

  /** Whether an open invitation (not past its expiry) to the same address or organisation waits in the space. */
  async openInvitationExists(
    manager: EntityManager,
    spaceId: string,
    target: { email: string } | { organizationId: string },
    now: Date,
  ): Promise<boolean> {
    const [column, value] = 'email' in target ? ['email', target.email] : ['organization_id', target.organizationId];
    const extra = 'email' in target ? '' : ' AND whole_organization';
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM invitations WHERE space_id = $1 AND ${column} = $2${extra} AND status = ANY($3) AND expires_at > $4 LIMIT 1`,
      [spaceId, value, OPEN, now],
    );
    return rows.length > 0;
  }

  /** An active user of the host organisation (who counts), as a sponsor must be. */
  async isActiveHostUser(manager: EntityManager, userId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM users u JOIN organizations o ON o.id = u.organization_id
        WHERE u.id = $1 AND o.kind = $2 AND ${userCountsSql('u', 'o')}`,
      [userId, OrganizationKind.HOST],
    );
    return rows.length > 0;
  }

  /** The organisation whose IdP connection opened a session (null: none, e.g. a session made by an operator). */
  async organizationOfSession(manager: EntityManager, sessionId: string): Promise<string | null> {
    const rows: { organization_id: string | null }[] = await manager.query(
      `SELECT c.organization_id FROM sessions s LEFT JOIN idp_connections c ON c.id = s.connection_id WHERE s.id = $1`,
      [sessionId],
    );
    return rows[0]?.organization_id ?? null;
  }

  answerOf(manager: EntityManager, invitationId: string, userId: string): Promise<InvitationAnswer | null> {
    return manager.findOne(InvitationAnswer, { where: { invitationId, userId } });
  }

  // --- Who to tell. ---

  async usersByIds(manager: EntityManager, ids: string[]): Promise<Recipient[]> {
    if (ids.length === 0) return [];
    return manager.query(`SELECT id, display_name AS "displayName", email FROM users WHERE id = ANY($1)`, [ids]);
  }

  /** The space's OWNERs who count and hold an active membership, but `except`. */
  otherOwners(manager: EntityManager, spaceId: string, except: string, now: Date): Promise<Recipient[]> {
    return manager.query(
      `SELECT u.id, u.display_name AS "displayName", u.email
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = u.organization_id
        WHERE m.space_id = $1 AND m.role = $2 AND m.user_id <> $3 AND ${membershipActiveSql('m', '$4')}
          AND ${userCountsSql('u', 'o')}
          AND ${effectiveClearanceSql('u', 'o')} >= (SELECT classification FROM spaces WHERE id = m.space_id)
        ORDER BY u.id`,
      [spaceId, MembershipRole.OWNER, except, now],
    );
  }

  /** The host's administrators who count, but `except`. */
  hostAdmins(manager: EntityManager, except: string): Promise<Recipient[]> {
    return manager.query(
      `SELECT u.id, u.display_name AS "displayName", u.email
         FROM users u JOIN organizations o ON o.id = u.organization_id
        WHERE o.kind = $1 AND $2 = ANY(u.roles) AND u.id <> $3 AND ${userCountsSql('u', 'o')}
        ORDER BY u.id`,
      [OrganizationKind.HOST, UserRole.HOST_ADMIN, except],
    );
  }

  /** Every user of the organisation who counts (an organisation invitation is for each of them). */
  usersOfOrganization(manager: EntityManager, organizationId: string): Promise<Recipient[]> {
    return manager.query(
      `SELECT u.id, u.display_name AS "displayName", u.email
         FROM users u JOIN organizations o ON o.id = u.organization_id
        WHERE u.organization_id = $1 AND ${userCountsSql('u', 'o')}
        ORDER BY u.id`,
      [organizationId],
    );
  }

  /** The login URL path of the organisation's one active connection, if it has exactly one. */
  async onlyActiveConnection(manager: EntityManager, organizationId: string): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM idp_connections WHERE organization_id = $1 AND status = $2 LIMIT 2`,
      [organizationId, ConnectionStatus.ACTIVE],
    );
    return rows.length === 1 ? rows[0].id : null;
  }

  // --- The expiry job. ---

  /**
   * Marks the open invitations past their expiry EXPIRED and returns them. Rows another
   * transaction holds (an acceptance in progress) are left for the next round.
   */
  async expireDue(manager: EntityManager, now: Date, limit: number): Promise<Invitation[]> {
    const due = await manager
      .createQueryBuilder(Invitation, 'i')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('i.status = ANY(:open) AND i.expires_at <= :now', { open: OPEN, now })
      .orderBy('i.expires_at')
      .limit(limit)
      .getMany();
    if (due.length === 0) return [];
    await manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ status: InvitationStatus.EXPIRED })
      .where('id = ANY(:ids)', { ids: due.map((i) => i.id) })
      .execute();
    return due;
  }

  // --- Reads, scoped by the caller's read rule in SQL. ---

  findVisibleById(ability: AppAbility, id: string): Promise<Invitation | null> {
    return this.visible(ability).andWhere('i.id = :id', { id }).getOne();
  }

  /**
   * The open invitations the caller may accept, newest first: PENDING and not past expiry,
   * for their address in their organisation or for their whole organisation, not answered by
   * them, to a space not archived that their clearance reaches and where they are not
   * already an active member.
   */
  pageAcceptable(ability: AppAbility, p: Principal, page: PageArgs): Promise<Connection<Invitation>> {
    const qb = this.visible(ability)
      .andWhere('i.status = :pending AND i.expires_at > :now', { pending: InvitationStatus.PENDING, now: p.now })
      .andWhere(
        new Brackets((w) =>
          w
            .where('i.organization_id = :orgId AND i.whole_organization', { orgId: p.organizationId })
            .orWhere('i.organization_id = :orgId AND i.email = :email', { orgId: p.organizationId, email: p.email }),
        ),
      )
      .andWhere(`NOT EXISTS (SELECT 1 FROM invitation_answers a WHERE a.invitation_id = i.id AND a.user_id = :me)`, {
        me: p.userId,
      })
      .andWhere(
        `EXISTS (SELECT 1 FROM spaces s WHERE s.id = i.space_id AND s.status <> :archived AND s.classification <= :clearance)`,
        { archived: SpaceStatus.ARCHIVED, clearance: p.effectiveClearance },
      )
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM memberships m WHERE m.space_id = i.space_id AND m.user_id = :me AND ${membershipActiveSql('m', ':now')})`,
      );
    return this.newestFirst(qb, page);
  }

  /** A space's invitations the caller may read, newest first, optionally in one status (as read). */
  pageOfSpace(
    ability: AppAbility,
    spaceId: string,
    status: InvitationStatus | null | undefined,
    now: Date,
    page: PageArgs,
  ): Promise<Connection<Invitation>> {
    const qb = this.visible(ability).andWhere('i.space_id = :spaceId', { spaceId });
    if (status === InvitationStatus.EXPIRED) {
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('i.status = :expired', { expired: status })
            .orWhere('(i.status = ANY(:open) AND i.expires_at <= :now)', { open: OPEN, now }),
        ),
      );
    } else if (status && OPEN.includes(status)) {
      qb.andWhere('i.status = :status AND i.expires_at > :now', { status, now });
    } else if (status) {
      qb.andWhere('i.status = :status', { status });
    }
    return this.newestFirst(qb, page);
  }

  /** The caller's membership created from this invitation, if any. */
  membershipFrom(invitationId: string, userId: string): Promise<Membership | null> {
    return this.dataSource.getRepository(Membership).findOne({ where: { invitationId, userId } });
  }

  /** The outbox rows about an invitation, oldest first. */
  mailAbout(invitationId: string): Promise<MailMessage[]> {
    return this.dataSource.getRepository(MailMessage).find({
      where: { subjectType: 'Invitation', subjectId: invitationId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Names of spaces by id, for readers of their invitations (the invitee included). */
  spaceNames(ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query(`SELECT id, name FROM spaces WHERE id = ANY($1)`, [[...ids]]);
  }

  /** Display names of users by id, for readers of the invitations they sent. */
  userNames(ids: readonly string[]): Promise<{ id: string; display_name: string }[]> {
    return this.dataSource.query(`SELECT id, display_name FROM users WHERE id = ANY($1)`, [[...ids]]);
  }

  /** Organisations among ids that the caller sees. */
  visibleOrganizations(ability: AppAbility, ids: readonly string[]): Promise<Organization[]> {
    const qb = this.dataSource
      .getRepository(Organization)
      .createQueryBuilder('o')
      .where('o.id = ANY(:ids)', { ids: [...ids] });
    return this.access.restrict(qb, ability, 'Organization').getMany();
  }

  private visible(ability: AppAbility): SelectQueryBuilder<Invitation> {
    return this.access.restrict(
      this.dataSource.getRepository(Invitation).createQueryBuilder('i'),
      ability,
      'Invitation',
    );
  }

  private newestFirst(qb: SelectQueryBuilder<Invitation>, page: PageArgs): Promise<Connection<Invitation>> {
    return keysetPage(
      qb,
      [
        { sql: 'i.created_at', type: 'date', value: (i) => i.createdAt },
        { sql: 'i.id', type: 'uuid', value: (i) => i.id },
      ],
      'DESC',
      page,
    );
  }
}
