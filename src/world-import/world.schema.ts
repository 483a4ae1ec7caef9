import {
  HOST_ONLY_SPACE_ROLES,
  HOST_ONLY_USER_ROLES,
  PARTNER_ONLY_USER_ROLES,
  MAX_LEVEL,
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  OrganizationStatus,
  PartnerVisibility,
  SpaceStatus,
  UserRole,
  UserStatus,
} from '../common/domain.enums';
import { isUuid } from '../common/ids';
import { WorldImportException } from './world-import.exception';
import { KeyedType, keyIdMap, worldId } from './world-id';

// The import format, checked in full before anything is written. Every problem names its
// record (`users[3] (key "bob")`) so a person can fix the file without reading code.

export const WORLD_SECTIONS = ['organizations', 'users', 'spaces', 'memberships', 'posts', 'comments'] as const;
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
}

export interface ValidWorld {
  organizations: ValidOrganization[];
  users: ValidUser[];
  spaces: ValidSpace[];
  memberships: ValidMembership[];
  posts: ValidPost[];
  comments: ValidComment[];
  /** key → id; `<type>:<key>` for a key that several types use. */
  ids: Record<string, string>;
  /** Accepted but worth a look, e.g. an email outside its organisation's domains. */
  warnings: string[];
}

// Past this many, more problems only hide the first ones.
const MAX_PROBLEMS = 50;

const FIELDS: Record<WorldSection, { required: string[]; optional: string[] }> = {
  organizations: { required: ['key', 'name', 'kind', 'clearanceCap'], optional: ['id', 'domains', 'status'] },
  users: {
    required: ['key', 'organization', 'email', 'displayName', 'clearance'],
    optional: ['id', 'status', 'roles', 'skills', 'jobTitle'],
  },
  spaces: { required: ['key', 'name', 'classification', 'partnerVisibility'], optional: ['id', 'purpose', 'status'] },
  memberships: { required: ['user', 'space', 'role'], optional: ['expiresAt', 'status'] },
  posts: { required: ['key', 'space', 'author', 'title', 'body'], optional: ['id', 'label', 'hidden', 'createdAt'] },
  comments: { required: ['key', 'post', 'author', 'body'], optional: ['id', 'createdAt'] },
};

const KNOWN_FIELDS = new Map<WorldSection, ReadonlySet<string>>(
  WORLD_SECTIONS.map((section) => [section, new Set([...FIELDS[section].required, ...FIELDS[section].optional])]),
);

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const EMAIL = /^[^\s@]+@([^\s@]+)$/;
// An instant must say its time zone; a bare date is midnight UTC.
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

type Raw = Record<string, unknown>;

class Problems {
  readonly list: string[] = [];
  /** How many were found, the ones past MAX_PROBLEMS included. */
  total = 0;
  /** Worth telling, not worth refusing a file for: the file is still imported. */
  readonly warnings: string[] = [];

  warn(message: string): void {
    if (this.warnings.length < MAX_PROBLEMS) this.warnings.push(message);
  }

  add(message: string): void {
    this.total++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(message);
  }
}

/** One record being read: reports problems under its path and reads typed fields. */
class RecordReader {
  constructor(
    readonly path: string,
    private readonly raw: Raw,
    private readonly problems: Problems,
  ) {}

  problem(message: string): void {
    this.problems.add(`${this.path}: ${message}`);
  }

  has(field: string): boolean {
    return this.raw[field] !== undefined;
  }

  /** A required, non-blank string, trimmed. */
  text(field: string): string {
    const v = this.raw[field];
    if (typeof v !== 'string' || v.trim() === '') {
      this.problem(`${field} is required (a non-empty string)${v === undefined ? '' : `, got ${show(v)}`}`);
      return '';
    }
    return v.trim();
  }

  /** A required string that may be empty. */
  string(field: string): string {
    const v = this.raw[field];
    if (typeof v !== 'string') {
      this.problem(`${field} is required (a string)${v === undefined ? '' : `, got ${show(v)}`}`);
      return '';
    }
    return v.trim();
  }

  /** Undefined when absent, null when null or blank. */
  nullableText(field: string): string | null | undefined {
    const v = this.raw[field];
    if (v === undefined) return undefined;
    if (v !== null && typeof v !== 'string') {
      this.problem(`${field} must be a string or null, got ${show(v)}`);
      return undefined;
    }
    return v?.trim() || null;
  }

  /** A string that may be empty; `fallback` when absent. */
  optionalText(field: string, fallback: string): string {
    const v = this.raw[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') {
      this.problem(`${field} must be a string, got ${show(v)}`);
      return fallback;
    }
    return v.trim();
  }

