// fast-check arbitraries for random worlds in the import format. A world is drawn as
// flat "choices" (indices, levels, flags) and then built deterministically, so that
// shrinking removes objects and lowers levels while the world stays valid.

import fc from 'fast-check';
import type {
  Level,
  MembershipRole,
  MembershipStatus,
  OrganizationStatus,
  PartnerVisibility,
  SpaceStatus,
  UserStatus,
  World,
  WorldComment,
  WorldMembership,
  WorldOrganization,
  WorldPost,
  WorldSpace,
  WorldUser,
} from './world.types';

/** The instant the test clock is set to before importing a generated world. */
export const WORLD_BASE_TIME = new Date('2027-01-04T09:00:00.000Z');

export interface WorldSizes {
  maxExternalOrgs: number;
  maxUsers: number;
  maxSpaces: number;
  maxMemberships: number;
  maxPosts: number;
  maxComments: number;
}

export const DEFAULT_WORLD_SIZES: WorldSizes = {
  maxExternalOrgs: 4,
  maxUsers: 12,
  maxSpaces: 5,
  maxMemberships: 30,
  maxPosts: 20,
  maxComments: 30,
};

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Explicit expiries in the future stay within this, well inside the 90-day import default. */
export const MAX_FUTURE_EXPIRY_MS = 80 * DAY;

/** Every level 0–4, weighted: readers lean high, classifications and labels lean low, so that reads happen. */
const weightedLevel = (weights: [number, number, number, number, number]): fc.Arbitrary<Level> =>
  fc.oneof(...weights.map((weight, l) => ({ arbitrary: fc.constant(l as Level), weight })));
const clearance = weightedLevel([1, 1, 2, 2, 4]);
const classification = weightedLevel([4, 3, 2, 1, 1]);
const weighted = <T>(...choices: Array<[T, number]>): fc.Arbitrary<T> =>
  fc.oneof(...choices.map(([v, weight]) => ({ arbitrary: fc.constant(v), weight })));
const words = [
  'pilot',
  'hydrogen',
  'roadmap',
  'risk',
  'design',
  'sprint',
  'review',
  'supply',
  'battery',
  'grid',
  'Élan',
  'quarterly',
  'naïve',
  'budget',
  'prototype',
  'Zürich',
  "O'Brien",
  'test',
  'partner',
  'charte',
];
const text = (min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...words), { minLength: min, maxLength: max }).map((w) => w.join(' ') || 'x');

type ExpiryChoice =
  { kind: 'omitted' } | { kind: 'past'; ms: number } | { kind: 'atBase' } | { kind: 'future'; ms: number };

const expiryChoice: fc.Arbitrary<ExpiryChoice> = fc.oneof(
  { arbitrary: fc.constant<ExpiryChoice>({ kind: 'omitted' }), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 100 * DAY }).map((ms): ExpiryChoice => ({ kind: 'past', ms })), weight: 1 },
  { arbitrary: fc.constant<ExpiryChoice>({ kind: 'atBase' }), weight: 1 },
  {
    arbitrary: fc.integer({ min: 1, max: MAX_FUTURE_EXPIRY_MS }).map((ms): ExpiryChoice => ({ kind: 'future', ms })),
    weight: 3,
  },
  // Round futures, so that several memberships can lapse at the same instant.
  { arbitrary: fc.integer({ min: 1, max: 80 }).map((d): ExpiryChoice => ({ kind: 'future', ms: d * DAY })), weight: 1 },
);

const orgChoice = fc.record({
  kind: fc.constantFrom<'PARTNER' | 'CLIENT'>('PARTNER', 'CLIENT'),
  status: weighted<OrganizationStatus>(['ACTIVE', 4], ['SUSPENDED', 1]),
  clearanceCap: clearance,
  extraDomain: fc.boolean(),
  name: text(1, 2),
});

const userChoice = fc.record({
  org: fc.nat(),
  clearance,
  status: weighted<UserStatus>(['ACTIVE', 6], ['DISABLED', 1]),
  admin: fc.boolean(),
  reviewer: fc.boolean(),
  secondDomain: fc.boolean(),
  displayName: text(1, 2),
  skills: fc.array(fc.constantFrom(...words), { maxLength: 2 }),
});

