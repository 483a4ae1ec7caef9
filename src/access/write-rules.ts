import { AbilityBuilder, MongoQuery } from '@casl/ability';
import { MembershipRole, OrganizationKind, UserRole } from '../common/domain.enums';
import { hasRole, isOverseer, Principal } from '../auth/principal';
import { AppAbility } from './subjects';

/** Roles an ANIMATOR may manage: everything below the roles that run a space. */
export const ANIMATOR_MANAGED_ROLES: readonly MembershipRole[] = [MembershipRole.MEMBER, MembershipRole.OBSERVER];

/**
 * Who may *do* what (the write path), as CASL rules beside the read rules. Each rule reads
 * facts the services build for one object (see `write-subjects.ts`): single checks run in
 * memory; the lists (invitations, notifications) are filtered in SQL from the `read` rules.
 *
 * A caller must first see the object (NOT_FOUND otherwise, like a missing one); these rules
 * then decide between doing it and FORBIDDEN. Value rules (an external is never OWNER, an
 * expiry within 365 days, a clearance within the organisation's cap) are checked by the
 * services with their own codes: they are about the input, not about who asks.
 */
export function defineWriteRules({ can, cannot }: AbilityBuilder<AppAbility>, p: Principal): void {
  const admin = p.isHost && hasRole(p, UserRole.HOST_ADMIN);
  const owned = p.activeMemberships.filter((m) => m.role === MembershipRole.OWNER).map((m) => m.spaceId);
  const animated = p.activeMemberships.filter((m) => m.role === MembershipRole.ANIMATOR).map((m) => m.spaceId);
  const led = [...owned, ...animated];

  // Spaces: HOST_ADMIN, or a host user cleared for the classification, opens one; its
  // OWNERs and HOST_ADMIN change, archive and reactivate it; OWNERs and ANIMATORs invite.
  if (admin) can(['create', 'update'], 'Space');
  else if (p.isHost) can('create', 'Space', { classification: { $lte: p.effectiveClearance } });
  if (owned.length) can('update', 'Space', { id: { $in: owned } });
  if (led.length) can('invite', 'Space', { id: { $in: led } });

  // Invitations. Read: the space's leaders, the inviter, the invitee (by email or as a user
  // of the invited organisation), and the overseers. Approve: a second OWNER or HOST_ADMIN,
  // never the inviter. Revoke: the inviter, the space's OWNERs, HOST_ADMIN.
  const invitee: MongoQuery[] = [
    { organizationId: p.organizationId, wholeOrganization: true },
    { organizationId: p.organizationId, email: p.email },
  ];
  if (isOverseer(p)) can('read', 'Invitation');
  if (led.length) can('read', 'Invitation', { spaceId: { $in: led } });
  can('read', 'Invitation', { invitedById: p.userId });
  for (const conditions of invitee) can(['read', 'accept'], 'Invitation', conditions);
  if (admin) can('approve', 'Invitation', { invitedById: { $ne: p.userId } });
  if (owned.length) can('approve', 'Invitation', { spaceId: { $in: owned }, invitedById: { $ne: p.userId } });
  if (admin) can('revoke', 'Invitation');
  if (owned.length) can('revoke', 'Invitation', { spaceId: { $in: owned } });
  can('revoke', 'Invitation', { invitedById: p.userId });

  // Memberships. OWNERs and HOST_ADMIN manage every grant of their spaces; ANIMATORs the
  // MEMBER and OBSERVER grants. A sponsor renews the grants they sponsor. Anyone leaves.
  const managed: MongoQuery[] = [
    ...(owned.length ? [{ spaceId: { $in: owned } }] : []),
    ...(animated.length ? [{ spaceId: { $in: animated }, role: { $in: [...ANIMATOR_MANAGED_ROLES] } }] : []),
  ];
  if (admin) can(['update', 'renew', 'revoke'], 'Membership');
  for (const conditions of managed) can(['update', 'renew', 'revoke'], 'Membership', conditions);
  can('renew', 'Membership', { sponsorId: p.userId });
  can('leave', 'Membership', { userId: p.userId });

  // Organisations: HOST_ADMIN creates and changes them. The kill switch: HOST_ADMIN, or a
  // sponsor of the organisation's grants; never the host itself.
  if (admin) can(['create', 'update'], 'Organization');
  if (admin) can('suspend', 'Organization', { kind: { $ne: OrganizationKind.HOST } });
  can('suspend', 'Organization', { kind: { $ne: OrganizationKind.HOST }, sponsorIds: p.userId });
  // A sponsor may pull the switch in an emergency; only HOST_ADMIN gives access back.
  if (admin) can('reactivate', 'Organization', { kind: { $ne: OrganizationKind.HOST } });

  // People: HOST_ADMIN sets anyone's clearance and roles; PARTNER_ADMIN their own
  // organisation's (within its cap, checked by the service). Disabling one person: the
  // same, or a sponsor of that person's grants. Nobody disables themselves.
  // Enabling again: HOST_ADMIN or the person's PARTNER_ADMIN, not a sponsor (as for organisations).
  if (admin) can(['update', 'disable', 'enable'], 'User');
  if (!p.isHost && hasRole(p, UserRole.PARTNER_ADMIN)) {
    can(['update', 'disable', 'enable'], 'User', { organizationId: p.organizationId });
  }
  can('disable', 'User', { sponsorIds: p.userId });
  // Everyone chooses the language of their own mails and notices (and nothing else of theirs).
  can('update', 'User', ['locale'], { id: p.userId });
  cannot('disable', 'User', { id: p.userId });

  // Notifications: one's own, always.
  can(['read', 'update'], 'Notification', { userId: p.userId });

  // People's profiles (the directory of experts): each person writes their own, nobody else.
  can('update', 'User', PROFILE_FIELDS, { id: p.userId });
  cannot('update', 'User', PROFILE_FIELDS, { id: { $ne: p.userId } });

  defineConversationRules({ can }, p, { admin, led });
}

