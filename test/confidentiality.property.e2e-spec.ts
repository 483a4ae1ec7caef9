// Property: for random worlds, every user reads through GraphQL exactly what the reference
// model of DESIGN.md section 2 allows — lists, pages, counts, the feed, fetch by id — and
// invisible ids are indistinguishable from missing ones; after a membership expires or is
// revoked, the visible set shrinks at once.
//
// Environment:
//   PROPERTY_RUNS        worlds to try (default 5; raise it for a nightly run)
//   PROPERTY_SEED, PROPERTY_PATH   replay a run (the seed is printed first)
//   PROPERTY_SHRINK=0    stop at the first failure; else shrink for PROPERTY_SHRINK_MS (10 min)
//   PROPERTY_PAGE        page size of root lists (default 2)
//   PROPERTY_NESTED_PAGE page size of members, space posts, comments (default 3)
//   PROPERTY_BATCH       ids fetched per request (default 10, halved when a batch is refused)
//   PROPERTY_REPORT_DIR  write every run's world and differences there as JSON
//   PROPERTY_VERBOSE     a line per run

import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  ExpectedView,
  Fact,
  FactValue,
  IMPORT_DEFAULT_EXPIRY,
  ReferenceModel,
  diffFacts,
  expectedView,
  factKey,
} from './support/reference-model';
import { worldArbitrary, WORLD_BASE_TIME } from './support/world.arbitrary';
import type { World, WorldMembership } from './support/world.types';
import * as testApp from './support/test-app';

// ---------------------------------------------------------------------------------------
// The TestApp contract this test relies on.

interface GqlError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [k: string]: unknown };
  [k: string]: unknown;
}
interface GqlResponse {
  status: number;
  body: { data?: any; errors?: GqlError[] };
}
interface TestAppContract {
  gql(token: string | null, query: string, variables?: object): Promise<GqlResponse>;
  importWorld(world: World): Promise<Record<string, string>>;
  tokenFor(userId: string): Promise<string>;
  clock: { set(date: Date): void; now(): Date };
  dataSource: { query(sql: string, parameters?: unknown[]): Promise<any> };
  revokeMembership?: (membershipId: string) => Promise<unknown>;
  close(): Promise<void>;
}
const startTestApp = (testApp as unknown as { startTestApp(): Promise<TestAppContract> }).startTestApp;

// ---------------------------------------------------------------------------------------
// Settings.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 5);
const SEED = process.env.PROPERTY_SEED
  ? Number(process.env.PROPERTY_SEED)
  : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const PATH = process.env.PROPERTY_PATH;
const SHRINK = process.env.PROPERTY_SHRINK !== '0';
const PAGE = Number(process.env.PROPERTY_PAGE ?? 2);
const NESTED_PAGE = Number(process.env.PROPERTY_NESTED_PAGE ?? 3);
let batchSize = Math.max(1, Number(process.env.PROPERTY_BATCH ?? 10));
/** When set, every run's world and differences are written there as JSON. */
const REPORT_DIR = process.env.PROPERTY_REPORT_DIR;
const MAX_PAGES = 500;
/** How long shrinking may go on after the first failure (every candidate boots a gateway). */
const SHRINK_BUDGET_MS = Number(process.env.PROPERTY_SHRINK_MS ?? 10 * 60_000);
const VERBOSE = Boolean(process.env.PROPERTY_VERBOSE);
const DAY = 24 * 3600 * 1000;

// ---------------------------------------------------------------------------------------
// GraphQL documents.

const USER_FIELDS = 'id displayName email organization { id name kind }';
const ORG_FIELDS = 'id name kind';
const SPACE_FIELDS = 'id name purpose classification status partnerVisibility';
const POST_FIELDS = `id title body label createdAt hidden commentCount space { id } author { ${USER_FIELDS} }`;
const COMMENT_FIELDS = `id body createdAt post { id } author { ${USER_FIELDS} }`;
const NODE_FIELDS = `__typename id
  ... on Organization { ${ORG_FIELDS} }
  ... on User { ${USER_FIELDS} }
  ... on Space { ${SPACE_FIELDS} }
  ... on Post { ${POST_FIELDS} }
  ... on Comment { ${COMMENT_FIELDS} }`;
const conn = (nodeFields: string): string =>
  `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${nodeFields} } }`;
const MEMBERSHIP_FIELDS = `id role expiresAt user { ${USER_FIELDS} }`;

type Kind = 'Organization' | 'User' | 'Space' | 'Post' | 'Comment';
const TYPED_FETCH: Record<Kind, { field: string; fields: string } | null> = {
  Organization: { field: 'organization', fields: ORG_FIELDS },
  User: { field: 'user', fields: USER_FIELDS },
  // With a page of posts, as a space page asks: an invisible space must refuse alike.
  Space: { field: 'space', fields: `${SPACE_FIELDS} posts(first: 3) { edges { node { ${POST_FIELDS} } } }` },
  Post: { field: 'post', fields: POST_FIELDS },
  Comment: null,
};

