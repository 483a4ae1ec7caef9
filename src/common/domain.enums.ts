// Enumerations shared by every module; values are stored as-is in PostgreSQL.

export enum OrganizationKind {
  HOST = 'HOST',
  PARTNER = 'PARTNER',
  CLIENT = 'CLIENT',
}

export enum OrganizationStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
}

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}

export enum UserRole {
  HOST_ADMIN = 'HOST_ADMIN',
  SECURITY_REVIEWER = 'SECURITY_REVIEWER',
  PARTNER_ADMIN = 'PARTNER_ADMIN',
}

export enum SpaceStatus {
  PILOT = 'PILOT',
  ACTIVE = 'ACTIVE',
  ARCHIVED = 'ARCHIVED',
}

export enum PartnerVisibility {
  OPEN = 'OPEN',
  HUB = 'HUB',
}

export enum MembershipRole {
  OWNER = 'OWNER',
  ANIMATOR = 'ANIMATOR',
  MEMBER = 'MEMBER',
  OBSERVER = 'OBSERVER',
}

export enum MembershipStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  REVOKED = 'REVOKED',
}

export enum InvitationStatus {
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

export enum ConnectionStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}

export enum SsoBinding {
  REDIRECT = 'REDIRECT',
  POST = 'POST',
}

/** One scale everywhere: the impact scale of a risk map. */
export enum Label {
  NOT_SIGNIFICANT = 0,
  LOW = 1,
  SENSITIVE = 2,
  CRITICAL = 3,
  STRATEGIC = 4,
}

export const MAX_LEVEL = 4;
export const EXTERNAL_MEMBERSHIP_DEFAULT_DAYS = 90;
export const EXTERNAL_MEMBERSHIP_MAX_DAYS = 365;

/** Roles an external user can never hold in a space. */
export const HOST_ONLY_SPACE_ROLES: readonly MembershipRole[] = [MembershipRole.OWNER, MembershipRole.ANIMATOR];
/** Roles that may only be held by users of the host organisation. */
export const HOST_ONLY_USER_ROLES: readonly UserRole[] = [UserRole.HOST_ADMIN, UserRole.SECURITY_REVIEWER];
/** Roles that may only be held by users outside the host organisation. */
export const PARTNER_ONLY_USER_ROLES: readonly UserRole[] = [UserRole.PARTNER_ADMIN];
