// An independent reference implementation of DESIGN.md section 2 (the confidentiality
// rule), written from the design text only: plain TypeScript over a world in the import
// format and a `now`. No CASL, no SQL, nothing shared with the gateway.
//
// Entry point: `expectedView(world, now, { ids })` returns, for every user U of the world,
// whether U can authenticate at all and everything U must see through the API, both as
// structured id lists and as a flat set of (type, id, field, value) facts.

import type {
  World,
  WorldComment,
  WorldMembership,
  WorldOrganization,
  WorldPost,
  WorldSpace,
  WorldUser,
} from './world.types';

/** Membership `expiresAt` of an external member imported without one (90 days after import). */
export const IMPORT_DEFAULT_EXPIRY = '<import default: 90 days after import>';

export type FactValue = string | number | boolean | null | string[];

/** One thing U must see: `value` of `field` of object `id` of GraphQL `type`. */
export interface Fact {
  /** Organization, User, Space, Membership, Post, Comment, or Query for root lists. */
  type: string;
  /** The object's UUID; `${spaceId}/${userId}` for a Membership; the root field for Query. */
  id: string;
  field: string;
  value: FactValue;
}

export interface ExpectedView {
  userKey: string;
  userId: string;
  /** False when U does not count: every request must answer UNAUTHENTICATED. */
  authenticates: boolean;
  /** Ids U sees, sorted (empty when U does not authenticate). */
  organizations: string[];
  users: string[];
  spaces: string[];
  /** Every post U reads, sorted by id. */
  posts: string[];
  comments: string[];
  /** Post ids, newest first (createdAt desc, then id desc). */
  feed: string[];
  /** Per visible space: member user ids (sorted) and post ids (feed order). */
  spaceMembers: Map<string, string[]>;
  spacePosts: Map<string, string[]>;
  /** Per readable post: the comment ids U sees, sorted. */
  postComments: Map<string, string[]>;
  /** Every fact, keyed by `factKey`. */
  facts: Map<string, Fact>;
}

export interface ModelOptions {
  /** key → id, as returned by `importWorld`; an object's own `id` wins, then this, then its key. */
  ids?: Record<string, string>;
}

export function factKey(f: Pick<Fact, 'type' | 'id' | 'field'>): string {
  return `${f.type}|${f.id}|${f.field}`;
}

/** Indexed world with the predicates of section 2, each named after its clause. */
export class ReferenceModel {
  readonly orgByKey = new Map<string, WorldOrganization>();
  readonly userByKey = new Map<string, WorldUser>();
  readonly spaceByKey = new Map<string, WorldSpace>();
  readonly postByKey = new Map<string, WorldPost>();
  readonly hostOrg: WorldOrganization;
  private readonly membershipByPair = new Map<string, WorldMembership>();

  constructor(
    readonly world: World,
    readonly now: Date,
    private readonly options: ModelOptions = {},
  ) {
    for (const o of world.organizations) this.orgByKey.set(o.key, o);
    for (const u of world.users) this.userByKey.set(u.key, u);
    for (const s of world.spaces) this.spaceByKey.set(s.key, s);
    for (const p of world.posts) this.postByKey.set(p.key, p);
    const hosts = world.organizations.filter((o) => o.kind === 'HOST');
    if (hosts.length !== 1) throw new Error(`a world has exactly one HOST organisation, got ${hosts.length}`);
    this.hostOrg = hosts[0];
    for (const m of world.memberships) {
      const pair = `${m.user}\u0000${m.space}`;
      if (this.membershipByPair.has(pair)) throw new Error(`two memberships of ${m.user} in ${m.space}`);
      this.membershipByPair.set(pair, m);
    }
  }

  idOf(o: { key: string; id?: string }): string {
    return o.id ?? this.options.ids?.[o.key] ?? o.key;
  }

  org(u: WorldUser): WorldOrganization {
    const o = this.orgByKey.get(u.organization);
    if (!o) throw new Error(`unknown organisation ${u.organization}`);
    return o;
  }

  user(key: string): WorldUser {
    const u = this.userByKey.get(key);
    if (!u) throw new Error(`unknown user ${key}`);
    return u;
  }

  space(key: string): WorldSpace {
    const s = this.spaceByKey.get(key);
    if (!s) throw new Error(`unknown space ${key}`);
    return s;
  }

