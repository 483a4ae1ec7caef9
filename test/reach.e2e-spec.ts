import { randomUUID } from 'node:crypto';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// Who can access, what one reaches, view as, and the dry run of an access change (issue 10,
// items 3, 4 and 7) on a hand-built world whose answers are worked out by hand below from
// DESIGN.md section 2: the HUB rule, labels against effective clearance, hidden posts,
// expired and disabled grants, the overseers' path to spaces (never to posts), reviewers'
// titles within their own clearance, outsiders refused, and every call audited.

const NOW = new Date('2026-06-17T12:00:00Z');
const LATER = '2026-09-01T00:00:00Z';
const PAST = '2026-06-01T00:00:00Z';

const user = (key: string, organization: string, clearance: number, extra: Record<string, unknown> = {}) => ({
  key,
  organization,
  email: `${key}@${organization}.test`,
  displayName: key.toUpperCase(),
  clearance,
  ...extra,
});
const member = (u: string, space: string, role: string, extra: Record<string, unknown> = {}) => ({
  user: u,
  space,
  role,
  ...extra,
});
const post = (key: string, space: string, author: string, label: number, hidden = false) => ({
  key,
  space,
  author,
  title: `title ${key}`,
  body: `body ${key}`,
  label,
  hidden,
});

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2 },
    { key: 'beta', name: 'Beta', kind: 'PARTNER', domains: ['beta.test'], clearanceCap: 2 },
  ],
  users: [
    user('admin', 'host', 4, { roles: ['HOST_ADMIN'] }),
    // Cleared to 2: titles of posts labelled 3 or 4 are withheld from this reviewer.
    user('reviewer', 'host', 2, { roles: ['SECURITY_REVIEWER'] }),
    user('h1', 'host', 4),
    user('h2', 'host', 1),
    user('a1', 'acme', 4), // effective clearance 2: the cap
    user('a2', 'acme', 2, { roles: ['PARTNER_ADMIN'] }),
    user('ad', 'acme', 2, { status: 'DISABLED' }),
    user('b1', 'beta', 2),
    user('b2', 'beta', 2),
  ],
  spaces: [
    { key: 'hub', name: 'Hub', classification: 1, status: 'ACTIVE', partnerVisibility: 'HUB' },
    { key: 'open', name: 'Open', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
    { key: 'vault', name: 'Vault', classification: 3, status: 'ACTIVE', partnerVisibility: 'OPEN' },
  ],
  memberships: [
    member('h1', 'hub', 'OWNER'),
    member('h2', 'hub', 'MEMBER'),
    member('a1', 'hub', 'MEMBER', { expiresAt: LATER, sponsor: 'h1' }),
    member('b1', 'hub', 'MEMBER', { expiresAt: LATER, sponsor: 'h1' }),
    member('ad', 'hub', 'MEMBER', { expiresAt: LATER }),
    member('h1', 'open', 'OWNER'),
    member('a1', 'open', 'OBSERVER', { expiresAt: PAST }),
    member('a2', 'open', 'MEMBER', { expiresAt: LATER }),
    member('b2', 'open', 'MEMBER', { expiresAt: LATER }),
    member('h1', 'vault', 'OWNER'),
    // Below the vault's classification: not an active membership.
    member('h2', 'vault', 'MEMBER'),
  ],
  posts: [
    post('pHost', 'hub', 'h1', 1),
    post('pAcme', 'hub', 'a1', 1),
    post('pBeta', 'hub', 'b1', 2),
    post('pHidden', 'hub', 'h1', 1, true),
    post('pCrit', 'hub', 'h1', 3),
    post('o1', 'open', 'h1', 0),
    post('o2', 'open', 'a2', 2),
    post('v1', 'vault', 'h1', 4),
  ],
  comments: [],
};

const PERSON = 'id displayName organizationId organizationName';
const GRANT = `user { ${PERSON} } effectiveClearance via overseerRoles
  membership { id role since expiresAt grantedBy { id } sponsor { id displayName } }`;