// ---------------------------------------------------------------------------------------
// What one user read, as facts.

/** Problems found while checking one world, each a readable line. */
class Report {
  readonly lines: string[] = [];
  constructor(private readonly names: Map<string, string>) {}
  add(stage: string, who: string, line: string): void {
    this.lines.push(`[${stage}] ${who}: ${this.readable(line)}`);
  }
  /** Replaces every UUID by `key(1234abcd)` so that diffs read in terms of the world. */
  readable(s: string): string {
    return s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, (id) => {
      const key = this.names.get(id.toLowerCase());
      return key ? `${key}(${id.slice(0, 8)})` : `?(${id.slice(0, 8)})`;
    });
  }
}

const CLAUSE: Record<string, string> = {
  Space: 'Spaces',
  Membership: 'Members',
  Post: 'Posts',
  Comment: 'Comments and reactions',
  User: 'People / Emails',
  Organization: 'Organisations',
  Query: 'Lists',
};
function clauseOf(key: string): string {
  const [type, , field] = key.split('|');
  if (type === 'Space' && field.startsWith('members')) return 'Members';
  if (type === 'Space' && field.startsWith('posts')) return 'Posts';
  if (type === 'Post' && /comment|reaction/i.test(field)) return 'Comments and reactions / counts';
  if (type === 'User' && field === 'email') return 'Emails';
  if (type === 'User') return 'People';
  if (type === 'Query' && key.startsWith('Query|feed')) return 'The feed';
  return CLAUSE[type] ?? type;
}

class Observed {
  readonly facts = new Map<string, Fact>();
  constructor(
    private readonly report: Report,
    private readonly stage: string,
    private readonly who: string,
  ) {}

  put(type: string, id: string, field: string, value: FactValue, source: string): void {
    const f: Fact = { type, id, field, value };
    const k = factKey(f);
    const prior = this.facts.get(k);
    if (prior && JSON.stringify(prior.value) !== JSON.stringify(value)) {
      this.report.add(
        this.stage,
        this.who,
        `inconsistent ${k}: ${JSON.stringify(prior.value)} elsewhere, ${JSON.stringify(value)} via ${source}`,
      );
      return;
    }
    this.facts.set(k, f);
  }

  organization(o: any, source: string): void {
    this.put('Organization', o.id, 'name', o.name, source);
    this.put('Organization', o.id, 'kind', o.kind, source);
  }

  user(u: any, source: string): void {
    this.put('User', u.id, 'displayName', u.displayName, source);
    this.put('User', u.id, 'email', u.email ?? null, source);
    this.put('User', u.id, 'organization', u.organization?.id ?? null, source);
    if (u.organization) this.organization(u.organization, source);
  }

  space(s: any, source: string): void {
    for (const f of ['name', 'purpose', 'classification', 'status', 'partnerVisibility'])
      this.put('Space', s.id, f, s[f], source);
  }

  post(p: any, source: string): void {
    for (const f of ['title', 'body', 'label', 'hidden', 'commentCount']) this.put('Post', p.id, f, p[f], source);
    this.put('Post', p.id, 'createdAt', iso(p.createdAt), source);
    this.put('Post', p.id, 'space', p.space.id, source);
    this.put('Post', p.id, 'author', p.author.id, source);
    this.user(p.author, `${source} author`);
  }

  comment(c: any, source: string): void {
    this.put('Comment', c.id, 'body', c.body, source);
    this.put('Comment', c.id, 'createdAt', iso(c.createdAt), source);
    this.put('Comment', c.id, 'post', c.post.id, source);
    this.put('Comment', c.id, 'author', c.author.id, source);
    this.user(c.author, `${source} author`);
  }

  node(n: any, source: string): void {
    switch (n.__typename as Kind) {
      case 'Organization':
        return this.organization(n, source);
      case 'User':
        return this.user(n, source);
      case 'Space':
        return this.space(n, source);
      case 'Post':
        return this.post(n, source);
      case 'Comment':
        return this.comment(n, source);
    }
  }
}

function iso(v: unknown): string | null {
  return v === null || v === undefined ? null : new Date(v as string).toISOString();
}

/** The signature of a refusal, with everything that may legitimately vary taken out. */
function refusalSignature(res: GqlResponse, alias: string, id: string): string {
  const errors = (res.body.errors ?? []).filter((e) => e.path?.[0] === alias);
  return JSON.stringify({
    status: res.status,
    data: res.body.data?.[alias] === undefined ? 'absent' : res.body.data?.[alias],
    errors: errors.map((e) => ({
      message: e.message.split(id).join('<id>'),
      code: e.extensions?.code,
      keys: Object.keys(e).sort(),
      extensionKeys: Object.keys(e.extensions ?? {}).sort(),
    })),
  });
}

