import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AbilityFactory } from '../access/ability.factory';
import { DenialService } from '../access/denial.service';
import { AppAbility, asSubject } from '../access/subjects';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/principal';
import { PrincipalService } from '../auth/principal.service';
import { Clock } from '../common/clock';
import { MembershipRole, MembershipStatus, OrganizationKind, UserRole } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { Connection, CursorPart, decodeCursor, PageArgs, PaginationException, pageSize } from '../graphql/pagination';
import { AccessChangeInput, MAX_PREVIEW_ITEMS, MembershipChangeInput } from './dto/reach.args';
import {
  AccessChangePreview,
  AccessGrant,
  AccessPath,
  PersonRef,
  PersonView,
  PostRef,
  ReachCounts,
  ReachDelta,
  ReachSubjectType,
  SpaceReach,
  SpaceRef,
} from './models/reach.model';
import { ReachErrorCode, ReachException } from './reach.exception';
import { GrantRow, PersonRow, ReachKindName, ReachRepository, ReachRow, ReachTarget } from './reach.repository';

/** The reviewer asking: the signed-in caller with the request's ability. */
export interface Reviewer {
  principal: Principal;
  ability: AppAbility;
  requestId?: string;
}

/** What viewAs hands to its connections: the viewed user's ability, built by the engine. */
export interface ViewAs {
  user: PersonRef;
  counts: boolean;
  effectiveClearance: number | null;
  /** Null when the user does not count: they read nothing. */
  viewed: AppAbility | null;
  reviewer: Reviewer;
}

const DEFAULT_PREVIEW_ITEMS = 50;
const EXTERNAL_DEFAULT_DAYS = 90;
const DAY = 24 * 3600 * 1000;
const NAME_THEN_ID: CursorPart[] = ['string', 'uuid'];
const NEWEST_FIRST: CursorPart[] = ['date', 'uuid'];

/** A proposed change, checked: exactly one of these. */
type Plan =
  | { kind: 'membership'; spaceId: string; input: MembershipChangeInput }
  | { kind: 'clearance'; value: number }
  | { kind: 'organizationCap'; value: number };

/**
 * Who can access what, what one can reach, what one would see, and what a change would do
 * (issue 10, items 3 and 4), for HOST_ADMIN and SECURITY_REVIEWER (`review`, review-rules.ts).
 * Checks in the house order: the subject is visible (NOT_FOUND like a missing one), the
 * `review` rule (FORBIDDEN), then the input (BAD_USER_INPUT); every call is audited, refusals
 * included. Reviewers read no content: posts come back by id and label, titles only within
 * the reviewer's own effective clearance, never a body.
 */