const spaceChoice = fc.record({
  classification,
  status: fc.constantFrom<SpaceStatus>('PILOT', 'ACTIVE', 'ARCHIVED'),
  partnerVisibility: fc.constantFrom<PartnerVisibility>('OPEN', 'HUB'),
  name: text(1, 3),
  purpose: text(0, 5),
});

const membershipChoice = fc.record({
  user: fc.nat(),
  space: fc.nat(),
  role: fc.constantFrom<MembershipRole>('MEMBER', 'OBSERVER', 'OWNER', 'ANIMATOR'),
  status: weighted<MembershipStatus>(['ACTIVE', 10], ['SUSPENDED', 1], ['REVOKED', 1]),
  expiry: expiryChoice,
});

/** Time slots an hour apart: few slots for many objects gives equal timestamps (id tiebreak). */
/** `fromMembers`: the author is drawn among the space's members (any status), else among all users. */
const postChoice = fc.record({
  space: fc.nat(),
  author: fc.nat(),
  fromMembers: weighted([true, 3], [false, 1]),
  labelAbove: weighted([0, 4], [1, 2], [2, 1], [3, 1], [4, 1]),
  hidden: weighted([false, 3], [true, 1]),
  slot: fc.nat({ max: 15 }),
  title: text(1, 4),
  body: text(0, 8),
});