function normalizedBody(res: GqlResponse, id: string): string {
  return JSON.stringify({ status: res.status, body: res.body }).split(id).join('<id>');
}

// ---------------------------------------------------------------------------------------
// Reading everything as one user.

interface Ctx {
  app: TestAppContract;
  report: Report;
  stage: string;
  who: string;
  token: string;
}

async function gqlOk(ctx: Ctx, query: string, variables: object, what: string): Promise<any | undefined> {
  const res = await ctx.app.gql(ctx.token, query, variables);
  if (res.body.errors?.length || !res.body.data) {
    ctx.report.add(ctx.stage, ctx.who, `${what} failed: ${res.status} ${JSON.stringify(res.body.errors ?? res.body)}`);
    return undefined;
  }
  return res.body.data;
}

interface Listed {
  nodes: any[];
  totalCount: number | undefined;
}

/** Pages a connection to its end, checking cursors, page sizes and a stable totalCount. */
async function pageAll(
  ctx: Ctx,
  what: string,
  query: string,
  variables: object,
  pick: (data: any) => any,
  first: number = PAGE,
): Promise<Listed | undefined> {
  const nodes: any[] = [];
  let after: string | null = null;
  let totalCount: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data = await gqlOk(ctx, query, { ...variables, first, after }, `${what} page ${page}`);
    if (!data) return undefined;
    const c = pick(data);
    if (!c) {
      ctx.report.add(ctx.stage, ctx.who, `${what} page ${page}: no connection`);
      return undefined;
    }
    if (totalCount !== undefined && c.totalCount !== totalCount)
      ctx.report.add(ctx.stage, ctx.who, `${what}: totalCount changed between pages ${totalCount} → ${c.totalCount}`);
    totalCount = c.totalCount;
    if (c.edges.length > first)
      ctx.report.add(ctx.stage, ctx.who, `${what}: page of ${c.edges.length} > first ${first}`);
    for (const e of c.edges) nodes.push(e.node);
    if (!c.pageInfo.hasNextPage) break;
    if (c.edges.length === 0 || !c.pageInfo.endCursor) {
      ctx.report.add(ctx.stage, ctx.who, `${what}: hasNextPage with no progress`);
      break;
    }
    after = c.pageInfo.endCursor;
    if (page === MAX_PAGES - 1) ctx.report.add(ctx.stage, ctx.who, `${what}: more than ${MAX_PAGES} pages`);
  }
  const ids = nodes.map((n) => n.id);
  if (new Set(ids).size !== ids.length)
    ctx.report.add(ctx.stage, ctx.who, `${what}: an id is listed twice: ${ids.join(', ')}`);
  if (totalCount !== nodes.length)
    ctx.report.add(ctx.stage, ctx.who, `${what}: totalCount ${totalCount} but ${nodes.length} nodes listed`);
  return { nodes, totalCount };
}

function sorted(ids: string[]): string[] {
  return [...ids].sort();
}

/** createdAt desc, then id desc, judged on what the API returned. */
function checkNewestFirst(ctx: Ctx, what: string, posts: any[]): void {
  for (let i = 1; i < posts.length; i++) {
    const a = posts[i - 1];
    const b = posts[i];
    const ta = Date.parse(a.createdAt);
    const tb = Date.parse(b.createdAt);
    if (ta < tb || (ta === tb && a.id.toLowerCase() < b.id.toLowerCase()))
      ctx.report.add(ctx.stage, ctx.who, `${what}: ${a.id} (${a.createdAt}) listed before ${b.id} (${b.createdAt})`);
  }
}

interface ByIdTarget {
  kind: Kind | 'missing';
  id: string;
}