  level(field: string, what: string): number {
    const v = this.raw[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_LEVEL) {
      this.problem(`${what} must be a whole number from 0 to ${MAX_LEVEL}, got ${show(v)}`);
      // NaN compares false with every level: no second, misleading problem.
      return Number.NaN;
    }
    return v;
  }

  oneOf<T extends string>(field: string, values: Record<string, T>, fallback?: T): T {
    const v = this.raw[field];
    if (v === undefined && fallback !== undefined) return fallback;
    const allowed = Object.values(values);
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.problem(`${field} must be one of ${allowed.join(', ')}, got ${show(v)}`);
      // Matches no rule below: no second, misleading problem.
      return v as T;
    }
    return v as T;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.raw[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.problem(`${field} must be true or false, got ${show(v)}`);
      return fallback;
    }
    return v;
  }

  strings(field: string): string[] {
    const v = this.raw[field];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
      this.problem(`${field} must be a list of non-empty strings, got ${show(v)}`);
      return [];
    }
    return [...new Set((v as string[]).map((s) => s.trim()))];
  }

  /** An ISO 8601 instant; undefined when absent, null when given as null and `nullable`. */
  instant(field: string, nullable: boolean): Date | null | undefined {
    const v = this.raw[field];
    if (v === undefined) return undefined;
    if (v === null && nullable) return null;
    const date = typeof v === 'string' && INSTANT.test(v) ? new Date(v) : null;
    if (!date || Number.isNaN(date.getTime())) {
      this.problem(`${field} must be an ISO 8601 date-time with a time zone (e.g. 2026-03-01T09:00:00Z), got ${show(v)}`);
      return undefined;
    }
    return date;
  }

  /** The record's own id (kept) or a deterministic one from its key. */
  id(type: KeyedType, key: string): string {
    const v = this.raw.id;
    if (v === undefined) return worldId(type, key);
    if (!isUuid(v)) {
      this.problem(`id must be a UUID, got ${show(v)}`);
      return worldId(type, key);
    }
    return v.toLowerCase();
  }

  unknownFields(section: WorldSection): void {
    const known = KNOWN_FIELDS.get(section) as ReadonlySet<string>;
    for (const field of Object.keys(this.raw)) {
      // Other tools' extra fields are ignored, but named: a typo ("hiden") must not pass silently.
      if (!known.has(field)) this.problems.warn(`${this.path}: unknown field "${field}" ignored (expected ${[...known].join(', ')})`);
    }
  }
}

/**
 * Checks a whole world and resolves its references; throws WorldImportException listing
 * every problem (each naming its record) when anything is wrong. History is accepted as it
 * is: disabled users, suspended organisations, expired memberships, authors who are not
 * (or no longer) members.
 */
