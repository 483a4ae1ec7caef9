import { randomUUID } from 'node:crypto';
import { expectData, expectError } from './support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

// The risk map (issue 9, item 6): who reads and writes it, its history, matrix and overview,
// and what an OPEN risk of impact >= 3 drives in the space (30-day external grants, four
// eyes at any classification, its externals out of the directory of experts).

const user = (key: string, organization: string, roles: string[] = [], clearance = 4) => ({
  key,
  organization,
  email: `${key}@${organization}.test`,
  displayName: key[0].toUpperCase() + key.slice(1),
  clearance,
  status: 'ACTIVE',
  roles,
  skills: [],
});
const space = (key: string, status = 'ACTIVE', classification = 0) => ({
  key,
  name: key[0].toUpperCase() + key.slice(1),
  purpose: '',
  classification,
  status,
  partnerVisibility: 'OPEN',
});

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4, status: 'ACTIVE' },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2, status: 'ACTIVE' },
    { key: 'bolt', name: 'Bolt', kind: 'CLIENT', domains: ['bolt.test'], clearanceCap: 1, status: 'ACTIVE' },
  ],
  users: [
    user('admin', 'host', ['HOST_ADMIN']),
    user('reviewer', 'host', ['SECURITY_REVIEWER']),
    user('owner', 'host'),
    user('coowner', 'host'),
    user('anim', 'host'),
    user('member', 'host'),
    user('sideanim', 'host'),
    user('alice', 'acme', [], 2),
    user('outsider', 'bolt', [], 1),
  ],
  spaces: [space('lab'), space('side'), space('attic', 'ARCHIVED'), space('quiet', 'ACTIVE', 1)],
  memberships: [
    { user: 'owner', space: 'lab', role: 'OWNER', status: 'ACTIVE' },
    { user: 'coowner', space: 'lab', role: 'OWNER', status: 'ACTIVE' },
    { user: 'anim', space: 'lab', role: 'ANIMATOR', status: 'ACTIVE' },
    { user: 'member', space: 'lab', role: 'MEMBER', status: 'ACTIVE' },
    { user: 'alice', space: 'lab', role: 'MEMBER', status: 'ACTIVE', expiresAt: '2026-12-01T00:00:00Z' },
    { user: 'sideanim', space: 'side', role: 'ANIMATOR', status: 'ACTIVE' },
    { user: 'owner', space: 'attic', role: 'OWNER', status: 'ACTIVE' },
    { user: 'owner', space: 'quiet', role: 'OWNER', status: 'ACTIVE' },
    { user: 'coowner', space: 'quiet', role: 'OWNER', status: 'ACTIVE' },
  ],
  posts: [],
  comments: [],
};

const ENTRY = `id description probability probabilityName impact impactName mitigation status createdAt updatedAt
  space { id } owner { id displayName }
  history { changedAt changedBy { id } description probability impact owner { id } mitigation status }`;
const CREATE = `mutation($input: CreateRiskEntryInput!) { createRiskEntry(input: $input) { ${ENTRY} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateRiskEntryInput!) { updateRiskEntry(id: $id, input: $input) { ${ENTRY} } }`;
const MAP = `query($id: ID!) { riskMap(spaceId: $id) { space { id name } openCriticalRisk
  entries { id description status impact probability } matrix { probability impact count } } }`;
