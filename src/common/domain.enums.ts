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
  /** Ended for now; `suspensionCause` says what may restore it. */
  SUSPENDED = 'SUSPENDED',
  REVOKED = 'REVOKED',
  /** Lapsed at its expiry, nobody having renewed it. */
  EXPIRED = 'EXPIRED',
  /** The member left the space. */
  LEFT = 'LEFT',
}

/** Why a membership is SUSPENDED: each is lifted only by its own cause going away. */
export enum SuspensionCause {
  /** The member's effective clearance no longer reaches the space's classification. */
  CLEARANCE = 'CLEARANCE',
  /** The member's organisation is suspended (kill switch). */
  ORGANIZATION_SUSPENDED = 'ORGANIZATION_SUSPENDED',
  /** The member is disabled (kill switch for one person). */
  USER_DISABLED = 'USER_DISABLED',
}

export enum InvitationStatus {
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
  /** Refused at four-eyes approval. */
  REJECTED = 'REJECTED',
}

/** The language of what people read (mails, notices); French by default. */
export enum Locale {
  FR = 'fr',
  EN = 'en',
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
/** While an open risk of impact >= 3 stands, new external grants last this long at most. */
export const RISKY_SPACE_MEMBERSHIP_MAX_DAYS = 30;
/** External invitations to spaces classified at least this need a second approver. */
export const FOUR_EYES_CLASSIFICATION = 2;

/** Roles an external user can never hold in a space. */
export const HOST_ONLY_SPACE_ROLES: readonly MembershipRole[] = [MembershipRole.OWNER, MembershipRole.ANIMATOR];
/** Roles that may only be held by users of the host organisation. */
export const HOST_ONLY_USER_ROLES: readonly UserRole[] = [UserRole.HOST_ADMIN, UserRole.SECURITY_REVIEWER];
/** Roles that may only be held by users outside the host organisation. */
export const PARTNER_ONLY_USER_ROLES: readonly UserRole[] = [UserRole.PARTNER_ADMIN];