  post(key: string): WorldPost {
    const p = this.postByKey.get(key);
    if (!p) throw new Error(`unknown post ${key}`);
    return p;
  }

  isHost(u: WorldUser): boolean {
    return u.organization === this.hostOrg.key;
  }

  sameOrg(u: WorldUser, v: WorldUser): boolean {
    return u.organization === v.organization;
  }

  /** U counts while U is ACTIVE and U's organisation is ACTIVE. */
  counts(u: WorldUser): boolean {
    return u.status === 'ACTIVE' && this.org(u).status === 'ACTIVE';
  }

  /** min(user.clearance, organisation.clearanceCap). */
  effectiveClearance(u: WorldUser): number {
    return Math.min(u.clearance, this.org(u).clearanceCap);
  }

  /** HOST_ADMIN or SECURITY_REVIEWER; held by host users only. */
  isOverseer(u: WorldUser): boolean {
    return this.isHost(u) && (u.roles.includes('HOST_ADMIN') || u.roles.includes('SECURITY_REVIEWER'));
  }

  membership(u: WorldUser, s: WorldSpace): WorldMembership | undefined {
    return this.membershipByPair.get(`${u.key}\u0000${s.key}`);
  }

  /** The membership's expiry; an omitted one is "no expiry" (host) or 90 days after import (external, so still running). */
  private expiryInstant(m: WorldMembership): Date | null {
    return m.expiresAt === undefined || m.expiresAt === null ? null : new Date(m.expiresAt);
  }

  /** ACTIVE, not expired (expired from the instant now ≥ expiresAt), member's effective clearance ≥ classification. */
  isActive(m: WorldMembership): boolean {
    const expiry = this.expiryInstant(m);
    return (
      m.status === 'ACTIVE' &&
      (expiry === null || this.now.getTime() < expiry.getTime()) &&
      this.effectiveClearance(this.user(m.user)) >= this.space(m.space).classification
    );
  }

  activeMembership(u: WorldUser, s: WorldSpace): WorldMembership | undefined {
    const m = this.membership(u, s);
    return m && this.isActive(m) ? m : undefined;
  }

  /** HUB rule: an external U in a HUB space sees only what the host or U's own organisation wrote or is. */
  hubAllows(u: WorldUser, s: WorldSpace, v: WorldUser): boolean {
    return s.partnerVisibility !== 'HUB' || this.isHost(u) || this.isHost(v) || this.sameOrg(u, v);
  }

  /** Spaces: an active membership in S, or HOST_ADMIN / SECURITY_REVIEWER. */
  seesSpace(u: WorldUser, s: WorldSpace): boolean {
    return this.counts(u) && (this.activeMembership(u, s) !== undefined || this.isOverseer(u));
  }

  /** Members: whoever sees S sees its active members who count, filtered by the HUB rule. */
  seesMember(u: WorldUser, m: WorldMembership): boolean {
    const s = this.space(m.space);
    const v = this.user(m.user);
    return this.seesSpace(u, s) && this.isActive(m) && this.counts(v) && this.hubAllows(u, s, v);
  }

  /** Posts: active membership, label ≤ effective clearance, not hidden (unless OWNER/ANIMATOR), HUB author rule. */
  readsPost(u: WorldUser, p: WorldPost): boolean {
    if (!this.counts(u)) return false;
    const s = this.space(p.space);
    const m = this.activeMembership(u, s);
    if (!m) return false;
    if (p.label > this.effectiveClearance(u)) return false;
    if (p.hidden && m.role !== 'OWNER' && m.role !== 'ANIMATOR') return false;
    return this.hubAllows(u, s, this.user(p.author));
  }

  /** Comments follow their post, and the HUB rule applies to their own author. */
  seesComment(u: WorldUser, c: WorldComment): boolean {
    const p = this.post(c.post);
    return this.readsPost(u, p) && this.hubAllows(u, this.space(p.space), this.user(c.author));
  }

  /** People: the six clauses of section 2. */
  seesUser(u: WorldUser, v: WorldUser): boolean {
    if (!this.counts(u)) return false;
    return (
      u.key === v.key ||
      this.sameOrg(u, v) ||
      (this.isHost(u) && this.isHost(v)) ||
      this.isOverseer(u) ||
      (this.counts(v) && this.shareHubAllowedActiveSpace(u, v)) ||
      this.world.posts.some((p) => p.author === v.key && this.readsPost(u, p)) ||
      this.world.comments.some((c) => c.author === v.key && this.seesComment(u, c))
    );
  }