/** Everything U reads: lists paged to the end, every listed object, and every id by fetch. */
async function readEverything(
  ctx: Ctx,
  targets: ByIdTarget[],
  obs: Observed,
  membershipIds: Map<string, string>,
): Promise<{
  fetchable: Map<Kind, Set<string>>;
}> {
  const me = await gqlOk(ctx, `{ me { ${USER_FIELDS} } }`, {}, 'me');
  if (me) {
    obs.put('Query', 'me', 'id', me.me.id, 'me');
    obs.user(me.me, 'me');
  }

  const spaces = await pageAll(
    ctx,
    'spaces',
    `query($first: Int, $after: String) { spaces(first: $first, after: $after) { ${conn(SPACE_FIELDS)} } }`,
    {},
    (d) => d.spaces,
  );
  if (spaces) {
    for (const s of spaces.nodes) obs.space(s, 'spaces');
    obs.put('Query', 'spaces', 'nodes', sorted(spaces.nodes.map((s) => s.id)), 'spaces');
    obs.put('Query', 'spaces', 'totalCount', spaces.totalCount ?? -1, 'spaces');
  }

  for (const s of spaces?.nodes ?? []) {
    const members = await pageAll(
      ctx,
      `space ${s.id} members`,
      `query($id: ID!, $first: Int, $after: String) { space(id: $id) { ${SPACE_FIELDS} members(first: $first, after: $after) { ${conn(MEMBERSHIP_FIELDS)} } } }`,
      { id: s.id },
      (d) => {
        if (d.space) obs.space(d.space, 'space(id) members');
        return d.space?.members;
      },
      NESTED_PAGE,
    );
    if (members) {
      const userIds = members.nodes.map((m) => m.user.id);
      obs.put('Space', s.id, 'members', sorted(userIds), 'members');
      obs.put('Space', s.id, 'members.totalCount', members.totalCount ?? -1, 'members');
      for (const m of members.nodes) {
        const mid = `${s.id}/${m.user.id}`;
        membershipIds.set(mid, m.id);
        obs.put('Membership', mid, 'role', m.role, 'members');
        obs.put('Membership', mid, 'expiresAt', iso(m.expiresAt), 'members');
        obs.put('Membership', mid, 'user', m.user.id, 'members');
        obs.user(m.user, 'members');
      }
    }
    const posts = await pageAll(
      ctx,
      `space ${s.id} posts`,
      `query($id: ID!, $first: Int, $after: String) { space(id: $id) { posts(first: $first, after: $after) { ${conn(POST_FIELDS)} } } }`,
      { id: s.id },
      (d) => d.space?.posts,
      NESTED_PAGE,
    );
    if (posts) {
      checkNewestFirst(ctx, `space ${s.id} posts`, posts.nodes);
      for (const p of posts.nodes) obs.post(p, 'space posts');
      obs.put(
        'Space',
        s.id,
        'posts',
        posts.nodes.map((p) => p.id),
        'space posts',
      );
      obs.put('Space', s.id, 'posts.totalCount', posts.totalCount ?? -1, 'space posts');
      for (const p of posts.nodes)
        if (p.space.id !== s.id)
          ctx.report.add(ctx.stage, ctx.who, `post ${p.id} listed in space ${s.id} but says space ${p.space.id}`);
    }
  }

  const feed = await pageAll(
    ctx,
    'feed',
    `query($first: Int, $after: String) { feed(first: $first, after: $after) { ${conn(POST_FIELDS)} } }`,
    {},
    (d) => d.feed,
  );
  if (feed) {
    checkNewestFirst(ctx, 'feed', feed.nodes);
    for (const p of feed.nodes) obs.post(p, 'feed');
    obs.put(
      'Query',
      'feed',
      'nodes',
      feed.nodes.map((p) => p.id),
      'feed',
    );
    obs.put('Query', 'feed', 'totalCount', feed.totalCount ?? -1, 'feed');
  }

  const users = await pageAll(
    ctx,
    'users',
    `query($first: Int, $after: String) { users(first: $first, after: $after) { ${conn(USER_FIELDS)} } }`,
    {},
    (d) => d.users,
  );
  if (users) {
    for (const u of users.nodes) obs.user(u, 'users');
    obs.put('Query', 'users', 'nodes', sorted(users.nodes.map((u) => u.id)), 'users');
    obs.put('Query', 'users', 'totalCount', users.totalCount ?? -1, 'users');
  }

  const orgs = await pageAll(
    ctx,
    'organizations',
    `query($first: Int, $after: String) { organizations(first: $first, after: $after) { ${conn(ORG_FIELDS)} } }`,
    {},
    (d) => d.organizations,
  );
  if (orgs) {
    for (const o of orgs.nodes) obs.organization(o, 'organizations');
    obs.put('Query', 'organizations', 'nodes', sorted(orgs.nodes.map((o) => o.id)), 'organizations');
    obs.put('Query', 'organizations', 'totalCount', orgs.totalCount ?? -1, 'organizations');
  }

  const fetchable = await fetchEveryId(ctx, targets, obs);

  // Every post U can fetch: its comments and reactions, paged.
  const REACTION_FIELDS = `id kind createdAt author { ${USER_FIELDS} }`;
  for (const postId of fetchable.get('Post') ?? []) {
    // The first page of reactions rides along with every page of comments.
    let firstReactions: any;
    const comments = await pageAll(
      ctx,
      `post ${postId} comments`,
      `query($id: ID!, $first: Int, $after: String) { post(id: $id) { ${POST_FIELDS}
        comments(first: $first, after: $after) { ${conn(COMMENT_FIELDS)} }
        reactions(first: $first) { ${conn(REACTION_FIELDS)} } } }`,
      { id: postId },
      (d) => {
        if (d.post) obs.post(d.post, 'post(id) comments');
        firstReactions ??= d.post?.reactions;
        return d.post?.comments;
      },
      NESTED_PAGE,
    );
    if (comments) {
      for (const c of comments.nodes) {
        obs.comment(c, 'post comments');
        if (c.post.id !== postId)
          ctx.report.add(ctx.stage, ctx.who, `comment ${c.id} listed under ${postId} but says post ${c.post.id}`);
      }
      obs.put('Post', postId, 'comments', sorted(comments.nodes.map((c) => c.id)), 'post comments');
      obs.put('Post', postId, 'comments.totalCount', comments.totalCount ?? -1, 'post comments');
    }
    const reactions = firstReactions?.pageInfo?.hasNextPage
      ? await pageAll(
          ctx,
          `post ${postId} reactions`,
          `query($id: ID!, $first: Int, $after: String) { post(id: $id) { reactions(first: $first, after: $after) { ${conn(REACTION_FIELDS)} } } }`,
          { id: postId },
          (d) => d.post?.reactions,
          NESTED_PAGE,
        )
      : firstReactions && {
          nodes: firstReactions.edges.map((e: any) => e.node),
          totalCount: firstReactions.totalCount,
        };
    if (reactions) {
      if (reactions.totalCount !== reactions.nodes.length)
        ctx.report.add(
          ctx.stage,
          ctx.who,
          `post ${postId} reactions: totalCount ${reactions.totalCount} but ${reactions.nodes.length} listed`,
        );
      obs.put('Post', postId, 'reactions', sorted(reactions.nodes.map((r: any) => r.id)), 'post reactions');
      obs.put('Post', postId, 'reactions.totalCount', reactions.totalCount ?? -1, 'post reactions');
    }
  }

  // Lists agree with fetch by id.
  const agree = (what: string, listed: string[] | undefined, kind: Kind): void => {
    if (!listed) return;
    const fetched = sorted([...(fetchable.get(kind) ?? [])]);
    const l = sorted(listed);
    if (JSON.stringify(l) !== JSON.stringify(fetched))
      ctx.report.add(ctx.stage, ctx.who, `${what} lists [${l.join(', ')}] but node(id) finds [${fetched.join(', ')}]`);
  };
  agree(
    'spaces',
    spaces?.nodes.map((s) => s.id),
    'Space',
  );
  agree(
    'feed',
    feed?.nodes.map((p) => p.id),
    'Post',
  );
  agree(
    'users',
    users?.nodes.map((u) => u.id),
    'User',
  );
  agree(
    'organizations',
    orgs?.nodes.map((o) => o.id),
    'Organization',
  );
  return { fetchable };
}

