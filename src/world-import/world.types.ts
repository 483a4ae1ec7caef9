import {
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  OrganizationStatus,
  PartnerVisibility,
  SpaceStatus,
  UserRole,
  UserStatus,
} from '../common/domain.enums';

// The import format, checked in full before anything is written. Every problem names its
// record (`users[3] (key "bob")`) so a person can fix the file without reading code.

export const WORLD_SECTIONS = [
  'organizations',
  'users',
  'spaces',
  'memberships',
  'posts',
  'comments',
  'reactions',
] as const;
export type WorldSection = (typeof WORLD_SECTIONS)[number];

export interface ValidOrganization {
  path: string;
  key: string;
  id: string;
  name: string;
  kind: OrganizationKind;
  domains: string[];
  clearanceCap: number;
  status: OrganizationStatus;
}

export interface ValidUser {
  path: string;
  key: string;
  id: string;
  organizationId: string;
  external: boolean;
  email: string;
  displayName: string;
  /** Undefined when the file does not say: a stored value is then kept. */
  jobTitle: string | null | undefined;
  /** Undefined when the file does not say: a stored value (the person's own words) is then kept. */
  bio: string | undefined;
  clearance: number;
  status: UserStatus;
  roles: UserRole[];
  skills: string[];
}

export interface ValidSpace {
  path: string;
  key: string;
  id: string;
  name: string;
  purpose: string;
  classification: number;
  status: SpaceStatus;
  partnerVisibility: PartnerVisibility;
}

/** The states of a risk entry (the risk map's own module names them for the API). */
export enum WorldRiskStatus {
  OPEN = 'OPEN',
  MITIGATED = 'MITIGATED',
  CLOSED = 'CLOSED',
}

/** An entry of a space's risk map, given inside its space (`spaces[].risks`). */
export interface ValidRisk {
  path: string;
  id: string;
  spaceId: string;
  description: string;
  probability: number;
  impact: number;
  ownerId: string | null;
  mitigation: string;
  status: WorldRiskStatus;
}

export interface ValidMembership {
  path: string;
  id: string;
  userId: string;
  userOrganizationId: string;
  spaceId: string;
  external: boolean;
  role: MembershipRole;
  status: MembershipStatus;
  /** Undefined when omitted (a default on insert, the stored value kept on re-import); null: no expiry. */
  expiresAt: Date | null | undefined;
  /** The internal sponsor of an external grant: given, or the space's first host OWNER in the file. */
  sponsorId: string | null;
}

export interface ValidPost {
  path: string;
  key: string;
  id: string;
  spaceId: string;
  authorId: string;
  authorOrganizationId: string;
  title: string;
  body: string;
  label: number;
  hidden: boolean;
  /** Undefined when omitted: import time on insert, the stored value kept on re-import. */
  createdAt: Date | undefined;
  /** Given relative to the import ("-P3D"): set on insert, the stored value kept on re-import. */
  createdAtRelative: boolean;
}

export interface ValidComment {
  path: string;
  key: string;
  id: string;
  postId: string;
  authorId: string;
  authorOrganizationId: string;
  body: string;
  createdAt: Date | undefined;
  createdAtRelative: boolean;
}

/** A reaction to a post, or to one of its comments. */
export interface ValidReaction {
  path: string;
  id: string;
  postId: string;
  commentId: string | null;
  authorId: string;
  authorOrganizationId: string;
  emoji: string;
  createdAt: Date | undefined;
  createdAtRelative: boolean;
}

export interface ValidWorld {
  organizations: ValidOrganization[];
  users: ValidUser[];
  spaces: ValidSpace[];
  memberships: ValidMembership[];
  posts: ValidPost[];
  comments: ValidComment[];
  reactions: ValidReaction[];
  /** Risk entries of the spaces' risk maps (not a section: they are given inside their space). */
  risks: ValidRisk[];
  /** key → id; `<type>:<key>` for a key that several types use. */
  ids: Record<string, string>;
  /** Accepted but worth a look, e.g. an email outside its organisation's domains. */
  warnings: string[];
}
