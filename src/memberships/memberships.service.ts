import { Injectable } from '@nestjs/common';
import { AbilityFactory } from '../access/ability.factory';
import { asSubject } from '../access/subjects';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { isOverseer } from '../auth/principal';
import { membershipActive } from '../auth/membership-rules';
import { Clock } from '../common/clock';
import { MembershipRole, MembershipStatus, SpaceStatus } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Membership } from '../database/entities/membership.entity';
import { UpdateMembershipInput } from './dto/update-membership.input';
import { resolveGrant, spaceIsRisky } from './grant-rules';
import { MembershipNotices } from './membership-notices';
import { LockedGrant, MembershipsRepository } from './memberships.repository';
import { transferSponsorships } from './sponsorship';

const MAX_REASON_LENGTH = 1000;

type GrantAction = 'update' | 'renew' | 'revoke' | 'leave';

/**
 * Changes to grants: role and expiry, extension and renewal, revocation, leaving. Each runs in
 * one transaction (WriteRunner) under a lock on the space row, then on the grant; each checks
 * in order that the caller sees the grant (NOT_FOUND, like a missing one), that the write rule
 * lets them act (FORBIDDEN), then the state and the values (CONFLICT, BAD_USER_INPUT).
 */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly writes: WriteRunner,
    private readonly repository: MembershipsRepository,
    private readonly notices: MembershipNotices,
    private readonly clock: Clock,
    private readonly abilities: AbilityFactory,
  ) {}

  updateMembership(actor: WriteActor, id: string, input: UpdateMembershipInput): Promise<Membership> {
    return this.writes.run(actor, 'membership.update', { type: 'Membership', id }, async (tx) => {
      const now = this.clock.now();
      const grant = await this.lockVisible(tx, actor, id);
      const m = grant.membership;
      this.authorize(grant.actor, 'update', grant);
      const role = input.role ?? m.role;
      // An ANIMATOR manages MEMBER and OBSERVER grants, and cannot make one an OWNER or ANIMATOR.
      if (role !== m.role) this.authorize(grant.actor, 'update', grant, role);
      this.refuseArchived(grant);
      this.refuseInactive(m, now);
      if ((input.role === undefined || input.role === null) && input.expiresAt === undefined) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Nothing to change: give a role or an expiry', {
          subjectId: m.id,
        });
      }
      if (grant.member.external && input.expiresAt === null) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'An external grant always expires', { subjectId: m.id });
      }
      const risky = await spaceIsRisky(tx.manager, m.spaceId);
      const resolved = resolveGrant(
        { external: grant.member.external, role, expiresAt: input.expiresAt ?? null },
        { now, risky },
      );
      const expiresAt = input.expiresAt === undefined ? m.expiresAt : resolved.expiresAt;
      if (m.role === MembershipRole.OWNER && role !== MembershipRole.OWNER) {
        await this.refuseLastOwner(tx, grant, now, 'demoted');
      }
      const before = { role: m.role, expiresAt: m.expiresAt?.toISOString() ?? null };
      const after = { role, expiresAt: expiresAt?.toISOString() ?? null };
      const expiryMoved = before.expiresAt !== after.expiresAt;
      m.role = role;
      m.expiresAt = expiresAt;
      if (expiryMoved) m.renewalRequestedAt = null;
      const saved = await tx.manager.save(Membership, m);
      tx.audit({
        subjectType: 'Membership',
        subjectId: m.id,
        details: { spaceId: m.spaceId, memberId: m.userId, before, after },
      });
      if (m.userId !== actor.principal.userId) {
        await this.notices.notify(tx.manager, [
          {
            userId: m.userId,
            kind: 'membership.changed',
            spaceId: m.spaceId,
            subjectType: 'Membership',
            subjectId: m.id,
            data: { membershipId: m.id, before, after },
          },
        ]);
      }
      return saved;
    });
  }

  /** Moves a grant's expiry later; same authority as updateMembership. */
  extendMembership(actor: WriteActor, id: string, until: Date): Promise<Membership> {
    return this.prolong(actor, id, until, 'update', 'membership.extend');
  }

  /** Renews a grant before it lapses: its managers, or its sponsor. */
  renewMembership(actor: WriteActor, id: string, until: Date): Promise<Membership> {
    return this.prolong(actor, id, until, 'renew', 'membership.renew');
  }

  revokeMembership(actor: WriteActor, id: string, reason: string): Promise<Membership> {
    return this.writes.run(actor, 'membership.revoke', { type: 'Membership', id }, async (tx) => {
      const now = this.clock.now();
      const grant = await this.lockVisible(tx, actor, id);
      const m = grant.membership;
      this.authorize(grant.actor, 'revoke', grant);
      this.refuseArchived(grant);
      const why = reason.trim();
      if (!why || why.length > MAX_REASON_LENGTH) {
        throw new WriteException(
          WriteErrorCode.INVALID_INPUT,
          `A reason is required (1 to ${MAX_REASON_LENGTH} characters)`,
          { subjectId: m.id },
        );
      }
      return this.revokeLocked(tx, grant, why, actor.principal.displayName, now);
    });
  }

  /**
   * Ends a grant, locked and authorised by the caller, as REVOKED: revokeMembership's effect
   * (the grant's sponsorships in the space move, the member is told), for writers that
   * authorise it their own way (a recertification campaign's revokeGrant).
   */
  async revokeLocked(
    tx: WriteTx,
    grant: LockedGrant,
    why: string,
    revokedByName: string,
    now: Date,
  ): Promise<Membership> {
    const m = grant.membership;
    if (m.status !== MembershipStatus.ACTIVE && m.status !== MembershipStatus.SUSPENDED) {
      throw this.notActive(m);
    }
    if (m.role === MembershipRole.OWNER) await this.refuseLastOwner(tx, grant, now, 'revoked');
    const before = m.status;
    const saved = await this.end(tx, m, MembershipStatus.REVOKED, now, why);
    const moved = await transferSponsorships(tx.manager, m.userId, now, { spaceId: m.spaceId });
    await this.notices.sponsorshipsMoved(tx.manager, moved, m.userId);
    tx.audit({
      action: 'membership.revoke',
      subjectType: 'Membership',
      subjectId: m.id,
      details: {
        spaceId: m.spaceId,
        memberId: m.userId,
        role: m.role,
        before,
        reason: why,
        movedSponsorships: moved.map((s) => ({ membershipId: s.membershipId, newSponsorId: s.newSponsorId })),
      },
    });
    await this.notices.notify(tx.manager, [
      {
        userId: m.userId,
        kind: 'membership.revoked',
        spaceId: m.spaceId,
        subjectType: 'Membership',
        subjectId: m.id,
        data: { membershipId: m.id, reason: why },
      },
    ]);
    await this.notices.enqueue(tx.manager, [
      {
        to: { userId: m.userId },
        template: 'membership.revoked',
        params: {
          memberName: grant.member.displayName,
          spaceName: grant.space.name,
          revokedByName,
          reason: why,
        },
        subjectType: 'Membership',
        subjectId: m.id,
      },
    ]);
    return saved;
  }

  /** Ends the caller's own active grant in a space; their sponsorships there move to its other OWNERs. */
  leaveSpace(actor: WriteActor, spaceId: string): Promise<Membership> {
    return this.writes.run(actor, 'membership.leave', { type: 'Space', id: spaceId }, async (tx) => {
      const now = this.clock.now();
      const uuid = parseId(spaceId);
      const grant = uuid
        ? await this.repository.lockGrant(tx.manager, { spaceId: uuid, userId: actor.principal.userId })
        : null;
      // Nothing to leave, or a space the caller does not see: the answer for a missing space.
      if (
        !grant ||
        !membershipActive(grant.membership, now) ||
        !actor.ability.can(
          'read',
          asSubject('Space', { id: grant.space.id, classification: grant.space.classification }),
        )
      ) {
        throw WriteException.notFound('Space', spaceId);
      }
      const m = grant.membership;
      this.authorize(actor, 'leave', grant);
      this.refuseArchived(grant);
      if (m.role === MembershipRole.OWNER) await this.refuseLastOwner(tx, grant, now, 'left');
      const saved = await this.end(tx, m, MembershipStatus.LEFT, now, 'left');
      const moved = await transferSponsorships(tx.manager, m.userId, now, { spaceId: m.spaceId });
      await this.notices.sponsorshipsMoved(tx.manager, moved, m.userId);
      tx.audit({
        subjectType: 'Membership',
        subjectId: m.id,
        details: {
          spaceId: m.spaceId,
          role: m.role,
          movedSponsorships: moved.map((s) => ({ membershipId: s.membershipId, newSponsorId: s.newSponsorId })),
        },
      });
      return saved;
    });
  }

  private prolong(
    actor: WriteActor,
    id: string,
    until: Date,
    action: 'update' | 'renew',
    auditAction: string,
  ): Promise<Membership> {
    return this.writes.run(actor, auditAction, { type: 'Membership', id }, async (tx) => {
      const now = this.clock.now();
      const grant = await this.lockVisible(tx, actor, id);
      const m = grant.membership;
      this.authorize(grant.actor, action, grant);
      this.refuseArchived(grant);
      // A lapsed grant is not brought back: its member is invited again.
      this.refuseInactive(m, now);
      if (!m.expiresAt) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'This grant has no expiry to move', {
          subjectId: m.id,
        });
      }
      if (until.getTime() <= m.expiresAt.getTime()) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'The new expiry must be later than the current one', {
          subjectId: m.id,
          expiresAt: m.expiresAt.toISOString(),
          until: until.toISOString(),
        });
      }
      const risky = grant.member.external ? await spaceIsRisky(tx.manager, m.spaceId) : false;
      const { expiresAt } = resolveGrant(
        { external: grant.member.external, role: m.role, expiresAt: until },
        { now, risky },
      );
      const before = m.expiresAt.toISOString();
      m.expiresAt = expiresAt;
      m.renewalRequestedAt = null;
      const saved = await tx.manager.save(Membership, m);
      const after = expiresAt?.toISOString() ?? null;
      tx.audit({
        subjectType: 'Membership',
        subjectId: m.id,
        details: { spaceId: m.spaceId, memberId: m.userId, before: { expiresAt: before }, after: { expiresAt: after } },
      });
      if (m.userId !== actor.principal.userId) {
        await this.notices.notify(tx.manager, [
          {
            userId: m.userId,
            kind: action === 'renew' ? 'membership.renewed' : 'membership.changed',
            spaceId: m.spaceId,
            subjectType: 'Membership',
            subjectId: m.id,
            data: { membershipId: m.id, before: { expiresAt: before }, after: { expiresAt: after } },
          },
        ]);
      }
      return saved;
    });
  }

  /**
   * The grant, locked, if the caller sees it: their own, one they sponsor, or one in a space
   * they see that the read rule shows them (an active member who counts) or that they run
   * (its OWNERs and ANIMATORs, and the overseers, see its suspended and ended grants too).
   */
  private async lockVisible(tx: WriteTx, caller: WriteActor, id: string): Promise<LockedGrant & { actor: WriteActor }> {
    const uuid = parseId(id);
    const grant = uuid ? await this.repository.lockGrant(tx.manager, { id: uuid }) : null;
    if (!grant) throw WriteException.notFound('Membership', id);
    const actor = await this.current(tx, caller, grant);
    if (!(await this.sees(tx, actor, grant))) throw WriteException.notFound('Membership', id);
    return { ...grant, actor };
  }

  /**
   * The caller as they stand now in the grant's space: their principal was loaded when the
   * request began, and a concurrent write (queued on the same space lock) may have changed
   * their own role there since. Rights in this space are decided on the role read under lock.
   */
  private async current(tx: WriteTx, caller: WriteActor, grant: LockedGrant): Promise<WriteActor> {
    const p = caller.principal;
    const spaceId = grant.space.id;
    const role = await this.repository.activeRoleIn(tx.manager, p.userId, spaceId, this.clock.now());
    const held = p.activeMemberships.find((a) => a.spaceId === spaceId);
    if ((held?.role ?? null) === role) return caller;
    const others = p.activeMemberships.filter((a) => a.spaceId !== spaceId);
    const principal = {
      ...p,
      activeMemberships: role
        ? [...others, { spaceId, role, partnerVisibility: grant.space.partnerVisibility }]
        : others,
    };
    return { ...caller, principal, ability: this.abilities.createFor(principal) };
  }

  private async sees(tx: WriteTx, actor: WriteActor, grant: LockedGrant): Promise<boolean> {
    const p = actor.principal;
    const m = grant.membership;
    if (m.userId === p.userId || m.sponsorId === p.userId) return true;
    const space = asSubject('Space', { id: grant.space.id, classification: grant.space.classification });
    if (!actor.ability.can('read', space)) return false;
    const leads = p.activeMemberships.some(
      (a) => a.spaceId === m.spaceId && (a.role === MembershipRole.OWNER || a.role === MembershipRole.ANIMATOR),
    );
    if (leads || isOverseer(p)) return true;
    return this.repository.readable(tx.manager, actor.ability, m.id);
  }

  private authorize(actor: WriteActor, action: GrantAction, grant: LockedGrant, role?: MembershipRole): void {
    const m = grant.membership;
    const facts = { id: m.id, spaceId: m.spaceId, userId: m.userId, role: role ?? m.role, sponsorId: m.sponsorId };
    if (actor.ability.can(action, asSubject('Membership', facts))) return;
    const messages: Record<GrantAction, string> = {
      update: role
        ? `Only an OWNER of the space or a HOST_ADMIN can make a grant ${role}`
        : 'Only the space’s OWNERs (ANIMATORs: MEMBER and OBSERVER grants) or a HOST_ADMIN can change this grant',
      renew:
        'Only the grant’s sponsor, the space’s OWNERs (ANIMATORs: MEMBER and OBSERVER grants) or a HOST_ADMIN can renew it',
      revoke: 'Only the space’s OWNERs (ANIMATORs: MEMBER and OBSERVER grants) or a HOST_ADMIN can revoke this grant',
      leave: 'Only the member can leave through their own grant',
    };
    throw new WriteException(WriteErrorCode.ROLE_REQUIRED, messages[action], {
      subjectId: m.id,
      action,
      role: facts.role,
    });
  }

  private refuseArchived(grant: LockedGrant): void {
    if (grant.space.status === SpaceStatus.ARCHIVED) {
      throw new WriteException(WriteErrorCode.SPACE_ARCHIVED, 'The space is archived: its grants cannot change', {
        subjectId: grant.membership.id,
        spaceId: grant.space.id,
      });
    }
  }

  private refuseInactive(m: Membership, now: Date): void {
    if (!membershipActive(m, now)) throw this.notActive(m);
  }

  private notActive(m: Membership): WriteException {
    return new WriteException(WriteErrorCode.MEMBERSHIP_NOT_ACTIVE, 'This grant is no longer active', {
      subjectId: m.id,
      status: m.status,
      expiresAt: m.expiresAt?.toISOString() ?? null,
    });
  }

  /** A space always keeps one OWNER who runs it (counted under the space's lock). */
  private async refuseLastOwner(tx: WriteTx, grant: LockedGrant, now: Date, verb: string): Promise<void> {
    const owners = await this.repository.liveOwnerIds(tx.manager, grant.space.id, now);
    const others = owners.filter((u) => u !== grant.membership.userId);
    if (owners.includes(grant.membership.userId) && others.length === 0) {
      throw new WriteException(
        WriteErrorCode.LAST_OWNER,
        `The last OWNER of a space cannot be ${verb}: make another OWNER first`,
        { subjectId: grant.membership.id, spaceId: grant.space.id },
      );
    }
  }

  private end(tx: WriteTx, m: Membership, status: MembershipStatus, now: Date, reason: string): Promise<Membership> {
    m.status = status;
    m.endedAt = now;
    m.endReason = reason;
    m.suspensionCause = null;
    m.renewalRequestedAt = null;
    return tx.manager.save(Membership, m);
  }
}