/**
 * node(id) and the typed fetch of every id of the world and of a few missing ones, in
 * batches of aliased fields. Returns the ids node(id) found, per type; checks that every
 * refusal looks exactly like the refusal of a missing id.
 */
async function fetchEveryId(ctx: Ctx, targets: ByIdTarget[], obs: Observed): Promise<Map<Kind, Set<string>>> {
  interface Probe {
    alias: string;
    field: string;
    fields: string;
    target: ByIdTarget;
  }
  const probes: Probe[] = [];
  for (const t of targets) {
    probes.push({ alias: `n${probes.length}`, field: 'node', fields: NODE_FIELDS, target: t });
    const kinds: Kind[] = t.kind === 'missing' ? ['Organization', 'User', 'Space', 'Post'] : [t.kind];
    for (const k of kinds) {
      const typed = TYPED_FETCH[k];
      if (typed) probes.push({ alias: `n${probes.length}`, field: typed.field, fields: typed.fields, target: t });
    }
  }
  const results = new Map<string, { res: GqlResponse }>();
  for (let i = 0; i < probes.length;) {
    const batch = probes.slice(i, i + batchSize);
    const vars = batch.map((p) => `$${p.alias}: ID!`).join(', ');
    const body = batch.map((p) => `${p.alias}: ${p.field}(id: $${p.alias}) { ${p.fields} }`).join('\n');
    const variables = Object.fromEntries(batch.map((p) => [p.alias, p.target.id]));
    const res = await ctx.app.gql(ctx.token, `query(${vars}) {\n${body}\n}`, variables);
    const whole = (res.body.errors ?? []).filter((e) => !e.path);
    if ((whole.length || !res.body.data) && batch.length > 1) {
      // The batch itself was refused (e.g. a complexity limit): smaller batches from now on.
      batchSize = Math.max(1, batch.length >> 1);
      continue;
    }
    for (const p of batch) results.set(p.alias, { res });
    i += batch.length;
  }

  const fetchable = new Map<Kind, Set<string>>();
  const missingSignature = new Map<string, string>();
  const refusals: Array<{ probe: Probe; signature: string }> = [];
  for (const p of probes) {
    const { res } = results.get(p.alias)!;
    const value = res.body.data?.[p.alias];
    const errs = (res.body.errors ?? []).filter((e) => e.path?.[0] === p.alias);
    const label = `${p.field}(${p.target.id})`;
    if (value) {
      if (errs.length) ctx.report.add(ctx.stage, ctx.who, `${label} returned data and errors ${JSON.stringify(errs)}`);
      if (p.target.kind === 'missing') {
        ctx.report.add(ctx.stage, ctx.who, `${label} found a missing id: ${JSON.stringify(value)}`);
        continue;
      }
      if (value.id !== p.target.id) ctx.report.add(ctx.stage, ctx.who, `${label} returned id ${value.id}`);
      if (p.field === 'node') {
        if (value.__typename !== p.target.kind)
          ctx.report.add(ctx.stage, ctx.who, `${label} is a ${value.__typename}, expected ${p.target.kind}`);
        obs.node(value, 'node(id)');
        const set = fetchable.get(p.target.kind) ?? new Set<string>();
        set.add(p.target.id);
        fetchable.set(p.target.kind, set);
      } else {
        obs.node({ ...value, __typename: p.target.kind }, `${p.field}(id)`);
        for (const edge of value.posts?.edges ?? []) obs.post(edge.node, `${p.field}(id) posts`);
      }
      continue;
    }
    const signature = refusalSignature(res, p.alias, p.target.id);
    const codes = errs.map((e) => e.extensions?.code);
    if (codes.length !== 1 || codes[0] !== 'NOT_FOUND')
      ctx.report.add(ctx.stage, ctx.who, `${label} refused with ${JSON.stringify(errs)}, expected one NOT_FOUND`);
    if (p.target.kind === 'missing') missingSignature.set(p.field, signature);
    else refusals.push({ probe: p, signature });
  }
  // A typed fetch of a visible object must agree with node(id).
  for (const p of probes) {
    if (p.field === 'node' || p.target.kind === 'missing') continue;
    const viaNode = fetchable.get(p.target.kind as Kind)?.has(p.target.id) ?? false;
    const viaTyped = Boolean(results.get(p.alias)!.res.body.data?.[p.alias]);
    if (viaNode !== viaTyped)
      ctx.report.add(
        ctx.stage,
        ctx.who,
        `node(${p.target.id}) ${viaNode ? 'finds' : 'refuses'} it but ${p.field}(id) ${viaTyped ? 'finds' : 'refuses'} it`,
      );
  }
  for (const r of refusals) {
    const expected = missingSignature.get(r.probe.field);
    if (expected !== undefined && expected !== r.signature)
      ctx.report.add(
        ctx.stage,
        ctx.who,
        `${r.probe.field}(${r.probe.target.id}) invisible refusal ${r.signature} differs from missing ${expected}`,
      );
  }
  // Whole responses, one query each: the first invisible id of each field against a missing id.
  const missing = targets.find((t) => t.kind === 'missing');
  const firstPerField = new Map<string, Probe>();
  for (const r of refusals) if (!firstPerField.has(r.probe.field)) firstPerField.set(r.probe.field, r.probe);
  for (const [field, p] of firstPerField) {
    if (!missing) break;
    const q = `query($id: ID!) { x: ${field}(id: $id) { ${p.fields} } }`;
    const invisible = await ctx.app.gql(ctx.token, q, { id: p.target.id });
    const absent = await ctx.app.gql(ctx.token, q, { id: missing.id });
    const a = normalizedBody(invisible, p.target.id);
    const b = normalizedBody(absent, missing.id);
    if (a !== b)
      ctx.report.add(ctx.stage, ctx.who, `${field}: invisible ${p.target.id} answers ${a}, a missing id answers ${b}`);
  }
  return fetchable;
}

