import { randomUUID } from 'node:crypto';
import { expectData, expectError } from './support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

// Profiles and the directory of experts (issue 9, item 5): each person writes their own
// profile; experts(search, skill) lists, in one query, the people the directory rule lets
// the caller find (and only people the People rule lets them see).

const user = (key: string, organization: string, extra: Record<string, unknown> = {}) => ({
  key,
  organization,
  email: `${key}@${organization}.test`,
  displayName: key[0].toUpperCase() + key.slice(1),
  clearance: 4,
  status: 'ACTIVE',
  roles: [],
  skills: [],
  ...extra,
});

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4, status: 'ACTIVE' },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2, status: 'ACTIVE' },
    { key: 'bolt', name: 'Bolt', kind: 'CLIENT', domains: ['bolt.test'], clearanceCap: 1, status: 'ACTIVE' },
    { key: 'gone', name: 'Gone', kind: 'PARTNER', domains: ['gone.test'], clearanceCap: 4, status: 'SUSPENDED' },
  ],
  users: [
    user('admin', 'host', { roles: ['HOST_ADMIN'] }),
    user('hana', 'host', { skills: ['Design', 'C++'], jobTitle: 'Lead 100%_designer' }),
    user('hugo', 'host', { skills: ['design thinking'] }),
    user('hdis', 'host', { status: 'DISABLED' }),
    user('alice', 'acme', { roles: ['PARTNER_ADMIN'] }),
    user('arno', 'acme'),
    user('carl', 'acme'),
    user('exp', 'acme'),
    user('bob', 'bolt'),
    user('bea', 'bolt'),
    user('rita', 'bolt'),
    user('ghost', 'gone'),
  ],
  spaces: [
    { key: 'lab', name: 'Lab', purpose: '', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
    { key: 'hub', name: 'Hub', purpose: '', classification: 0, status: 'ACTIVE', partnerVisibility: 'HUB' },
    { key: 'risky', name: 'Risky', purpose: '', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
    { key: 'high', name: 'High', purpose: '', classification: 2, status: 'ACTIVE', partnerVisibility: 'OPEN' },
  ],
  memberships: [
    { user: 'hana', space: 'lab', role: 'OWNER', status: 'ACTIVE' },
    { user: 'hana', space: 'hub', role: 'OWNER', status: 'ACTIVE' },
    { user: 'hana', space: 'risky', role: 'OWNER', status: 'ACTIVE' },
    { user: 'hana', space: 'high', role: 'OWNER', status: 'ACTIVE' },
    { user: 'hdis', space: 'lab', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'alice', space: 'lab', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'bea', space: 'lab', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'exp', space: 'lab', role: 'MEMBER', status: 'ACTIVE', expiresAt: '2026-01-01T00:00:00Z' },
    { user: 'ghost', space: 'lab', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'arno', space: 'hub', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'bob', space: 'hub', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'rita', space: 'lab', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'rita', space: 'risky', role: 'MEMBER', status: 'ACTIVE' },
    // Bolt's cap (1) is below the classification (2): this grant is not active.
    { user: 'bob', space: 'high', role: 'MEMBER', status: 'ACTIVE' },
  ],
  posts: [],
  comments: [],
};

const EXPERTS = `query($search: String, $skill: String, $first: Int, $after: String) {
  experts(search: $search, skill: $skill, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id displayName jobTitle skills bio hiddenFromExternals } } } }`;
const PROFILE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id jobTitle skills bio hiddenFromExternals } }`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id jobTitle skills bio hiddenFromExternals } }`;
const USER = `query($id: ID!) { user(id: $id) { id bio hiddenFromExternals } }`;
const CREATE_RISK = `mutation($input: CreateRiskEntryInput!) { createRiskEntry(input: $input) { id } }`;
const UPDATE_RISK = `mutation($id: ID!, $input: UpdateRiskEntryInput!) { updateRiskEntry(id: $id, input: $input) { id } }`;