  private shareHubAllowedActiveSpace(u: WorldUser, v: WorldUser): boolean {
    return this.world.spaces.some(
      (s) =>
        this.activeMembership(u, s) !== undefined &&
        this.activeMembership(v, s) !== undefined &&
        this.hubAllows(u, s, v),
    );
  }

  /** Emails: U sees V and (U is host, or V is host, or they share an organisation). */
  seesEmail(u: WorldUser, v: WorldUser): boolean {
    return this.seesUser(u, v) && (this.isHost(u) || this.isHost(v) || this.sameOrg(u, v));
  }

  /** Organisations: own, the host, the organisation of every user U sees; all for overseers. */
  seesOrganization(u: WorldUser, o: WorldOrganization): boolean {
    if (!this.counts(u)) return false;
    return (
      o.key === u.organization ||
      o.key === this.hostOrg.key ||
      this.isOverseer(u) ||
      this.world.users.some((v) => v.organization === o.key && this.seesUser(u, v))
    );
  }

  /** The `expiresAt` the API must show for a membership. */
  shownExpiry(m: WorldMembership): string | null {
    if (m.expiresAt !== undefined && m.expiresAt !== null) return new Date(m.expiresAt).toISOString();
    return this.isHost(this.user(m.user)) ? null : IMPORT_DEFAULT_EXPIRY;
  }

  createdAt(o: { key: string; createdAt?: string }): string {
    if (o.createdAt === undefined || o.createdAt === null) throw new Error(`the model needs createdAt on ${o.key}`);
    return new Date(o.createdAt).toISOString();
  }

  /** createdAt desc, then id desc (UUIDs compare as their lower-case text). */
  newestFirst(posts: WorldPost[]): WorldPost[] {
    return [...posts].sort((a, b) => {
      const dt = Date.parse(this.createdAt(b)) - Date.parse(this.createdAt(a));
      if (dt !== 0) return dt;
      const ia = this.idOf(a).toLowerCase();
      const ib = this.idOf(b).toLowerCase();
      return ia < ib ? 1 : ia > ib ? -1 : 0;
    });
  }

