import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { asSubject } from '../access/subjects';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { hasRole } from '../auth/principal';
import { Clock } from '../common/clock';
import {
  HOST_ONLY_USER_ROLES,
  Locale,
  MAX_LEVEL,
  OrganizationKind,
  PARTNER_ONLY_USER_ROLES,
  UserRole,
  UserStatus,
} from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Organization } from '../database/entities/organization.entity';
import { User } from '../database/entities/user.entity';
import { recordReevaluation, reevaluateMemberships } from '../memberships/membership-reevaluation';
import { NotificationsService } from '../notifications/notifications.service';
import { UpdateProfileInput } from './dto/update-profile.input';
import { UpdateUserInput } from './dto/update-user.input';
import { givenProfileFields, normalizeProfile, PROFILE_INPUT_FIELDS, ProfileField } from './profile';

/** Serialises changes of HOST_ADMIN roles, so that two admins never remove each other at once. */
const HOST_ADMINS_LOCK = 'passerelle:users.host_admins';

type Field = 'clearance' | 'roles' | 'locale' | ProfileField;

/**
 * People's clearance, roles and language (issue 8, item 7). HOST_ADMIN for anyone,
 * PARTNER_ADMIN for their own organisation's people within its cap, everyone for their own
 * language. A clearance change re-evaluates the person's memberships in the same transaction.
 * The profile of the directory of experts (job title, skills, bio, hidden from externals) is
 * written by the person themself only (CASL PROFILE_FIELDS), through either mutation.
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly access: AccessService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** The caller's own profile in the directory of experts. */
  updateProfile(actor: WriteActor, input: UpdateProfileInput): Promise<User> {
    const profile = { jobTitle: input.jobTitle, skills: input.skills, bio: input.bio };
    return this.update(
      actor,
      actor.principal.userId,
      { ...profile, hiddenFromExternals: input.hiddenFromExternals },
      'user.update_profile',
    );
  }

  update(actor: WriteActor, id: string, input: UpdateUserInput, action = 'user.update'): Promise<User> {
    const profileOnly = action === 'user.update_profile';
    return this.runner.run(actor, action, { type: 'User', id }, async (tx) => {
      const { principal: p, ability } = actor;
      const given: Field[] = [
        ...(['clearance', 'roles', 'locale'] as const).filter((f) => input[f] !== undefined && input[f] !== null),
        ...givenProfileFields(input),
      ];
      // Role changes queue behind each other: the last HOST_ADMIN is counted under this lock.
      if (given.includes('roles')) {
        await tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [HOST_ADMINS_LOCK]);
      }
      const user = await this.lockVisible(tx, actor, id);
      const organization = await tx.manager
        .createQueryBuilder(Organization, 'o')
        .where('o.id = :id', { id: user.organizationId })
        .setLock('pessimistic_read')
        .getOneOrFail();
      const subject = asSubject('User', {
        id: user.id,
        organizationId: user.organizationId,
        sponsorIds: await this.sponsorIds(tx, user.id),
      });
      const checked: Field[] = given.length ? given : profileOnly ? [...PROFILE_INPUT_FIELDS] : ['clearance'];
      const refused = checked.filter((f) => !ability.can('update', subject, f));
      const profileRefused = refused.filter((f) => (PROFILE_INPUT_FIELDS as readonly string[]).includes(f));
      if (profileRefused.length) {
        throw new WriteException(
          WriteErrorCode.NOT_PROFILE_OWNER,
          'Only the person themself writes their profile (job title, skills, bio, hidden from externals)',
          { subjectType: 'User', subjectId: user.id, fields: profileRefused },
        );
      }
      if (refused.length) {
        throw new WriteException(
          WriteErrorCode.ROLE_REQUIRED,
          given.includes('locale') && refused.every((f) => f !== 'locale')
            ? `You may not change this person's ${refused.join(' or ')}`
            : "Only HOST_ADMIN, or a PARTNER_ADMIN for their own organisation's people, changes a person's clearance and roles",
          { subjectType: 'User', subjectId: user.id, fields: refused },
        );
      }
      if (given.length === 0) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Nothing to change: give at least one field');
      }

      const admin = p.isHost && hasRole(p, UserRole.HOST_ADMIN);
      const host = organization.kind === OrganizationKind.HOST;
      const after: Partial<Pick<User, Field>> = {};
      if (input.clearance !== undefined && input.clearance !== null) {
        after.clearance = clearanceLevel(input.clearance);
        // A HOST_ADMIN may store any level: the cap still bounds the effective clearance.
        if (!admin && after.clearance > organization.clearanceCap) {
          throw new WriteException(
            WriteErrorCode.ABOVE_ORGANIZATION_CAP,
            `The organisation's clearance cap is ${organization.clearanceCap}: a clearance above it is set by a HOST_ADMIN only`,
            { clearance: after.clearance, clearanceCap: organization.clearanceCap },
          );
        }
      }
      if (input.roles !== undefined && input.roles !== null) {
        after.roles = [...new Set(input.roles)].sort();
        const misplaced = after.roles.filter((r) =>
          host ? PARTNER_ONLY_USER_ROLES.includes(r) : HOST_ONLY_USER_ROLES.includes(r),
        );
        if (misplaced.length) {
          throw new WriteException(
            WriteErrorCode.ROLE_NOT_FOR_ORGANIZATION,
            host
              ? `${misplaced.join(', ')} is held by users outside the host only`
              : `${misplaced.join(', ')} is held by host users only`,
            { roles: misplaced, organizationKind: organization.kind },
          );
        }
        const hostRolesChange = HOST_ONLY_USER_ROLES.some(
          (r) => user.roles.includes(r) !== (after.roles ?? []).includes(r),
        );
        if (hostRolesChange && !admin) {
          throw new WriteException(WriteErrorCode.ROLE_REQUIRED, 'Only HOST_ADMIN grants or removes host roles', {
            subjectType: 'User',
            subjectId: user.id,
          });
        }
        if (user.roles.includes(UserRole.HOST_ADMIN) && !after.roles.includes(UserRole.HOST_ADMIN) && host) {
          const others: unknown[] = await tx.manager.query(
            `SELECT 1 FROM users WHERE organization_id = $1 AND id <> $2 AND status = $3 AND $4 = ANY (roles) LIMIT 1`,
            [organization.id, user.id, UserStatus.ACTIVE, UserRole.HOST_ADMIN],
          );
          if (others.length === 0) {
            throw new WriteException(
              WriteErrorCode.LAST_HOST_ADMIN,
              'This is the last active HOST_ADMIN: name another one before removing this role',
              { subjectType: 'User', subjectId: user.id },
            );
          }
        }
      }
      if (input.locale !== undefined && input.locale !== null) after.locale = input.locale as Locale;
      Object.assign(after, normalizeProfile(input));

      const before = Object.fromEntries(
        (Object.keys(after) as Field[]).map((f) => [f, Array.isArray(user[f]) ? [...(user[f] as string[])] : user[f]]),
      );
      Object.assign(user, after);
      const saved = await tx.manager.save(user);

      const reevaluated =
        before.clearance !== undefined && before.clearance !== saved.clearance
          ? await reevaluateMemberships(tx.manager, { userIds: [saved.id] }, this.clock.now(), 'user.clearance_changed')
          : { suspended: [], restored: [] };
      const effective = Math.min(saved.clearance, organization.clearanceCap);
      await recordReevaluation(tx, this.notifications, reevaluated, { effectiveClearance: effective });
      tx.audit({
        subjectType: 'User',
        subjectId: saved.id,
        details: {
          before,
          after,
          suspendedMembershipIds: reevaluated.suspended.map((m) => m.id),
          restoredMembershipIds: reevaluated.restored.map((m) => m.id),
        },
      });
      return saved;
    });
  }

  /** The person if the caller sees them, locked for the transaction; NOT_FOUND otherwise. */
  private async lockVisible(tx: WriteTx, { ability }: WriteActor, rawId: string): Promise<User> {
    const id = parseId(rawId);
    const visible =
      id &&
      (await this.access
        .restrict(tx.manager.createQueryBuilder(User, 'u').select('u.id').where('u.id = :id', { id }), ability, 'User')
        .getOne());
    if (!id || !visible) throw WriteException.notFound('User', rawId);
    const locked = await tx.manager
      .createQueryBuilder(User, 'u')
      .where('u.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    if (!locked) throw WriteException.notFound('User', rawId);
    return locked;
  }

  /** Users sponsoring a grant of this person (the facts of the User write rules). */
  private async sponsorIds(tx: WriteTx, userId: string): Promise<string[]> {
    const rows: { id: string }[] = await tx.manager.query(
      `SELECT DISTINCT sponsor_id AS id FROM memberships WHERE user_id = $1 AND sponsor_id IS NOT NULL`,
      [userId],
    );
    return rows.map((r) => r.id);
  }
}

function clearanceLevel(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_LEVEL) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `A clearance is a level from 0 to ${MAX_LEVEL}`, {
      field: 'clearance',
      value,
    });
  }
  return value;
}