describe('profiles and the directory of experts', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(WORLD);
    for (const u of WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterAll(() => t.close());

  const reasonOf = (res: GqlResponse, code: string): string | undefined =>
    (expectError(res, code)[0].extensions as { reason?: string }).reason;

  const experts = async (who: string, variables: Record<string, unknown> = {}) =>
    expectData(await t.gql(tokens[who], EXPERTS, { first: 100, ...variables })).experts;
  const names = async (who: string, variables: Record<string, unknown> = {}) =>
    (await experts(who, variables)).edges.map((e: { node: { displayName: string } }) => e.node.displayName);

  describe('updateProfile', () => {
    it("writes the caller's own profile: trimmed, skills deduplicated ignoring case, audited", async () => {
      const res = expectData(
        await t.gql(tokens.bob, PROFILE, {
          input: {
            jobTitle: '  Buyer  ',
            skills: [' Welding ', 'welding', 'CAD', ' cad', 'Lean'],
            bio: '  Twenty years of steel.  ',
          },
        }),
      ).updateProfile;
      expect(res).toEqual({
        id: ids.bob,
        jobTitle: 'Buyer',
        skills: ['Welding', 'CAD', 'Lean'],
        bio: 'Twenty years of steel.',
        hiddenFromExternals: false,
      });
      const [event] = await t.dataSource.query(
        `SELECT outcome, subject_id, details FROM audit_events WHERE action = 'user.update_profile' AND actor_id = $1`,
        [ids.bob],
      );
      expect(event).toMatchObject({ outcome: 'SUCCESS', subject_id: ids.bob });
      expect(event.details.after).toMatchObject({ jobTitle: 'Buyer', skills: ['Welding', 'CAD', 'Lean'] });
      expect(event.details.before).toMatchObject({ jobTitle: null, skills: [] });
      // Only the fields given change; an empty title clears it.
      const cleared = expectData(await t.gql(tokens.bob, PROFILE, { input: { jobTitle: '' } })).updateProfile;
      expect(cleared).toMatchObject({
        jobTitle: null,
        skills: ['Welding', 'CAD', 'Lean'],
        bio: 'Twenty years of steel.',
      });
    });

    it('takes the limits exactly: 120-character title, 30 skills of 40 characters, 1,000-character bio', async () => {
      const skills = Array.from({ length: 30 }, (_, i) => `${i}`.padEnd(40, 'x'));
      const res = expectData(
        await t.gql(tokens.arno, PROFILE, { input: { jobTitle: 't'.repeat(120), skills, bio: 'b'.repeat(1000) } }),
      ).updateProfile;
      expect([res.jobTitle.length, res.skills.length, res.bio.length]).toEqual([120, 30, 1000]);
      // 31 given, 30 once deduplicated: accepted.
      expect(
        expectData(await t.gql(tokens.arno, PROFILE, { input: { skills: [...skills, skills[0].toUpperCase()] } }))
          .updateProfile.skills,
      ).toHaveLength(30);
    });

    it.each([
      ['a title over 120 characters', { jobTitle: 't'.repeat(121) }, 'jobTitle'],
      ['31 skills', { skills: Array.from({ length: 31 }, (_, i) => `s${i}`) }, 'skills'],
      ['an empty skill', { skills: ['ok', '   '] }, 'skills'],
      ['a skill over 40 characters', { skills: ['s'.repeat(41)] }, 'skills'],
      ['a bio over 1,000 characters', { bio: 'b'.repeat(1001) }, 'bio'],
      ['nothing', {}, undefined],
    ])('refuses %s (BAD_USER_INPUT, INVALID_INPUT), and changes nothing', async (_, input, field) => {
      const before = expectData(await t.gql(tokens.carl, USER, { id: ids.carl })).user;
      const res = await t.gql(tokens.carl, PROFILE, { input });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
      const [event] = await t.dataSource.query(
        `SELECT details FROM audit_events WHERE action = 'user.update_profile' AND actor_id = $1 AND outcome = 'DENIED' ORDER BY seq DESC LIMIT 1`,
        [ids.carl],
      );
      expect(event.details.field).toBe(field);
      expect(expectData(await t.gql(tokens.carl, USER, { id: ids.carl })).user).toEqual(before);
    });

    it('refuses a caller without credentials', async () => {
      expectError(await t.gql(null, PROFILE, { input: { bio: 'x' } }), 'UNAUTHENTICATED');
    });
  });

  describe('updateUser and the profile fields', () => {
    it('lets a person write their own profile through updateUser', async () => {
      const res = expectData(
        await t.gql(tokens.hugo, UPDATE_USER, {
          id: ids.hugo,
          input: { bio: 'Service designer', skills: ['Design thinking'] },
        }),
      ).updateUser;
      expect(res).toMatchObject({ bio: 'Service designer', skills: ['Design thinking'], hiddenFromExternals: false });
    });

    it("refuses a HOST_ADMIN writing someone else's bio, and a PARTNER_ADMIN their colleague's skills (FORBIDDEN), audited", async () => {
      for (const [who, target, input] of [
        ['admin', 'hugo', { bio: 'Rewritten' }],
        ['admin', 'alice', { hiddenFromExternals: true, clearance: 1 }],
        ['alice', 'arno', { skills: ['Sales'] }],
      ] as const) {
        const res = await t.gql(tokens[who], UPDATE_USER, { id: ids[target], input });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('NOT_PROFILE_OWNER');
        const events = await t.dataSource.query(
          `SELECT subject_id FROM audit_events WHERE action = 'user.update' AND outcome = 'DENIED' AND actor_id = $1 AND reason = 'not_profile_owner'`,
          [ids[who]],
        );
        expect(events.map((e: { subject_id: string }) => e.subject_id)).toContain(ids[target]);
      }
      const [hugo] = await t.dataSource.query(`SELECT bio FROM users WHERE id = $1`, [ids.hugo]);
      expect(hugo.bio).toBe('Service designer');
      const [alice] = await t.dataSource.query(`SELECT clearance, hidden_from_externals FROM users WHERE id = $1`, [
        ids.alice,
      ]);
      expect(alice).toEqual({ clearance: 4, hidden_from_externals: false });
      // The HOST_ADMIN still sets clearance as before.
      expectData(await t.gql(tokens.admin, UPDATE_USER, { id: ids.alice, input: { clearance: 3 } }));
    });

    it('answers a person one does not see like a missing one (NOT_FOUND)', async () => {
      const hidden = await t.gql(tokens.carl, UPDATE_USER, { id: ids.bob, input: { bio: 'x' } });
      const missing = await t.gql(tokens.carl, UPDATE_USER, { id: randomUUID(), input: { bio: 'x' } });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body).toEqual(missing.body);
    });
  });

  describe('bio and hiddenFromExternals', () => {
    it('shows the bio to whoever sees the person, and hiddenFromExternals to the person only', async () => {
      expectData(await t.gql(tokens.bea, PROFILE, { input: { bio: 'Quality', hiddenFromExternals: true } }));
      expect(expectData(await t.gql(tokens.bea, USER, { id: ids.bea })).user).toEqual({
        id: ids.bea,
        bio: 'Quality',
        hiddenFromExternals: true,
      });
      for (const who of ['hana', 'admin', 'bob']) {
        expect(expectData(await t.gql(tokens[who], USER, { id: ids.bea })).user).toEqual({
          id: ids.bea,
          bio: 'Quality',
          hiddenFromExternals: null,
        });
      }
    });
  });

  describe('experts', () => {
    it('lists for an internal caller every internal user who counts and the externals sharing an active space', async () => {
      // bea hides from externals only; hdis is disabled; exp's grant expired; ghost's organisation is
      // suspended; carl shares no space; bob's grant in High is not active (cap below classification),
      // but he shares the hub.
      expect(await names('hana')).toEqual(['Admin', 'Alice', 'Arno', 'Bea', 'Bob', 'Hana', 'Hugo', 'Rita']);
      // Hugo, in no space, finds the host only.
      expect(await names('hugo')).toEqual(['Admin', 'Hana', 'Hugo']);
      // A HOST_ADMIN sees everyone, but the directory is the directory rule: no shared space, no external.
      expect(await names('admin')).toEqual(['Admin', 'Hana', 'Hugo']);
    });

    it('lists for an external caller who shares a space with them, with the HUB rule and hidden profiles', async () => {
      // Alice (Lab, OPEN): its members who count, not bea (hidden from externals), not her colleague carl.
      expect(await names('alice')).toEqual(['Alice', 'Hana', 'Rita']);
      // Arno (Hub, HUB): the host and his own organisation's only; bob of Bolt is out.
      expect(await names('arno')).toEqual(['Arno', 'Hana']);
      expect(await names('bob')).toEqual(['Bob', 'Hana']);
      // Carl shares no space: nobody, himself included.
      const carl = await experts('carl');
      expect(carl).toMatchObject({ totalCount: 0, edges: [] });
    });

    it('searches names, job titles and skills ignoring case, with LIKE wildcards taken literally', async () => {
      expect(await names('hana', { search: 'DESIGN' })).toEqual(['Hana', 'Hugo']);
      expect(await names('hana', { search: 'lead' })).toEqual(['Hana']);
      expect(await names('hana', { search: 'rit' })).toEqual(['Rita']);
      expect(await names('hana', { search: '100%_' })).toEqual(['Hana']);
      expect(await names('hana', { search: '%' })).toEqual(['Hana']);
      expect(await names('hana', { search: '_' })).toEqual(['Hana']);
      expect(await names('hana', { search: 'zzz' })).toEqual([]);
      expect(await names('hana', { search: '   ' })).toEqual(await names('hana'));
    });

    it('filters by a whole skill, ignoring case', async () => {
      expect(await names('hana', { skill: 'c++' })).toEqual(['Hana']);
      expect(await names('hana', { skill: 'design' })).toEqual(['Hana']);
      expect(await names('hana', { skill: 'C+' })).toEqual([]);
      expect(await names('hana', { skill: 'design thinking' })).toEqual(['Hugo']);
      expect(await names('hana', { skill: 'Design', search: 'hugo' })).toEqual([]);
    });

    it('pages by display name then id, and counts the whole list', async () => {
      const first = await experts('hana', { first: 3 });
      expect(first.totalCount).toBe(8);
      expect(first.edges.map((e: { node: { displayName: string } }) => e.node.displayName)).toEqual([
        'Admin',
        'Alice',
        'Arno',
      ]);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const next = await experts('hana', { first: 3, after: first.pageInfo.endCursor });
      expect(next.edges.map((e: { node: { displayName: string } }) => e.node.displayName)).toEqual([
        'Bea',
        'Bob',
        'Hana',
      ]);
      expectError(await t.gql(tokens.hana, EXPERTS, { after: 'bogus' }), 'BAD_USER_INPUT');
      expectError(await t.gql(tokens.hana, EXPERTS, { first: 0 }), 'BAD_USER_INPUT');
      expect(reasonOf(await t.gql(tokens.hana, EXPERTS, { search: 's'.repeat(201) }), 'BAD_USER_INPUT')).toBe(
        'INVALID_INPUT',
      );
    });

    it('leaves out, for every caller, the externals of a space with an open risk of impact 3 or more', async () => {
      const risk = expectData(
        await t.gql(tokens.hana, CREATE_RISK, {
          input: { spaceId: ids.risky, description: 'Leak', probability: 1, impact: 3 },
        }),
      ).createRiskEntry;
      // Rita is also in the Lab: the Lab's callers lose her too; the host and other externals stay.
      expect(await names('hana')).toEqual(['Admin', 'Alice', 'Arno', 'Bea', 'Bob', 'Hana', 'Hugo']);
      expect(await names('alice')).toEqual(['Alice', 'Hana']);
      expect(await names('rita')).toEqual(['Alice', 'Hana']);
      expectData(await t.gql(tokens.hana, UPDATE_RISK, { id: risk.id, input: { status: 'MITIGATED' } }));
      expect(await names('alice')).toEqual(['Alice', 'Hana', 'Rita']);
    });

    it('refuses a caller without credentials', async () => {
      expectError(await t.gql(null, EXPERTS, {}), 'UNAUTHENTICATED');
    });
  });
});
