import type { Caller } from './callers';
import type { FloorWorkload } from './floor/server';
import { FEED_SQL, ME_SQL, SPACE_PAGE_SQL, USERS_SQL } from './floor/statements';
import type { Scenario } from './load';

// The benchmark's workloads: one GraphQL document each, sent as is to the gateway and to the
// floor, which answers the same document with one hand-written statement.

const FEED = `{ feed(first: 50) { edges { node { id title label createdAt commentCount space { id name } author { id displayName email organization { id name } } } } } }`;
const SPACE_PAGE = `query($id: ID!) { space(id: $id) { id name posts(first: 20) { edges { node { id title commentCount author { id displayName } comments(first: 5) { edges { node { id body author { id displayName organization { name } } } } } } } } } }`;
const ME = `{ me { id displayName email organization { id name } } }`;
const USERS = `query($search: String!) { users(search: $search, first: 50) { edges { node { id displayName organization { name } } } } }`;
/** Matches about half the seeded names, job titles and skills: full pages of 50. */
const SEARCH = 'ar';

export interface Workload extends Scenario {
  floor: FloorWorkload;
  /** The request's variables for a caller's n-th turn. */
  variables(caller: Caller, turn: number): Record<string, unknown> | undefined;
}

function workload(
  name: string,
  document: string,
  sql: string,
  variables: (caller: Caller, turn: number) => Record<string, unknown> | undefined,
  floorParams: (v: Record<string, unknown>) => unknown[],
  rows: (data: any) => number,
): Workload {
  return {
    name,
    variables,
    body: (caller, turn) => JSON.stringify({ query: document, variables: variables(caller, turn) }),
    rows,
    floor: { name: name.replace(/\W+/g, '_'), document, sql, params: floorParams },
  };
}

export const WORKLOADS: Workload[] = [
  workload(
    'feed',
    FEED,
    FEED_SQL,
    () => undefined,
    () => [],
    (data) => data.feed.edges.length,
  ),
  workload(
    'space page',
    SPACE_PAGE,
    SPACE_PAGE_SQL,
    // Each caller walks through their own spaces, one per turn of the pool.
    (caller, turn) => ({ id: caller.spaceIds[turn % caller.spaceIds.length] }),
    (v) => [v.id],
    (data) => {
      if (!data.space) throw new Error('space is null');
      return data.space.posts.edges.length;
    },
  ),
  workload(
    'me',
    ME,
    ME_SQL,
    () => undefined,
    () => [],
    (data) => (data.me ? 1 : 0),
  ),
  workload(
    'users(search:)',
    USERS,
    USERS_SQL,
    () => ({ search: SEARCH }),
    // The gateway's search: the trimmed term anywhere, with LIKE's wildcards escaped.
    (v) => [
      `%${String(v.search)
        .trim()
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    ],
    (data) => data.users.edges.length,
  ),
];
