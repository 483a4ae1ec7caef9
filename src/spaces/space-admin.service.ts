import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { asSubject } from '../access/subjects';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { effectiveClearanceSql, membershipActiveSql } from '../auth/membership-rules';
import { Clock } from '../common/clock';
import {
  MAX_LEVEL,
  MembershipRole,
  MembershipStatus,
  PartnerVisibility,
  SpaceStatus,
  SuspensionCause,
  UserRole,
} from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import {
  ReevaluatedMembership,
  recordReevaluation,
  reevaluateMemberships,
} from '../memberships/membership-reevaluation';
import { NotificationsService } from '../notifications/notifications.service';
import { CreateSpaceInput } from './dto/create-space.input';
import { UpdateSpaceInput } from './dto/update-space.input';

export const SPACE_NAME_MAX = 200;
export const SPACE_PURPOSE_MAX = 5000;
const WRITABLE_STATUSES: readonly SpaceStatus[] = [SpaceStatus.PILOT, SpaceStatus.ACTIVE];

export interface SpaceUpdateResult {
  space: Space;
  relabelledPosts: number;
  suspendedMemberships: number;
}

/**
 * Opening, changing, archiving and reactivating spaces (issue 8, item 1). Every call runs in
 * one WriteRunner transaction: visibility first (NOT_FOUND, like a missing space), then the
 * CASL write rule (FORBIDDEN), then the values (BAD_USER_INPUT / CONFLICT). A classification
 * raised relabels posts and suspends memberships in the same transaction as the change.
 */
