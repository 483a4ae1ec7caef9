import { randomUUID } from 'node:crypto';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// Spaces through GraphQL only (issue 8, item 1): who opens, changes, archives and reactivates
// them, each refusal with its own reason and audit event, and a raised classification that
// relabels posts and suspends grants in one transaction, with the reads following at once.

const CREATE = `mutation($input: CreateSpaceInput!) { createSpace(input: $input) { id name purpose classification status partnerVisibility } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateSpaceInput!) { updateSpace(id: $id, input: $input) {
  relabelledPosts suspendedMemberships space { id name purpose classification status partnerVisibility } } }`;
const ARCHIVE = `mutation($id: ID!) { archiveSpace(id: $id) { id status } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateSpace(id: $id) { id status } }`;
const SPACE = `query($id: ID!) { space(id: $id) { id name classification status posts(first: 50) { totalCount edges { node { title label } } } } }`;
const FEED = `{ feed(first: 50) { edges { node { title } } } }`;

describe('spaces: create, update, archive, reactivate', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(SMALL_WORLD);
    for (const u of SMALL_WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterAll(() => t.close());

  const reasonOf = (res: Awaited<ReturnType<TestApp['gql']>>, code: string): string | undefined =>
    (expectError(res, code)[0].extensions as { reason?: string }).reason;

  const audited = async (action: string, outcome: string, actor: string, reason?: string) =>
    (await t.dataSource.query(
      `SELECT subject_id, reason, details FROM audit_events WHERE action = $1 AND outcome = $2 AND actor_id = $3
        AND ($4::text IS NULL OR reason = $4) ORDER BY seq`,
      [action, outcome, ids[actor], reason ?? null],
    )) as { subject_id: string; reason: string; details: Record<string, unknown> }[];

  const labels = async (spaceId: string): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await t.dataSource.query(`SELECT title, label FROM posts WHERE space_id = $1 ORDER BY title`, [spaceId])).map(
        (r: { title: string; label: number }) => [r.title, Number(r.label)],
      ),
    );

  const create = async (who: string, input: Record<string, unknown>) =>
    expectData(await t.gql(tokens[who], CREATE, { input })).createSpace;

  describe('createSpace', () => {
    it('lets a cleared host user open a space and makes them its OWNER, without expiry, granted by themselves', async () => {
      const space = await create('owner', { name: '  Atelier  ', purpose: 'Design', classification: 2 });
      expect(space).toEqual({
        id: expect.any(String),
        name: 'Atelier',
        purpose: 'Design',
        classification: 2,
        status: 'ACTIVE',
        partnerVisibility: 'OPEN',
      });
      const [grant] = await t.dataSource.query(
        `SELECT user_id, role, status, expires_at, granted_by_id, sponsor_id FROM memberships WHERE space_id = $1`,
        [space.id],
      );
      expect(grant).toEqual({
        user_id: ids.owner,
        role: 'OWNER',
        status: 'ACTIVE',
        expires_at: null,
        granted_by_id: ids.owner,
        sponsor_id: null,
      });
      // The owner sees it at once; another host user does not.
      expect(expectData(await t.gql(tokens.owner, SPACE, { id: space.id })).space.name).toBe('Atelier');
      expectError(await t.gql(tokens.staff, SPACE, { id: space.id }), 'NOT_FOUND');
      expect((await audited('space.create', 'SUCCESS', 'owner')).map((a) => a.subject_id)).toContain(space.id);
    });

    it('takes PILOT and HUB, and lets HOST_ADMIN open a space at any classification', async () => {
      const pilot = await create('staff', {
        name: 'Pilot',
        classification: 1,
        status: 'PILOT',
        partnerVisibility: 'HUB',
      });
      expect(pilot).toMatchObject({ classification: 1, status: 'PILOT', partnerVisibility: 'HUB', purpose: '' });
      expect((await create('admin', { name: 'Board', classification: 4 })).classification).toBe(4);
    });

    it('records the grant of a HOST_ADMIN who opens a space above their clearance as SUSPENDED, restored once cleared', async () => {
      await t.dataSource.query(`UPDATE users SET clearance = 2 WHERE id = $1`, [ids.admin]);
      const space = await create('admin', { name: 'Above me', classification: 3 });
      const grant = async () =>
        (
          await t.dataSource.query(
            `SELECT id, status, suspension_cause FROM memberships WHERE space_id = $1 AND user_id = $2`,
            [space.id, ids.admin],
          )
        )[0];
      expect(await grant()).toMatchObject({ status: 'SUSPENDED', suspension_cause: 'CLEARANCE' });
      const notices = await t.dataSource.query(
        `SELECT kind, subject_id FROM notifications WHERE user_id = $1 AND space_id = $2`,
        [ids.admin, space.id],
      );
      expect(notices).toEqual([{ kind: 'membership.suspended', subject_id: (await grant()).id }]);
      // The admin sees the space (overseer) but holds no active grant: no content.
      const raised = await t.gql(
        tokens.admin,
        'mutation($id: ID!) { updateUser(id: $id, input: { clearance: 4 }) { id } }',
        {
          id: ids.admin,
        },
      );
      expectData(raised);
      expect(await grant()).toMatchObject({ status: 'ACTIVE', suspension_cause: null });
    });

    it('refuses a host user above their clearance (CLEARANCE_TOO_LOW), audited', async () => {
      const res = await t.gql(tokens.staff, CREATE, { input: { name: 'Too high', classification: 2 } });
      expect(reasonOf(res, 'FORBIDDEN')).toBe('CLEARANCE_TOO_LOW');
      expect(await audited('space.create', 'DENIED', 'staff', 'clearance_too_low')).toHaveLength(1);
      expect(await t.dataSource.query(`SELECT 1 FROM spaces WHERE name = 'Too high'`)).toEqual([]);
    });

    it('refuses an external user, even a partner admin with clearance (ROLE_REQUIRED), audited', async () => {
      for (const who of ['alice', 'bob']) {
        const res = await t.gql(tokens[who], CREATE, { input: { name: 'Partner space', classification: 0 } });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
        expect(await audited('space.create', 'DENIED', who, 'role_required')).toHaveLength(1);
      }
    });

    it.each([
      ['an empty name', { name: '   ', classification: 0 }],
      ['a name over 200 characters', { name: 'x'.repeat(201), classification: 0 }],
      ['a purpose over 5,000 characters', { name: 'ok', purpose: 'p'.repeat(5001), classification: 0 }],
      ['a classification above 4', { name: 'ok', classification: 5 }],
      ['a negative classification', { name: 'ok', classification: -1 }],
      ['an ARCHIVED status', { name: 'ok', classification: 0, status: 'ARCHIVED' }],
    ])('refuses %s (INVALID_INPUT)', async (_, input) => {
      const res = await t.gql(tokens.owner, CREATE, { input });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
    });
  });

  describe('updateSpace', () => {
    it('changes the fields given, for an OWNER, and audits what changed', async () => {
      const space = await create('owner', { name: 'Renamed later', classification: 0 });
      const data = expectData(
        await t.gql(tokens.owner, UPDATE, { id: space.id, input: { name: 'Renamed', partnerVisibility: 'HUB' } }),
      );
      expect(data.updateSpace).toEqual({
        relabelledPosts: 0,
        suspendedMemberships: 0,
        space: { ...space, name: 'Renamed', partnerVisibility: 'HUB' },
      });
      const [event] = (await audited('space.update', 'SUCCESS', 'owner')).filter((a) => a.subject_id === space.id);
      expect(event.details.changed).toEqual({
        name: { from: 'Renamed later', to: 'Renamed' },
        partnerVisibility: { from: 'OPEN', to: 'HUB' },
      });
    });

    it('answers an outsider exactly like a missing space (NOT_FOUND), audited', async () => {
      // bob's grant in the open lab is suspended: he does not see it.
      const hidden = await t.gql(tokens.bob, UPDATE, { id: ids.open, input: { name: 'Mine' } });
      const missing = await t.gql(tokens.bob, UPDATE, { id: randomUUID(), input: { name: 'Mine' } });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body.errors).toEqual(missing.body.errors);
      expect(hidden.status).toBe(missing.status);
      expect((await audited('space.update', 'DENIED', 'bob', 'not_found')).map((a) => a.subject_id)).toContain(
        ids.open,
      );
      for (const mutation of [ARCHIVE, REACTIVATE]) {
        expectError(await t.gql(tokens.bob, mutation, { id: ids.open }), 'NOT_FOUND');
      }
      expect(expectData(await t.gql(tokens.owner, SPACE, { id: ids.open })).space.name).toBe('Open lab');
    });

    it('refuses a member who is not an OWNER, and an ANIMATOR (ROLE_REQUIRED)', async () => {
      expect(reasonOf(await t.gql(tokens.staff, UPDATE, { id: ids.open, input: { name: 'x' } }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );
      expect(reasonOf(await t.gql(tokens.owner, UPDATE, { id: ids.hub, input: { name: 'x' } }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );
      expect(await audited('space.update', 'DENIED', 'staff', 'role_required')).toHaveLength(1);
    });

    it('refuses an owner who would classify above their own clearance (CLEARANCE_TOO_LOW)', async () => {
      const space = await create('staff', { name: 'Staff room', classification: 1 });
      const res = await t.gql(tokens.staff, UPDATE, { id: space.id, input: { classification: 2 } });
      expect(reasonOf(res, 'FORBIDDEN')).toBe('CLEARANCE_TOO_LOW');
      expect(res.body.errors?.[0].message).toBe('You cannot classify a space above your own clearance');
      expect(expectData(await t.gql(tokens.staff, SPACE, { id: space.id })).space.classification).toBe(1);
    });

    it('refuses to lock out a HOST_ADMIN who owns the space: raising above their clearance would suspend them', async () => {
      const space = await create('admin', { name: 'Admin room', classification: 1 });
      await t.dataSource.query(`UPDATE users SET clearance = 2 WHERE id = $1`, [ids.admin]);
      try {
        const res = await t.gql(tokens.admin, UPDATE, { id: space.id, input: { classification: 3 } });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('CLEARANCE_TOO_LOW');
        // Without a grant of their own in the space, a HOST_ADMIN may raise it above their clearance.
        const other = await create('owner', { name: 'Owner room', classification: 1 });
        const raised = expectData(await t.gql(tokens.admin, UPDATE, { id: other.id, input: { classification: 3 } }));
        expect(raised.updateSpace.space.classification).toBe(3);
      } finally {
        await t.dataSource.query(`UPDATE users SET clearance = 4 WHERE id = $1`, [ids.admin]);
      }
    });

    it.each([
      ['an empty name', { name: '' }],
      ['a classification above 4', { classification: 7 }],
      ['ARCHIVED as a status', { status: 'ARCHIVED' }],
      ['nothing to change', {}],
    ])('refuses %s (INVALID_INPUT)', async (_, input) => {
      expect(reasonOf(await t.gql(tokens.owner, UPDATE, { id: ids.open, input }), 'BAD_USER_INPUT')).toBe(
        'INVALID_INPUT',
      );
    });

    it('refuses any change to an archived space (SPACE_ARCHIVED)', async () => {
      const res = await t.gql(tokens.owner, UPDATE, { id: ids.secret, input: { name: 'Plans' } });
      expect(reasonOf(res, 'CONFLICT')).toBe('SPACE_ARCHIVED');
      expect(await audited('space.update', 'DENIED', 'owner', 'space_archived')).toHaveLength(1);
    });
  });

  describe('raising and lowering a classification', () => {
    // The open lab: classification 1; posts Kickoff (1), Sensitive (2), Oops (1, hidden), Old (1);
    // staff (clearance 1) is a MEMBER, alice (effective 2) a MEMBER, the owner (4) its OWNER.
    const staffFeed = async () =>
      expectData(await t.gql(tokens.staff, FEED)).feed.edges.map((e: { node: { title: string } }) => e.node.title);

    it('writes nothing when a step fails: no label, classification, grant or audit event changes', async () => {
      const before = await labels(ids.open);
      // Force the grant re-evaluation (the last step) to fail inside the transaction.
      await t.dataSource.query(`CREATE FUNCTION fail_suspension() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
      await t.dataSource.query(`CREATE TRIGGER fail_suspension BEFORE UPDATE OF status ON memberships
        FOR EACH ROW EXECUTE FUNCTION fail_suspension()`);
      try {
        const res = await t.gql(tokens.owner, UPDATE, { id: ids.open, input: { classification: 2, name: 'Lab 2' } });
        expectError(res, 'INTERNAL_SERVER_ERROR');
      } finally {
        await t.dataSource.query(`DROP TRIGGER fail_suspension ON memberships`);
        await t.dataSource.query(`DROP FUNCTION fail_suspension()`);
      }
      expect(await labels(ids.open)).toEqual(before);
      const [space] = await t.dataSource.query(`SELECT name, classification FROM spaces WHERE id = $1`, [ids.open]);
      expect(space).toEqual({ name: 'Open lab', classification: 1 });
      const [grant] = await t.dataSource.query(`SELECT status FROM memberships WHERE user_id = $1 AND space_id = $2`, [
        ids.staff,
        ids.open,
      ]);
      expect(grant.status).toBe('ACTIVE');
      expect((await audited('space.update', 'SUCCESS', 'owner')).filter((a) => a.subject_id === ids.open)).toEqual([]);
      expect(await staffFeed()).toContain('Kickoff');
    });

    it('raises every label below it, suspends the grants no longer cleared, tells their members, in one change', async () => {
      expect(await staffFeed()).toEqual(['Old', 'Kickoff']);
      const data = expectData(await t.gql(tokens.owner, UPDATE, { id: ids.open, input: { classification: 2 } }));
      expect(data.updateSpace).toMatchObject({
        relabelledPosts: 3,
        suspendedMemberships: 1,
        space: { id: ids.open, classification: 2 },
      });
      expect(await labels(ids.open)).toEqual({ Kickoff: 2, Old: 2, Oops: 2, Sensitive: 2 });
      const [staffGrant] = await t.dataSource.query(
        `SELECT id, status, suspension_cause FROM memberships WHERE user_id = $1 AND space_id = $2`,
        [ids.staff, ids.open],
      );
      expect(staffGrant).toMatchObject({ status: 'SUSPENDED', suspension_cause: 'CLEARANCE' });
      // alice (effective 2) keeps her grant and now reads what was relabelled.
      const [aliceGrant] = await t.dataSource.query(
        `SELECT status FROM memberships WHERE user_id = $1 AND space_id = $2`,
        [ids.alice, ids.open],
      );
      expect(aliceGrant.status).toBe('ACTIVE');

      const notices = await t.dataSource.query(
        `SELECT user_id, kind, space_id, subject_id FROM notifications WHERE kind = 'membership.suspended' AND space_id = $1`,
        [ids.open],
      );
      expect(notices).toEqual([
        { user_id: ids.staff, kind: 'membership.suspended', space_id: ids.open, subject_id: staffGrant.id },
      ]);

      const [event] = (await audited('space.update', 'SUCCESS', 'owner')).filter((a) => a.subject_id === ids.open);
      expect(event.details).toMatchObject({
        changed: { classification: { from: 1, to: 2 } },
        relabelledPosts: 3,
        suspendedMembershipIds: [staffGrant.id],
      });
      expect((await audited('membership.suspend', 'SUCCESS', 'owner')).map((a) => a.subject_id)).toEqual([
        staffGrant.id,
      ]);
      expect(await audited('space.posts.relabel', 'SUCCESS', 'owner')).toHaveLength(1);
    });

    it('takes the suspended member out at once: the space and its posts are gone from their reads', async () => {
      expectError(await t.gql(tokens.staff, SPACE, { id: ids.open }), 'NOT_FOUND');
      expect(await staffFeed()).toEqual([]);
      const { spaces } = expectData(await t.gql(tokens.staff, '{ spaces(first: 50) { edges { node { id } } } }'));
      expect(spaces.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(ids.open);
      // The owner still reads it all, relabelled.
      const { space } = expectData(await t.gql(tokens.owner, SPACE, { id: ids.open }));
      expect(space.posts.totalCount).toBe(4);
    });

    it('lowering changes no label and restores the grants suspended for clearance alone', async () => {
      const data = expectData(await t.gql(tokens.owner, UPDATE, { id: ids.open, input: { classification: 1 } }));
      expect(data.updateSpace).toMatchObject({ relabelledPosts: 0, suspendedMemberships: 0 });
      expect(await labels(ids.open)).toEqual({ Kickoff: 2, Old: 2, Oops: 2, Sensitive: 2 });
      expect(expectData(await t.gql(tokens.staff, SPACE, { id: ids.open })).space).toMatchObject({
        classification: 1,
        posts: { totalCount: 0 },
      });
      const restored = await t.dataSource.query(
        `SELECT user_id FROM notifications WHERE kind = 'membership.restored' AND space_id = $1`,
        [ids.open],
      );
      expect(restored).toEqual([{ user_id: ids.staff }]);
    });
  });

  describe('archiveSpace and reactivateSpace', () => {
    let spaceId: string;

    beforeAll(async () => {
      spaceId = (await create('owner', { name: 'Seasonal', classification: 0, status: 'PILOT' })).id;
    });

    it('refuses a member who is not an OWNER (ROLE_REQUIRED)', async () => {
      for (const mutation of [ARCHIVE, REACTIVATE]) {
        expect(reasonOf(await t.gql(tokens.staff, mutation, { id: ids.open }), 'FORBIDDEN')).toBe('ROLE_REQUIRED');
      }
      expect(await audited('space.archive', 'DENIED', 'staff', 'role_required')).toHaveLength(1);
    });

    it('refuses to reactivate a space that is not archived (SPACE_NOT_ARCHIVED)', async () => {
      expect(reasonOf(await t.gql(tokens.owner, REACTIVATE, { id: spaceId }), 'CONFLICT')).toBe('SPACE_NOT_ARCHIVED');
    });

    it('archives: read-only, nothing deleted, still readable; a second archive is SPACE_ARCHIVED', async () => {
      expect(expectData(await t.gql(tokens.owner, ARCHIVE, { id: spaceId })).archiveSpace).toEqual({
        id: spaceId,
        status: 'ARCHIVED',
      });
      expect(reasonOf(await t.gql(tokens.owner, ARCHIVE, { id: spaceId }), 'CONFLICT')).toBe('SPACE_ARCHIVED');
      expect(reasonOf(await t.gql(tokens.owner, UPDATE, { id: spaceId, input: { name: 'x' } }), 'CONFLICT')).toBe(
        'SPACE_ARCHIVED',
      );
      expect(expectData(await t.gql(tokens.owner, SPACE, { id: spaceId })).space.status).toBe('ARCHIVED');
      const [event] = (await audited('space.archive', 'SUCCESS', 'owner')).filter((a) => a.subject_id === spaceId);
      expect(event.details).toEqual({ from: 'PILOT', to: 'ARCHIVED' });
    });

    it('reactivates to ACTIVE, by HOST_ADMIN too', async () => {
      expect(expectData(await t.gql(tokens.admin, REACTIVATE, { id: spaceId })).reactivateSpace).toEqual({
        id: spaceId,
        status: 'ACTIVE',
      });
      expect(await audited('space.reactivate', 'SUCCESS', 'admin')).toHaveLength(1);
      const renamed = expectData(await t.gql(tokens.owner, UPDATE, { id: spaceId, input: { name: 'Seasonal 2' } }));
      expect(renamed.updateSpace.space.name).toBe('Seasonal 2');
    });
  });
});