/** A user who does not count: every request is UNAUTHENTICATED and carries no data. */
async function expectUnauthenticated(ctx: Ctx, probeId: string | undefined): Promise<void> {
  const queries = [
    ['me', '{ me { id } }', {}],
    ['spaces', '{ spaces(first: 2) { totalCount } }', {}],
    ['feed', '{ feed(first: 2) { totalCount edges { node { id title } } } }', {}],
    ['users', '{ users(first: 2) { totalCount } }', {}],
    ...(probeId ? [['node', 'query($id: ID!) { node(id: $id) { id } }', { id: probeId }]] : []),
  ] as Array<[string, string, object]>;
  for (const [name, q, v] of queries) {
    const res = await ctx.app.gql(ctx.token, q, v);
    const codes = (res.body.errors ?? []).map((e) => e.extensions?.code);
    const data = res.body.data;
    const leaked = Boolean(data) && Object.values(data as object).some((x) => x !== null && x !== undefined);
    if (!codes.length || codes.some((c) => c !== 'UNAUTHENTICATED') || leaked)
      ctx.report.add(
        ctx.stage,
        ctx.who,
        `${name} should be UNAUTHENTICATED, got ${res.status} ${JSON.stringify(res.body)}`,
      );
  }
}

// ---------------------------------------------------------------------------------------
// One full check of a world at one instant.

function describeUser(model: ReferenceModel, key: string): string {
  const u = model.user(key);
  const org = model.org(u);
  const roles = u.roles.length ? ` ${u.roles.join('+')}` : '';
  return `${key} (${org.kind} ${org.key}${org.status === 'SUSPENDED' ? ' SUSPENDED' : ''}, ${u.status}, eff ${model.effectiveClearance(u)}${roles})`;
}