@Injectable()
export class SpaceAdminService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly access: AccessService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  create(actor: WriteActor, input: CreateSpaceInput): Promise<Space> {
    return this.runner.run(actor, 'space.create', { type: 'Space' }, async (tx) => {
      const { principal: p, ability } = actor;
      if (!ability.can('create', 'Space')) {
        throw new WriteException(WriteErrorCode.ROLE_REQUIRED, 'Only HOST_ADMIN or a host user opens a space', {
          organizationKind: p.organizationKind,
        });
      }
      const name = spaceName(input.name);
      const purpose = spacePurpose(input.purpose ?? '');
      const classification = level(input.classification);
      const status = writableStatus(input.status ?? SpaceStatus.ACTIVE);
      const partnerVisibility = input.partnerVisibility ?? PartnerVisibility.OPEN;
      if (!ability.can('create', asSubject('Space', { classification }))) {
        throw new WriteException(
          WriteErrorCode.CLEARANCE_TOO_LOW,
          'You can only open a space classified at most at your own clearance',
          { classification, effectiveClearance: p.effectiveClearance },
        );
      }
      const now = this.clock.now();
      const space = await tx.manager.save(
        tx.manager.create(Space, { name, purpose, classification, status, partnerVisibility }),
      );
      // The creator owns it. A HOST_ADMIN may open a space above their own clearance: the
      // grant is then recorded SUSPENDED (cause CLEARANCE), restored once they are cleared.
      const cleared = (await this.freshClearance(tx.manager, p.userId)) >= classification;
      const owner = await tx.manager.save(
        tx.manager.create(Membership, {
          userId: p.userId,
          userOrganizationId: p.organizationId,
          spaceId: space.id,
          role: MembershipRole.OWNER,
          status: cleared ? MembershipStatus.ACTIVE : MembershipStatus.SUSPENDED,
          suspensionCause: cleared ? null : SuspensionCause.CLEARANCE,
          endedAt: cleared ? null : now,
          endReason: cleared ? null : 'space.create: creator not cleared for the classification',
          expiresAt: null,
          grantedById: p.userId,
          sponsorId: null,
        }),
      );
      if (!cleared) {
        await this.notifications.notify(tx.manager, [
          {
            userId: p.userId,
            kind: 'membership.suspended',
            spaceId: space.id,
            subjectType: 'Membership',
            subjectId: owner.id,
            data: { cause: SuspensionCause.CLEARANCE, classification },
          },
        ]);
      }
      tx.audit({
        subjectType: 'Space',
        subjectId: space.id,
        details: {
          name,
          classification,
          status,
          partnerVisibility,
          ownerMembershipId: owner.id,
          ownerMembershipStatus: owner.status,
        },
      });
      return space;
    });
  }

  update(actor: WriteActor, id: string, input: UpdateSpaceInput): Promise<SpaceUpdateResult> {
    return this.runner.run(actor, 'space.update', { type: 'Space', id }, async (tx) => {
      const space = await this.lockVisible(tx, actor, id);
      this.mayChange(actor, space);
      notArchived(space);
      const { principal: p } = actor;
      const changes: Partial<Space> = {};
      if (input.name !== undefined && input.name !== null) changes.name = spaceName(input.name);
      if (input.purpose !== undefined && input.purpose !== null) changes.purpose = spacePurpose(input.purpose);
      if (input.status !== undefined && input.status !== null) changes.status = writableStatus(input.status);
      if (input.partnerVisibility !== undefined && input.partnerVisibility !== null)
        changes.partnerVisibility = input.partnerVisibility;
      if (input.classification !== undefined && input.classification !== null)
        changes.classification = level(input.classification);
      if (Object.keys(changes).length === 0) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Nothing to change: give at least one field');
      }
      const changed = Object.fromEntries(
        (Object.keys(changes) as (keyof Space)[])
          .filter((k) => changes[k] !== space[k])
          .map((k) => [k, { from: space[k], to: changes[k] }]),
      );

      const before = space.classification;
      const after = changes.classification ?? before;
      const now = this.clock.now();
      let relabelled: string[] = [];
      let suspended: ReevaluatedMembership[] = [];
      let restored: ReevaluatedMembership[] = [];
      if (after > before) {
        const clearance = await this.freshClearance(tx.manager, p.userId);
        const admin = p.isHost && p.roles.includes(UserRole.HOST_ADMIN);
        if (!admin && clearance < after) {
          throw new WriteException(
            WriteErrorCode.CLEARANCE_TOO_LOW,
            'You cannot classify a space above your own clearance',
            { classification: after, effectiveClearance: clearance },
          );
        }
        // Never lock the updater out silently: their own grant would be suspended.
        if (clearance < after && (await this.holdsActiveMembership(tx.manager, p.userId, space.id, now))) {
          throw new WriteException(
            WriteErrorCode.CLEARANCE_TOO_LOW,
            'This classification is above your own clearance: it would suspend your own membership of the space',
            { classification: after, effectiveClearance: clearance },
          );
        }
        // Labels first: the database refuses a classification above any label of the space.
        const rows: [{ id: string }[], number] = await tx.manager.query(
          `UPDATE posts SET label = $2, updated_at = now() WHERE space_id = $1 AND label < $2 RETURNING id`,
          [space.id, after],
        );
        relabelled = rows[0].map((r) => r.id);
      }
      Object.assign(space, changes);
      const saved = await tx.manager.save(space);
      if (after !== before) {
        const reason = after > before ? 'space.classification_raised' : 'space.classification_lowered';
        ({ suspended, restored } = await reevaluateMemberships(tx.manager, { spaceId: space.id }, now, reason));
        await recordReevaluation(tx, this.notifications, { suspended, restored }, { classification: after });
      }

      tx.audit({
        subjectType: 'Space',
        subjectId: space.id,
        details: {
          changed,
          relabelledPosts: relabelled.length,
          suspendedMembershipIds: suspended.map((m) => m.id),
          restoredMembershipIds: restored.map((m) => m.id),
        },
      });
      if (relabelled.length) {
        tx.audit({
          action: 'space.posts.relabel',
          subjectType: 'Space',
          subjectId: space.id,
          details: { label: after, count: relabelled.length, postIds: relabelled },
        });
      }
      return { space: saved, relabelledPosts: relabelled.length, suspendedMemberships: suspended.length };
    });
  }

  archive(actor: WriteActor, id: string): Promise<Space> {
    return this.runner.run(actor, 'space.archive', { type: 'Space', id }, async (tx) => {
      const space = await this.lockVisible(tx, actor, id);
      this.mayChange(actor, space);
      if (space.status === SpaceStatus.ARCHIVED) {
        throw new WriteException(WriteErrorCode.SPACE_ARCHIVED, 'The space is already archived', {
          subjectType: 'Space',
          subjectId: space.id,
        });
      }
      const previous = space.status;
      space.status = SpaceStatus.ARCHIVED;
      const saved = await tx.manager.save(space);
      tx.audit({ subjectType: 'Space', subjectId: space.id, details: { from: previous, to: SpaceStatus.ARCHIVED } });
      return saved;
    });
  }

  reactivate(actor: WriteActor, id: string): Promise<Space> {
    return this.runner.run(actor, 'space.reactivate', { type: 'Space', id }, async (tx) => {
      const space = await this.lockVisible(tx, actor, id);
      this.mayChange(actor, space);
      if (space.status !== SpaceStatus.ARCHIVED) {
        throw new WriteException(WriteErrorCode.SPACE_NOT_ARCHIVED, 'Only an archived space can be reactivated', {
          subjectType: 'Space',
          subjectId: space.id,
          status: space.status,
        });
      }
      space.status = SpaceStatus.ACTIVE;
      const saved = await tx.manager.save(space);
      tx.audit({
        subjectType: 'Space',
        subjectId: space.id,
        details: { from: SpaceStatus.ARCHIVED, to: SpaceStatus.ACTIVE },
      });
      return saved;
    });
  }

  /** The space if the caller sees it, locked for the rest of the transaction; NOT_FOUND otherwise. */
  private async lockVisible(tx: WriteTx, { ability }: WriteActor, rawId: string): Promise<Space> {
    const id = parseId(rawId);
    const visible =
      id &&
      (await this.access
        .restrict(
          tx.manager.createQueryBuilder(Space, 's').select('s.id').where('s.id = :id', { id }),
          ability,
          'Space',
        )
        .getOne());
    if (!id || !visible) throw WriteException.notFound('Space', rawId);
    // Decide on the row as it is once locked: a concurrent change waits, or has happened.
    const locked = await tx.manager
      .createQueryBuilder(Space, 's')
      .where('s.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    if (!locked) throw WriteException.notFound('Space', rawId);
    return locked;
  }

  /** OWNER of the space, or HOST_ADMIN (the CASL rule). */
  private mayChange(actor: WriteActor, space: Space): void {
    if (!actor.ability.can('update', asSubject('Space', { id: space.id, classification: space.classification }))) {
      throw new WriteException(WriteErrorCode.ROLE_REQUIRED, 'Only an OWNER of the space or HOST_ADMIN changes it', {
        subjectType: 'Space',
        subjectId: space.id,
      });
    }
  }

  /** The caller's effective clearance as it stands in this transaction. */
  private async freshClearance(manager: EntityManager, userId: string): Promise<number> {
    const rows: { clearance: number }[] = await manager.query(
      `SELECT ${effectiveClearanceSql('u', 'o')}::int AS clearance
         FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
      [userId],
    );
    return Number(rows[0]?.clearance ?? 0);
  }

  private async holdsActiveMembership(
    manager: EntityManager,
    userId: string,
    spaceId: string,
    now: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM memberships m WHERE m.user_id = $1 AND m.space_id = $2 AND ${membershipActiveSql('m', '$3')}`,
      [userId, spaceId, now],
    );
    return rows.length > 0;
  }
}