export function validateWorld(input: unknown): ValidWorld {
  const problems = new Problems();
  if (!isObject(input)) {
    throw WorldImportException.invalid([
      `the world must be a JSON object with the sections ${WORLD_SECTIONS.join(', ')}, got ${show(input)}`,
    ]);
  }
  for (const section of Object.keys(input)) {
    // `$schema`, `$comment` and the like are metadata, not data.
    if (!section.startsWith('$') && !(WORLD_SECTIONS as readonly string[]).includes(section)) {
      problems.warn(`unknown section "${section}" ignored (expected ${WORLD_SECTIONS.join(', ')})`);
    }
  }
  const sections = {} as Record<WorldSection, RecordReader[]>;
  for (const section of WORLD_SECTIONS) {
    const list = input[section] ?? [];
    sections[section] = [];
    if (!Array.isArray(list)) {
      problems.add(`${section} must be a list, got ${show(list)}`);
      continue;
    }
    list.forEach((raw: unknown, i) => {
      if (!isObject(raw)) {
        problems.add(`${section}[${i}]: must be an object, got ${show(raw)}`);
        return;
      }
      const label =
        section === 'memberships'
          ? ` (user ${show(raw.user)}, space ${show(raw.space)})`
          : raw.key === undefined
            ? ''
            : ` (key ${show(raw.key)})`;
      const reader = new RecordReader(`${section}[${i}]${label}`, raw, problems);
      reader.unknownFields(section);
      sections[section].push(reader);
    });
  }

  const ids = new IdRegistry(problems);

  const organizations = new Keyed<ValidOrganization>(problems);
  sections.organizations.forEach((r) => {
    const key = r.text('key');
    const domains = r.strings('domains').map((d) => d.toLowerCase());
    for (const d of domains) if (!DOMAIN.test(d)) r.problem(`domain "${d}" is not a domain name`);
    const org: ValidOrganization = {
      path: r.path,
      key,
      id: r.id('organization', key),
      name: r.text('name'),
      kind: r.oneOf('kind', OrganizationKind),
      domains,
      clearanceCap: r.level('clearanceCap', 'clearanceCap'),
      status: r.oneOf('status', OrganizationStatus, OrganizationStatus.ACTIVE),
    };
    organizations.add(org);
    ids.claim(org.id, r.path);
  });
  const hosts = organizations.list.filter((o) => o.kind === OrganizationKind.HOST);
  if (hosts.length > 1) {
    problems.add(`organizations: there is exactly one HOST organisation, the file has ${hosts.length} (${hosts.map((h) => show(h.key)).join(', ')})`);
  }
  const domainOwner = new Map<string, ValidOrganization>();
  for (const org of organizations.list) {
    for (const d of org.domains) {
      const owner = domainOwner.get(d);
      if (owner) problems.add(`${org.path}: domain "${d}" is already claimed by ${owner.path}`);
      else domainOwner.set(d, org);
    }
  }

  const users = new Keyed<ValidUser>(problems);
  const emailOwner = new Map<string, string>();
  const warnings: string[] = [];
  sections.users.forEach((r) => {
    const key = r.text('key');
    const orgKey = r.text('organization');
    const org = orgKey ? organizations.get(orgKey) : undefined;
    if (orgKey && !org) r.problem(`organization ${show(orgKey)} is not defined`);
    const external = org?.kind !== OrganizationKind.HOST;
    const email = r.text('email').toLowerCase();
    const emailMatch = EMAIL.exec(email);
    if (email && !emailMatch) r.problem(`email ${show(email)} is not an email address`);
    if (email) {
      const other = emailOwner.get(email);
      if (other) r.problem(`email ${show(email)} is already used by ${other}`);
      else emailOwner.set(email, r.path);
    }
    if (org && emailMatch && !org.domains.includes(emailMatch[1])) {
      warnings.push(`${r.path}: email domain "${emailMatch[1]}" is not one of the domains of organization ${show(org.key)} (${org.domains.join(', ') || 'none'})`);
    }
    const roles = r.strings('roles').map((role) => {
      if (!(Object.values(UserRole) as string[]).includes(role)) {
        r.problem(`role ${show(role)} is not one of ${Object.values(UserRole).join(', ')}`);
      }
      return role as UserRole;
    });
    if (org && external) {
      for (const role of roles) if (HOST_ONLY_USER_ROLES.includes(role)) r.problem(`${role} is held by host users only (organization ${show(org.key)} is ${org.kind})`);
    }
    if (org && !external) {
      for (const role of roles) if (PARTNER_ONLY_USER_ROLES.includes(role)) r.problem(`${role} is held by users outside the host only (organization ${show(org.key)} is ${org.kind})`);
    }
    const user: ValidUser = {
      path: r.path,
      key,
      id: r.id('user', key),
      organizationId: org?.id ?? '',
      external,
      email,
      displayName: r.text('displayName'),
      jobTitle: r.nullableText('jobTitle'),
      clearance: r.level('clearance', 'clearance'),
      status: r.oneOf('status', UserStatus, UserStatus.ACTIVE),
      roles,
      skills: r.strings('skills'),
    };
    users.add(user);
    ids.claim(user.id, r.path);
  });

  const spaces = new Keyed<ValidSpace>(problems);
  sections.spaces.forEach((r) => {
    const key = r.text('key');
    const space: ValidSpace = {
      path: r.path,
      key,
      id: r.id('space', key),
      name: r.text('name'),
      purpose: r.optionalText('purpose', ''),
      classification: r.level('classification', 'classification'),
      status: r.oneOf('status', SpaceStatus, SpaceStatus.ACTIVE),
      partnerVisibility: r.oneOf('partnerVisibility', PartnerVisibility),
    };
    spaces.add(space);
    ids.claim(space.id, r.path);
  });

  const memberships: ValidMembership[] = [];
  const pairs = new Map<string, string>();
  sections.memberships.forEach((r) => {
    const user = users.ref(r, 'user');
    const space = spaces.ref(r, 'space');
    const role = r.oneOf('role', MembershipRole);
    let expiresAt = r.instant('expiresAt', true);
    if (user?.external && HOST_ONLY_SPACE_ROLES.includes(role)) r.problem(`an external user cannot be ${role}`);
    if (user?.external && expiresAt === null) {
      // External memberships always expire (DESIGN 1): null means "the default", like omitting it.
      problems.warn(`${r.path}: an external membership cannot be without expiry; the default of 90 days applies`);
      expiresAt = undefined;
    }
    if (!user || !space) return;
    const pair = `${user.id}/${space.id}`;
    const other = pairs.get(pair);
    if (other) r.problem(`${show(user.key)} is already a member of ${show(space.key)} in ${other}`);
    pairs.set(pair, r.path);
    memberships.push({
      path: r.path,
      id: worldId('membership', pair),
      userId: user.id,
      userOrganizationId: user.organizationId,
      spaceId: space.id,
      external: user.external,
      role,
      status: r.oneOf('status', MembershipStatus, MembershipStatus.ACTIVE),
      expiresAt,
    });
  });

  const posts = new Keyed<ValidPost>(problems);
  sections.posts.forEach((r) => {
    const key = r.text('key');
    const space = spaces.ref(r, 'space');
    const author = users.ref(r, 'author');
    // DESIGN: a post's label defaults to its space's classification.
    const label = r.has('label') ? r.level('label', 'label') : (space?.classification ?? 0);
    if (space && r.has('label') && label < space.classification) {
      r.problem(`label ${label} is below the classification ${space.classification} of space ${show(space.key)}`);
    }
    const post: ValidPost = {
      path: r.path,
      key,
      id: r.id('post', key),
      spaceId: space?.id ?? '',
      authorId: author?.id ?? '',
      authorOrganizationId: author?.organizationId ?? '',
      title: r.text('title'),
      body: r.string('body'),
      label,
      hidden: r.bool('hidden', false),
      createdAt: r.instant('createdAt', false) ?? undefined,
    };
    posts.add(post);
    ids.claim(post.id, r.path);
  });

  const comments = new Keyed<ValidComment>(problems);
  sections.comments.forEach((r) => {
    const key = r.text('key');
    const post = posts.ref(r, 'post');
    const author = users.ref(r, 'author');
    const comment: ValidComment = {
      path: r.path,
      key,
      id: r.id('comment', key),
      postId: post?.id ?? '',
      authorId: author?.id ?? '',
      authorOrganizationId: author?.organizationId ?? '',
      body: r.text('body'),
      createdAt: r.instant('createdAt', false) ?? undefined,
    };
    comments.add(comment);
    ids.claim(comment.id, r.path);
  });

  if (problems.list.length > 0) throw WorldImportException.invalid(problems.list, problems.total);
  return {
    organizations: organizations.list,
    users: users.list,
    spaces: spaces.list,
    memberships,
    posts: posts.list,
    comments: comments.list,
    ids: keyIdMap([
      ...organizations.list.map((o) => ({ type: 'organization' as const, key: o.key, id: o.id })),
      ...users.list.map((u) => ({ type: 'user' as const, key: u.key, id: u.id })),
      ...spaces.list.map((s) => ({ type: 'space' as const, key: s.key, id: s.id })),
      ...posts.list.map((p) => ({ type: 'post' as const, key: p.key, id: p.id })),
      ...comments.list.map((c) => ({ type: 'comment' as const, key: c.key, id: c.id })),
    ]),
    warnings: [...problems.warnings, ...warnings],
  };
}

/** The records of one section by key; a key appears once per section. */
class Keyed<T extends { key: string; path: string }> {
  readonly list: T[] = [];
  private readonly byKey = new Map<string, T>();

  constructor(private readonly problems: Problems) {}

  add(record: T): void {
    this.list.push(record);
    if (!record.key) return;
    const other = this.byKey.get(record.key);
    if (other) this.problems.add(`${record.path}: key ${show(record.key)} is already used by ${other.path}`);
    else this.byKey.set(record.key, record);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  /** Resolves a reference field of `r` to a record of this section, reporting a missing one. */
  ref(r: RecordReader, field: string): T | undefined {
    const key = r.text(field);
    if (!key) return undefined;
    const found = this.byKey.get(key);
    if (!found) r.problem(`${field} ${show(key)} is not defined`);
    return found;
  }
}

/** Ids are unique across the whole world: `node(id)` resolves any type. */
class IdRegistry {
  private readonly owners = new Map<string, string>();

  constructor(private readonly problems: Problems) {}

  claim(id: string, path: string): void {
    const other = this.owners.get(id);
    if (other) this.problems.add(`${path}: id "${id}" is already used by ${other}`);
    else this.owners.set(id, path);
  }
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as it appears in a message, cut short. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