const WHO = `query($type: ReachSubjectType!, $id: ID!, $first: Int, $after: String) {
  whoCanAccess(subjectType: $type, subjectId: $id, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${GRANT} } } } }`;
const REACH = `query($userId: ID, $organizationId: ID, $first: Int, $after: String) {
  reachOf(userId: $userId, organizationId: $organizationId, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { space { id name classification } readers postsPerLabel postCount } } } }`;
const POST_REF = 'id label title spaceId hidden';
const VIEW_AS = `query($id: ID!) { viewAs(userId: $id) {
  user { ${PERSON} } counts effectiveClearance
  spaces(first: 100) { totalCount edges { node { id name classification } } }
  people(first: 100) { totalCount edges { node { ${PERSON} email } } }
  posts(first: 100) { totalCount edges { node { ${POST_REF} } } } } }`;
const DELTA = `spaceCount spaces { id name } postCount posts { ${POST_REF} } peopleCount people { id displayName }`;
const PREVIEW = `query($id: ID!, $change: AccessChangeInput!, $limit: Int) {
  previewAccessChange(userId: $id, change: $change, limit: $limit) {
    user { id } before { spaces posts people } after { spaces posts people }
    gained { ${DELTA} } lost { ${DELTA} } } }`;

describe('reach: who can access, reach, view as, dry runs', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const token: Record<string, string> = {};
  const key = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0] ?? id;
  const keys = (list: Array<{ id: string }>) => list.map((x) => key(x.id)).sort();

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(WORLD);
    for (const u of WORLD.users) if (u.key !== 'ad') token[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterAll(() => t.close());

  const who = async (as: string, type: 'SPACE' | 'POST', subject: string, first = 100) =>
    expectData(await t.gql(token[as], WHO, { type, id: ids[subject], first })).whoCanAccess;
  const audited = async (actor: string, action: string) =>
    (await t.dataSource.query(
      `SELECT outcome, reason, subject_type, subject_id, details FROM audit_events WHERE actor_id = $1 AND action = $2 ORDER BY seq`,
      [ids[actor], action],
    )) as Array<{ outcome: string; reason: string | null; subject_type: string; subject_id: string; details: any }>;

  describe('whoCanAccess', () => {
    it('lists who reads a HUB space: members whose grant is active, and the overseers without one', async () => {
      const c = await who('reviewer', 'SPACE', 'hub');
      const nodes = c.edges.map((e: any) => e.node);
      // Not ad (disabled), not a2 or b2 (no grant there).
      expect(nodes.map((n: any) => key(n.user.id))).toEqual(['a1', 'admin', 'b1', 'h1', 'h2', 'reviewer']);
      expect(c.totalCount).toBe(6);
      const byKey = Object.fromEntries(nodes.map((n: any) => [key(n.user.id), n]));
      expect(byKey.a1).toMatchObject({
        via: 'MEMBERSHIP',
        effectiveClearance: 2,
        overseerRoles: [],
        user: { displayName: 'A1', organizationName: 'Acme' },
        membership: {
          role: 'MEMBER',
          expiresAt: new Date(LATER).toISOString(),
          sponsor: { id: ids.h1, displayName: 'H1' },
        },
      });
      expect(byKey.h1.membership).toMatchObject({ role: 'OWNER', expiresAt: null });
      expect(byKey.admin).toMatchObject({ via: 'OVERSEER', membership: null, overseerRoles: ['HOST_ADMIN'] });
      expect(byKey.reviewer).toMatchObject({ via: 'OVERSEER', overseerRoles: ['SECURITY_REVIEWER'] });
    });

    it('leaves out an expired grant and a grant below the classification', async () => {
      const open = (await who('admin', 'SPACE', 'open')).edges.map((e: any) => key(e.node.user.id));
      expect(open).toEqual(['a2', 'admin', 'b2', 'h1', 'reviewer']); // a1's grant expired
      const vault = (await who('admin', 'SPACE', 'vault')).edges.map((e: any) => key(e.node.user.id));
      expect(vault).toEqual(['admin', 'h1', 'reviewer']); // h2 is cleared to 1 only
    });

    it('lists who reads a post: the HUB rule, labels, hidden posts, and no overseer path', async () => {
      const readers = async (p: string) =>
        (await who('reviewer', 'POST', p)).edges.map((e: any) => key(e.node.user.id));
      expect(await readers('pAcme')).toEqual(['a1', 'h1', 'h2']); // not b1: another partner in a HUB
      expect(await readers('pBeta')).toEqual(['b1', 'h1']); // h2 cleared to 1
      expect(await readers('pHost')).toEqual(['a1', 'b1', 'h1', 'h2']);
      expect(await readers('pHidden')).toEqual(['h1']); // the OWNER only
      expect(await readers('pCrit')).toEqual(['h1']);
      expect(await readers('o2')).toEqual(['a2', 'b2', 'h1']); // OPEN: everyone cleared
    });

    it('pages by name, one page at a time, to the end', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const c: any = expectData(
          await t.gql(token.admin, WHO, { type: 'SPACE', id: ids.hub, first: 2, after }),
        ).whoCanAccess;
        seen.push(...c.edges.map((e: any) => key(e.node.user.id)));
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      expect(seen).toEqual(['a1', 'admin', 'b1', 'h1', 'h2', 'reviewer']);
    });

    it('refuses outsiders: FORBIDDEN for what they see, NOT_FOUND alike for what they do not and what does not exist', async () => {
      // a2 is a member of "open" (and its partner admin): sees it, may not review it.
      expectError(await t.gql(token.a2, WHO, { type: 'SPACE', id: ids.open }), 'FORBIDDEN');
      expectError(await t.gql(token.a2, WHO, { type: 'POST', id: ids.o1 }), 'FORBIDDEN');
      // h1 owns the hub: an OWNER is no reviewer.
      expectError(await t.gql(token.h1, WHO, { type: 'SPACE', id: ids.hub }), 'FORBIDDEN');
      const invisible = expectError(await t.gql(token.a2, WHO, { type: 'SPACE', id: ids.hub }), 'NOT_FOUND');
      const missing = expectError(await t.gql(token.a2, WHO, { type: 'SPACE', id: randomUUID() }), 'NOT_FOUND');
      expect(invisible.map((e) => e.message)).toEqual(missing.map((e) => e.message));
      expectError(await t.gql(token.reviewer, WHO, { type: 'POST', id: randomUUID() }), 'NOT_FOUND');
      const refusals = await audited('a2', 'review.who_can_access');
      expect(refusals.map((r) => [r.outcome, r.reason])).toEqual([
        ['DENIED', 'role_required'],
        ['DENIED', 'role_required'],
      ]);
    });

    it('audits each answer', async () => {
      const before = (await audited('reviewer', 'review.who_can_access')).length;
      await who('reviewer', 'SPACE', 'vault');
      const events = await audited('reviewer', 'review.who_can_access');
      expect(events.length).toBe(before + 1);
      expect(events[events.length - 1]).toMatchObject({
        outcome: 'SUCCESS',
        subject_type: 'Space',
        subject_id: ids.vault,
      });
    });
  });

  describe('reachOf', () => {
    const reach = async (as: string, vars: Record<string, unknown>) =>
      expectData(await t.gql(token[as], REACH, { first: 100, ...vars })).reachOf;
    const table = (c: any) =>
      Object.fromEntries(c.edges.map((e: any) => [key(e.node.space.id), [e.node.readers, e.node.postsPerLabel]]));

    it("gives a person's spaces with the posts they read there per label", async () => {
      // a1: the hub only (the open grant expired): pHost and pAcme (label 1); not pBeta (HUB), pHidden, pCrit.
      expect(table(await reach('reviewer', { userId: ids.a1 }))).toEqual({ hub: [1, [0, 2, 0, 0, 0]] });
      expect(table(await reach('reviewer', { userId: ids.h1 }))).toEqual({
        hub: [1, [0, 3, 1, 1, 0]],
        open: [1, [1, 0, 1, 0, 0]],
        vault: [1, [0, 0, 0, 0, 1]],
      });
      // Overseers reach every space and read no post there.
      expect(table(await reach('admin', { userId: ids.reviewer }))).toEqual({
        hub: [1, [0, 0, 0, 0, 0]],
        open: [1, [0, 0, 0, 0, 0]],
        vault: [1, [0, 0, 0, 0, 0]],
      });
      // A disabled person reaches nothing.
      const none = await reach('admin', { userId: ids.ad });
      expect([none.totalCount, none.edges]).toEqual([0, []]);
    });

    it("gives an organisation's reach: what any of its people read", async () => {
      const c = await reach('reviewer', { organizationId: ids.acme });
      expect(table(c)).toEqual({ hub: [1, [0, 2, 0, 0, 0]], open: [1, [1, 0, 1, 0, 0]] });
      expect(c.totalCount).toBe(2);
      const beta = table(await reach('reviewer', { organizationId: ids.beta }));
      expect(beta).toEqual({ hub: [1, [0, 1, 1, 0, 0]], open: [1, [1, 0, 1, 0, 0]] });
    });

    it('pages', async () => {
      const p1 = await reach('admin', { userId: ids.h1, first: 2 });
      expect(p1.pageInfo.hasNextPage).toBe(true);
      const p2 = await reach('admin', { userId: ids.h1, first: 2, after: p1.pageInfo.endCursor });
      expect([...p1.edges, ...p2.edges].map((e: any) => key(e.node.space.id))).toEqual(['hub', 'open', 'vault']);
      expect(p2.pageInfo.hasNextPage).toBe(false);
    });

    it('refuses outsiders and bad input', async () => {
      expectError(await t.gql(token.a2, REACH, { userId: ids.a1 }), 'FORBIDDEN'); // same organisation: seen
      // Its own organisation's PARTNER_ADMIN reviews its access, not its reach.
      expectError(await t.gql(token.a2, REACH, { organizationId: ids.acme }), 'FORBIDDEN');
      expectError(await t.gql(token.a2, REACH, { userId: ids.b1 }), 'NOT_FOUND'); // a2 does not see b1
      const errors = expectError(
        await t.gql(token.admin, REACH, { userId: ids.a1, organizationId: ids.acme }),
        'BAD_USER_INPUT',
      );
      expect(errors[0].extensions.reason).toBe('INVALID_INPUT');
      expectError(await t.gql(token.admin, REACH, { userId: ids.a1, after: 'nonsense!' }), 'BAD_USER_INPUT');
      expect(
        (await audited('admin', 'review.reach')).filter((e) => e.outcome === 'DENIED').map((e) => e.reason),
      ).toEqual(['invalid_input', 'invalid_cursor']);
    });
  });

  describe('viewAs', () => {
    const view = async (as: string, who: string) =>
      expectData(await t.gql(token[as], VIEW_AS, { id: ids[who] })).viewAs;
    const nodes = (c: any) => c.edges.map((e: any) => e.node);

    it("shows what an external member sees, by the engine's rules", async () => {
      const v = await view('reviewer', 'a1');
      expect(v).toMatchObject({ counts: true, effectiveClearance: 2, user: { id: ids.a1 } });
      expect(keys(nodes(v.spaces))).toEqual(['hub']);
      expect(keys(nodes(v.posts))).toEqual(['pAcme', 'pHost']);
      // Own organisation (ad too: disabled people stay visible), the hub's host members; not b1 (HUB).
      const people = nodes(v.people);
      expect(keys(people)).toEqual(['a1', 'a2', 'ad', 'h1', 'h2']);
      expect(people.find((p: any) => p.id === ids.h1).email).toBe('h1@host.test');
    });

    it("withholds a partner's address from another partner", async () => {
      const people = nodes((await view('reviewer', 'a2')).people);
      const b2 = people.find((p: any) => p.id === ids.b2);
      expect(b2).toMatchObject({ displayName: 'B2', email: null });
      expect(people.find((p: any) => p.id === ids.a1).email).toBe('a1@acme.test');
    });

    it("gives titles only within the reviewer's own clearance, and never a body", async () => {
      const byReviewer = Object.fromEntries(
        nodes((await view('reviewer', 'h1')).posts).map((p: any) => [key(p.id), p]),
      );
      expect(Object.keys(byReviewer).sort()).toEqual(['o1', 'o2', 'pAcme', 'pBeta', 'pCrit', 'pHidden', 'pHost', 'v1']);
      expect(byReviewer.pBeta).toMatchObject({ label: 2, title: 'title pBeta' });
      expect(byReviewer.pCrit).toMatchObject({ label: 3, title: null });
      expect(byReviewer.v1).toMatchObject({ label: 4, title: null });
      expect(byReviewer.pHidden).toMatchObject({ hidden: true, title: 'title pHidden' });
      const byAdmin = Object.fromEntries(nodes((await view('admin', 'h1')).posts).map((p: any) => [key(p.id), p]));
      expect(byAdmin.pCrit.title).toBe('title pCrit');
      // The type has no body at all.
      const asked = await t.gql(
        token.admin,
        `query($id: ID!) { viewAs(userId: $id) { posts { edges { node { body } } } } }`,
        {
          id: ids.h1,
        },
      );
      expect(expectError(asked, 'BAD_USER_INPUT')[0].message).toMatch(/body/);
    });

    it('shows nothing for a person who does not count', async () => {
      const v = await view('admin', 'ad');
      expect(v).toMatchObject({ counts: false, effectiveClearance: null });
      expect([v.spaces.totalCount, v.people.totalCount, v.posts.totalCount]).toEqual([0, 0, 0]);
    });

    it('refuses outsiders and audits', async () => {
      expectError(await t.gql(token.a2, VIEW_AS, { id: ids.a1 }), 'FORBIDDEN');
      expectError(await t.gql(token.h1, VIEW_AS, { id: ids.a1 }), 'FORBIDDEN');
      expectError(await t.gql(token.a2, VIEW_AS, { id: ids.b1 }), 'NOT_FOUND');
      expect((await audited('a2', 'review.view_as')).map((e) => e.outcome)).toEqual(['DENIED']);
      expect((await audited('reviewer', 'review.view_as')).every((e) => e.outcome === 'SUCCESS')).toBe(true);
    });
  });

  describe('previewAccessChange', () => {
    const preview = async (as: string, who: string, change: Record<string, unknown>, limit?: number) =>
      expectData(await t.gql(token[as], PREVIEW, { id: ids[who], change, limit })).previewAccessChange;
    const state = async () =>
      JSON.stringify(
        await Promise.all([
          t.dataSource.query(`SELECT * FROM memberships ORDER BY id`),
          t.dataSource.query(`SELECT id, clearance, status, updated_at FROM users ORDER BY id`),
          t.dataSource.query(`SELECT id, clearance_cap, status, updated_at FROM organizations ORDER BY id`),
        ]),
      );

    it('shows what a lower clearance takes away, and writes nothing', async () => {
      const before = await state();
      const p = await preview('reviewer', 'a1', { clearance: 0 });
      // Cleared to 0, a1's hub grant (classification 1) is no longer active.
      expect(keys(p.lost.spaces)).toEqual(['hub']);
      expect(keys(p.lost.posts)).toEqual(['pAcme', 'pHost']);
      expect(keys(p.lost.people)).toEqual(['h1', 'h2']);
      expect([p.gained.spaceCount, p.gained.postCount, p.gained.peopleCount]).toEqual([0, 0, 0]);
      expect(p.before).toEqual({ spaces: 1, posts: 2, people: 5 });
      expect(p.after).toEqual({ spaces: 0, posts: 0, people: 3 });
      expect(await state()).toBe(before);
      // The real engine still answers as before.
      const reach = expectData(await t.gql(token.admin, REACH, { userId: ids.a1 })).reachOf;
      expect(reach.totalCount).toBe(1);
    });

    it('shows what a new grant gives, titles within the reviewer clearance', async () => {
      const before = await state();
      const p = await preview('reviewer', 'a2', { membership: { spaceId: ids.hub } });
      expect(keys(p.gained.spaces)).toEqual(['hub']);
      expect(keys(p.gained.posts)).toEqual(['pAcme', 'pHost']);
      expect(keys(p.gained.people)).toEqual(['h2']);
      expect(p.lost.spaceCount + p.lost.postCount + p.lost.peopleCount).toBe(0);
      expect(await state()).toBe(before);
      // h1 made MEMBER of the hub (not OWNER): loses the hidden post; a higher-cleared admin sees its title.
      const q = await preview('admin', 'h1', { membership: { spaceId: ids.hub, role: 'MEMBER' } });
      expect(q.lost.posts).toEqual([expect.objectContaining({ id: ids.pHidden, label: 1, title: 'title pHidden' })]);
      const r = await preview('reviewer', 'h1', { membership: { spaceId: ids.hub, status: 'REVOKED' } });
      // Revoked: the hub, its five posts, and the partners h1 saw only there (h2 stays: both host).
      expect(keys(r.lost.spaces)).toEqual(['hub']);
      expect(r.lost.postCount).toBe(5);
      expect(r.lost.posts.find((x: any) => x.id === ids.pCrit)).toMatchObject({ label: 3, title: null });
      expect(keys(r.lost.people)).toEqual(['a1', 'b1']);
      expect(await state()).toBe(before);
    });

    it('refuses what cannot be applied, and outsiders', async () => {
      const both = expectError(
        await t.gql(token.admin, PREVIEW, { id: ids.a1, change: { clearance: 1, organizationCap: 1 } }),
        'BAD_USER_INPUT',
      );
      expect(both[0].extensions.reason).toBe('INVALID_CHANGE');
      const owner = expectError(
        await t.gql(token.admin, PREVIEW, { id: ids.a1, change: { membership: { spaceId: ids.open, role: 'OWNER' } } }),
        'BAD_USER_INPUT',
      );
      expect(owner[0].extensions.reason).toBe('EXTERNAL_ROLE');
      expectError(await t.gql(token.admin, PREVIEW, { id: ids.a1, change: { clearance: 7 } }), 'BAD_USER_INPUT');
      expectError(
        await t.gql(token.admin, PREVIEW, { id: ids.a1, change: { membership: { spaceId: randomUUID() } } }),
        'NOT_FOUND',
      );
      expectError(await t.gql(token.a2, PREVIEW, { id: ids.a1, change: { clearance: 0 } }), 'FORBIDDEN');
      expectError(await t.gql(token.h1, PREVIEW, { id: ids.h2, change: { clearance: 0 } }), 'FORBIDDEN');
      expectError(await t.gql(token.a2, PREVIEW, { id: ids.b1, change: { clearance: 0 } }), 'NOT_FOUND');
      const events = await audited('reviewer', 'review.access_change.preview');
      expect(events.length).toBeGreaterThan(0);
      expect(events[0]).toMatchObject({
        outcome: 'SUCCESS',
        subject_id: ids.a1,
        details: expect.objectContaining({ dryRun: true }),
      });
    });
  });
});