const commentChoice = fc.record({
  post: fc.nat(),
  author: fc.nat(),
  fromMembers: weighted([true, 3], [false, 1]),
  slot: fc.nat({ max: 40 }),
  body: text(1, 6),
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** The flat draws a world is built from. */
export interface WorldChoices {
  host: { clearanceCap: Level; name: string };
  orgs: Array<ValueOf<typeof orgChoice>>;
  users: Array<ValueOf<typeof userChoice>>;
  spaces: Array<ValueOf<typeof spaceChoice>>;
  memberships: Array<ValueOf<typeof membershipChoice>>;
  posts: Array<ValueOf<typeof postChoice>>;
  comments: Array<ValueOf<typeof commentChoice>>;
  ids: string[];
}

/** Random worlds: one HOST plus 1–4 PARTNER/CLIENT organisations, and everything in them. */
export function worldArbitrary(sizes: Partial<WorldSizes> = {}, base: Date = WORLD_BASE_TIME): fc.Arbitrary<World> {
  const s = { ...DEFAULT_WORLD_SIZES, ...sizes };
  const maxIds = 1 + s.maxExternalOrgs + s.maxUsers + s.maxSpaces + s.maxPosts + s.maxComments;
  return fc
    .record({
      host: fc.record({ clearanceCap: fc.constant<Level>(4), name: text(1, 2) }),
      orgs: fc.array(orgChoice, { minLength: 1, maxLength: s.maxExternalOrgs, size: 'max' }),
      users: fc.array(userChoice, { minLength: Math.min(3, s.maxUsers), maxLength: s.maxUsers, size: 'max' }),
      spaces: fc.array(spaceChoice, { minLength: 1, maxLength: s.maxSpaces, size: 'max' }),
      memberships: fc.array(membershipChoice, {
        minLength: Math.min(8, s.maxMemberships),
        maxLength: s.maxMemberships,
        size: 'max',
      }),
      posts: fc.array(postChoice, { maxLength: s.maxPosts, size: 'max' }),
      comments: fc.array(commentChoice, { maxLength: s.maxComments, size: 'max' }),
      ids: fc.noShrink(fc.uniqueArray(fc.uuid({ version: 4 }), { minLength: maxIds, maxLength: maxIds })),
    })
    .map((c): World => buildWorld(c, base));
}

/** Builds a valid world from choices; indices wrap around the lists they point into. */
export function buildWorld(c: WorldChoices, base: Date = WORLD_BASE_TIME): World {
  const ids = [...c.ids];
  const nextId = (): string => {
    const id = ids.shift();
    if (!id) throw new Error('not enough ids');
    return id;
  };
  const pick = <T>(list: T[], i: number): T => list[i % list.length];

  const organizations: WorldOrganization[] = [
    {
      key: 'org-host',
      id: nextId(),
      name: `Host ${c.host.name}`,
      kind: 'HOST',
      domains: ['host.example'],
      clearanceCap: c.host.clearanceCap,
      status: 'ACTIVE',
    },
    ...c.orgs.map((o, i): WorldOrganization => ({
      key: `org-${i + 1}`,
      id: nextId(),
      name: `${o.kind === 'PARTNER' ? 'Partner' : 'Client'} ${i + 1} ${o.name}`,
      kind: o.kind,
      domains: o.extraDomain ? [`org${i + 1}.example`, `mail.org${i + 1}.example`] : [`org${i + 1}.example`],
      clearanceCap: o.clearanceCap,
      status: o.status,
    })),
  ];

  const users: WorldUser[] = c.users.map((u, i) => {
    const org = pick(organizations, u.org);
    const host = org.kind === 'HOST';
    const domain = u.secondDomain && org.domains.length > 1 ? org.domains[1] : org.domains[0];
    const roles: WorldUser['roles'] = host
      ? [...(u.admin ? (['HOST_ADMIN'] as const) : []), ...(u.reviewer ? (['SECURITY_REVIEWER'] as const) : [])]
      : u.admin
        ? ['PARTNER_ADMIN']
        : [];
    return {
      key: `user-${i}`,
      id: nextId(),
      organization: org.key,
      email: `user${i}@${domain}`,
      displayName: u.displayName,
      clearance: u.clearance,
      status: u.status,
      roles,
      skills: u.skills,
    };
  });

  const spaces: WorldSpace[] = c.spaces.map((s, i) => ({
    key: `space-${i}`,
    id: nextId(),
    name: `${s.name} ${i}`,
    purpose: s.purpose,
    classification: s.classification,
    status: s.status,
    partnerVisibility: s.partnerVisibility,
  }));

  const isHost = (u: WorldUser): boolean => u.organization === 'org-host';
  const seen = new Set<string>();
  const memberships: WorldMembership[] = [];
  for (const m of c.memberships) {
    const user = pick(users, m.user);
    const space = pick(spaces, m.space);
    const pair = `${user.key}/${space.key}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const role: MembershipRole = !isHost(user) && (m.role === 'OWNER' || m.role === 'ANIMATOR') ? 'MEMBER' : m.role;
    const membership: WorldMembership = { user: user.key, space: space.key, role, status: m.status };
    const at = expiryInstant(m.expiry, base);
    if (at) membership.expiresAt = at.toISOString();
    memberships.push(membership);
  }

  const membersOf = (spaceKey: string): string[] => memberships.filter((m) => m.space === spaceKey).map((m) => m.user);
  const author = (spaceKey: string, fromMembers: boolean, i: number): string => {
    const members = membersOf(spaceKey);
    return fromMembers && members.length ? pick(members, i) : pick(users, i).key;
  };
  const posts: WorldPost[] = c.posts.map((p, i) => {
    const space = pick(spaces, p.space);
    return {
      key: `post-${i}`,
      id: nextId(),
      space: space.key,
      author: author(space.key, p.fromMembers, p.author),
      title: p.title,
      body: p.body,
      label: Math.min(4, space.classification + p.labelAbove) as Level,
      hidden: p.hidden,
      createdAt: new Date(base.getTime() - (1 + p.slot) * 60 * MINUTE).toISOString(),
    };
  });

  const comments: WorldComment[] =
    posts.length === 0
      ? []
      : c.comments.map((k, i) => {
          const post = pick(posts, k.post);
          return {
            key: `comment-${i}`,
            id: nextId(),
            post: post.key,
            author: author(post.space, k.fromMembers, k.author),
            body: k.body,
            createdAt: new Date(Date.parse(post.createdAt as string) + (1 + k.slot) * MINUTE).toISOString(),
          };
        });

  return { organizations, users, spaces, memberships, posts, comments };
}

function expiryInstant(e: ExpiryChoice, base: Date): Date | null {
  switch (e.kind) {
    case 'omitted':
      return null;
    case 'past':
      return new Date(base.getTime() - e.ms);
    case 'atBase':
      return new Date(base.getTime());
    case 'future':
      return new Date(base.getTime() + e.ms);
  }
}
