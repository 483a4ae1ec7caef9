import { WorldImportException } from './world-import.exception';
import { keyIdMap } from './world-id';
import { CrossChecks } from './world-cross-checks';
import { Problems } from './world-records';
import {
  readSections,
  validateComments,
  validateMemberships,
  validateOrganizations,
  validatePosts,
  validateReactions,
  validateSpaces,
  validateUsers,
} from './world-sections';
import { ValidWorld } from './world.types';

export * from './world.types';

/**
 * Checks a whole world and resolves its references; throws WorldImportException listing
 * every problem (each naming its record) when anything is wrong. History is accepted as it
 * is: disabled users, suspended organisations, expired memberships, authors who are not
 * (or no longer) members. Relative instants ("-P3D") count from `now`, the import's instant.
 */
export function validateWorld(input: unknown, now: Date = new Date()): ValidWorld {
  const problems = new Problems();
  const sections = readSections(input, problems, now);
  const checks = new CrossChecks(problems);
  const organizations = validateOrganizations(sections.organizations, problems, checks);
  const users = validateUsers(sections.users, organizations, problems, checks);
  const { spaces, risks } = validateSpaces(sections.spaces, users, problems, checks);
  const memberships = validateMemberships(sections.memberships, users, spaces, problems, checks);
  const posts = validatePosts(sections.posts, spaces, users, problems, checks);
  const comments = validateComments(sections.comments, posts, users, problems, checks);
  const reactions = validateReactions(sections.reactions, posts, comments, users, checks);

  if (problems.list.length > 0) throw WorldImportException.invalid(problems.list, problems.total);
  return {
    organizations: organizations.list,
    users: users.list,
    spaces: spaces.list,
    memberships,
    posts: posts.list,
    comments: comments.list,
    reactions,
    risks,
    ids: keyIdMap([
      ...organizations.list.map((o) => ({ type: 'organization' as const, key: o.key, id: o.id })),
      ...users.list.map((u) => ({ type: 'user' as const, key: u.key, id: u.id })),
      ...spaces.list.map((s) => ({ type: 'space' as const, key: s.key, id: s.id })),
      ...posts.list.map((p) => ({ type: 'post' as const, key: p.key, id: p.id })),
      ...comments.list.map((c) => ({ type: 'comment' as const, key: c.key, id: c.id })),
    ]),
    warnings: [...problems.warnings, ...checks.emailWarnings],
  };
}
