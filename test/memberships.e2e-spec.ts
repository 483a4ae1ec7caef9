import { randomUUID } from 'node:crypto';
import { days, MEMBERSHIP_WORLD, NOW } from './fixtures/membership-world';
import { expectData, expectError } from './support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

const GRANT = `id role status expiresAt endedAt createdAt space { id name } sponsor { id displayName } user { id displayName }`;
const UPDATE = `mutation($id: ID!, $input: UpdateMembershipInput!) { updateMembership(id: $id, input: $input) { ${GRANT} } }`;
const EXTEND = `mutation($id: ID!, $until: DateTime!) { extendMembership(id: $id, until: $until) { ${GRANT} } }`;
const RENEW = `mutation($id: ID!, $until: DateTime!) { renewMembership(id: $id, until: $until) { ${GRANT} } }`;
const REVOKE = `mutation($id: ID!, $reason: String!) { revokeMembership(id: $id, reason: $reason) { ${GRANT} } }`;
const LEAVE = `mutation($spaceId: ID!) { leaveSpace(spaceId: $spaceId) { ${GRANT} } }`;

interface GrantRow {
  id: string;
  role: string;
  status: string;
  expires_at: Date | null;
  sponsor_id: string | null;
  ended_at: Date | null;
  end_reason: string | null;
  renewal_requested_at: Date | null;
}

