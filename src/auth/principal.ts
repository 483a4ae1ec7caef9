import { MembershipRole, OrganizationKind, PartnerVisibility, UserRole } from '../common/domain.enums';

/** One of the caller's active memberships (DESIGN.md section 2), as facts for the rules. */
export interface ActiveMembership {
  spaceId: string;
  role: MembershipRole;
  partnerVisibility: PartnerVisibility;
}

/** Who is calling, resolved once per request from a session cookie or a bearer token. */
export interface Principal {
  userId: string;
  organizationId: string;
  organizationKind: OrganizationKind;
  hostOrganizationId: string;
  email: string;
  displayName: string;
  /** min(user.clearance, organization.clearanceCap). */
  effectiveClearance: number;
  roles: UserRole[];
  isHost: boolean;
  activeMemberships: ActiveMembership[];
  /** The instant the rules are evaluated at. */
  now: Date;
  /** How the caller authenticated. */
  via: { kind: 'session' | 'token'; id: string };
}

export function hasRole(p: Principal, role: UserRole): boolean {
  return p.roles.includes(role);
}

/** HOST_ADMIN and SECURITY_REVIEWER see every space, person and organisation (not content). */
export function isOverseer(p: Principal): boolean {
  return p.isHost && (hasRole(p, UserRole.HOST_ADMIN) || hasRole(p, UserRole.SECURITY_REVIEWER));
}