const OVERVIEW = `{ riskOverview { space { id name } openCount highestOpenRisk { id description impact probability } } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on RiskEntry { description } } }`;
const INVITE = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { id status membershipExpiresAt } }`;
const EXPERTS = `{ experts(first: 100) { edges { node { id displayName } } } }`;

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

describe('the risk map', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(WORLD);
    for (const u of WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterAll(() => t.close());

  const reasonOf = (res: GqlResponse, code: string): string | undefined =>
    (expectError(res, code)[0].extensions as { reason?: string }).reason;

  const denied = async (action: string, actor: string, reason?: string) =>
    (await t.dataSource.query(
      `SELECT subject_type, subject_id, reason, details FROM audit_events
        WHERE action = $1 AND outcome = 'DENIED' AND actor_id = $2 AND ($3::text IS NULL OR reason = $3) ORDER BY seq`,
      [action, ids[actor], reason ?? null],
    )) as { subject_type: string; subject_id: string; reason: string; details: Record<string, unknown> }[];

  const create = async (who: string, input: Record<string, unknown>) =>
    expectData(await t.gql(tokens[who], CREATE, { input: { spaceId: ids.lab, probability: 1, impact: 1, ...input } }))
      .createRiskEntry;

  const update = async (who: string, id: string, input: Record<string, unknown>) =>
    expectData(await t.gql(tokens[who], UPDATE, { id, input })).updateRiskEntry;

  /** Same status, code, message and shape: an invisible object answers like a missing one. */
  const sameAsMissing = (hidden: GqlResponse, missing: GqlResponse) => {
    expectError(hidden, 'NOT_FOUND');
    expect(hidden.status).toBe(missing.status);
    expect(hidden.body).toEqual(missing.body);
  };

  describe('createRiskEntry', () => {
    it('lets an OWNER record a risk, named in French, with its first revision and an audit event', async () => {
      const entry = await create('owner', {
        description: '  Fuite du prototype  ',
        probability: 2,
        impact: 4,
        ownerId: ids.anim,
        mitigation: 'NDA',
      });
      expect(entry).toMatchObject({
        description: 'Fuite du prototype',
        probability: 2,
        probabilityName: 'sensible',
        impact: 4,
        impactName: 'stratégique',
        mitigation: 'NDA',
        status: 'OPEN',
        space: { id: ids.lab },
        owner: { id: ids.anim, displayName: 'Anim' },
      });
      expect(entry.history).toEqual([
        {
          changedAt: expect.any(String),
          changedBy: { id: ids.owner },
          description: 'Fuite du prototype',
          probability: 2,
          impact: 4,
          owner: { id: ids.anim },
          mitigation: 'NDA',
          status: 'OPEN',
        },
      ]);
      const [event] = await t.dataSource.query(
        `SELECT outcome, subject_type, details FROM audit_events WHERE action = 'risk.create' AND subject_id = $1`,
        [entry.id],
      );
      expect(event).toMatchObject({ outcome: 'SUCCESS', subject_type: 'RiskEntry' });
      expect(event.details).toMatchObject({ spaceId: ids.lab, impact: 4, critical: true });
      // Clean up: the map drives the space, and later tests start from a quiet one.
      await update('owner', entry.id, { status: 'CLOSED' });
    });

    it('names every level 0-4 in French', async () => {
      const names = ['non significatif', 'faible', 'sensible', 'critique', 'stratégique'];
      for (let level = 0; level <= 4; level++) {
        const entry = await create('anim', { description: `Level ${level}`, probability: level, impact: 0 });
        expect([entry.probabilityName, entry.impactName]).toEqual([names[level], 'non significatif']);
      }
    });

    it('lets an ANIMATOR and a security reviewer without membership record one; the owner is optional', async () => {
      expect((await create('anim', { description: 'By the animator' })).owner).toBeNull();
      const byReviewer = await create('reviewer', { description: 'By the reviewer', status: 'MITIGATED' });
      expect(byReviewer).toMatchObject({ status: 'MITIGATED', space: { id: ids.lab } });
      expect(byReviewer.history[0].changedBy).toEqual({ id: ids.reviewer });
    });

    it('refuses a MEMBER, a partner and a HOST_ADMIN who see the space (FORBIDDEN, ROLE_REQUIRED), audited', async () => {
      for (const who of ['member', 'alice', 'admin']) {
        const res = await t.gql(tokens[who], CREATE, {
          input: { spaceId: ids.lab, description: 'x', probability: 0, impact: 4 },
        });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
        expect(await denied('risk.create', who, 'role_required')).toHaveLength(1);
      }
      expect(await t.dataSource.query(`SELECT 1 FROM risk_entries WHERE description = 'x'`)).toEqual([]);
    });

    it('answers the animator of another space and an outsider exactly like a missing space (NOT_FOUND), audited', async () => {
      for (const who of ['sideanim', 'outsider']) {
        const input = { description: 'x', probability: 0, impact: 4 };
        const hidden = await t.gql(tokens[who], CREATE, { input: { ...input, spaceId: ids.lab } });
        const missing = await t.gql(tokens[who], CREATE, { input: { ...input, spaceId: randomUUID() } });
        sameAsMissing(hidden, missing);
        expect((await denied('risk.create', who, 'not_found')).map((d) => d.subject_id)).toContain(ids.lab);
      }
    });

    it('refuses a non-UUID space id like a missing one', async () => {
      const bad = await t.gql(tokens.owner, CREATE, {
        input: { spaceId: 'nope', description: 'x', probability: 0, impact: 0 },
      });
      expectError(bad, 'NOT_FOUND');
    });

    it.each([
      ['an empty description', { description: '   ' }],
      ['a description over 2,000 characters', { description: 'd'.repeat(2001) }],
      ['a probability of 5', { probability: 5 }],
      ['a negative impact', { impact: -1 }],
      ['a mitigation over 2,000 characters', { mitigation: 'm'.repeat(2001) }],
    ])('refuses %s (BAD_USER_INPUT, INVALID_INPUT)', async (_, input) => {
      const res = await t.gql(tokens.owner, CREATE, {
        input: { spaceId: ids.lab, description: 'ok', probability: 0, impact: 0, ...input },
      });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
    });

    it('takes 2,000 characters of description', async () => {
      expect((await create('owner', { description: 'd'.repeat(2000) })).description).toHaveLength(2000);
    });

    it('refuses an external owner (RISK_OWNER_NOT_HOST) and an owner the caller does not see (NOT_FOUND)', async () => {
      const external = await t.gql(tokens.owner, CREATE, {
        input: { spaceId: ids.lab, description: 'x', probability: 0, impact: 0, ownerId: ids.alice },
      });
      expect(reasonOf(external, 'BAD_USER_INPUT')).toBe('RISK_OWNER_NOT_HOST');
      // The reviewer sees everyone; an animator does not see a partner outside their spaces.
      const unseen = await t.gql(tokens.anim, CREATE, {
        input: { spaceId: ids.lab, description: 'x', probability: 0, impact: 0, ownerId: ids.outsider },
      });
      const missing = await t.gql(tokens.anim, CREATE, {
        input: { spaceId: ids.lab, description: 'x', probability: 0, impact: 0, ownerId: randomUUID() },
      });
      sameAsMissing(unseen, missing);
    });

    it('refuses a risk in an archived space (CONFLICT, SPACE_ARCHIVED), audited', async () => {
      const res = await t.gql(tokens.owner, CREATE, {
        input: { spaceId: ids.attic, description: 'x', probability: 0, impact: 0 },
      });
      expect(reasonOf(res, 'CONFLICT')).toBe('SPACE_ARCHIVED');
      expect(await denied('risk.create', 'owner', 'space_archived')).toHaveLength(1);
    });
  });

  describe('updateRiskEntry', () => {
    it('keeps every state in the history, oldest first, and audits what changed', async () => {
      const entry = await create('owner', { description: 'Supplier lock-in', probability: 1, impact: 2 });
      await update('anim', entry.id, { probability: 3, ownerId: ids.coowner });
      const done = await update('reviewer', entry.id, {
        status: 'MITIGATED',
        mitigation: 'Second source',
        ownerId: null,
      });
      expect(done).toMatchObject({ probability: 3, probabilityName: 'critique', status: 'MITIGATED', owner: null });
      expect(
        done.history.map((h: Record<string, unknown>) => [
          (h.changedBy as { id: string }).id,
          h.probability,
          h.status,
          (h.owner as { id: string } | null)?.id ?? null,
          h.mitigation,
        ]),
      ).toEqual([
        [ids.owner, 1, 'OPEN', null, ''],
        [ids.anim, 3, 'OPEN', ids.coowner, ''],
        [ids.reviewer, 3, 'MITIGATED', null, 'Second source'],
      ]);
      const events = await t.dataSource.query(
        `SELECT actor_id, details FROM audit_events WHERE action = 'risk.update' AND subject_id = $1 AND outcome = 'SUCCESS' ORDER BY seq`,
        [entry.id],
      );
      expect(events.map((e: { details: { changed: unknown } }) => e.details.changed)).toEqual([
        { probability: { from: 1, to: 3 }, ownerId: { from: null, to: ids.coowner } },
        {
          status: { from: 'OPEN', to: 'MITIGATED' },
          mitigation: { from: '', to: 'Second source' },
          ownerId: { from: ids.coowner, to: null },
        },
      ]);
    });

    it("answers a MEMBER, a HOST_ADMIN, another space's animator and an outsider like a missing entry (NOT_FOUND)", async () => {
      const entry = await create('owner', { description: 'Unseen by members' });
      for (const who of ['member', 'admin', 'sideanim', 'outsider', 'alice']) {
        const hidden = await t.gql(tokens[who], UPDATE, { id: entry.id, input: { status: 'CLOSED' } });
        const missing = await t.gql(tokens[who], UPDATE, { id: randomUUID(), input: { status: 'CLOSED' } });
        sameAsMissing(hidden, missing);
        expect((await denied('risk.update', who, 'not_found')).map((d) => d.subject_id)).toContain(entry.id);
      }
      const [row] = await t.dataSource.query(`SELECT status FROM risk_entries WHERE id = $1`, [entry.id]);
      expect(row.status).toBe('OPEN');
    });

    it('refuses nothing to change and bad values (BAD_USER_INPUT)', async () => {
      const entry = await create('owner', { description: 'To be changed' });
      expect(reasonOf(await t.gql(tokens.owner, UPDATE, { id: entry.id, input: {} }), 'BAD_USER_INPUT')).toBe(
        'INVALID_INPUT',
      );
      expect(
        reasonOf(await t.gql(tokens.owner, UPDATE, { id: entry.id, input: { impact: 9 } }), 'BAD_USER_INPUT'),
      ).toBe('INVALID_INPUT');
      expect(
        reasonOf(await t.gql(tokens.owner, UPDATE, { id: entry.id, input: { ownerId: ids.alice } }), 'BAD_USER_INPUT'),
      ).toBe('RISK_OWNER_NOT_HOST');
      const [{ count }] = await t.dataSource.query(
        `SELECT count(*)::int AS count FROM risk_entry_revisions WHERE risk_entry_id = $1`,
        [entry.id],
      );
      expect(count).toBe(1);
    });

    it('refuses a change in an archived space (SPACE_ARCHIVED)', async () => {
      const [{ id }] = await t.dataSource.query(
        `INSERT INTO risk_entries (space_id, description, probability, impact) VALUES ($1, 'old', 1, 1) RETURNING id`,
        [ids.attic],
      );
      expect(reasonOf(await t.gql(tokens.owner, UPDATE, { id, input: { status: 'CLOSED' } }), 'CONFLICT')).toBe(
        'SPACE_ARCHIVED',
      );
    });
  });

  describe('riskMap', () => {
    it('gives the entries and the 25-cell matrix of entries not CLOSED to OWNER, ANIMATOR and reviewer', async () => {
      const side = expectData(
        await t.gql(tokens.sideanim, CREATE, {
          input: { spaceId: ids.side, description: 'Side risk', probability: 4, impact: 2 },
        }),
      ).createRiskEntry;
      const closed = await t.gql(tokens.sideanim, CREATE, {
        input: { spaceId: ids.side, description: 'Closed risk', probability: 4, impact: 2, status: 'CLOSED' },
      });
      expectData(closed);
      await t.gql(tokens.sideanim, CREATE, {
        input: { spaceId: ids.side, description: 'Mitigated risk', probability: 0, impact: 1, status: 'MITIGATED' },
      });
      for (const who of ['sideanim', 'reviewer']) {
        const map = expectData(await t.gql(tokens[who], MAP, { id: ids.side })).riskMap;
        expect(map.space).toEqual({ id: ids.side, name: 'Side' });
        expect(map.openCriticalRisk).toBe(false);
        expect(map.entries.map((e: { description: string }) => e.description)).toEqual([
          'Side risk',
          'Closed risk',
          'Mitigated risk',
        ]);
        expect(map.entries[0].id).toBe(side.id);
        expect(map.matrix).toHaveLength(25);
        const nonZero = map.matrix.filter((c: { count: number }) => c.count > 0);
        expect(nonZero).toEqual([
          { probability: 0, impact: 1, count: 1 },
          { probability: 4, impact: 2, count: 1 },
        ]);
        expect(
          new Set(map.matrix.map((c: { probability: number; impact: number }) => `${c.probability}/${c.impact}`)).size,
        ).toBe(25);
      }
      // The lab's own owner reads the lab's map, not the side space's entries.
      const lab = expectData(await t.gql(tokens.owner, MAP, { id: ids.lab })).riskMap;
      expect(lab.entries.map((e: { description: string }) => e.description)).not.toContain('Side risk');
      expect(lab.entries.length).toBeGreaterThan(0);
    });

    it('refuses a MEMBER, a partner and a HOST_ADMIN who see the space (FORBIDDEN), audited', async () => {
      for (const who of ['member', 'alice', 'admin']) {
        const res = await t.gql(tokens[who], MAP, { id: ids.lab });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
        const events = await denied('authz.denied', who, 'role_required');
        expect(events.map((e) => [e.subject_type, e.subject_id, e.details.attempted])).toContainEqual([
          'Space',
          ids.lab,
          'risk.map.read',
        ]);
      }
    });

    it("answers another space's animator and an outsider exactly like a missing space (NOT_FOUND)", async () => {
      for (const who of ['sideanim', 'outsider']) {
        sameAsMissing(
          await t.gql(tokens[who], MAP, { id: ids.lab }),
          await t.gql(tokens[who], MAP, { id: randomUUID() }),
        );
      }
      expectError(await t.gql(tokens.owner, MAP, { id: 'not-a-uuid' }), 'NOT_FOUND');
    });

    it('serves an entry through node(id) under the same rule', async () => {
      const entry = await create('owner', { description: 'By node' });
      expect(expectData(await t.gql(tokens.anim, NODE, { id: entry.id })).node).toEqual({
        __typename: 'RiskEntry',
        id: entry.id,
        description: 'By node',
      });
      for (const who of ['member', 'admin', 'outsider']) {
        sameAsMissing(
          await t.gql(tokens[who], NODE, { id: entry.id }),
          await t.gql(tokens[who], NODE, { id: randomUUID() }),
        );
      }
    });
  });

  describe('riskOverview', () => {
    it('gives a security reviewer every space with its highest OPEN risk and its OPEN count', async () => {
      const quietLow = expectData(
        await t.gql(tokens.owner, CREATE, {
          input: { spaceId: ids.quiet, description: 'Quiet low', probability: 4, impact: 1 },
        }),
      ).createRiskEntry;
      const quietHigh = expectData(
        await t.gql(tokens.owner, CREATE, {
          input: { spaceId: ids.quiet, description: 'Quiet high', probability: 0, impact: 2 },
        }),
      ).createRiskEntry;
      await t.gql(tokens.owner, CREATE, {
        input: { spaceId: ids.quiet, description: 'Quiet closed', probability: 4, impact: 4, status: 'CLOSED' },
      });
      const rows = expectData(await t.gql(tokens.reviewer, OVERVIEW)).riskOverview;
      expect(rows.map((r: { space: { name: string } }) => r.space.name)).toEqual(['Attic', 'Lab', 'Quiet', 'Side']);
      const quiet = rows.find((r: { space: { id: string } }) => r.space.id === ids.quiet);
      expect(quiet).toEqual({
        space: { id: ids.quiet, name: 'Quiet' },
        openCount: 2,
        highestOpenRisk: { id: quietHigh.id, description: 'Quiet high', impact: 2, probability: 0 },
      });
      expect(quietLow.id).not.toBe(quietHigh.id);
      const attic = rows.find((r: { space: { id: string } }) => r.space.id === ids.attic);
      expect(attic.openCount).toBe(1);
      const side = rows.find((r: { space: { id: string } }) => r.space.id === ids.side);
      expect(side).toMatchObject({ openCount: 1, highestOpenRisk: { description: 'Side risk' } });
    });

    it('refuses everyone else, OWNERs and HOST_ADMIN included (FORBIDDEN), audited', async () => {
      for (const who of ['owner', 'admin', 'member', 'alice', 'outsider']) {
        expect(reasonOf(await t.gql(tokens[who], OVERVIEW), 'FORBIDDEN')).toBe('ROLE_REQUIRED');
        const events = await denied('authz.denied', who, 'role_required');
        expect(events.map((e) => e.details.attempted)).toContain('risk.overview.read');
      }
    });
  });

  it('refuses every resolver to a caller without credentials', async () => {
    for (const [query, variables] of [
      [MAP, { id: ids.lab }],
      [OVERVIEW, {}],
      [CREATE, { input: { spaceId: ids.lab, description: 'x', probability: 0, impact: 0 } }],
      [UPDATE, { id: randomUUID(), input: { status: 'CLOSED' } }],
    ] as const) {
      expectError(await t.gql(null, query, variables), 'UNAUTHENTICATED');
    }
  });

  describe('what the map drives', () => {
    const invite = (email: string, extra: Record<string, unknown> = {}) =>
      t.gql(tokens.owner, INVITE, { input: { spaceId: ids.lab, email, role: 'MEMBER', ...extra } });
    const expertNames = async (who: string) =>
      expectData(await t.gql(tokens[who], EXPERTS)).experts.edges.map(
        (e: { node: { displayName: string } }) => e.node.displayName,
      );

    it('limits new external grants to 30 days, asks four eyes at classification 0, and drops the externals from the directory; closing lifts all three', async () => {
      // Before: a quiet lab (classification 0): 90 days by default, no approval, Alice listed.
      const before = expectData(await invite('p1@bolt.test')).inviteToSpace;
      expect(before.status).toBe('PENDING');
      expect(new Date(before.membershipExpiresAt).getTime()).toBe(NOW.getTime() + 90 * DAY);
      expect(await expertNames('owner')).toContain('Alice');
      expect(await expertNames('alice')).toContain('Alice');

      // An open risk of impact 2, or a MITIGATED one of impact 4, drives nothing.
      const mild = await create('owner', { description: 'Mild', impact: 2 });
      const mitigated = await create('owner', { description: 'Handled', impact: 4, status: 'MITIGATED' });
      expect(expectData(await invite('p2@bolt.test')).inviteToSpace.status).toBe('PENDING');
      expect(await expertNames('owner')).toContain('Alice');

      // An OPEN risk of impact 3.
      const critical = await create('anim', { description: 'Critical', impact: 3 });
      expect(expectData(await t.gql(tokens.owner, MAP, { id: ids.lab })).riskMap.openCriticalRisk).toBe(true);
      const during = expectData(await invite('p3@bolt.test')).inviteToSpace;
      expect(during.status).toBe('PENDING_APPROVAL');
      expect(new Date(during.membershipExpiresAt).getTime()).toBe(NOW.getTime() + 30 * DAY);
      const tooLong = await invite('p4@bolt.test', { expiresAt: new Date(NOW.getTime() + 31 * DAY).toISOString() });
      expect(reasonOf(tooLong, 'BAD_USER_INPUT')).toBe('EXPIRY_TOO_LATE');
      // Alice, an external member of the lab, leaves the directory for everyone, herself included.
      for (const who of ['owner', 'member', 'reviewer', 'alice']) {
        const names = await expertNames(who);
        expect(names).toContain(who === 'alice' ? 'Owner' : 'Member');
        expect(names).not.toContain('Alice');
      }

      // Closing it (through the mutation) lifts all three.
      await update('owner', critical.id, { status: 'CLOSED' });
      const after = expectData(await invite('p5@bolt.test')).inviteToSpace;
      expect(after.status).toBe('PENDING');
      expect(new Date(after.membershipExpiresAt).getTime()).toBe(NOW.getTime() + 90 * DAY);
      expect(await expertNames('owner')).toContain('Alice');

      // Raising the mitigated one back to OPEN restricts the space again.
      await update('owner', mitigated.id, { status: 'OPEN' });
      expect(expectData(await invite('p6@bolt.test')).inviteToSpace.status).toBe('PENDING_APPROVAL');
      expect(await expertNames('owner')).not.toContain('Alice');
      await update('owner', mitigated.id, { impact: 2 });
      expect(expectData(await invite('p7@bolt.test')).inviteToSpace.status).toBe('PENDING');
      expect(await expertNames('owner')).toContain('Alice');
      expect(mild.status).toBe('OPEN');
    });

    it('asks four eyes at classification 1 too while a critical risk is open, and not once it is closed', async () => {
      const inviteQuiet = (email: string) =>
        t.gql(tokens.owner, INVITE, { input: { spaceId: ids.quiet, email, role: 'OBSERVER' } });
      expect(expectData(await inviteQuiet('q1@bolt.test')).inviteToSpace.status).toBe('PENDING');
      const risk = expectData(
        await t.gql(tokens.coowner, CREATE, {
          input: { spaceId: ids.quiet, description: 'Quiet but critical', probability: 0, impact: 4 },
        }),
      ).createRiskEntry;
      const during = expectData(await inviteQuiet('q2@bolt.test')).inviteToSpace;
      expect(during.status).toBe('PENDING_APPROVAL');
      expect(new Date(during.membershipExpiresAt).getTime()).toBe(NOW.getTime() + 30 * DAY);
      await update('coowner', risk.id, { status: 'CLOSED' });
      expect(expectData(await inviteQuiet('q3@bolt.test')).inviteToSpace.status).toBe('PENDING');
    });
  });
});
