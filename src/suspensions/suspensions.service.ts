import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { asSubject, idpConnectionSubject } from '../access/subjects';
import { WriteActor, WriteRunner } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { Clock } from '../common/clock';
import {
  MembershipStatus,
  OrganizationKind,
  OrganizationStatus,
  SuspensionCause,
  UserRole,
  UserStatus,
} from '../common/domain.enums';
import { parseId } from '../common/ids';
import { standingCause } from './standing-cause';
import { Organization } from '../database/entities/organization.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { MailInput, MailService } from '../mail/mail.service';
import { transferSponsorships, MovedSponsorship } from '../memberships/sponsorship';
import { NotificationsService, NotifyInput } from '../notifications/notifications.service';
import {
  AffectedMembership,
  KillSwitchOutcome,
  NotifiedAs,
  NotifiedPerson,
  ReactivationResult,
  SuspensionPreview,
  SuspensionResult,
} from './models/suspension.model';
import {
  EndedInvitation,
  EndedMembership,
  EndedSession,
  EndedToken,
  KillScope,
  SuspendedGrant,
  SuspensionsRepository,
} from './suspensions.repository';

/** Reasons are free text written to the audit log, mails and the organisation or user row. */
export const MAX_REASON_LENGTH = 1000;

/** What a kill switch ended (or, in a dry run, would end) and whom it told. */
interface Ended {
  sessions: EndedSession[];
  tokens: EndedToken[];
  memberships: EndedMembership[];
  invitations: EndedInvitation[];
  transfers: MovedSponsorship[];
  notified: Recipient[];
}

interface Recipient {
  userId: string;
  as: NotifiedAs;
  byMail: boolean;
  inApp: boolean;
}

/** What the caller may see among the objects the switch touches, read before anything ends. */
interface Sight {
  users: Map<string, User>;
  spaces: Map<string, Space>;
}

/** Thrown inside the dry run's savepoint to undo everything it did. */
class DryRunRollback<T> extends Error {
  constructor(readonly outcome: T) {
    super('dry run');
  }
}

const ORGANIZATION_SUSPENDED_REASON = 'organization_suspended';
const USER_DISABLED_REASON = 'user_disabled';

/**
 * The kill switch (issue 8, item 6), for an organisation and for one person. The switch ends
 * every live session and token, every ACTIVE grant (SUSPENDED, with the cause that alone may
 * lift it) and every pending invitation, in one transaction with its audit event, mails and
 * notices. The dry run runs the very same code inside a savepoint that is rolled back, so it
 * lists exactly what the switch would end at that instant, and writes only its audit event.
 * Reactivation gives back only the grants the switch suspended that have not expired
 * meanwhile; sessions, tokens and invitations stay ended.
 *
 * Access is cut at once whatever this service does: the principal is loaded from the
 * database on every request, and a user who does not count is refused (auth/).
 */