/** Every write to an archived space is refused; only reactivateSpace brings it back. */
export function notArchived(space: Space): void {
  if (space.status === SpaceStatus.ARCHIVED) {
    throw new WriteException(WriteErrorCode.SPACE_ARCHIVED, 'The space is archived: it is read-only', {
      subjectType: 'Space',
      subjectId: space.id,
    });
  }
}

function spaceName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > SPACE_NAME_MAX) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `A space's name has 1 to ${SPACE_NAME_MAX} characters`, {
      field: 'name',
    });
  }
  return name;
}

function spacePurpose(raw: string): string {
  const purpose = raw.trim();
  if (purpose.length > SPACE_PURPOSE_MAX) {
    throw new WriteException(
      WriteErrorCode.INVALID_INPUT,
      `A space's purpose has at most ${SPACE_PURPOSE_MAX} characters`,
      { field: 'purpose' },
    );
  }
  return purpose;
}

function level(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_LEVEL) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `A classification is a level from 0 to ${MAX_LEVEL}`, {
      field: 'classification',
      value,
    });
  }
  return value;
}

function writableStatus(status: SpaceStatus): SpaceStatus {
  if (!WRITABLE_STATUSES.includes(status)) {
    throw new WriteException(
      WriteErrorCode.INVALID_INPUT,
      'A space is PILOT or ACTIVE here; archiveSpace archives it and reactivateSpace brings it back',
      { field: 'status', value: status },
    );
  }
  return status;
}
