// The import format of a world: what `TestApp.importWorld` accepts and what the
// reference model reads. Cross references use keys, never ids.

export type OrganizationKind = 'HOST' | 'PARTNER' | 'CLIENT';
export type OrganizationStatus = 'ACTIVE' | 'SUSPENDED';
export type UserStatus = 'ACTIVE' | 'DISABLED';
export type UserRole = 'HOST_ADMIN' | 'SECURITY_REVIEWER' | 'PARTNER_ADMIN';
export type SpaceStatus = 'PILOT' | 'ACTIVE' | 'ARCHIVED';
export type PartnerVisibility = 'OPEN' | 'HUB';
export type MembershipRole = 'OWNER' | 'ANIMATOR' | 'MEMBER' | 'OBSERVER';
export type MembershipStatus = 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
/** 0 NOT_SIGNIFICANT, 1 LOW, 2 SENSITIVE, 3 CRITICAL, 4 STRATEGIC. */
export type Level = 0 | 1 | 2 | 3 | 4;

export interface WorldOrganization {
  key: string;
  id?: string;
  name: string;
  kind: OrganizationKind;
  domains: string[];
  clearanceCap: Level;
  status: OrganizationStatus;
}

export interface WorldUser {
  key: string;
  id?: string;
  /** Key of the user's organisation. */
  organization: string;
  email: string;
  displayName: string;
  clearance: Level;
  status: UserStatus;
  roles: UserRole[];
  skills: string[];
}

export interface WorldSpace {
  key: string;
  id?: string;
  name: string;
  purpose: string;
  classification: Level;
  status: SpaceStatus;
  partnerVisibility: PartnerVisibility;
}

export interface WorldMembership {
  /** Key of the member. */
  user: string;
  /** Key of the space. */
  space: string;
  role: MembershipRole;
  /** Omitted: no expiry for host users, 90 days after import for external users. */
  expiresAt?: string;
  status: MembershipStatus;
}

export interface WorldPost {
  key: string;
  id?: string;
  space: string;
  author: string;
  title: string;
  body: string;
  label: Level;
  hidden: boolean;
  createdAt?: string;
}

export interface WorldComment {
  key: string;
  id?: string;
  post: string;
  author: string;
  body: string;
  createdAt?: string;
}

export interface World {
  organizations: WorldOrganization[];
  users: WorldUser[];
  spaces: WorldSpace[];
  memberships: WorldMembership[];
  posts: WorldPost[];
  comments: WorldComment[];
}