function valuesEqual(base: Date) {
  return (f: Fact, expected: FactValue, actual: FactValue): boolean => {
    if (expected === IMPORT_DEFAULT_EXPIRY) {
      if (typeof actual !== 'string') return false;
      const days = (Date.parse(actual) - base.getTime()) / DAY;
      return days > 89 && days < 91;
    }
    return JSON.stringify(expected) === JSON.stringify(actual);
  };
}

async function checkWorld(
  app: TestAppContract,
  world: World,
  now: Date,
  stage: string,
  tokens: Map<string, string>,
  report: Report,
  membershipIds: Map<string, string>,
): Promise<void> {
  const model = new ReferenceModel(world, now);
  const views = expectedView(world, now);
  const targets: ByIdTarget[] = [
    ...world.organizations.map((o) => ({ kind: 'Organization' as const, id: o.id! })),
    ...world.users.map((o) => ({ kind: 'User' as const, id: o.id! })),
    ...world.spaces.map((o) => ({ kind: 'Space' as const, id: o.id! })),
    ...world.posts.map((o) => ({ kind: 'Post' as const, id: o.id! })),
    ...world.comments.map((o) => ({ kind: 'Comment' as const, id: o.id! })),
    ...[0, 1, 2].map(() => ({ kind: 'missing' as const, id: randomUUID() })),
  ];

  const anonymous: Ctx = { app, report, stage, who: 'anonymous', token: null as unknown as string };
  await expectUnauthenticated(anonymous, world.spaces[0]?.id);

  for (const u of world.users) {
    const view = views.get(u.key) as ExpectedView;
    const who = describeUser(model, u.key);
    let token = tokens.get(u.key);
    if (token === undefined) {
      try {
        token = await app.tokenFor(u.id!);
        tokens.set(u.key, token);
      } catch (e) {
        if (view.authenticates) report.add(stage, who, `tokenFor refused a user who counts: ${String(e)}`);
        continue;
      }
    }
    const ctx: Ctx = { app, report, stage, who, token };
    if (!view.authenticates) {
      await expectUnauthenticated(ctx, world.spaces[0]?.id);
      continue;
    }
    const probe = await app.gql(token, '{ me { id } }');
    if (probe.body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
      // The clock moved past the token's lifetime: a fresh token, same user.
      token = await app.tokenFor(u.id!);
      tokens.set(u.key, token);
      ctx.token = token;
    }
    const obs = new Observed(report, stage, who);
    await readEverything(ctx, targets, obs, membershipIds);
    coverage.readers += 1;
    coverage.facts += obs.facts.size;
    for (const line of diffFacts(view.facts, obs.facts, valuesEqual(WORLD_BASE_TIME))) {
      const key = line.split(/\s+/)[1];
      report.add(stage, who, `${line}   [${clauseOf(key)}]`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The time step: a membership expires and another one is revoked.

function cloneWorld(w: World): World {
  return JSON.parse(JSON.stringify(w)) as World;
}

async function revoke(
  app: TestAppContract,
  world: World,
  m: WorldMembership,
  membershipIds: Map<string, string>,
): Promise<boolean> {
  const user = world.users.find((u) => u.key === m.user)!;
  const space = world.spaces.find((s) => s.key === m.space)!;
  let id = membershipIds.get(`${space.id}/${user.id}`);
  if (!id) {
    const rows = await app.dataSource.query('SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2', [
      user.id,
      space.id,
    ]);
    id = rows[0]?.id;
  }
  if (!id) return false;
  if (typeof app.revokeMembership === 'function') await app.revokeMembership(id);
  else await app.dataSource.query(`UPDATE memberships SET status = 'REVOKED' WHERE id = $1`, [id]);
  return true;
}

// ---------------------------------------------------------------------------------------

// One gateway for all worlds: emptied between worlds (children before parents; the
// append-only audit log stays), so a run costs the reads, not a boot.
const DOMAIN_TABLES = [
  'reactions',
  'comments',
  'posts',
  'memberships',
  'invitations',
  'risk_entries',
  'sessions',
  'api_tokens',
  'external_identities',
  'idp_connections',
  'users',
  'spaces',
  'organizations',
];
let shared: TestAppContract | undefined;
/** What the runs actually compared: a property over users who read nothing proves nothing. */
const coverage = { readers: 0, facts: 0 };

async function emptyGateway(): Promise<TestAppContract> {
  shared ??= await startTestApp();
  for (const table of DOMAIN_TABLES) await shared.dataSource.query(`DELETE FROM ${table}`);
  return shared;
}

afterAll(async () => {
  await shared?.close();
});

/** Imports `world`, reads everything as every user, moves time and revokes; returns the differences. */
async function checkOneWorld(world: World, pick: number, run: number): Promise<{ lines: string[]; summary: string }> {
  const started = Date.now();
  const booting = await emptyGateway();
  let requests = 0;
  const app: TestAppContract = Object.create(booting);
  app.gql = (token, query, variables) => {
    requests += 1;
    return booting.gql(token, query, variables);
  };
  const booted = Date.now();
  const names = new Map<string, string>();
  const objects = [...world.organizations, ...world.users, ...world.spaces, ...world.posts, ...world.comments];
  for (const o of objects) names.set(o.id!.toLowerCase(), o.key);
  const report = new Report(names);
  try {
    app.clock.set(WORLD_BASE_TIME);
    const ids = await app.importWorld(world);
    for (const o of objects)
      if (ids[o.key] !== undefined && ids[o.key] !== o.id)
        report.add('import', o.key, `imported as ${ids[o.key]}, not its given id ${o.id}`);
    if (report.lines.length) return { lines: report.lines, summary: `run ${run}: import` };

    const membershipIds = new Map<string, string>();
    const tokens = new Map<string, string>();
    await checkWorld(app, world, WORLD_BASE_TIME, 'import', tokens, report, membershipIds);

    // Time step: the clock reaches the expiry of an active membership (expired from the instant
    // now ≥ expiresAt), and another membership, still active then, is revoked.
    const model = new ReferenceModel(world, WORLD_BASE_TIME);
    const active = world.memberships.filter((m) => model.isActive(m));
    const expiring = active.filter((m) => m.expiresAt !== undefined);
    const next = cloneWorld(world);
    let later = new Date(WORLD_BASE_TIME.getTime() + DAY);
    let stage = 'after +1 day';
    if (expiring.length) {
      const e = expiring[pick % expiring.length];
      later = new Date(e.expiresAt!);
      stage = `at expiry of ${e.user} in ${e.space}`;
    }
    const stillActive = active.filter((m) => m.expiresAt === undefined || new Date(m.expiresAt) > later);
    // Prefer a member who counts: their membership shows in member lists, so its id is known.
    const listed = stillActive.filter((m) => model.counts(model.user(m.user)));
    const revocable = listed.length ? listed : stillActive;
    if (revocable.length) {
      const r = revocable[(pick >> 3) % revocable.length];
      if (await revoke(app, world, r, membershipIds)) {
        next.memberships.find((m) => m.user === r.user && m.space === r.space)!.status = 'REVOKED';
        stage += `, ${r.user} revoked from ${r.space}`;
      }
    }
    app.clock.set(later);
    await checkWorld(app, next, later, stage, tokens, report, membershipIds);
  } finally {
    app.clock.set(WORLD_BASE_TIME);
  }
  if (REPORT_DIR) {
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(
      join(REPORT_DIR, `run-${SEED}-${run}.json`),
      JSON.stringify({ seed: SEED, run, world, differences: report.lines }, null, 1),
    );
  }
  const summary = `run ${run}: ${Date.now() - started} ms (boot ${booted - started} ms, ${requests} requests), ${report.lines.length} differences`;
  return { lines: report.lines, summary };
}

describe('confidentiality (DESIGN.md section 2), property-based', () => {
  it(
    'every user reads exactly what the reference model allows, before and after a time step',
    async () => {
      console.log(
        `confidentiality property: seed=${SEED} runs=${RUNS} shrink=${SHRINK} (replay: PROPERTY_SEED=${SEED})`,
      );
      let run = 0;
      let firstFailureAt: number | undefined;
      let lastFailure = '';
      try {
        await fc.assert(
          fc.asyncProperty(worldArbitrary(), fc.nat(), async (world, pick) => {
            // About one world in a hundred has nobody who signs in (every user or organisation
            // deactivated): it would compare nothing, so fast-check draws another in its place.
            fc.pre([...expectedView(world, WORLD_BASE_TIME).values()].some((v) => v.authenticates));
            // Past the shrinking budget, remaining candidates pass unchecked: the last failure stands.
            if (firstFailureAt !== undefined && Date.now() - firstFailureAt > SHRINK_BUDGET_MS) return;
            run += 1;
            const { lines, summary } = await checkOneWorld(world, pick, run);
            if (VERBOSE || (lines.length && firstFailureAt === undefined)) console.log(summary);
            if (!lines.length) return;
            firstFailureAt ??= Date.now();
            lastFailure = `${summary}\n${lines.join('\n')}\nworld: ${JSON.stringify(world)}`;
            throw new Error(`${lines.length} differences, first ones:\n${lines.slice(0, 40).join('\n')}`);
          }),
          { numRuns: RUNS, seed: SEED, path: PATH, endOnFailure: !SHRINK, verbose: 1 },
        );
      } catch (e) {
        console.log(`smallest failing world found (seed=${SEED}):\n${lastFailure}`);
        throw e;
      }
      expect(coverage.readers).toBeGreaterThan(0);
      expect(coverage.facts).toBeGreaterThan(0);
    },
    Math.max(60, RUNS * 4) * 60_000 + SHRINK_BUDGET_MS,
  );
});