@Injectable()
export class SuspensionsService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly repository: SuspensionsRepository,
    private readonly notifications: NotificationsService,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {}

  // --- Organisations ---------------------------------------------------------------------

  previewOrganizationSuspension(actor: WriteActor, organizationId: string): Promise<SuspensionPreview> {
    return this.runner.run(
      actor,
      'organization.suspend.preview',
      { type: 'Organization', id: organizationId },
      async (tx) => {
        const org = await this.guardSuspend(tx.manager, actor, organizationId);
        const now = this.clock.now();
        const outcome = await dryRun(tx.manager, (m) =>
          this.endOrganization(m, actor, Object.assign(new Organization(), org), '', now),
        );
        tx.audit({
          subjectType: 'Organization',
          subjectId: org.id,
          details: { dryRun: true, ...auditOf(outcome.ended) },
        });
        return Object.assign(new SuspensionPreview(), outcome.view);
      },
    );
  }

  suspendOrganization(actor: WriteActor, organizationId: string, reason: string): Promise<SuspensionResult> {
    return this.runner.run(actor, 'organization.suspend', { type: 'Organization', id: organizationId }, async (tx) => {
      const org = await this.guardSuspend(tx.manager, actor, organizationId);
      const text = checkReason(reason);
      const now = this.clock.now();
      const { ended, view } = await this.endOrganization(tx.manager, actor, org, text, now);
      tx.audit({ subjectType: 'Organization', subjectId: org.id, details: { reason: text, ...auditOf(ended) } });
      return resultOf(view, ended, now, text);
    });
  }

  reactivateOrganization(actor: WriteActor, organizationId: string): Promise<ReactivationResult> {
    return this.runner.run(
      actor,
      'organization.reactivate',
      { type: 'Organization', id: organizationId },
      async (tx) => {
        const m = tx.manager;
        const id = parseId(organizationId);
        const org = id ? await this.repository.lockOrganization(m, id) : null;
        const facts = org && (await this.organizationFacts(m, org));
        // Suspended, its people no longer count: its sponsors still know it (as for the switch).
        if (!org || !facts || !(await this.knows(m, actor, 'suspend', facts))) {
          throw WriteException.notFound('Organization', organizationId);
        }
        if (!actor.ability.can('reactivate', facts)) {
          if (org.kind === OrganizationKind.HOST) throw hostOrganization();
          throw roleRequired('Only a host administrator reactivates an organisation.');
        }
        if (org.status !== OrganizationStatus.SUSPENDED) {
          throw new WriteException(WriteErrorCode.ORGANIZATION_NOT_SUSPENDED, 'This organisation is not suspended.');
        }
        const now = this.clock.now();
        const previous = { suspendedAt: org.suspendedAt, reason: org.suspensionReason };
        org.status = OrganizationStatus.ACTIVE;
        org.suspendedAt = null;
        org.suspensionReason = null;
        await m.save(Organization, org);

        const scope: KillScope = { organizationId: org.id };
        const grants = await this.repository.lockSuspendedGrants(m, scope, SuspensionCause.ORGANIZATION_SUSPENDED);
        const outcome = await this.giveBack(m, grants, now, SuspensionCause.ORGANIZATION_SUSPENDED);

        const sponsors = await this.sponsorsToTell(m, actor, scope, org.sponsorId);
        const admins = (await this.repository.partnerAdminIds(m, org.id)).filter((u) => u !== actor.principal.userId);
        const notified: Recipient[] = [
          ...admins.map((userId) => ({ userId, as: NotifiedAs.PARTNER_ADMIN, byMail: true, inApp: true })),
          ...sponsors.map((s) => ({ ...s, byMail: true, inApp: true })),
          ...memberRecipients(outcome.restored),
        ];
        await this.notifications.notify(m, [
          ...[...admins, ...sponsors.map((s) => s.userId)].map((userId): NotifyInput => ({
            userId,
            kind: 'organization.reactivated',
            subjectType: 'Organization',
            subjectId: org.id,
            data: { organizationId: org.id, membershipsRestored: outcome.restored.length },
          })),
          ...restoredNotices(outcome.restored),
        ]);
        await this.mail.enqueue(
          m,
          [...admins, ...sponsors.map((s) => s.userId)].map((userId) => ({
            to: { userId },
            template: 'organization.reactivated',
            params: { organizationName: org.name },
            subjectType: 'Organization',
            subjectId: org.id,
          })),
        );
        tx.audit({
          subjectType: 'Organization',
          subjectId: org.id,
          details: { previous, ...reactivationAudit(outcome) },
        });
        const sight = await this.sight(m, actor, [...grantUsers(grants), ...notified.map((n) => n.userId)], grants);
        return reactivationResult(
          'Organization',
          org.id,
          { organization: org, user: null },
          now,
          outcome,
          notified,
          sight,
        );
      },
    );
  }

  // --- One person ------------------------------------------------------------------------

  previewUserDisable(actor: WriteActor, userId: string): Promise<SuspensionPreview> {
    return this.runner.run(actor, 'user.disable.preview', { type: 'User', id: userId }, async (tx) => {
      const user = await this.guardDisable(tx.manager, actor, userId);
      const now = this.clock.now();
      const outcome = await dryRun(tx.manager, (m) => this.endUser(m, actor, Object.assign(new User(), user), '', now));
      tx.audit({ subjectType: 'User', subjectId: user.id, details: { dryRun: true, ...auditOf(outcome.ended) } });
      return Object.assign(new SuspensionPreview(), outcome.view);
    });
  }

  disableUser(actor: WriteActor, userId: string, reason: string): Promise<SuspensionResult> {
    return this.runner.run(actor, 'user.disable', { type: 'User', id: userId }, async (tx) => {
      const user = await this.guardDisable(tx.manager, actor, userId);
      const text = checkReason(reason);
      const now = this.clock.now();
      const { ended, view } = await this.endUser(tx.manager, actor, user, text, now);
      tx.audit({ subjectType: 'User', subjectId: user.id, details: { reason: text, ...auditOf(ended) } });
      return resultOf(view, ended, now, text);
    });
  }

  enableUser(actor: WriteActor, userId: string): Promise<ReactivationResult> {
    return this.runner.run(actor, 'user.enable', { type: 'User', id: userId }, async (tx) => {
      const m = tx.manager;
      const id = parseId(userId);
      const user = id ? await this.repository.lockUser(m, id) : null;
      const facts = user && (await this.userFacts(m, user));
      // Disabled, the person no longer counts: the sponsors of their grants still know them.
      if (!user || !facts || !(await this.knows(m, actor, 'disable', facts))) {
        throw WriteException.notFound('User', userId);
      }
      if (!actor.ability.can('enable', facts)) {
        throw roleRequired("Only a host administrator or the person's partner administrator enables an account.");
      }
      if (user.status !== UserStatus.DISABLED) {
        throw new WriteException(WriteErrorCode.USER_NOT_DISABLED, 'This account is not disabled.');
      }
      const now = this.clock.now();
      const previous = { disabledAt: user.disabledAt, reason: user.disabledReason };
      user.status = UserStatus.ACTIVE;
      user.disabledAt = null;
      user.disabledReason = null;
      await m.save(User, user);

      const scope: KillScope = { userId: user.id, email: user.email };
      const grants = await this.repository.lockSuspendedGrants(m, scope, SuspensionCause.USER_DISABLED);
      const outcome = await this.giveBack(m, grants, now, SuspensionCause.USER_DISABLED);
      const notified = memberRecipients(outcome.restored);
      await this.notifications.notify(m, restoredNotices(outcome.restored));
      tx.audit({ subjectType: 'User', subjectId: user.id, details: { previous, ...reactivationAudit(outcome) } });
      const org = await this.repository.findOrganization(m, user.organizationId);
      const sight = await this.sight(m, actor, [user.id], grants);
      const seen = sight.users.get(user.id) ?? null;
      const subjects = { organization: seen ? org : null, user: seen };
      return reactivationResult('User', user.id, subjects, now, outcome, notified, sight);
    });
  }

  // --- Checks ----------------------------------------------------------------------------

  /** The facts the write rules read about an organisation: who sponsors its live grants. */
  private async organizationFacts(m: EntityManager, org: Organization) {
    const sponsorIds = await this.repository.sponsorIds(m, { organizationId: org.id });
    return asSubject('Organization', { id: org.id, kind: org.kind, sponsorIds });
  }

  private async userFacts(m: EntityManager, user: User) {
    const sponsorIds = await this.repository.sponsorIds(m, { userId: user.id, email: user.email });
    return asSubject('User', { id: user.id, organizationId: user.organizationId, sponsorIds });
  }

  /**
   * Whether the caller may know the object exists: the read rule, or the switch's own rule
   * (a sponsor of its grants knows it, even once its people no longer count). Otherwise the
   * answer is NOT_FOUND, exactly as for a missing object.
   */
  private async knows(
    m: EntityManager,
    actor: WriteActor,
    action: 'suspend' | 'disable',
    facts: ReturnType<typeof asSubject>,
  ): Promise<boolean> {
    if (actor.ability.can(action, facts)) return true;
    const type = facts.__caslSubjectType__ as 'Organization' | 'User';
    return this.repository.canSee(m, actor.ability, type, facts.id as string);
  }

  /**
   * Visible first (the read rule, or being allowed to suspend it: a sponsor of its grants
   * knows it exists), then the rule, then the state. The row stays locked.
   */
  private async guardSuspend(m: EntityManager, actor: WriteActor, rawId: string): Promise<Organization> {
    const id = parseId(rawId);
    const org = id ? await this.repository.lockOrganization(m, id) : null;
    if (!org) throw WriteException.notFound('Organization', rawId);
    const facts = await this.organizationFacts(m, org);
    const allowed = actor.ability.can('suspend', facts);
    if (!(await this.knows(m, actor, 'suspend', facts))) throw WriteException.notFound('Organization', rawId);
    if (!allowed) {
      const asPartner = asSubject('Organization', { ...facts, kind: OrganizationKind.PARTNER });
      if (org.kind === OrganizationKind.HOST && actor.ability.can('suspend', asPartner)) throw hostOrganization();
      throw roleRequired('Only a host administrator or a sponsor of its grants suspends an organisation.');
    }
    if (org.status === OrganizationStatus.SUSPENDED) {
      throw new WriteException(WriteErrorCode.ORGANIZATION_SUSPENDED, 'This organisation is already suspended.');
    }
    return org;
  }

  private async guardDisable(m: EntityManager, actor: WriteActor, rawId: string): Promise<User> {
    const id = parseId(rawId);
    const user = id ? await this.repository.lockUser(m, id) : null;
    if (!user) throw WriteException.notFound('User', rawId);
    const facts = await this.userFacts(m, user);
    const self = user.id === actor.principal.userId;
    const allowed = actor.ability.can('disable', facts);
    if (!self && !(await this.knows(m, actor, 'disable', facts))) throw WriteException.notFound('User', rawId);
    if (self) throw new WriteException(WriteErrorCode.SELF_DISABLE, 'Nobody disables their own account.');
    if (!allowed) {
      throw roleRequired(
        "Only a host administrator, the person's partner administrator or a sponsor of their grants disables an account.",
      );
    }
    if (user.status === UserStatus.DISABLED) {
      throw new WriteException(WriteErrorCode.USER_DISABLED, 'This account is already disabled.');
    }
    const org = await this.repository.findOrganization(m, user.organizationId);
    if (
      org?.kind === OrganizationKind.HOST &&
      user.roles.includes(UserRole.HOST_ADMIN) &&
      (await this.repository.otherActiveHostAdmins(m, user.id)) === 0
    ) {
      throw new WriteException(
        WriteErrorCode.LAST_HOST_ADMIN,
        'The last active host administrator cannot be disabled.',
      );
    }
    return user;
  }

  // --- The switch itself -----------------------------------------------------------------

  private async endOrganization(
    m: EntityManager,
    actor: WriteActor,
    org: Organization,
    reason: string,
    now: Date,
  ): Promise<{ ended: Ended; view: KillSwitchOutcome }> {
    const scope: KillScope = { organizationId: org.id };
    // What the caller sees is read before anything ends: suspended people stop counting.
    const users = await this.repository.visibleUsersOfOrganization(m, actor.ability, org.id);
    const sessions = await this.repository.endSessions(m, scope, now, ORGANIZATION_SUSPENDED_REASON);
    const tokens = await this.repository.endTokens(m, scope, now);
    const memberships = await this.repository.suspendMemberships(
      m,
      scope,
      SuspensionCause.ORGANIZATION_SUSPENDED,
      now,
      ORGANIZATION_SUSPENDED_REASON,
    );
    const invitations = await this.repository.revokeInvitations(
      m,
      scope,
      now,
      ORGANIZATION_SUSPENDED_REASON,
      actor.principal.userId,
    );
    org.status = OrganizationStatus.SUSPENDED;
    org.suspendedAt = now;
    org.suspensionReason = reason;
    await m.save(Organization, org);

    // Partner admins by mail only (they cannot sign in any more); sponsors by mail and in-app.
    const admins = await this.repository.partnerAdminIds(m, org.id);
    const sponsors = await this.sponsorsToTell(m, actor, scope, org.sponsorId);
    const notified: Recipient[] = [
      ...admins.map((userId) => ({ userId, as: NotifiedAs.PARTNER_ADMIN, byMail: true, inApp: false })),
      ...sponsors.map((s) => ({ ...s, byMail: true, inApp: true })),
    ];
    await this.notifications.notify(
      m,
      sponsors.map((s) => ({
        userId: s.userId,
        kind: 'organization.suspended',
        subjectType: 'Organization',
        subjectId: org.id,
        data: { organizationId: org.id, membershipsSuspended: memberships.length },
      })),
    );
    await this.mail.enqueue(m, [
      // The reason is the host's own words: its people read it, the partner does not.
      ...admins.map((userId) => suspendedMail(userId, org, null)),
      ...sponsors.map((s) => suspendedMail(s.userId, org, reason)),
    ]);

    const ended: Ended = { sessions, tokens, memberships, invitations, transfers: [], notified };
    const more = await this.repository.visibleUsers(
      m,
      actor.ability,
      sponsors.map((s) => s.userId),
    );
    const sight: Sight = {
      users: new Map([...users, ...more]),
      spaces: await this.repository.visibleSpaces(m, actor.ability, [
        ...memberships.map((x) => x.spaceId),
        ...invitations.map((x) => x.spaceId),
      ]),
    };
    return { ended, view: present(actor, 'Organization', org.id, { organization: org, user: null }, ended, sight) };
  }

  private async endUser(
    m: EntityManager,
    actor: WriteActor,
    user: User,
    reason: string,
    now: Date,
  ): Promise<{ ended: Ended; view: KillSwitchOutcome }> {
    const scope: KillScope = { userId: user.id, email: user.email };
    const sponsorIdsBefore = await this.repository.sponsorIds(m, scope);
    // The people the caller sees, before this one stops counting.
    const sponsored = await this.repository.sponsoredMemberIds(m, user.id);
    const users = await this.repository.visibleUsers(m, actor.ability, [user.id, ...sponsorIdsBefore, ...sponsored]);
    const sessions = await this.repository.endSessions(m, scope, now, USER_DISABLED_REASON);
    const tokens = await this.repository.endTokens(m, scope, now);
    const memberships = await this.repository.suspendMemberships(
      m,
      scope,
      SuspensionCause.USER_DISABLED,
      now,
      USER_DISABLED_REASON,
    );
    const invitations = await this.repository.revokeInvitations(
      m,
      scope,
      now,
      USER_DISABLED_REASON,
      actor.principal.userId,
    );
    user.status = UserStatus.DISABLED;
    user.disabledAt = now;
    user.disabledReason = reason;
    await m.save(User, user);
    // Grants this person sponsors move to an OWNER of each space.
    const transfers = await transferSponsorships(m, user.id, now);

    const org = await this.repository.findOrganization(m, user.organizationId);
    const admins =
      org?.kind === OrganizationKind.HOST ? [] : await this.repository.partnerAdminIds(m, user.organizationId);
    const sponsors = await this.sponsorsToTell(m, actor, scope, null);
    const counting = await this.repository.countingUserIds(m, admins);
    const tellAdmins = admins.filter((a) => a !== actor.principal.userId && a !== user.id && counting.has(a));
    const newSponsors = [...new Set(transfers.flatMap((t) => (t.newSponsorId ? [t.newSponsorId] : [])))];
    const notified: Recipient[] = [
      ...tellAdmins.map((userId) => ({ userId, as: NotifiedAs.PARTNER_ADMIN, byMail: true, inApp: true })),
      ...sponsors.map((s) => ({ ...s, byMail: true, inApp: true })),
      ...newSponsors.map((userId) => ({ userId, as: NotifiedAs.NEW_SPONSOR, byMail: true, inApp: true })),
    ];
    const told = [...tellAdmins, ...sponsors.map((s) => s.userId)];
    await this.notifications.notify(m, [
      ...told.map((userId): NotifyInput => ({
        userId,
        kind: 'user.disabled',
        subjectType: 'User',
        subjectId: user.id,
        data: { userId: user.id, membershipsSuspended: memberships.length },
      })),
      ...transfers.flatMap((t): NotifyInput[] =>
        t.newSponsorId
          ? [
              {
                userId: t.newSponsorId,
                kind: 'sponsorship.transferred',
                spaceId: t.spaceId,
                subjectType: 'Membership',
                subjectId: t.membershipId,
                data: { membershipId: t.membershipId, memberId: t.memberId, previousSponsorId: user.id },
              },
            ]
          : [],
      ),
    ]);
    await this.mail.enqueue(m, [
      ...tellAdmins.map((userId) => disabledMail(userId, user, null)),
      ...sponsors.map((s) => disabledMail(s.userId, user, reason)),
      ...(await this.transferMails(m, user, transfers)),
    ]);

    const ended: Ended = { sessions, tokens, memberships, invitations, transfers, notified };
    const more = await this.repository.visibleUsers(m, actor.ability, [...tellAdmins, ...newSponsors]);
    const sight: Sight = {
      users: new Map([...users, ...more]),
      spaces: await this.repository.visibleSpaces(m, actor.ability, [
        ...memberships.map((x) => x.spaceId),
        ...invitations.map((x) => x.spaceId),
        ...transfers.map((x) => x.spaceId),
      ]),
    };
    const seen = sight.users.get(user.id) ?? null;
    const subjects = { organization: seen ? org : null, user: seen };
    return { ended, view: present(actor, 'User', user.id, subjects, ended, sight) };
  }

  /** One mail per new sponsor and space: "n grants of this space are now yours". */
  private async transferMails(m: EntityManager, former: User, transfers: MovedSponsorship[]): Promise<MailInput[]> {
    const groups = new Map<string, { sponsorId: string; spaceId: string; count: number }>();
    for (const t of transfers) {
      if (!t.newSponsorId) continue;
      const key = `${t.newSponsorId}/${t.spaceId}`;
      const group = groups.get(key) ?? { sponsorId: t.newSponsorId, spaceId: t.spaceId, count: 0 };
      group.count++;
      groups.set(key, group);
    }
    const names = await this.repository.spaceNames(
      m,
      [...groups.values()].map((g) => g.spaceId),
    );
    return [...groups.values()].map((g) => ({
      to: { userId: g.sponsorId },
      template: 'sponsorship.transferred',
      // The new sponsor is an OWNER of the space: they see its name and the grants.
      params: { previousSponsorName: former.displayName, spaceName: names.get(g.spaceId), count: g.count },
      subjectType: 'User',
      subjectId: former.id,
    }));
  }

  /**
   * The sponsors of the grants in scope (and the organisation's own sponsor) who can be told
   * in-app: people who count, outside the organisation switched off, other than the caller.
   */
  private async sponsorsToTell(
    m: EntityManager,
    actor: WriteActor,
    scope: KillScope,
    organizationSponsorId: string | null,
  ): Promise<{ userId: string; as: NotifiedAs }[]> {
    const grantSponsors = await this.repository.sponsorIds(m, scope);
    const candidates = [
      ...grantSponsors.map((userId) => ({ userId, as: NotifiedAs.SPONSOR })),
      ...(organizationSponsorId && !grantSponsors.includes(organizationSponsorId)
        ? [{ userId: organizationSponsorId, as: NotifiedAs.ORGANIZATION_SPONSOR }]
        : []),
    ];
    // After the switch, people of the organisation switched off no longer count: never told in-app.
    const counting = await this.repository.countingUserIds(
      m,
      candidates.map((c) => c.userId),
    );
    const subject = 'userId' in scope ? scope.userId : null;
    return candidates
      .filter((c) => counting.has(c.userId) && c.userId !== actor.principal.userId && c.userId !== subject)
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
  }

  // --- Giving back -----------------------------------------------------------------------

  /**
   * The grants the lifted cause suspended: those expired meanwhile become EXPIRED; those
   * still held back by another cause (the person or the organisation still off, a clearance
   * that no longer reaches the space) stay SUSPENDED for that cause; the rest are ACTIVE.
   */
  private async giveBack(
    m: EntityManager,
    grants: SuspendedGrant[],
    now: Date,
    lifted: SuspensionCause,
  ): Promise<GiveBack> {
    const restored: SuspendedGrant[] = [];
    const expired: SuspendedGrant[] = [];
    const still = new Map<SuspensionCause, SuspendedGrant[]>();
    for (const g of grants) {
      const standing = standingCause(g, lifted);
      if (g.expiresAt && new Date(g.expiresAt).getTime() <= now.getTime()) expired.push(g);
      else if (standing) still.set(standing, [...(still.get(standing) ?? []), g]);
      else restored.push(g);
    }
    await this.repository.restoreGrants(
      m,
      restored.map((g) => g.id),
    );
    await this.repository.expireGrants(
      m,
      expired.map((g) => g.id),
    );
    for (const [cause, list] of still) {
      await this.repository.resuspendGrants(
        m,
        list.map((g) => g.id),
        cause,
        cause.toLowerCase(),
      );
    }
    const stillSuspended = [...still].flatMap(([cause, list]) => list.map((g) => ({ ...g, cause })));
    return { restored, expired, stillSuspended };
  }

  private async sight(
    m: EntityManager,
    actor: WriteActor,
    userIds: string[],
    grants: SuspendedGrant[],
  ): Promise<Sight> {
    return {
      users: await this.repository.visibleUsers(m, actor.ability, userIds),
      spaces: await this.repository.visibleSpaces(
        m,
        actor.ability,
        grants.map((g) => g.spaceId),
      ),
    };
  }
}

