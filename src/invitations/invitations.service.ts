import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { asSubject } from '../access/subjects';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { effectiveClearance, membershipActive, userCounts } from '../auth/membership-rules';
import { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import {
  FOUR_EYES_CLASSIFICATION,
  HOST_ONLY_SPACE_ROLES,
  InvitationStatus,
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  OrganizationStatus,
  SpaceStatus,
  UserStatus,
} from '../common/domain.enums';
import { parseId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { Invitation } from '../database/entities/invitation.entity';
import { InvitationAnswer } from '../database/entities/invitation-answer.entity';
import { Membership } from '../database/entities/membership.entity';
import { Organization } from '../database/entities/organization.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { MailInput, MailService } from '../mail/mail.service';
import { maxExternalExpiry, resolveGrant, spaceIsRisky } from '../memberships/grant-rules';
import { NotificationsService, NotifyInput } from '../notifications/notifications.service';
import { InviteToSpaceInput } from './dto/invite-to-space.input';
import { stateRefusal } from './invitation-state';
import { InvitationsRepository, Recipient } from './invitations.repository';
import { domainOf, normalizeInviteeEmail, optionalText, requiredText } from './invitee-address';

const DAY_MS = 86_400_000;
const MAX_MESSAGE = 2000;
const MAX_REASON = 1000;
/** Invitations expired per round of the job; the next round takes the rest. */
const EXPIRY_BATCH = 1000;

/** The facts the write rules read about an invitation (write-rules.ts). */
export function invitationSubject(inv: Invitation) {
  return asSubject('Invitation', {
    id: inv.id,
    spaceId: inv.spaceId,
    organizationId: inv.organizationId,
    invitedById: inv.invitedById,
    email: inv.email,
    wholeOrganization: inv.wholeOrganization,
  });
}

function spaceSubject(space: Space) {
  return asSubject('Space', { id: space.id, classification: space.classification });
}

function owns(p: Principal, spaceId: string): boolean {
  return p.activeMemberships.some((m) => m.spaceId === spaceId && m.role === MembershipRole.OWNER);
}

/**
 * The invitation write path (issue 8, item 2): invite, the four-eyes decision, revoke,
 * accept and decline, and the expiry job's work. Each operation checks, in this order, that
 * the caller sees the object (NOT_FOUND like a missing one), the write rule (FORBIDDEN), then
 * the values and states (BAD_USER_INPUT / CONFLICT), each refusal with its own code; all of it
 * in one transaction through WriteRunner, with the rows it decides on locked (parents first:
 * organisation, user, space, then the invitation) and their state read after the lock.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly invitations: InvitationsRepository,
    private readonly notifications: NotificationsService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  invite(actor: WriteActor, input: InviteToSpaceInput): Promise<Invitation> {
    return this.runner.run(actor, 'invitation.create', { type: 'Space', id: input.spaceId }, async (tx) => {
      const m = tx.manager;
      const p = actor.principal;
      const now = this.clock.now();

      // The space: seen, led by the caller, open to writes. Locked so that two identical
      // invitations at once end as one invitation and one ALREADY_INVITED.
      const spaceId = parseId(input.spaceId);
      const space = spaceId ? await this.invitations.lockSpace(m, spaceId, 'exclusive') : null;
      if (!space || !actor.ability.can('read', spaceSubject(space)))
        throw WriteException.notFound('Space', input.spaceId);
      if (!actor.ability.can('invite', spaceSubject(space))) {
        throw new WriteException(WriteErrorCode.ROLE_REQUIRED, 'Only an OWNER or ANIMATOR of the space may invite', {
          spaceId: space.id,
        });
      }
      if (HOST_ONLY_SPACE_ROLES.includes(input.role) && !owns(p, space.id)) {
        throw new WriteException(
          WriteErrorCode.ROLE_REQUIRED,
          `Only an OWNER of the space may invite an ${input.role}`,
          {
            spaceId: space.id,
            role: input.role,
          },
        );
      }

      // Whom: exactly one of an address (whose domain a registered organisation verified) or
      // an organisation the caller sees.
      const hasEmail = input.email !== null && input.email !== undefined;
      const hasOrganization = input.organizationId !== null && input.organizationId !== undefined;
      if (hasEmail === hasOrganization) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Give exactly one of email and organizationId', {
          field: 'email',
        });
      }
      const message = optionalText(input.message, 'message', MAX_MESSAGE);
      let email: string | null = null;
      let org: Organization | null;
      let invitee: User | null = null;
      if (hasEmail) {
        email = normalizeInviteeEmail(input.email!);
        org = await this.invitations.organizationOfDomain(m, domainOf(email));
        if (!org) {
          throw new WriteException(
            WriteErrorCode.UNKNOWN_DOMAIN,
            'The address does not belong to a registered organisation: only its people can be invited',
            { domain: domainOf(email) },
          );
        }
        org = await this.invitations.lockOrganization(m, org.id);
        invitee = await this.invitations.userByEmail(m, email);
      } else {
        const orgId = parseId(input.organizationId!);
        org = orgId ? await this.invitations.lockVisibleOrganization(m, actor.ability, orgId) : null;
        if (!org) throw WriteException.notFound('Organization', input.organizationId!);
        if (org.kind === OrganizationKind.HOST) {
          throw new WriteException(
            WriteErrorCode.HOST_ORGANIZATION,
            'The host organisation is not invited as a whole: invite its people by email',
            { organizationId: org.id },
          );
        }
      }
      if (!org) throw new Error('organisation vanished while locked');
      // After the target's visibility: an organisation the caller does not see is NOT_FOUND first.
      if (space.status === SpaceStatus.ARCHIVED) throw archived(space);
      if (org.status !== OrganizationStatus.ACTIVE) {
        throw new WriteException(WriteErrorCode.ORGANIZATION_SUSPENDED, 'The organisation is suspended', {
          organizationId: org.id,
        });
      }
      const external = org.kind !== OrganizationKind.HOST;

      // The grant it offers: role and expiry (externals: MEMBER/OBSERVER, 90 days by default,
      // 365 at most, 30 while a critical risk is open), and its internal sponsor.
      const risky = await spaceIsRisky(m, space.id);
      const grant = resolveGrant({ external, role: input.role, expiresAt: input.expiresAt ?? null }, { now, risky });
      const sponsorId = await this.sponsorOf(m, p, external, input.sponsorId);

      // An invitation that could never be accepted is refused now.
      const inviteeClearance = invitee && invitee.organizationId === org.id ? effectiveClearance(invitee, org) : null;
      if (
        org.clearanceCap < space.classification ||
        (inviteeClearance !== null && inviteeClearance < space.classification)
      ) {
        throw new WriteException(
          WriteErrorCode.INVITEE_NOT_CLEARED,
          `The invitee's clearance does not reach the space's classification (${space.classification})`,
          { classification: space.classification },
        );
      }
      if (invitee && (await this.invitations.hasActiveMembership(m, invitee.id, space.id, now))) {
        throw new WriteException(WriteErrorCode.ALREADY_MEMBER, 'The invitee is already a member of the space', {
          spaceId: space.id,
        });
      }
      const target = email ? { email } : { organizationId: org.id };
      if (await this.invitations.openInvitationExists(m, space.id, target, now)) {
        throw new WriteException(
          WriteErrorCode.ALREADY_INVITED,
          'An invitation to the same invitee is already waiting in this space',
          { spaceId: space.id },
        );
      }

      // Four eyes: an external invitation to a space classified 2 or more, or while a
      // critical risk is open, waits for a second OWNER (or a HOST_ADMIN).
      const fourEyes = external && (space.classification >= FOUR_EYES_CLASSIFICATION || risky);
      const inv = await m.save(
        m.create(Invitation, {
          spaceId: space.id,
          email,
          organizationId: org.id,
          wholeOrganization: !email,
          role: grant.role,
          status: fourEyes ? InvitationStatus.PENDING_APPROVAL : InvitationStatus.PENDING,
          membershipExpiresAt: grant.expiresAt,
          expiresAt: new Date(now.getTime() + this.config.invitationTtlDays * DAY_MS),
          invitedById: p.userId,
          sponsorId,
          message,
          decisionReason: null,
          answeredById: null,
          answeredAt: null,
          approvedById: null,
          decidedById: null,
          decidedAt: null,
        }),
      );
      if (fourEyes) await this.askApproval(m, inv, space, org, p, now);
      else await this.sendInvitation(m, inv, space, org, p.displayName);
      tx.audit({
        subjectType: 'Invitation',
        subjectId: inv.id,
        details: {
          spaceId: space.id,
          organizationId: org.id,
          email,
          role: inv.role,
          status: inv.status,
          membershipExpiresAt: inv.membershipExpiresAt?.toISOString() ?? null,
          sponsorId,
          fourEyes,
          risky,
        },
      });
      return inv;
    });
  }

  approve(actor: WriteActor, id: string): Promise<Invitation> {
    return this.decide(actor, id, 'invitation.approve', null);
  }

  reject(actor: WriteActor, id: string, reason: string): Promise<Invitation> {
    return this.decide(actor, id, 'invitation.reject', reason);
  }

  revoke(actor: WriteActor, id: string, reason: string | null | undefined): Promise<Invitation> {
    return this.runner.run(actor, 'invitation.revoke', { type: 'Invitation', id }, async (tx) => {
      const m = tx.manager;
      const p = actor.principal;
      const now = this.clock.now();
      const { inv, space } = await this.lockForDecision(tx, actor, id);
      if (!actor.ability.can('revoke', invitationSubject(inv))) {
        throw new WriteException(
          WriteErrorCode.ROLE_REQUIRED,
          'Only the inviter, an OWNER of the space or a HOST_ADMIN may revoke an invitation',
          { invitationId: inv.id },
        );
      }
      const why = optionalText(reason, 'reason', MAX_REASON);
      const refusal = stateRefusal(inv, now, [InvitationStatus.PENDING, InvitationStatus.PENDING_APPROVAL]);
      if (refusal) throw refusal;
      if (space.status === SpaceStatus.ARCHIVED) throw archived(space);
      const was = inv.status;
      Object.assign(inv, {
        status: InvitationStatus.REVOKED,
        decisionReason: why,
        decidedById: p.userId,
        decidedAt: now,
      });
      await m.save(inv);
      const told: NotifyInput[] = [];
      if (inv.invitedById !== p.userId)
        told.push(this.notice(inv, inv.invitedById, 'invitation.revoked', { by: p.userId }));
      // An invitee who was told of it (it was PENDING) is told it is withdrawn.
      if (was === InvitationStatus.PENDING && inv.email) {
        const invitee = await this.invitations.userByEmail(m, inv.email);
        if (invitee) told.push(this.notice(inv, invitee.id, 'invitation.revoked', {}));
      }
      await this.notifications.notify(m, told);
      tx.audit({ subjectType: 'Invitation', subjectId: inv.id, details: { from: was, reason: why } });
      return inv;
    });
  }

  accept(actor: WriteActor, id: string): Promise<Invitation> {
    return this.runner.run(actor, 'invitation.accept', { type: 'Invitation', id }, async (tx) => {
      const m = tx.manager;
      const p = actor.principal;
      const now = this.clock.now();
      // The caller and their organisation first (a concurrent kill switch waits, or wins and
      // we see it), then the space, then the invitation.
      const me = await this.invitations.lockUser(m, p.userId);
      const myOrg = me ? await this.invitations.lockOrganization(m, me.organizationId) : null;
      const { inv, space } = await this.lockAsInvitee(tx, actor, id);
      if (!me || !myOrg) throw new Error('the signed-in user vanished');

      // DESIGN section 1: accepted only after SSO through a connection of the invitee's
      // organisation. API tokens are issued by an operator to a known user and are accepted.
      if (p.via.kind === 'session') {
        const signedInThrough = await this.invitations.organizationOfSession(m, p.via.id);
        if (signedInThrough !== inv.organizationId) {
          throw new WriteException(
            WriteErrorCode.SIGN_IN_NOT_FROM_ORGANIZATION,
            "Sign in through your organisation's identity provider to accept this invitation",
            { invitationId: inv.id },
          );
        }
      }
      const refusal = stateRefusal(inv, now, [InvitationStatus.PENDING]);
      if (refusal) throw refusal;
      this.assertCounts(me, myOrg);
      if (inv.email && !myOrg.domains.includes(domainOf(inv.email))) {
        throw new WriteException(
          WriteErrorCode.EMAIL_DOMAIN_NOT_OWNED,
          "Your organisation no longer owns this address's domain",
          { invitationId: inv.id },
        );
      }
      if (space.status === SpaceStatus.ARCHIVED) throw archived(space);
      if (effectiveClearance(me, myOrg) < space.classification) {
        throw new WriteException(
          WriteErrorCode.INVITEE_NOT_CLEARED,
          `Your clearance does not reach the space's classification (${space.classification})`,
          { classification: space.classification },
        );
      }
      const row = await this.invitations.lockMembership(m, me.id, space.id);
      if (row && membershipActive(row, now)) {
        throw new WriteException(WriteErrorCode.ALREADY_MEMBER, 'You are already a member of this space', {
          spaceId: space.id,
          membershipId: row.id,
        });
      }
      if (inv.wholeOrganization && (await this.invitations.answerOf(m, inv.id, me.id))) {
        throw new WriteException(WriteErrorCode.INVITATION_ANSWERED, 'You already answered this invitation', {
          invitationId: inv.id,
        });
      }

      // The grant: the invitation's role and expiry, never past what an external grant may
      // last from now (365 days, 30 while a critical risk is open): clamped, and said so.
      const external = myOrg.kind !== OrganizationKind.HOST;
      if (external && HOST_ONLY_SPACE_ROLES.includes(inv.role)) {
        throw new WriteException(WriteErrorCode.EXTERNAL_ROLE, `An external user cannot be ${inv.role}`, {
          role: inv.role,
        });
      }
      let expiresAt = inv.membershipExpiresAt;
      let clampedFrom: Date | null = null;
      if (external) {
        const latest = maxExternalExpiry({ now, risky: await spaceIsRisky(m, space.id) });
        if (!expiresAt || expiresAt.getTime() > latest.getTime()) {
          clampedFrom = expiresAt;
          expiresAt = latest;
        }
      }
      if (expiresAt && expiresAt.getTime() <= now.getTime()) {
        throw new WriteException(
          WriteErrorCode.INVITATION_EXPIRED,
          'The access this invitation offered has already ended',
          {
            invitationId: inv.id,
            membershipExpiresAt: expiresAt.toISOString(),
          },
        );
      }
      const membership = await this.grant(m, row, {
        userId: me.id,
        userOrganizationId: me.organizationId,
        spaceId: space.id,
        role: inv.role,
        expiresAt,
        grantedById: inv.invitedById,
        sponsorId: external ? inv.sponsorId : null,
        invitationId: inv.id,
      });
      if (inv.wholeOrganization) {
        await m.insert(InvitationAnswer, { invitationId: inv.id, userId: me.id, answer: 'ACCEPTED', answeredAt: now });
      } else {
        Object.assign(inv, { status: InvitationStatus.ACCEPTED, answeredById: me.id, answeredAt: now });
        await m.save(inv);
      }
      const data = {
        userId: me.id,
        membershipId: membership.id,
        role: inv.role,
        expiresAt: expiresAt?.toISOString() ?? null,
      };
      const told = [inv.invitedById, ...(inv.sponsorId && inv.sponsorId !== inv.invitedById ? [inv.sponsorId] : [])];
      await this.notifications.notify(
        m,
        told.map((userId) => this.notice(inv, userId, 'invitation.accepted', data)),
      );
      const clamp = clampedFrom ? { clampedFrom: clampedFrom.toISOString() } : {};
      tx.audit({ subjectType: 'Invitation', subjectId: inv.id, details: { ...data, ...clamp } });
      tx.audit({
        action: 'membership.grant',
        subjectType: 'Membership',
        subjectId: membership.id,
        details: { ...data, invitationId: inv.id, sponsorId: membership.sponsorId, reused: row !== null, ...clamp },
      });
      return inv;
    });
  }

  decline(actor: WriteActor, id: string): Promise<Invitation> {
    return this.runner.run(actor, 'invitation.decline', { type: 'Invitation', id }, async (tx) => {
      const m = tx.manager;
      const p = actor.principal;
      const now = this.clock.now();
      const { inv, space } = await this.lockAsInvitee(tx, actor, id);
      const refusal = stateRefusal(inv, now, [InvitationStatus.PENDING]);
      if (refusal) throw refusal;
      if (space.status === SpaceStatus.ARCHIVED) throw archived(space);
      if (inv.wholeOrganization) {
        // The invitation stays open for the organisation's other users; this one is done with it.
        if (await this.invitations.answerOf(m, inv.id, p.userId)) {
          throw new WriteException(WriteErrorCode.INVITATION_ANSWERED, 'You already answered this invitation', {
            invitationId: inv.id,
          });
        }
        await m.insert(InvitationAnswer, {
          invitationId: inv.id,
          userId: p.userId,
          answer: 'DECLINED',
          answeredAt: now,
        });
      } else {
        Object.assign(inv, { status: InvitationStatus.DECLINED, answeredById: p.userId, answeredAt: now });
        await m.save(inv);
      }
      await this.notifications.notify(m, [
        this.notice(inv, inv.invitedById, 'invitation.declined', { userId: p.userId }),
      ]);
      tx.audit({ subjectType: 'Invitation', subjectId: inv.id, details: { userId: p.userId } });
      return inv;
    });
  }

  /**
   * The expiry job's work, in the job's transaction: every open invitation past its expiry
   * becomes EXPIRED and its inviter is told. Returns them as they were before.
   */
  async expireDue(manager: EntityManager, now: Date): Promise<Invitation[]> {
    const expired = await this.invitations.expireDue(manager, now, EXPIRY_BATCH);
    await this.notifications.notify(
      manager,
      expired.map((inv) =>
        this.notice(inv, inv.invitedById, 'invitation.expired', { expiresAt: inv.expiresAt.toISOString() }),
      ),
    );
    return expired;
  }

  // --- Steps shared by the transitions. ---

  /** Four eyes: approve or reject (with a reason). */
  private decide(actor: WriteActor, id: string, action: string, rejectReason: string | null): Promise<Invitation> {
    const approving = action === 'invitation.approve';
    return this.runner.run(actor, action, { type: 'Invitation', id }, async (tx) => {
      const m = tx.manager;
      const p = actor.principal;
      const now = this.clock.now();
      const { inv, space } = await this.lockForDecision(tx, actor, id);
      // Checked on its own so that the reason is precise, even for a HOST_ADMIN who invited.
      if (inv.invitedById === p.userId) {
        throw new WriteException(WriteErrorCode.SELF_APPROVAL, 'The inviter cannot decide on their own invitation', {
          invitationId: inv.id,
        });
      }
      if (!actor.ability.can('approve', invitationSubject(inv))) {
        throw new WriteException(
          WriteErrorCode.ROLE_REQUIRED,
          'Only another OWNER of the space or a HOST_ADMIN may approve or reject an invitation',
          { invitationId: inv.id },
        );
      }
      const reason = approving ? null : requiredText(rejectReason, 'reason', MAX_REASON);
      const refusal = stateRefusal(inv, now, [InvitationStatus.PENDING_APPROVAL]);
      if (refusal) throw refusal;
      if (space.status === SpaceStatus.ARCHIVED) throw archived(space);
      const org = await this.invitations.lockOrganization(m, inv.organizationId);
      if (!org) throw new Error('invited organisation vanished');
      if (approving && org.status !== OrganizationStatus.ACTIVE) {
        throw new WriteException(WriteErrorCode.ORGANIZATION_SUSPENDED, 'The organisation is suspended', {
          organizationId: org.id,
        });
      }
      const [inviter] = await this.invitations.usersByIds(m, [inv.invitedById]);
      if (approving) {
        // The invitee gets the whole answering window from the approval on.
        Object.assign(inv, {
          status: InvitationStatus.PENDING,
          approvedById: p.userId,
          decidedById: p.userId,
          decidedAt: now,
          expiresAt: new Date(now.getTime() + this.config.invitationTtlDays * DAY_MS),
        });
        await m.save(inv);
        await this.sendInvitation(m, inv, space, org, inviter?.displayName ?? '');
      } else {
        Object.assign(inv, {
          status: InvitationStatus.REJECTED,
          decisionReason: reason,
          decidedById: p.userId,
          decidedAt: now,
        });
        await m.save(inv);
      }
      const kind = approving ? 'invitation.approved' : 'invitation.rejected';
      await this.notifications.notify(m, [this.notice(inv, inv.invitedById, kind, { by: p.userId })]);
      await this.mail.enqueue(m, [
        {
          to: { userId: inv.invitedById },
          template: kind,
          params: {
            spaceName: space.name,
            ...(inv.email ? { inviteeEmail: inv.email } : { organizationName: org.name }),
            role: inv.role,
            approverName: p.displayName,
            link: `${this.config.publicUrl}/spaces/${space.id}`,
            ...(reason ? { reason } : {}),
          },
          subjectType: 'Invitation',
          subjectId: inv.id,
        },
      ]);
      tx.audit({ subjectType: 'Invitation', subjectId: inv.id, details: { status: inv.status, reason } });
      return inv;
    });
  }

  /** Space then invitation, locked; NOT_FOUND unless the caller reads the invitation. */
  private async lockForDecision(
    tx: WriteTx,
    actor: WriteActor,
    id: string,
  ): Promise<{ inv: Invitation; space: Space }> {
    const { inv, space } = await this.lockInvitationAndSpace(tx.manager, id);
    if (!inv || !space || !actor.ability.can('read', invitationSubject(inv)))
      throw WriteException.notFound('Invitation', id);
    return { inv, space };
  }

  /**
   * For the invitee's answers: NOT_FOUND unless the caller reads it (the audit says whether
   * it was for another organisation or another address); NOT_INVITEE when they read it
   * otherwise than as its invitee (the inviter, a leader, an overseer).
   */
  private async lockAsInvitee(tx: WriteTx, actor: WriteActor, id: string): Promise<{ inv: Invitation; space: Space }> {
    const p = actor.principal;
    const { inv, space } = await this.lockInvitationAndSpace(tx.manager, id);
    if (!inv || !space) throw WriteException.notFound('Invitation', id);
    const subject = invitationSubject(inv);
    if (!actor.ability.can('read', subject)) {
      const why = inv.organizationId !== p.organizationId ? 'wrong_organization' : 'wrong_email';
      throw WriteException.notFound('Invitation', id, why);
    }
    if (!actor.ability.can('accept', subject)) {
      throw new WriteException(WriteErrorCode.NOT_INVITEE, 'Only the invitee may answer an invitation', {
        invitationId: inv.id,
      });
    }
    return { inv, space };
  }

  private async lockInvitationAndSpace(
    m: EntityManager,
    id: string,
  ): Promise<{ inv: Invitation | null; space: Space | null }> {
    const uuid = parseId(id);
    const peek = uuid ? await this.invitations.peekInvitation(m, uuid) : null;
    if (!peek) return { inv: null, space: null };
    const space = await this.invitations.lockSpace(m, peek.spaceId, 'share');
    const inv = await this.invitations.lockInvitation(m, peek.id);
    return { inv, space };
  }

  private assertCounts(me: User, org: Organization): void {
    if (org.status !== OrganizationStatus.ACTIVE) {
      throw new WriteException(WriteErrorCode.ORGANIZATION_SUSPENDED, 'Your organisation is suspended', {
        organizationId: org.id,
      });
    }
    if (me.status !== UserStatus.ACTIVE || !userCounts(me, org)) {
      throw new WriteException(WriteErrorCode.USER_DISABLED, 'Your account is disabled', { userId: me.id });
    }
  }

  /** An external grant's sponsor: an active host user, by default the inviter. */
  private async sponsorOf(
    m: EntityManager,
    p: Principal,
    external: boolean,
    asked: string | null | undefined,
  ): Promise<string | null> {
    const given = asked !== null && asked !== undefined;
    if (!external) {
      if (given) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'A sponsor is named only for an external invitee', {
          field: 'sponsorId',
        });
      }
      return null;
    }
    const sponsorId = given ? parseId(asked) : p.userId;
    if (!sponsorId || !(await this.invitations.isActiveHostUser(m, sponsorId))) {
      throw new WriteException(WriteErrorCode.SPONSOR_INVALID, 'The sponsor must be an active user of the host', {
        field: 'sponsorId',
      });
    }
    return sponsorId;
  }

  /** Creates the membership, or brings back the user's former row in the space (one row per user and space). */
  private async grant(
    m: EntityManager,
    row: Membership | null,
    values: Pick<
      Membership,
      'userId' | 'userOrganizationId' | 'spaceId' | 'role' | 'expiresAt' | 'grantedById' | 'sponsorId' | 'invitationId'
    >,
  ): Promise<Membership> {
    const fresh = {
      ...values,
      status: MembershipStatus.ACTIVE,
      suspensionCause: null,
      endedAt: null,
      endReason: null,
      renewalRequestedAt: null,
    };
    if (row) return m.save(Object.assign(row, fresh));
    return m.save(m.create(Membership, fresh));
  }

  /** The invitation goes out: the invitee is mailed, and told in the app if they have an account. */
  private async sendInvitation(
    m: EntityManager,
    inv: Invitation,
    space: Space,
    org: Organization,
    inviterName: string,
  ): Promise<void> {
    const params = {
      spaceName: space.name,
      inviterName,
      organizationName: org.name,
      message: inv.message,
      role: inv.role,
      // The mail's words: `expiresAt` is the end of the grant, `invitationExpiresAt` the invitation's own.
      expiresAt: inv.membershipExpiresAt?.toISOString() ?? null,
      invitationExpiresAt: inv.expiresAt.toISOString(),
    };
    const common = { template: 'invitation' as const, subjectType: 'Invitation', subjectId: inv.id };
    const signIn = (email: string, connectionId: string | null) =>
      connectionId
        ? `${this.config.publicUrl}/auth/saml/${connectionId}/login`
        : `${this.config.publicUrl}/auth/discover?email=${encodeURIComponent(email)}`;
    const connectionId = await this.invitations.onlyActiveConnection(m, org.id);
    let recipients: Recipient[];
    const mails: MailInput[] = [];
    if (inv.email) {
      const user = await this.invitations.userByEmail(m, inv.email);
      recipients = user ? [{ id: user.id, displayName: user.displayName, email: user.email }] : [];
      mails.push({
        ...common,
        to: user ? { userId: user.id } : { email: inv.email },
        params: { ...params, link: signIn(inv.email, connectionId) },
      });
    } else {
      recipients = await this.invitations.usersOfOrganization(m, org.id);
      for (const r of recipients) {
        mails.push({
          ...common,
          to: { userId: r.id },
          params: { ...params, link: signIn(r.email, connectionId) },
        });
      }
    }
    await this.mail.enqueue(m, mails);
    await this.notifications.notify(
      m,
      recipients.map((r) =>
        this.notice(inv, r.id, 'invitation.received', {
          role: inv.role,
          invitedById: inv.invitedById,
          expiresAt: inv.expiresAt.toISOString(),
        }),
      ),
    );
  }

  /** Four eyes: the space's other OWNERs are asked (the host's administrators when there is none). */
  private async askApproval(
    m: EntityManager,
    inv: Invitation,
    space: Space,
    org: Organization,
    p: Principal,
    now: Date,
  ): Promise<void> {
    let approvers = await this.invitations.otherOwners(m, space.id, p.userId, now);
    if (approvers.length === 0) approvers = await this.invitations.hostAdmins(m, p.userId);
    await this.notifications.notify(
      m,
      approvers.map((a) =>
        this.notice(inv, a.id, 'invitation.approval_needed', { invitedById: p.userId, role: inv.role }),
      ),
    );
    await this.mail.enqueue(
      m,
      approvers.map((a) => ({
        to: { userId: a.id },
        template: 'invitation.approval_needed' as const,
        params: {
          spaceName: space.name,
          inviterName: p.displayName,
          ...(inv.email ? { inviteeEmail: inv.email } : {}),
          organizationName: org.name,
          role: inv.role,
          expiresAt: inv.membershipExpiresAt?.toISOString() ?? null,
          link: `${this.config.publicUrl}/spaces/${space.id}`,
        },
        subjectType: 'Invitation',
        subjectId: inv.id,
      })),
    );
  }

  private notice(
    inv: Invitation,
    userId: string,
    kind: NotifyInput['kind'],
    data: Record<string, unknown>,
  ): NotifyInput {
    return { userId, kind, spaceId: inv.spaceId, subjectType: 'Invitation', subjectId: inv.id, data };
  }
}

function archived(space: Space): WriteException {
  return new WriteException(WriteErrorCode.SPACE_ARCHIVED, 'The space is archived: it is read-only', {
    spaceId: space.id,
  });
}