describe('memberships: changing and ending grants', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(MEMBERSHIP_WORLD);
    for (const u of MEMBERSHIP_WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
  });

  afterAll(() => t.close());

  const sql = <T = any>(query: string, params: unknown[] = []): Promise<T[]> => t.dataSource.query(query, params);
  const grantId = async (user: string, space: string): Promise<string> =>
    (await sql(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [ids[user], ids[space]]))[0].id;
  const grant = async (id: string): Promise<GrantRow> =>
    (await sql<GrantRow>(`SELECT * FROM memberships WHERE id = $1`, [id]))[0];
  const reasonOf = (res: GqlResponse) => (res.body.errors?.[0]?.extensions as { reason?: string } | undefined)?.reason;
  const refused = (res: GqlResponse, code: string, reason: string) => {
    expectError(res, code);
    expect(reasonOf(res)).toBe(reason);
  };
  const audits = (action: string, outcome: string, subjectId: string) =>
    sql<{ reason: string | null; details: Record<string, any>; actor_id: string }>(
      `SELECT reason, details, actor_id FROM audit_events WHERE action = $1 AND outcome = $2 AND subject_id = $3 ORDER BY seq`,
      [action, outcome, subjectId],
    );
  const notices = (userId: string, kind: string, subjectId: string) =>
    sql(`SELECT data FROM notifications WHERE user_id = $1 AND kind = $2 AND subject_id = $3`, [
      userId,
      kind,
      subjectId,
    ]);

  describe('updateMembership', () => {
    it('lets an OWNER change a role: audited with before and after, the member told', async () => {
      const id = await grantId('staff', 'lab');
      const { updateMembership } = expectData(await t.gql(tokens.owner, UPDATE, { id, input: { role: 'OBSERVER' } }));
      expect(updateMembership).toMatchObject({
        id,
        role: 'OBSERVER',
        status: 'ACTIVE',
        space: { id: ids.lab, name: 'Lab' },
        user: { id: ids.staff },
      });
      expect((await grant(id)).role).toBe('OBSERVER');
      const [event] = await audits('membership.update', 'SUCCESS', id);
      expect(event.actor_id).toBe(ids.owner);
      expect(event.details).toMatchObject({ before: { role: 'MEMBER' }, after: { role: 'OBSERVER' } });
      expect(await notices(ids.staff, 'membership.changed', id)).toHaveLength(1);
    });

    it('lets an ANIMATOR manage MEMBER and OBSERVER grants, never promote to OWNER or ANIMATOR', async () => {
      const id = await grantId('staff', 'lab');
      expect(
        expectData(await t.gql(tokens.anim, UPDATE, { id, input: { role: 'MEMBER' } })).updateMembership.role,
      ).toBe('MEMBER');
      for (const role of ['OWNER', 'ANIMATOR']) {
        refused(await t.gql(tokens.anim, UPDATE, { id, input: { role } }), 'FORBIDDEN', 'ROLE_REQUIRED');
      }
      expect((await grant(id)).role).toBe('MEMBER');
      expect((await audits('membership.update', 'DENIED', id)).map((e) => e.reason)).toEqual([
        'role_required',
        'role_required',
      ]);
      // An OWNER's grant is not the ANIMATOR's to change.
      refused(
        await t.gql(tokens.anim, UPDATE, { id: await grantId('owner2', 'lab'), input: { role: 'MEMBER' } }),
        'FORBIDDEN',
        'ROLE_REQUIRED',
      );
    });

    it('refuses a plain member (wrong role) who sees the grant', async () => {
      const id = await grantId('alice', 'lab');
      for (const who of ['staff', 'arno']) {
        refused(await t.gql(tokens[who], UPDATE, { id, input: { role: 'OBSERVER' } }), 'FORBIDDEN', 'ROLE_REQUIRED');
      }
      expect((await grant(id)).role).toBe('MEMBER');
    });

    it('never makes an external OWNER or ANIMATOR', async () => {
      const id = await grantId('alice', 'lab');
      for (const role of ['OWNER', 'ANIMATOR']) {
        refused(await t.gql(tokens.owner, UPDATE, { id, input: { role } }), 'BAD_USER_INPUT', 'EXTERNAL_ROLE');
      }
      expect((await grant(id)).role).toBe('MEMBER');
      const denied = (await audits('membership.update', 'DENIED', id)).map((e) => e.reason);
      expect(denied.filter((r) => r === 'external_role')).toHaveLength(2);
    });

    it('caps an external expiry at 365 days from now, and at 30 while a critical risk is open', async () => {
      const id = await grantId('alice', 'lab');
      const before = (await grant(id)).expires_at;
      refused(
        await t.gql(tokens.owner, UPDATE, { id, input: { expiresAt: days(366).toISOString() } }),
        'BAD_USER_INPUT',
        'EXPIRY_TOO_LATE',
      );
      refused(
        await t.gql(tokens.owner, UPDATE, { id, input: { expiresAt: days(-1).toISOString() } }),
        'BAD_USER_INPUT',
        'EXPIRY_IN_PAST',
      );
      refused(await t.gql(tokens.owner, UPDATE, { id, input: { expiresAt: null } }), 'BAD_USER_INPUT', 'INVALID_INPUT');
      const [risk] = await sql(
        `INSERT INTO risk_entries (space_id, description, probability, impact, status) VALUES ($1, 'leak', 2, 3, 'OPEN') RETURNING id`,
        [ids.lab],
      );
      try {
        refused(
          await t.gql(tokens.owner, UPDATE, { id, input: { expiresAt: days(45).toISOString() } }),
          'BAD_USER_INPUT',
          'EXPIRY_TOO_LATE',
        );
      } finally {
        await sql(`DELETE FROM risk_entries WHERE id = $1`, [risk.id]);
      }
      expect((await grant(id)).expires_at).toEqual(before);
      const changed = expectData(
        await t.gql(tokens.owner, UPDATE, { id, input: { expiresAt: days(365).toISOString() } }),
      ).updateMembership;
      expect(changed.expiresAt).toBe(days(365).toISOString());
    });

    it('lets a host member lose their expiry, and refuses an empty change', async () => {
      const id = await grantId('staff', 'lab');
      expect(
        expectData(await t.gql(tokens.owner, UPDATE, { id, input: { expiresAt: null } })).updateMembership.expiresAt,
      ).toBeNull();
      refused(await t.gql(tokens.owner, UPDATE, { id, input: {} }), 'BAD_USER_INPUT', 'INVALID_INPUT');
    });

    it('never demotes the last OWNER', async () => {
      const id = await grantId('owner', 'solo');
      refused(await t.gql(tokens.owner, UPDATE, { id, input: { role: 'MEMBER' } }), 'CONFLICT', 'LAST_OWNER');
      refused(await t.gql(tokens.admin, UPDATE, { id, input: { role: 'ANIMATOR' } }), 'CONFLICT', 'LAST_OWNER');
      expect((await grant(id)).role).toBe('OWNER');
      expect((await audits('membership.update', 'DENIED', id)).map((e) => e.reason)).toEqual([
        'last_owner',
        'last_owner',
      ]);
    });

    it('counts as OWNERs only those whose grant is active: an OWNER no longer cleared does not run the space', async () => {
      const id = await grantId('owner', 'lab');
      // Oscar stays OWNER of the Lab on paper, but his clearance no longer reaches its classification.
      await sql(`UPDATE users SET clearance = 0 WHERE id = $1`, [ids.owner2]);
      try {
        refused(await t.gql(tokens.owner, UPDATE, { id, input: { role: 'MEMBER' } }), 'CONFLICT', 'LAST_OWNER');
        refused(await t.gql(tokens.owner, LEAVE, { spaceId: ids.lab }), 'CONFLICT', 'LAST_OWNER');
        expect((await grant(id)).role).toBe('OWNER');
      } finally {
        await sql(`UPDATE users SET clearance = 4 WHERE id = $1`, [ids.owner2]);
      }
    });

    it('refuses every change in an archived space', async () => {
      const id = await grantId('alice', 'attic');
      refused(await t.gql(tokens.owner, UPDATE, { id, input: { role: 'OBSERVER' } }), 'CONFLICT', 'SPACE_ARCHIVED');
      refused(await t.gql(tokens.owner, EXTEND, { id, until: days(90).toISOString() }), 'CONFLICT', 'SPACE_ARCHIVED');
      refused(await t.gql(tokens.owner, REVOKE, { id, reason: 'tidy' }), 'CONFLICT', 'SPACE_ARCHIVED');
      refused(await t.gql(tokens.alice, LEAVE, { spaceId: ids.attic }), 'CONFLICT', 'SPACE_ARCHIVED');
      expect(await grant(id)).toMatchObject({ role: 'MEMBER', status: 'ACTIVE' });
    });

    it('refuses a grant that is no longer active', async () => {
      const id = await grantId('staff', 'solo');
      await sql(`UPDATE memberships SET status = 'SUSPENDED', suspension_cause = 'CLEARANCE' WHERE id = $1`, [id]);
      try {
        refused(
          await t.gql(tokens.owner, UPDATE, { id, input: { role: 'OBSERVER' } }),
          'CONFLICT',
          'MEMBERSHIP_NOT_ACTIVE',
        );
      } finally {
        await sql(`UPDATE memberships SET status = 'ACTIVE', suspension_cause = NULL WHERE id = $1`, [id]);
      }
    });
  });

  describe('who sees a grant', () => {
    const calls = (id: string) => [
      (token: string) => t.gql(token, UPDATE, { id, input: { role: 'OBSERVER' } }),
      (token: string) => t.gql(token, EXTEND, { id, until: days(100).toISOString() }),
      (token: string) => t.gql(token, RENEW, { id, until: days(100).toISOString() }),
      (token: string) => t.gql(token, REVOKE, { id, reason: 'outsider' }),
    ];

    it('answers an outsider exactly as for a missing grant, on every mutation, and audits it', async () => {
      const id = await grantId('alice', 'lab');
      const missing = randomUUID();
      const [outsider, absent, malformed] = [id, missing, 'not-an-id'].map(calls);
      for (let i = 0; i < outsider.length; i++) {
        const [a, b, c] = await Promise.all([outsider[i](tokens.bob), absent[i](tokens.bob), malformed[i](tokens.bob)]);
        for (const res of [a, b, c]) expectError(res, 'NOT_FOUND');
        expect(a.body.errors).toEqual(b.body.errors);
        expect(a.body.errors).toEqual(c.body.errors);
        expect(a.status).toBe(b.status);
      }
      expect(await grant(id)).toMatchObject({ role: 'MEMBER', status: 'ACTIVE' });
      const denied = await sql(
        `SELECT action FROM audit_events WHERE outcome = 'DENIED' AND reason = 'not_found' AND subject_id = $1 AND actor_id = $2`,
        [id, ids.bob],
      );
      expect(denied.map((e) => e.action).sort()).toEqual([
        'membership.extend',
        'membership.renew',
        'membership.revoke',
        'membership.update',
      ]);
    });

    it('answers leaveSpace for a space the caller is not in like a missing space', async () => {
      const [a, b] = await Promise.all([
        t.gql(tokens.bob, LEAVE, { spaceId: ids.lab }),
        t.gql(tokens.bob, LEAVE, { spaceId: randomUUID() }),
      ]);
      expectError(a, 'NOT_FOUND');
      expect(a.body.errors).toEqual(b.body.errors);
      // An overseer sees the space but holds no grant in it: nothing to leave.
      expectError(await t.gql(tokens.admin, LEAVE, { spaceId: ids.lab }), 'NOT_FOUND');
    });

    it("hides a suspended grant from the space's members, not from its OWNERs", async () => {
      const id = await grantId('arno', 'lab');
      await sql(`UPDATE memberships SET status = 'SUSPENDED', suspension_cause = 'CLEARANCE' WHERE id = $1`, [id]);
      try {
        expectError(await t.gql(tokens.staff, UPDATE, { id, input: { role: 'MEMBER' } }), 'NOT_FOUND');
        refused(
          await t.gql(tokens.owner, UPDATE, { id, input: { role: 'MEMBER' } }),
          'CONFLICT',
          'MEMBERSHIP_NOT_ACTIVE',
        );
      } finally {
        await sql(`UPDATE memberships SET status = 'ACTIVE', suspension_cause = NULL WHERE id = $1`, [id]);
      }
    });
  });

  describe('extendMembership and renewMembership', () => {
    it('extends a grant to a later date, within 365 days for externals', async () => {
      const id = await grantId('arno', 'lab');
      await sql(`UPDATE memberships SET renewal_requested_at = $2 WHERE id = $1`, [id, NOW]);
      refused(
        await t.gql(tokens.owner, EXTEND, { id, until: days(5).toISOString() }),
        'BAD_USER_INPUT',
        'INVALID_INPUT',
      );
      refused(
        await t.gql(tokens.owner, EXTEND, { id, until: days(366).toISOString() }),
        'BAD_USER_INPUT',
        'EXPIRY_TOO_LATE',
      );
      refused(await t.gql(tokens.staff, EXTEND, { id, until: days(30).toISOString() }), 'FORBIDDEN', 'ROLE_REQUIRED');
      expect((await grant(id)).expires_at).toEqual(days(10));
      const { extendMembership } = expectData(await t.gql(tokens.anim, EXTEND, { id, until: days(30).toISOString() }));
      expect(extendMembership.expiresAt).toBe(days(30).toISOString());
      expect(await grant(id)).toMatchObject({ expires_at: days(30), renewal_requested_at: null });
      const [event] = await audits('membership.extend', 'SUCCESS', id);
      expect(event.details).toMatchObject({
        before: { expiresAt: days(10).toISOString() },
        after: { expiresAt: days(30).toISOString() },
      });
    });

    it('has nothing to extend on a grant without expiry', async () => {
      refused(
        await t.gql(tokens.owner, EXTEND, { id: await grantId('owner2', 'lab'), until: days(30).toISOString() }),
        'BAD_USER_INPUT',
        'INVALID_INPUT',
      );
    });

    it("lets the grant's sponsor renew it without seeing the space, and tells the member", async () => {
      const id = await grantId('alice', 'lab');
      await sql(`UPDATE memberships SET sponsor_id = $2, renewal_requested_at = $3 WHERE id = $1`, [
        id,
        ids.spons,
        NOW,
      ]);
      // Before being named sponsor of anything here, Sophie saw nothing of the lab.
      expectError(
        await t.gql(tokens.spons, RENEW, { id: await grantId('arno', 'lab'), until: days(40).toISOString() }),
        'NOT_FOUND',
      );
      await sql(`UPDATE memberships SET expires_at = $2 WHERE id = $1`, [id, days(12)]);
      const until = days(42);
      const capped = days(366);
      refused(
        await t.gql(tokens.spons, RENEW, { id, until: capped.toISOString() }),
        'BAD_USER_INPUT',
        'EXPIRY_TOO_LATE',
      );
      const { renewMembership } = expectData(await t.gql(tokens.spons, RENEW, { id, until: until.toISOString() }));
      expect(renewMembership).toMatchObject({
        expiresAt: until.toISOString(),
        sponsor: { id: ids.spons, displayName: 'Sophie Sponsor' },
        space: null,
      });
      expect(await grant(id)).toMatchObject({ expires_at: until, renewal_requested_at: null });
      expect(await notices(ids.alice, 'membership.renewed', id)).toHaveLength(1);
      expect(await audits('membership.renew', 'SUCCESS', id)).toHaveLength(1);
      // The sponsor renews; changing the role is still the space's OWNERs'.
      refused(await t.gql(tokens.spons, UPDATE, { id, input: { role: 'OBSERVER' } }), 'FORBIDDEN', 'ROLE_REQUIRED');
    });

    it('refuses to renew a grant that has lapsed (it must be invited again)', async () => {
      const id = await grantId('bob', 'bolts');
      await sql(`UPDATE memberships SET expires_at = $2 WHERE id = $1`, [id, days(-1)]);
      try {
        refused(
          await t.gql(tokens.owner2, RENEW, { id, until: days(30).toISOString() }),
          'CONFLICT',
          'MEMBERSHIP_NOT_ACTIVE',
        );
      } finally {
        await sql(`UPDATE memberships SET expires_at = $2 WHERE id = $1`, [id, days(5)]);
      }
    });
  });

  describe('revokeMembership', () => {
    it('ends a grant with its reason: the member is told and mailed', async () => {
      const id = await grantId('arno', 'lab');
      refused(await t.gql(tokens.owner, REVOKE, { id, reason: '   ' }), 'BAD_USER_INPUT', 'INVALID_INPUT');
      refused(await t.gql(tokens.staff, REVOKE, { id, reason: 'no' }), 'FORBIDDEN', 'ROLE_REQUIRED');
      const { revokeMembership } = expectData(await t.gql(tokens.owner, REVOKE, { id, reason: 'project over' }));
      expect(revokeMembership).toMatchObject({ id, status: 'REVOKED', endedAt: NOW.toISOString() });
      expect(await grant(id)).toMatchObject({ status: 'REVOKED', ended_at: NOW, end_reason: 'project over' });
      expect(await notices(ids.arno, 'membership.revoked', id)).toHaveLength(1);
      const mails = await sql(`SELECT to_address, template, params FROM mail_messages WHERE subject_id = $1`, [id]);
      expect(mails).toEqual([
        {
          to_address: 'arno@acme.test',
          template: 'membership.revoked',
          params: expect.objectContaining({ spaceName: 'Lab', reason: 'project over' }),
        },
      ]);
      const [event] = await audits('membership.revoke', 'SUCCESS', id);
      expect(event.details).toMatchObject({ reason: 'project over', before: 'ACTIVE' });
      // Ended is ended.
      refused(await t.gql(tokens.owner, REVOKE, { id, reason: 'again' }), 'CONFLICT', 'MEMBERSHIP_NOT_ACTIVE');
      // The revoked member no longer reads the space.
      expectError(await t.gql(tokens.arno, `query($id: ID!) { space(id: $id) { id } }`, { id: ids.lab }), 'NOT_FOUND');
    });

    it("revokes a suspended grant too (its space's OWNERs see it)", async () => {
      const id = await grantId('staff', 'solo');
      await sql(`UPDATE memberships SET status = 'SUSPENDED', suspension_cause = 'USER_DISABLED' WHERE id = $1`, [id]);
      expect(expectData(await t.gql(tokens.owner, REVOKE, { id, reason: 'gone' })).revokeMembership.status).toBe(
        'REVOKED',
      );
      expect(await grant(id)).toMatchObject({ status: 'REVOKED', end_reason: 'gone' });
    });

    it('never revokes the last OWNER', async () => {
      const id = await grantId('owner', 'solo');
      refused(await t.gql(tokens.admin, REVOKE, { id, reason: 'reorg' }), 'CONFLICT', 'LAST_OWNER');
      expect((await grant(id)).status).toBe('ACTIVE');
      expect((await audits('membership.revoke', 'DENIED', id)).map((e) => e.reason)).toEqual(['last_owner']);
    });

    it('writes nothing when a later step fails', async () => {
      const id = await grantId('bob', 'bolts');
      await sql(`CREATE FUNCTION fail_mail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'mail outbox unavailable'; END $$`);
      await sql(`CREATE TRIGGER fail_mail BEFORE INSERT ON mail_messages FOR EACH ROW EXECUTE FUNCTION fail_mail()`);
      try {
        expectError(await t.gql(tokens.owner2, REVOKE, { id, reason: 'test' }), 'INTERNAL_SERVER_ERROR');
      } finally {
        await sql(`DROP TRIGGER fail_mail ON mail_messages`);
        await sql(`DROP FUNCTION fail_mail()`);
      }
      expect(await grant(id)).toMatchObject({ status: 'ACTIVE', ended_at: null, end_reason: null });
      expect(await notices(ids.bob, 'membership.revoked', id)).toHaveLength(0);
      expect(await audits('membership.revoke', 'SUCCESS', id)).toHaveLength(0);
    });
  });

  describe('leaveSpace', () => {
    it('ends the caller’s own grant', async () => {
      const { leaveSpace } = expectData(await t.gql(tokens.alice, LEAVE, { spaceId: ids.lab }));
      expect(leaveSpace).toMatchObject({ status: 'LEFT', user: { id: ids.alice } });
      expect(await grant(leaveSpace.id)).toMatchObject({ status: 'LEFT', end_reason: 'left', ended_at: NOW });
      expect(await audits('membership.leave', 'SUCCESS', leaveSpace.id)).toHaveLength(1);
      expectError(await t.gql(tokens.alice, LEAVE, { spaceId: ids.lab }), 'NOT_FOUND');
    });

    it('never lets the last OWNER leave', async () => {
      refused(await t.gql(tokens.owner, LEAVE, { spaceId: ids.solo }), 'CONFLICT', 'LAST_OWNER');
      expect((await grant(await grantId('owner', 'solo'))).status).toBe('ACTIVE');
    });

    it("gives the leaver's sponsorships in the space to its other OWNER, who is told", async () => {
      const bob = await grantId('bob', 'bolts');
      // owner joins bolts as a second OWNER; owner2 sponsors bob's grant, then leaves.
      await sql(
        `INSERT INTO memberships (user_id, user_organization_id, space_id, role, status)
         SELECT id, organization_id, $2, 'OWNER', 'ACTIVE' FROM users WHERE id = $1`,
        [ids.owner, ids.bolts],
      );
      await sql(`UPDATE memberships SET sponsor_id = $2, renewal_requested_at = $3 WHERE id = $1`, [
        bob,
        ids.owner2,
        NOW,
      ]);
      const { leaveSpace } = expectData(await t.gql(tokens.owner2, LEAVE, { spaceId: ids.bolts }));
      expect(leaveSpace.status).toBe('LEFT');
      expect(await grant(bob)).toMatchObject({ sponsor_id: ids.owner, renewal_requested_at: null });
      expect(await notices(ids.owner, 'sponsorship.transferred', bob)).toEqual([
        { data: expect.objectContaining({ previousSponsorId: ids.owner2, memberId: ids.bob }) },
      ]);
      const mails = await sql(`SELECT template, to_address FROM mail_messages WHERE subject_id = $1`, [ids.owner2]);
      expect(mails).toEqual([{ template: 'sponsorship.transferred', to_address: 'owner@host.test' }]);
      const [event] = await audits('membership.leave', 'SUCCESS', leaveSpace.id);
      expect(event.details.movedSponsorships).toEqual([{ membershipId: bob, newSponsorId: ids.owner }]);
    });
  });

  describe('concurrent demotions', () => {
    const race = async (space: string, callers: [string, string]) => {
      const [a, b] = [await grantId('owner', space), await grantId('owner2', space)];
      const results = await Promise.all([
        t.gql(tokens[callers[0]], UPDATE, { id: b, input: { role: 'MEMBER' } }),
        t.gql(tokens[callers[1]], UPDATE, { id: a, input: { role: 'MEMBER' } }),
      ]);
      const roles = (await sql(`SELECT role FROM memberships WHERE space_id = $1 ORDER BY role`, [ids[space]])).map(
        (r) => r.role,
      );
      return { outcomes: results.map((r) => (r.body.errors ? reasonOf(r) : 'ok')).sort(), roles };
    };

    it('leaves one OWNER when an administrator demotes both at once', async () => {
      expect(await race('pair', ['admin', 'admin'])).toEqual({
        outcomes: ['LAST_OWNER', 'ok'],
        roles: ['MEMBER', 'OWNER'],
      });
    });

    it('decides on the role each OWNER holds once the space is locked', async () => {
      // The loser was demoted by the winner before its turn: it is no longer an OWNER.
      expect(await race('duo', ['owner', 'owner2'])).toEqual({
        outcomes: ['ROLE_REQUIRED', 'ok'],
        roles: ['MEMBER', 'OWNER'],
      });
    });
  });
});