interface GiveBack {
  restored: SuspendedGrant[];
  expired: SuspendedGrant[];
  stillSuspended: (SuspendedGrant & { cause: SuspensionCause })[];
}

/**
 * Runs `work` (on copies of the rows it changes) in a savepoint and rolls it back: the dry run executes the switch itself, so
 * it lists exactly what the switch would end, and nothing of it remains.
 */
async function dryRun<T>(m: EntityManager, work: (m: EntityManager) => Promise<T>): Promise<T> {
  try {
    await m.transaction(async (inner) => {
      throw new DryRunRollback(await work(inner));
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.outcome as T;
    throw error;
  }
  throw new Error('unreachable: the dry run always rolls back');
}

function checkReason(reason: string): string {
  const text = reason.trim();
  if (!text || text.length > MAX_REASON_LENGTH || text.includes('\u0000')) {
    throw new WriteException(
      WriteErrorCode.INVALID_INPUT,
      `A reason is required (1 to ${MAX_REASON_LENGTH} characters).`,
      { field: 'reason' },
    );
  }
  return text;
}

function roleRequired(message: string): WriteException {
  return new WriteException(WriteErrorCode.ROLE_REQUIRED, message);
}

function hostOrganization(): WriteException {
  return new WriteException(WriteErrorCode.HOST_ORGANIZATION, 'The host organisation cannot be suspended.');
}

function suspendedMail(userId: string, org: Organization, reason: string | null): MailInput {
  return {
    to: { userId },
    template: 'organization.suspended',
    params: { organizationName: org.name, ...(reason ? { reason } : {}) },
    subjectType: 'Organization',
    subjectId: org.id,
  };
}

function disabledMail(userId: string, user: User, reason: string | null): MailInput {
  return {
    to: { userId },
    template: 'user.disabled',
    params: { userName: user.displayName, ...(reason ? { reason } : {}) },
    subjectType: 'User',
    subjectId: user.id,
  };
}

function memberRecipients(restored: SuspendedGrant[]): Recipient[] {
  return [...new Set(restored.map((g) => g.userId))].map((userId) => ({
    userId,
    as: NotifiedAs.MEMBER,
    byMail: false,
    inApp: true,
  }));
}

function restoredNotices(restored: SuspendedGrant[]): NotifyInput[] {
  return restored.map((g) => ({
    userId: g.userId,
    kind: 'membership.restored',
    spaceId: g.spaceId,
    subjectType: 'Membership',
    subjectId: g.id,
    data: { membershipId: g.id },
  }));
}

function grantUsers(grants: SuspendedGrant[]): string[] {
  return grants.map((g) => g.userId);
}

/** The audit event's details: counts and ids of everything ended, and who was told. */
function auditOf(e: Ended): Record<string, unknown> {
  return {
    counts: {
      sessions: e.sessions.length,
      tokens: e.tokens.length,
      memberships: e.memberships.length,
      invitations: e.invitations.length,
      sponsorshipsTransferred: e.transfers.length,
      notified: e.notified.length,
    },
    sessionIds: e.sessions.map((x) => x.id),
    tokenIds: e.tokens.map((x) => x.id),
    membershipIds: e.memberships.map((x) => x.id),
    invitationIds: e.invitations.map((x) => x.id),
    sponsorships: e.transfers.map((t) => ({ membershipId: t.membershipId, newSponsorId: t.newSponsorId })),
    notified: e.notified.map((n) => ({ userId: n.userId, as: n.as })),
  };
}

function reactivationAudit(o: GiveBack): Record<string, unknown> {
  return {
    counts: { restored: o.restored.length, expired: o.expired.length, stillSuspended: o.stillSuspended.length },
    restoredIds: o.restored.map((g) => g.id),
    expiredIds: o.expired.map((g) => g.id),
    stillSuspended: o.stillSuspended.map((g) => ({ id: g.id, cause: g.cause })),
  };
}

/** The caller's view of what ended: people and spaces they may not see come back null. */
function present(
  actor: WriteActor,
  subjectType: 'Organization' | 'User',
  subjectId: string,
  subjects: { organization: Organization | null; user: User | null },
  e: Ended,
  sight: Sight,
): KillSwitchOutcome {
  const user = (id: string | null) => (id ? (sight.users.get(id) ?? null) : null);
  const space = (id: string) => sight.spaces.get(id) ?? null;
  return {
    subjectType,
    subjectId,
    organization: subjects.organization,
    user: subjects.user,
    sessions: e.sessions.map((s) => ({
      id: s.id,
      user: user(s.userId),
      createdAt: new Date(s.createdAt),
      lastSeenAt: new Date(s.lastSeenAt),
      connectionName:
        s.connectionId &&
        s.connectionOrganizationId &&
        actor.ability.can(
          'read',
          idpConnectionSubject({ id: s.connectionId, organizationId: s.connectionOrganizationId }),
        )
          ? s.connectionName
          : null,
    })),
    tokens: e.tokens.map((t) => ({ id: t.id, user: user(t.userId), name: t.name, expiresAt: new Date(t.expiresAt) })),
    memberships: e.memberships.map((x) => ({
      id: x.id,
      user: user(x.userId),
      space: space(x.spaceId),
      role: x.role,
      status: MembershipStatus.SUSPENDED,
      suspensionCause:
        subjectType === 'Organization' ? SuspensionCause.ORGANIZATION_SUSPENDED : SuspensionCause.USER_DISABLED,
      expiresAt: x.expiresAt ? new Date(x.expiresAt) : null,
    })),
    invitations: e.invitations.map((i) => ({
      id: i.id,
      space: space(i.spaceId),
      email: actor.ability.can(
        'read',
        asSubject('Invitation', {
          id: i.id,
          spaceId: i.spaceId,
          organizationId: i.organizationId,
          invitedById: i.invitedById,
          email: i.email,
          wholeOrganization: i.wholeOrganization,
        }),
      )
        ? i.email
        : null,
      wholeOrganization: i.wholeOrganization,
      status: i.status,
      expiresAt: new Date(i.expiresAt),
    })),
    sponsorshipsTransferred: e.transfers.map((t) => ({
      membershipId: t.membershipId,
      space: space(t.spaceId),
      member: user(t.memberId),
      newSponsor: user(t.newSponsorId),
    })),
    notified: e.notified.map((n): NotifiedPerson => ({ ...n, user: user(n.userId) })),
  };
}

function resultOf(view: KillSwitchOutcome, e: Ended, at: Date, reason: string): SuspensionResult {
  return Object.assign(new SuspensionResult(), view, {
    at,
    reason,
    sessionsRevoked: e.sessions.length,
    tokensRevoked: e.tokens.length,
    membershipsSuspended: e.memberships.length,
    invitationsRevoked: e.invitations.length,
  });
}

function reactivationResult(
  subjectType: 'Organization' | 'User',
  subjectId: string,
  subjects: { organization: Organization | null; user: User | null },
  at: Date,
  o: GiveBack,
  notified: Recipient[],
  sight: Sight,
): ReactivationResult {
  const view = (g: SuspendedGrant, status: MembershipStatus, cause: SuspensionCause | null): AffectedMembership => ({
    id: g.id,
    user: sight.users.get(g.userId) ?? null,
    space: sight.spaces.get(g.spaceId) ?? null,
    role: g.role,
    status,
    suspensionCause: cause,
    expiresAt: g.expiresAt ? new Date(g.expiresAt) : null,
  });
  return Object.assign(new ReactivationResult(), {
    subjectType,
    subjectId,
    ...subjects,
    at,
    membershipsRestored: o.restored.length,
    membershipsExpired: o.expired.length,
    membershipsStillSuspended: o.stillSuspended.length,
    restored: o.restored.map((g) => view(g, MembershipStatus.ACTIVE, null)),
    expired: o.expired.map((g) => view(g, MembershipStatus.EXPIRED, null)),
    stillSuspended: o.stillSuspended.map((g) => view(g, MembershipStatus.SUSPENDED, g.cause)),
    notified: notified.map((n) => ({ ...n, user: sight.users.get(n.userId) ?? null })),
  });
}