/** The fields of a person's profile in the directory of experts, written only by that person. */
export const PROFILE_FIELDS = ['jobTitle', 'skills', 'bio', 'hiddenFromExternals'];

/** Roles that write in a space; an OBSERVER only reads and reacts. */
export const WRITER_ROLES: readonly MembershipRole[] = [
  MembershipRole.OWNER,
  MembershipRole.ANIMATOR,
  MembershipRole.MEMBER,
];

/**
 * Conversations. Facts for these checks (built by the services, in memory): a Space's `id`;
 * a Post's or Comment's `id`, `spaceId` and `authorId`; a RiskEntry's `spaceId`. The caller
 * must first read the object (NOT_FOUND otherwise); a space's ARCHIVED status, label bounds
 * and the like are the services' CONFLICT / BAD_USER_INPUT checks.
 *
 * - `post` in a space and `comment` on its posts: an active membership that writes (not OBSERVER).
 * - `react` to a post or comment: any active membership in its space, OBSERVER included.
 * - `edit` and `delete`: the author, while still a writer of the space.
 * - `moderate` (hide, unhide, relabel): the space's OWNERs and ANIMATORs.
 * - The risk map: its OWNERs and ANIMATORs and SECURITY_REVIEWERs create and update entries.
 * - `readHealth`: the space's OWNERs and ANIMATORs, and HOST_ADMIN.
 */
function defineConversationRules(
  { can }: Pick<AbilityBuilder<AppAbility>, 'can'>,
  p: Principal,
  { admin, led }: { admin: boolean; led: string[] },
): void {
  const writes = p.activeMemberships.filter((m) => WRITER_ROLES.includes(m.role)).map((m) => m.spaceId);
  const reads = p.activeMemberships.map((m) => m.spaceId);
  if (writes.length) {
    can('post', 'Space', { id: { $in: writes } });
    can('comment', 'Post', { spaceId: { $in: writes } });
    can(['edit', 'delete'], ['Post', 'Comment'], { spaceId: { $in: writes }, authorId: p.userId });
  }
  if (reads.length) can('react', ['Post', 'Comment'], { spaceId: { $in: reads } });
  if (led.length) {
    can('moderate', ['Post', 'Comment'], { spaceId: { $in: led } });
    can(['create', 'update'], 'RiskEntry', { spaceId: { $in: led } });
    can('readHealth', 'Space', { id: { $in: led } });
  }
  if (p.isHost && hasRole(p, UserRole.SECURITY_REVIEWER)) can(['create', 'update'], 'RiskEntry');
  if (admin) can('readHealth', 'Space');
}