  viewOf(u: WorldUser): ExpectedView {
    const userId = this.idOf(u);
    const view: ExpectedView = {
      userKey: u.key,
      userId,
      authenticates: this.counts(u),
      organizations: [],
      users: [],
      spaces: [],
      posts: [],
      comments: [],
      feed: [],
      spaceMembers: new Map(),
      spacePosts: new Map(),
      postComments: new Map(),
      facts: new Map(),
    };
    if (!view.authenticates) return view;
    const put = (type: string, id: string, field: string, value: FactValue): void => {
      const f = { type, id, field, value };
      view.facts.set(factKey(f), f);
    };

    const orgs = this.world.organizations.filter((o) => this.seesOrganization(u, o));
    for (const o of orgs) {
      const id = this.idOf(o);
      put('Organization', id, 'name', o.name);
      put('Organization', id, 'kind', o.kind);
    }
    view.organizations = sortedIds(orgs.map((o) => this.idOf(o)));

    const people = this.world.users.filter((v) => this.seesUser(u, v));
    for (const v of people) {
      const id = this.idOf(v);
      put('User', id, 'displayName', v.displayName);
      put('User', id, 'email', this.seesEmail(u, v) ? v.email : null);
      put('User', id, 'organization', this.idOf(this.org(v)));
    }
    view.users = sortedIds(people.map((v) => this.idOf(v)));

    const readable = this.world.posts.filter((p) => this.readsPost(u, p));
    const visibleComments = this.world.comments.filter((c) => this.seesComment(u, c));
    for (const p of readable) {
      const id = this.idOf(p);
      const comments = visibleComments.filter((c) => c.post === p.key);
      const commentIds = sortedIds(comments.map((c) => this.idOf(c)));
      view.postComments.set(id, commentIds);
      put('Post', id, 'title', p.title);
      put('Post', id, 'body', p.body);
      put('Post', id, 'label', p.label);
      put('Post', id, 'createdAt', this.createdAt(p));
      put('Post', id, 'hidden', p.hidden);
      put('Post', id, 'commentCount', comments.length);
      put('Post', id, 'space', this.idOf(this.space(p.space)));
      put('Post', id, 'author', this.idOf(this.user(p.author)));
      put('Post', id, 'comments', commentIds);
      put('Post', id, 'comments.totalCount', comments.length);
      // Reactions are not imported: every reaction list is empty.
      put('Post', id, 'reactions', []);
      put('Post', id, 'reactions.totalCount', 0);
    }
    view.posts = sortedIds(readable.map((p) => this.idOf(p)));
    for (const c of visibleComments) {
      const id = this.idOf(c);
      put('Comment', id, 'body', c.body);
      put('Comment', id, 'createdAt', this.createdAt(c));
      put('Comment', id, 'post', this.idOf(this.post(c.post)));
      put('Comment', id, 'author', this.idOf(this.user(c.author)));
    }
    view.comments = sortedIds(visibleComments.map((c) => this.idOf(c)));

    const spaces = this.world.spaces.filter((s) => this.seesSpace(u, s));
    for (const s of spaces) {
      const id = this.idOf(s);
      put('Space', id, 'name', s.name);
      put('Space', id, 'purpose', s.purpose);
      put('Space', id, 'classification', s.classification);
      put('Space', id, 'status', s.status);
      put('Space', id, 'partnerVisibility', s.partnerVisibility);
      const members = this.world.memberships.filter((m) => m.space === s.key && this.seesMember(u, m));
      const memberIds = sortedIds(members.map((m) => this.idOf(this.user(m.user))));
      view.spaceMembers.set(id, memberIds);
      put('Space', id, 'members', memberIds);
      put('Space', id, 'members.totalCount', memberIds.length);
      for (const m of members) {
        const userId = this.idOf(this.user(m.user));
        const mid = `${id}/${userId}`;
        put('Membership', mid, 'role', m.role);
        put('Membership', mid, 'expiresAt', this.shownExpiry(m));
        put('Membership', mid, 'user', userId);
      }
      const posts = this.newestFirst(readable.filter((p) => p.space === s.key)).map((p) => this.idOf(p));
      view.spacePosts.set(id, posts);
      put('Space', id, 'posts', posts);
      put('Space', id, 'posts.totalCount', posts.length);
    }
    view.spaces = sortedIds(spaces.map((s) => this.idOf(s)));

    view.feed = this.newestFirst(readable).map((p) => this.idOf(p));
    put('Query', 'me', 'id', userId);
    put('Query', 'feed', 'nodes', view.feed);
    put('Query', 'feed', 'totalCount', view.feed.length);
    put('Query', 'spaces', 'nodes', view.spaces);
    put('Query', 'spaces', 'totalCount', view.spaces.length);
    put('Query', 'users', 'nodes', view.users);
    put('Query', 'users', 'totalCount', view.users.length);
    put('Query', 'organizations', 'nodes', view.organizations);
    put('Query', 'organizations', 'totalCount', view.organizations.length);
    return view;
  }
}

function sortedIds(ids: string[]): string[] {
  return [...ids].sort();
}

/**
 * What every user of `world` must see at instant `now`, keyed by user key.
 * Ids come from the objects' own `id`, else `options.ids` (importWorld's key → id map), else keys.
 */
export function expectedView(world: World, now: Date, options: ModelOptions = {}): Map<string, ExpectedView> {
  const model = new ReferenceModel(world, now, options);
  return new Map(world.users.map((u) => [u.key, model.viewOf(u)]));
}

/** Facts of `expected` missing from or different in `actual`, and facts `actual` has but should not. */
export function diffFacts(
  expected: Map<string, Fact>,
  actual: Map<string, Fact>,
  valuesEqual: (field: Fact, expected: FactValue, actual: FactValue) => boolean = (_f, e, a) =>
    JSON.stringify(e) === JSON.stringify(a),
): string[] {
  const lines: string[] = [];
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (!a) lines.push(`missing   ${k} expected ${JSON.stringify(e.value)}`);
    else if (!valuesEqual(e, e.value, a.value))
      lines.push(`different ${k} expected ${JSON.stringify(e.value)} actual ${JSON.stringify(a.value)}`);
  }
  for (const [k, a] of actual) {
    if (!expected.has(k)) lines.push(`unexpected ${k} actual ${JSON.stringify(a.value)}`);
  }
  return lines.sort();
}
