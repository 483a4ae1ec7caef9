import { MongoAbility, MongoQuery } from '@casl/ability';

/** Everything the confidentiality rule speaks of. */
export type SubjectName = 'Organization' | 'User' | 'Space' | 'Membership' | 'Post' | 'Comment' | 'Reaction';
export type Action = 'read';

export type AppAbility = MongoAbility<[Action, SubjectName | ({ __caslSubjectType__?: SubjectName } & Record<string, unknown>)], MongoQuery>;

export const SUBJECT_NAMES: readonly SubjectName[] = ['Organization', 'User', 'Space', 'Membership', 'Post', 'Comment', 'Reaction'];

/** Tags a plain object with its subject type for an in-memory check. */
export function asSubject(type: SubjectName, object: object): { __caslSubjectType__: SubjectName } & Record<string, unknown> {
  return { ...(object as Record<string, unknown>), __caslSubjectType__: type };
}
