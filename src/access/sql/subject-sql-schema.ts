import { effectiveClearanceSql, membershipActiveUntilSql, userCountsSql } from '../../auth/membership-rules';
import { SubjectName } from '../subjects';

/** How a field reads in SQL, given the alias of its row. */
export type SqlExpression = ((alias: string) => string) & {
  nullable?: boolean;
  /**
   * A field holding several values, each a nullable column (CASL compares an array field as
   * "one of its elements": `{ f: x }` holds when x is among them). Only eq, ne, in, nin.
   */
  anyOf?: (alias: string) => string[];
};

export interface SqlRelation {
  subject: SubjectName;
  /** `many` relations are matched with $elemMatch, `one` relations with dotted paths. */
  kind: 'one' | 'many';
  /** The join predicate between the outer row and the related row. */
  on: (outer: string, inner: string) => string;
  /** For a to-many relation, the same join as columns: `outer.key IN (SELECT inner.key ...)`. */
  keys?: { outer: string; inner: string };
}

export interface SqlSubjectSchema {
  table: string;
  fields: Record<string, SqlExpression>;
  relations: Record<string, SqlRelation>;
}

/** A NOT NULL column: compared as is, so the planner can use its indexes. */
const column =
  (name: string): SqlExpression =>
  (a) =>
    `${a}."${name}"`;
/** A column that may be NULL: comparisons fold NULL into false, as CASL does in memory. */
const nullableColumn = (name: string): SqlExpression =>
  Object.assign((a: string) => `${a}."${name}"`, { nullable: true });

/**
 * The SQL face of every subject the rules mention. A field or relation missing here makes
 * the translator throw: a rule the database cannot express must fail closed, not open.
 * Computed facts (memberCounts, clearanceSufficient, counts, activeUntil) use the SQL faces
 * of auth/membership-rules.ts, whose in-memory faces the facts loader uses.
 */
export const SUBJECT_SQL: Record<SubjectName, SqlSubjectSchema> = {
  Organization: {
    table: 'organizations',
    fields: { id: column('id') },
    relations: {
      users: {
        subject: 'User',
        kind: 'many',
        on: (o, i) => `${i}."organization_id" = ${o}."id"`,
        keys: { outer: 'id', inner: 'organization_id' },
      },
    },
  },
  User: {
    table: 'users',
    fields: {
      id: column('id'),
      organizationId: column('organization_id'),
      counts: (a) =>
        `EXISTS (SELECT 1 FROM organizations ${a}_co WHERE ${a}_co."id" = ${a}."organization_id" AND ${userCountsSql(a, `${a}_co`)})`,
    },
    relations: {
      memberships: {
        subject: 'Membership',
        kind: 'many',
        on: (o, i) => `${i}."user_id" = ${o}."id"`,
        keys: { outer: 'id', inner: 'user_id' },
      },
      posts: {
        subject: 'Post',
        kind: 'many',
        on: (o, i) => `${i}."author_id" = ${o}."id"`,
        keys: { outer: 'id', inner: 'author_id' },
      },
      comments: {
        subject: 'Comment',
        kind: 'many',
        on: (o, i) => `${i}."author_id" = ${o}."id"`,
        keys: { outer: 'id', inner: 'author_id' },
      },
    },
  },
  Space: { table: 'spaces', fields: { id: column('id') }, relations: {} },
  Membership: {
    table: 'memberships',
    fields: {
      id: column('id'),
      spaceId: column('space_id'),
      userOrganizationId: column('user_organization_id'),
      // The `certify` rule (review-rules.ts) lists a sponsor's grants in campaigns.
      sponsorId: nullableColumn('sponsor_id'),
      status: column('status'),
      expiresAt: nullableColumn('expires_at'),
      activeUntil: (a) => membershipActiveUntilSql(a),
      memberCounts: (a) =>
        `EXISTS (SELECT 1 FROM users ${a}_mu JOIN organizations ${a}_mo ON ${a}_mo."id" = ${a}_mu."organization_id"
          WHERE ${a}_mu."id" = ${a}."user_id" AND ${userCountsSql(`${a}_mu`, `${a}_mo`)})`,
      clearanceSufficient: (a) =>
        `((SELECT ${effectiveClearanceSql(`${a}_cu`, `${a}_co`)} FROM users ${a}_cu JOIN organizations ${a}_co ON ${a}_co."id" = ${a}_cu."organization_id" WHERE ${a}_cu."id" = ${a}."user_id")
          >= (SELECT ${a}_cs."classification" FROM spaces ${a}_cs WHERE ${a}_cs."id" = ${a}."space_id"))`,
    },
    relations: {},
  },
  Post: {
    table: 'posts',
    fields: {
      id: column('id'),
      spaceId: column('space_id'),
      label: column('label'),
      hidden: column('hidden'),
      authorOrganizationId: column('author_organization_id'),
    },
    relations: {},
  },
  Comment: {
    table: 'comments',
    fields: { id: column('id'), hidden: column('hidden'), authorOrganizationId: column('author_organization_id') },
    relations: { post: { subject: 'Post', kind: 'one', on: (o, i) => `${i}."id" = ${o}."post_id"` } },
  },
  // Reads of connections depend on their organisation only; grantsHostRoles is a fact for writes.
  IdpConnection: {
    table: 'idp_connections',
    fields: { id: column('id'), organizationId: column('organization_id') },
    relations: {},
  },
  Invitation: {
    table: 'invitations',
    fields: {
      id: column('id'),
      spaceId: column('space_id'),
      organizationId: column('organization_id'),
      invitedById: column('invited_by_id'),
      email: nullableColumn('email'),
      wholeOrganization: column('whole_organization'),
    },
    relations: {},
  },
  Notification: { table: 'notifications', fields: { id: column('id'), userId: column('user_id') }, relations: {} },
  RiskEntry: { table: 'risk_entries', fields: { id: column('id'), spaceId: column('space_id') }, relations: {} },
  Reaction: {
    table: 'reactions',
    fields: {
      id: column('id'),
      authorOrganizationId: column('author_organization_id'),
      // What the reaction answers: its comment, or its post when it answers the post itself.
      targetHidden: (a) =>
        `COALESCE((SELECT ${a}_tc."hidden" FROM comments ${a}_tc WHERE ${a}_tc."id" = ${a}."comment_id"), false)`,
      targetAuthorOrganizationId: (a) =>
        `COALESCE((SELECT ${a}_tc."author_organization_id" FROM comments ${a}_tc WHERE ${a}_tc."id" = ${a}."comment_id"),
          (SELECT ${a}_tp."author_organization_id" FROM posts ${a}_tp WHERE ${a}_tp."id" = ${a}."post_id"))`,
    },
    relations: { post: { subject: 'Post', kind: 'one', on: (o, i) => `${i}."id" = ${o}."post_id"` } },
  },
  // The organisations an event is about: its actor's, and its subject's (written at append
  // time, outside the hash: migration 1764710000000). In memory, the array of both.
  AuditEvent: {
    table: 'audit_events',
    fields: {
      id: column('id'),
      aboutOrganizationId: Object.assign(
        (a: string) => `ARRAY[${a}."actor_organization_id", ${a}."subject_organization_id"]`,
        {
          anyOf: (a: string) => [`${a}."actor_organization_id"`, `${a}."subject_organization_id"`],
        },
      ),
    },
    relations: {},
  },
  RecertificationCampaign: { table: 'recertification_campaigns', fields: { id: column('id') }, relations: {} },
};