@Injectable()
export class ReachService {
  constructor(
    private readonly repository: ReachRepository,
    private readonly principals: PrincipalService,
    private readonly abilities: AbilityFactory,
    private readonly denials: DenialService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async whoCanAccess(
    r: Reviewer,
    type: ReachSubjectType,
    rawId: string,
    page: PageArgs,
  ): Promise<Connection<AccessGrant>> {
    const action = 'review.who_can_access';
    const subject = type === ReachSubjectType.SPACE ? 'Space' : 'Post';
    const id = await this.reviewable(r, action, subject, rawId);
    await this.checkPage(r, action, subject, id, page, NAME_THEN_ID);
    const now = this.clock.now();
    const rows =
      type === ReachSubjectType.SPACE
        ? await this.repository.whoCanAccessSpace(id, now, page)
        : await this.repository.whoCanAccessPost(id, now, page);
    await this.succeeded(r, action, subject, id, { returned: rows.edges.length, after: page.after ?? null });
    return mapConnection(rows, grantOf);
  }

  async reachOf(
    r: Reviewer,
    rawUserId: string | null | undefined,
    rawOrganizationId: string | null | undefined,
    page: PageArgs,
  ): Promise<Connection<SpaceReach>> {
    const action = 'review.reach';
    const byUser = rawUserId !== null && rawUserId !== undefined;
    const byOrganization = rawOrganizationId !== null && rawOrganizationId !== undefined;
    if (byUser === byOrganization) {
      throw await this.refuse(
        r,
        action,
        null,
        null,
        ReachErrorCode.INVALID_INPUT,
        'Give userId or organizationId, not both',
        {
          field: 'userId',
        },
      );
    }
    let target: ReachTarget;
    let subject: 'User' | 'Organization';
    if (byUser) {
      subject = 'User';
      target = { userId: await this.reviewable(r, action, 'User', rawUserId), organizationId: null };
    } else {
      subject = 'Organization';
      // Every person of the organisation: the `review` rule on the organisation and on its people.
      const id = await this.reviewable(r, action, 'Organization', rawOrganizationId as string, {
        organizationId: parseId(rawOrganizationId as string),
      });
      target = { userId: null, organizationId: id };
    }
    const id = (target.userId ?? target.organizationId) as string;
    await this.checkPage(r, action, subject, id, page, NAME_THEN_ID);
    const rows = await this.repository.reachOf(target, this.clock.now(), page);
    await this.succeeded(r, action, subject, id, { returned: rows.edges.length, after: page.after ?? null });
    return mapConnection(rows, reachOf);
  }

  /** What `userId` would see, by the engine itself: their principal, their ability, their scopes. */
  async viewAs(r: Reviewer, rawUserId: string): Promise<ViewAs> {
    const action = 'review.view_as';
    const id = await this.reviewable(r, action, 'User', rawUserId);
    const person = await this.repository.person(id);
    if (!person) throw await this.denials.notFound(r.principal, 'User', rawUserId, r.requestId);
    const principal = await this.principals.load(id, this.clock.now(), viewedVia(r));
    await this.succeeded(r, action, 'User', id, { counts: principal !== null });
    return {
      user: personOf(person),
      counts: principal !== null,
      effectiveClearance: principal?.effectiveClearance ?? null,
      viewed: principal ? this.abilities.createFor(principal) : null,
      reviewer: r,
    };
  }

  async viewAsSpaces(view: ViewAs, page: PageArgs): Promise<Connection<SpaceRef>> {
    await this.checkPage(view.reviewer, 'review.view_as', 'User', view.user.id, page, NAME_THEN_ID);
    if (!view.viewed) return emptyConnection();
    return mapConnection(await this.repository.viewedSpaces(view.viewed, view.reviewer.ability, page), spaceOf);
  }

  async viewAsPeople(view: ViewAs, page: PageArgs): Promise<Connection<PersonView>> {
    await this.checkPage(view.reviewer, 'review.view_as', 'User', view.user.id, page, NAME_THEN_ID);
    const viewed = view.viewed;
    if (!viewed) return emptyConnection();
    const people = await this.repository.viewedPeople(viewed, view.reviewer.ability, page);
    return mapConnection(people, (u) => ({
      ...personOfUser(u),
      email: readsEmail(viewed, u) && readsEmail(view.reviewer.ability, u) ? u.email : null,
    }));
  }

  async viewAsPosts(view: ViewAs, page: PageArgs): Promise<Connection<PostRef>> {
    await this.checkPage(view.reviewer, 'review.view_as', 'User', view.user.id, page, NEWEST_FIRST);
    if (!view.viewed) return emptyConnection();
    const clearance = view.reviewer.principal.effectiveClearance;
    return mapConnection(await this.repository.viewedPosts(view.viewed, page), (p) => postOf(p, clearance));
  }

  /**
   * The dry run of an access change: in one transaction that is always rolled back, snapshot
   * what the user reads (into temporary tables), apply the change, load the user again through
   * the engine, snapshot again, and diff the two in SQL (each scope is evaluated once). Nothing
   * of it remains; only the audit event is written.
   */
  async previewAccessChange(
    r: Reviewer,
    rawUserId: string,
    change: AccessChangeInput,
    rawLimit: number | null | undefined,
  ): Promise<AccessChangePreview> {
    const action = 'review.access_change.preview';
    const id = await this.reviewable(r, action, 'User', rawUserId);
    const limit = rawLimit ?? DEFAULT_PREVIEW_ITEMS;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PREVIEW_ITEMS) {
      throw await this.refuse(
        r,
        action,
        'User',
        id,
        ReachErrorCode.INVALID_INPUT,
        `limit is 1 to ${MAX_PREVIEW_ITEMS}`,
        {
          field: 'limit',
        },
      );
    }
    const plan = await this.planOf(r, action, id, change);
    const person = (await this.repository.person(id)) as PersonRow;
    const now = this.clock.now();
    const via = viewedVia(r);
    const clearance = r.principal.effectiveClearance;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let rejected: unknown = null;
    let preview: AccessChangePreview | null = null;
    try {
      await runner.startTransaction();
      const m = runner.manager;
      const before = await this.principals.load(id, now, via, m);
      await this.repository.snapshotReach(m, before && this.abilities.createFor(before), 'before');
      try {
        await this.apply(m, r, id, plan, now);
      } catch (error) {
        if (!(error instanceof QueryFailedError)) throw error;
        rejected = error;
      }
      if (!rejected) {
        const after = await this.principals.load(id, now, via, m);
        await this.repository.snapshotReach(m, after && this.abilities.createFor(after), 'after');
        const delta = async (direction: 'gained' | 'lost'): Promise<ReachDelta> => {
          const spaces = await this.repository.delta(m, 'spaces', direction, limit);
          const posts = await this.repository.delta(m, 'posts', direction, limit);
          const people = await this.repository.delta(m, 'people', direction, limit);
          return {
            spaceCount: spaces.total,
            spaces: spaces.rows.map(spaceOf),
            postCount: posts.total,
            posts: posts.rows.map((p) => postOf(p, clearance)),
            peopleCount: people.total,
            people: people.rows.map(personOfUser),
          };
        };
        preview = {
          user: personOf(person),
          before: countsOf(await this.repository.snapshotCounts(m, 'before')),
          after: countsOf(await this.repository.snapshotCounts(m, 'after')),
          gained: await delta('gained'),
          lost: await delta('lost'),
        };
      }
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    if (!preview) {
      throw await this.refuse(
        r,
        action,
        'User',
        id,
        ReachErrorCode.CHANGE_REJECTED,
        'The database refuses this change',
        {
          constraint: (rejected as { driverError?: { constraint?: string } }).driverError?.constraint ?? null,
        },
      );
    }
    await this.succeeded(r, action, 'User', id, {
      dryRun: true,
      change: describe(plan),
      gained: {
        spaces: preview.gained.spaceCount,
        posts: preview.gained.postCount,
        people: preview.gained.peopleCount,
      },
      lost: { spaces: preview.lost.spaceCount, posts: preview.lost.postCount, people: preview.lost.peopleCount },
    });
    return preview;
  }

  // --- Checks ------------------------------------------------------------------------------

  /**
   * The subject's id when the caller may review it. A reviewer's `review` rule covers every row,
   * so the row need only exist; anyone else is answered NOT_FOUND for what they do not read (as
   * for a missing row) and FORBIDDEN for what they read.
   */
  private async reviewable(
    r: Reviewer,
    action: string,
    subject: 'Space' | 'Post' | 'User' | 'Organization',
    rawId: string,
    peopleOf?: { organizationId: string | null },
  ): Promise<string> {
    const id = parseId(rawId);
    const reviews =
      id !== null &&
      r.ability.can('review', asSubject(subject, { id })) &&
      (!peopleOf || r.ability.can('review', asSubject('User', peopleOf)));
    const seen =
      id !== null &&
      (reviews ? await this.repository.exists(subject, id) : await this.repository.visible(r.ability, subject, id));
    if (!seen || id === null) throw await this.denials.notFound(r.principal, subject, rawId, r.requestId);
    if (!reviews) {
      throw await this.refuse(
        r,
        action,
        subject,
        id,
        ReachErrorCode.ROLE_REQUIRED,
        'Only HOST_ADMIN and SECURITY_REVIEWER review who can access what',
      );
    }
    return id;
  }

  /** Page arguments checked up front, so that a bad one is audited like every refusal. */
  private async checkPage(
    r: Reviewer,
    action: string,
    subject: string,
    id: string,
    page: PageArgs,
    shape: CursorPart[],
  ): Promise<void> {
    try {
      pageSize(page.first);
      decodeCursor(page.after, shape);
    } catch (error) {
      if (!(error instanceof PaginationException)) throw error;
      await this.deny(r, action, subject, id, error.code, error.message);
      throw error;
    }
  }

  private async planOf(r: Reviewer, action: string, userId: string, change: AccessChangeInput): Promise<Plan> {
    const given = [change.membership, change.clearance, change.organizationCap].filter(
      (v) => v !== null && v !== undefined,
    );
    const invalid = (message: string, field: string) =>
      this.refuse(r, action, 'User', userId, ReachErrorCode.INVALID_CHANGE, message, { field });
    if (given.length !== 1)
      throw await invalid('Give exactly one change: membership, clearance or organizationCap', 'change');
    if (change.clearance !== null && change.clearance !== undefined) {
      if (!isLevel(change.clearance)) throw await invalid('clearance is 0 to 4', 'clearance');
      return { kind: 'clearance', value: change.clearance };
    }
    if (change.organizationCap !== null && change.organizationCap !== undefined) {
      if (!isLevel(change.organizationCap)) throw await invalid('organizationCap is 0 to 4', 'organizationCap');
      return { kind: 'organizationCap', value: change.organizationCap };
    }
    const input = change.membership as MembershipChangeInput;
    const spaceId = parseId(input.spaceId);
    if (!spaceId || !(await this.repository.exists('Space', spaceId))) {
      throw await this.denials.notFound(r.principal, 'Space', input.spaceId, r.requestId);
    }
    if (input.role === MembershipRole.OWNER || input.role === MembershipRole.ANIMATOR) {
      const [{ kind }] = await this.dataSource.query(
        `SELECT o."kind" FROM users u JOIN organizations o ON o."id" = u."organization_id" WHERE u."id" = $1`,
        [userId],
      );
      if (kind !== OrganizationKind.HOST) {
        throw await this.refuse(
          r,
          action,
          'User',
          userId,
          ReachErrorCode.EXTERNAL_ROLE,
          'An external can never be OWNER or ANIMATOR',
          {
            field: 'role',
          },
        );
      }
    }
    return { kind: 'membership', spaceId, input };
  }

  /** The change itself, in the dry run's transaction. */
  private async apply(m: EntityManager, r: Reviewer, userId: string, plan: Plan, now: Date): Promise<void> {
    switch (plan.kind) {
      case 'clearance':
        await m.query(`UPDATE users SET "clearance" = $2 WHERE "id" = $1`, [userId, plan.value]);
        return;
      case 'organizationCap':
        await m.query(
          `UPDATE organizations SET "clearance_cap" = $2 WHERE "id" = (SELECT "organization_id" FROM users WHERE "id" = $1)`,
          [userId, plan.value],
        );
        return;
      case 'membership': {
        const { input } = plan;
        const existing: { id: string }[] = await m.query(
          `SELECT "id" FROM memberships WHERE "user_id" = $1 AND "space_id" = $2`,
          [userId, plan.spaceId],
        );
        if (existing.length) {
          const sets: string[] = [];
          const params: unknown[] = [existing[0].id];
          const set = (column: string, value: unknown) => sets.push(`"${column}" = $${params.push(value)}`);
          if (input.role) set('role', input.role);
          if (input.status) set('status', input.status);
          if (input.expiresAt !== undefined) set('expires_at', input.expiresAt);
          if (sets.length) await m.query(`UPDATE memberships SET ${sets.join(', ')} WHERE "id" = $1`, params);
          return;
        }
        const [{ organization_id: organizationId, kind }] = await m.query(
          `SELECT u."organization_id", o."kind" FROM users u JOIN organizations o ON o."id" = u."organization_id" WHERE u."id" = $1`,
          [userId],
        );
        const host = kind === OrganizationKind.HOST;
        const expiresAt =
          input.expiresAt !== undefined
            ? input.expiresAt
            : host
              ? null
              : new Date(now.getTime() + EXTERNAL_DEFAULT_DAYS * DAY);
        await m.query(
          `INSERT INTO memberships ("user_id", "user_organization_id", "space_id", "role", "status", "expires_at", "granted_by_id", "sponsor_id")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            userId,
            organizationId,
            plan.spaceId,
            input.role ?? MembershipRole.MEMBER,
            input.status ?? MembershipStatus.ACTIVE,
            expiresAt,
            r.principal.userId,
            host ? null : r.principal.userId,
          ],
        );
        return;
      }
    }
  }

  // --- Audit -------------------------------------------------------------------------------

  private async succeeded(
    r: Reviewer,
    action: string,
    subjectType: string,
    subjectId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record({
      action,
      outcome: 'SUCCESS',
      actorId: r.principal.userId,
      actorOrganizationId: r.principal.organizationId,
      subjectType,
      subjectId,
      details,
      requestId: r.requestId ?? null,
    });
  }

  private async deny(
    r: Reviewer,
    action: string,
    subjectType: string | null,
    subjectId: string | null,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.recordQuietly({
      action,
      outcome: 'DENIED',
      actorId: r.principal.userId,
      actorOrganizationId: r.principal.organizationId,
      subjectType,
      subjectId,
      reason: code.toLowerCase(),
      details: { message, ...details },
      requestId: r.requestId ?? null,
    });
  }

  private async refuse(
    r: Reviewer,
    action: string,
    subjectType: string | null,
    subjectId: string | null,
    code: ReachErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ): Promise<ReachException> {
    await this.deny(r, action, subjectType, subjectId, code, message, details);
    return new ReachException(code, message, details);
  }
}

// --- Shapes ----------------------------------------------------------------------------------

function isLevel(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 4;
}

/** The principal of a viewed user is never a caller: it carries the reviewer's request as its origin. */
function viewedVia(r: Reviewer): Principal['via'] {
  return { kind: r.principal.via.kind, id: `review:${r.principal.via.id}` };
}

function readsEmail(ability: AppAbility, u: User): boolean {
  // The same field rule as users.resolver.ts: the inverted rule on `email` decides.
  return !ability.relevantRuleFor('read', asSubject('User', u), 'email')?.inverted;
}

function personOf(row: PersonRow): PersonRef {
  return {
    id: row.id,
    displayName: row.display_name,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
  };
}

function personOfUser(u: User): PersonRef {
  return {
    id: u.id,
    displayName: u.displayName,
    organizationId: u.organizationId,
    organizationName: u.organization?.name ?? '',
  };
}

function spaceOf(s: Space): SpaceRef {
  return { id: s.id, name: s.name, classification: s.classification };
}

/** A post in the reviewer's words: its title only within their own clearance, never its body. */
function postOf(p: Post, reviewerClearance: number): PostRef {
  return {
    id: p.id,
    label: p.label,
    title: p.label <= reviewerClearance ? p.title : null,
    spaceId: p.spaceId,
    hidden: p.hidden,
    createdAt: p.createdAt,
  };
}

function refOf(id: string | null, name: string | null, orgId: string | null, orgName: string | null): PersonRef | null {
  return id && name !== null && orgId && orgName !== null
    ? { id, displayName: name, organizationId: orgId, organizationName: orgName }
    : null;
}

function grantOf(row: GrantRow): AccessGrant {
  return {
    user: {
      id: row.user_id,
      displayName: row.display_name,
      organizationId: row.organization_id,
      organizationName: row.organization_name,
    },
    effectiveClearance: Number(row.effective_clearance),
    via: row.membership_id ? AccessPath.MEMBERSHIP : AccessPath.OVERSEER,
    membership:
      row.membership_id && row.role && row.since
        ? {
            id: row.membership_id,
            role: row.role,
            since: row.since,
            expiresAt: row.expires_at,
            grantedBy: refOf(row.granted_by_id, row.granted_by_name, row.granted_by_org_id, row.granted_by_org_name),
            sponsor: refOf(row.sponsor_id, row.sponsor_name, row.sponsor_org_id, row.sponsor_org_name),
          }
        : null,
    overseerRoles: row.overseer_roles as UserRole[],
  };
}

function reachOf(row: ReachRow): SpaceReach {
  const perLabel = [row.l0, row.l1, row.l2, row.l3, row.l4].map(Number);
  return {
    space: { id: row.id, name: row.name, classification: Number(row.classification) },
    readers: Number(row.readers),
    postsPerLabel: perLabel,
    postCount: perLabel.reduce((a, b) => a + b, 0),
  };
}

function countsOf(c: Record<ReachKindName, number>): ReachCounts {
  return { spaces: c.spaces, posts: c.posts, people: c.people };
}

function describe(plan: Plan): Record<string, unknown> {
  switch (plan.kind) {
    case 'membership':
      return {
        membership: {
          spaceId: plan.spaceId,
          role: plan.input.role ?? null,
          status: plan.input.status ?? null,
          expiresAt: plan.input.expiresAt === undefined ? 'unchanged' : plan.input.expiresAt,
        },
      };
    case 'clearance':
      return { clearance: plan.value };
    case 'organizationCap':
      return { organizationCap: plan.value };
  }
}

/** A connection with its nodes reshaped; totalCount stays lazy. */
function mapConnection<A, B>(c: Connection<A>, f: (a: A) => B): Connection<B> {
  return {
    edges: c.edges.map((e) => ({ cursor: e.cursor, node: f(e.node) })),
    pageInfo: c.pageInfo,
    get totalCount() {
      return c.totalCount;
    },
  };
}

function emptyConnection<T>(): Connection<T> {
  return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: Promise.resolve(0) };
}
