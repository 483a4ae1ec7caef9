import { MongoAbility, MongoQuery } from '@casl/ability';
import { isPartialEntity } from '../database/entity-rows';
import { HOST_ONLY_USER_ROLES } from '../common/domain.enums';

/** Everything the rules speak of: the confidentiality rule's objects, and IdP connections (section 3). */
export type SubjectName =
  | 'Organization'
  | 'User'
  | 'Space'
  | 'Membership'
  | 'Post'
  | 'Comment'
  | 'Reaction'
  | 'IdpConnection'
  | 'Invitation'
  | 'Notification'
  | 'RiskEntry'
  | 'AuditEvent'
  | 'RecertificationCampaign';
/**
 * `manage` is CASL's wildcard: every action, read included. The write path's verbs:
 * `invite` (into a space), `approve` (four eyes), `revoke`, `accept` (and decline) an
 * invitation; `renew`, `revoke`, `leave` a membership; `suspend` and `reactivate` an
 * organisation, `disable` and `enable` a user. Conversations: `post` (in a space), `comment`
 * (on a post), `react` (to a post or a comment), `edit` and `delete` (one's own post or
 * comment), `moderate` (hide, unhide, relabel); `readHealth` (a space's health figures).
 * The security review (`review-rules.ts`): `review` (explain, reach, who can access, access
 * reviews) and `certify` (a grant in a recertification campaign).
 */
export const ACTIONS = [
  'read',
  'create',
  'update',
  'manage',
  'invite',
  'approve',
  'revoke',
  'accept',
  'renew',
  'leave',
  'suspend',
  'reactivate',
  'disable',
  'enable',
  'post',
  'comment',
  'react',
  'edit',
  'delete',
  'moderate',
  'readHealth',
  'review',
  'certify',
] as const;
export type Action = (typeof ACTIONS)[number];

export type AppAbility = MongoAbility<
  [Action, SubjectName | ({ __caslSubjectType__?: SubjectName } & Record<string, unknown>)],
  MongoQuery
>;

export const SUBJECT_NAMES: readonly SubjectName[] = [
  'Organization',
  'User',
  'Space',
  'Membership',
  'Post',
  'Comment',
  'Reaction',
  'IdpConnection',
  'Invitation',
  'Notification',
  'RiskEntry',
  'AuditEvent',
  'RecertificationCampaign',
];

/** Tags a plain object with its subject type for an in-memory check. */
export function asSubject(
  type: SubjectName,
  object: object,
): { __caslSubjectType__: SubjectName } & Record<string, unknown> {
  // An entity its list hydrated without some columns: a spread would drop them unseen, so the
  // subject reads through it, and a condition on a column left out throws instead of failing to match.
  if (isPartialEntity(object)) {
    const subject = Object.create(object) as Record<string, unknown>;
    subject.__caslSubjectType__ = type;
    return subject as { __caslSubjectType__: SubjectName } & Record<string, unknown>;
  }
  return { ...(object as Record<string, unknown>), __caslSubjectType__: type };
}

/** Whether an attribute mapping turns IdP groups into a host role. */
export function grantsHostRoles(mapping: { groupRoles?: Record<string, string> } | null | undefined): boolean {
  return Object.values(mapping?.groupRoles ?? {}).some((role) =>
    (HOST_ONLY_USER_ROLES as readonly string[]).includes(role),
  );
}

/** An IdP connection (stored, or as it would be after a change) as facts for the rules. */
export function idpConnectionSubject(c: {
  id?: string;
  organizationId: string;
  attributeMapping?: { groupRoles?: Record<string, string> } | null;
}) {
  return asSubject('IdpConnection', {
    id: c.id,
    organizationId: c.organizationId,
    grantsHostRoles: grantsHostRoles(c.attributeMapping),
  });
}
