import { randomUUID } from 'node:crypto';
import { keyPair } from '../src/common/testing/saml-keys';
import { ConnectionService } from '../src/sso/connections/connection.service';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectData, expectError } from './support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

// Organisations and people through GraphQL only (issue 8, item 7): HOST_ADMIN creates and
// changes organisations; clearance and roles by HOST_ADMIN, or PARTNER_ADMIN within their
// organisation and its cap; each change re-evaluates grants at once; every refusal has its
// own reason and audit event.

const CREATE_ORG = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  id name kind domains clearanceCap status sponsor { id } } }`;
const UPDATE_ORG = `mutation($id: ID!, $input: UpdateOrganizationInput!) { updateOrganization(id: $id, input: $input) {
  id name kind domains clearanceCap status sponsor { id } } }`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) {
  id clearance roles locale } }`;
const ORG = `query($id: ID!) { organization(id: $id) { id name domains clearanceCap status sponsor { id } } }`;
const USER = `query($id: ID!) { user(id: $id) { id clearance roles locale } }`;
const SPACE = `query($id: ID!) { space(id: $id) { id } }`;

// The small world, and a space classified 2 where acme's people (cap 2) are members.
const WORLD = {
  ...SMALL_WORLD,
  spaces: [
    ...SMALL_WORLD.spaces,
    { key: 'nda', name: 'Under NDA', purpose: 'nda', classification: 2, status: 'ACTIVE', partnerVisibility: 'OPEN' },
  ],
  memberships: [
    ...SMALL_WORLD.memberships,
    { user: 'owner', space: 'nda', role: 'OWNER', status: 'ACTIVE' },
    { user: 'alice', space: 'nda', role: 'MEMBER', status: 'ACTIVE', expiresAt: '2026-12-01T00:00:00Z' },
    { user: 'arno', space: 'nda', role: 'MEMBER', status: 'ACTIVE', expiresAt: '2026-12-01T00:00:00Z' },
  ],
};

describe('organisations and people', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(WORLD);
    for (const u of SMALL_WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterAll(() => t.close());

  const reasonOf = (res: GqlResponse, code: string): string | undefined =>
    (expectError(res, code)[0].extensions as { reason?: string }).reason;

  const audited = async (action: string, outcome: string, actor: string, reason?: string) =>
    (await t.dataSource.query(
      `SELECT subject_id, reason, details FROM audit_events WHERE action = $1 AND outcome = $2 AND actor_id = $3
        AND ($4::text IS NULL OR reason = $4) ORDER BY seq`,
      [action, outcome, ids[actor], reason ?? null],
    )) as { subject_id: string; reason: string; details: Record<string, any> }[];

  const grant = async (user: string, space: string) =>
    (
      await t.dataSource.query(
        `SELECT id, status, suspension_cause FROM memberships WHERE user_id = $1 AND space_id = $2`,
        [ids[user], ids[space]],
      )
    )[0];

  const createOrg = (who: string, input: Record<string, unknown>) => t.gql(tokens[who], CREATE_ORG, { input });

  /**
   * Runs concurrent requests with each write on `table` held open a moment (a trigger that
   * sleeps), so that on PostgreSQL their transactions overlap: the outcome must not depend on
   * which one the database happens to run first.
   */
  const overlapping = async <T>(table: string, run: () => Promise<T>): Promise<T> => {
    await t.dataSource.query(`CREATE FUNCTION hold_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.3); RETURN NEW; END $$`);
    await t.dataSource.query(`CREATE TRIGGER hold_write BEFORE INSERT OR UPDATE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION hold_write()`);
    try {
      return await run();
    } finally {
      await t.dataSource.query(`DROP TRIGGER hold_write ON ${table}`);
      await t.dataSource.query(`DROP FUNCTION hold_write()`);
    }
  };

  describe('createOrganization', () => {
    it('lets HOST_ADMIN create a partner: domains lower-cased and unique, cap 1 by default, ACTIVE, sponsored', async () => {
      const { createOrganization: org } = expectData(
        await createOrg('admin', {
          name: ' Nord Studio ',
          kind: 'PARTNER',
          domains: ['Nord.Example', 'nord.example', ' studio-nord.example '],
          sponsorId: ids.owner,
        }),
      );
      expect(org).toEqual({
        id: expect.any(String),
        name: 'Nord Studio',
        kind: 'PARTNER',
        domains: ['nord.example', 'studio-nord.example'],
        clearanceCap: 1,
        status: 'ACTIVE',
        sponsor: { id: ids.owner },
      });
      const [event] = await audited('organization.create', 'SUCCESS', 'admin');
      expect(event).toMatchObject({
        subject_id: org.id,
        details: { kind: 'PARTNER', domains: ['nord.example', 'studio-nord.example'], clearanceCap: 1 },
      });
    });

    it('takes a client with its own cap', async () => {
      const { createOrganization: org } = expectData(
        await createOrg('admin', { name: 'Client', kind: 'CLIENT', domains: ['client.example'], clearanceCap: 3 }),
      );
      expect(org).toMatchObject({ kind: 'CLIENT', clearanceCap: 3, sponsor: null });
    });

    it('refuses anyone but HOST_ADMIN (ROLE_REQUIRED), audited', async () => {
      for (const who of ['owner', 'alice', 'bob']) {
        const res = await createOrg(who, { name: 'Mine', kind: 'PARTNER', domains: ['mine.example'] });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
        expect(await audited('organization.create', 'DENIED', who, 'role_required')).toHaveLength(1);
      }
      expect(await t.dataSource.query(`SELECT 1 FROM organizations WHERE name = 'Mine'`)).toEqual([]);
    });

    it('refuses a second HOST (INVALID_INPUT)', async () => {
      const res = await createOrg('admin', { name: 'Host 2', kind: 'HOST', domains: ['host2.example'] });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
    });

    it.each([
      'not a domain',
      'localhost',
      '-bad.example',
      'bad-.example',
      '1.2.3.4',
      'a..example',
      'x'.repeat(64) + '.example',
    ])('refuses %s as a domain (DOMAIN_INVALID)', async (domain) => {
      const res = await createOrg('admin', { name: 'Bad', kind: 'PARTNER', domains: ['ok.example', domain] });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('DOMAIN_INVALID');
    });

    it('refuses an empty domain list and a cap outside 0-4 (INVALID_INPUT)', async () => {
      expect(reasonOf(await createOrg('admin', { name: 'No', kind: 'PARTNER', domains: [] }), 'BAD_USER_INPUT')).toBe(
        'INVALID_INPUT',
      );
      const res = await createOrg('admin', { name: 'Cap', kind: 'PARTNER', domains: ['cap.example'], clearanceCap: 5 });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
    });

    it('refuses a domain another organisation holds, whatever its case (DOMAIN_TAKEN), audited', async () => {
      const res = await createOrg('admin', { name: 'Copy', kind: 'PARTNER', domains: ['new.example', 'ACME.test'] });
      expect(reasonOf(res, 'CONFLICT')).toBe('DOMAIN_TAKEN');
      expect(res.body.errors?.[0].message).toContain('acme.test');
      expect(await audited('organization.create', 'DENIED', 'admin', 'domain_taken')).toHaveLength(1);
    });

    it('gives one of two concurrent creations of a domain, the other DOMAIN_TAKEN', async () => {
      const [a, b] = await overlapping('organizations', () =>
        Promise.all([
          createOrg('admin', { name: 'Race A', kind: 'PARTNER', domains: ['race.example'] }),
          createOrg('admin', { name: 'Race B', kind: 'CLIENT', domains: ['race.example'] }),
        ]),
      );
      const outcomes = [a, b].map((r) => (r.body.errors ? r.body.errors[0].extensions : 'created'));
      expect(outcomes.sort()).toEqual([{ code: 'CONFLICT', reason: 'DOMAIN_TAKEN' }, 'created'].sort());
      const owners = await t.dataSource.query(`SELECT 1 FROM organizations WHERE 'race.example' = ANY (domains)`);
      expect(owners).toHaveLength(1);
    });

    it('refuses a sponsor who is not an active host user (SPONSOR_INVALID), and an unknown one (NOT_FOUND)', async () => {
      const res = await createOrg('admin', {
        name: 'Sp',
        kind: 'PARTNER',
        domains: ['sp.example'],
        sponsorId: ids.alice,
      });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('SPONSOR_INVALID');
      const missing = await createOrg('admin', {
        name: 'Sp',
        kind: 'PARTNER',
        domains: ['sp.example'],
        sponsorId: randomUUID(),
      });
      expectError(missing, 'NOT_FOUND');
    });
  });

  describe('updateOrganization', () => {
    it('answers an outsider exactly like a missing organisation (NOT_FOUND), audited', async () => {
      // bob (bolt) shares only a HUB space with acme: he does not see acme.
      const hidden = await t.gql(tokens.bob, UPDATE_ORG, { id: ids.acme, input: { name: 'Mine' } });
      const missing = await t.gql(tokens.bob, UPDATE_ORG, { id: randomUUID(), input: { name: 'Mine' } });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body.errors).toEqual(missing.body.errors);
      expect((await audited('organization.update', 'DENIED', 'bob')).map((a) => a.subject_id)).toContain(ids.acme);
    });

    it('refuses a partner admin on their own organisation, and a host user (ROLE_REQUIRED)', async () => {
      for (const who of ['alice', 'owner']) {
        const res = await t.gql(tokens[who], UPDATE_ORG, { id: ids.acme, input: { clearanceCap: 4 } });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
      }
      const [{ clearance_cap }] = await t.dataSource.query(`SELECT clearance_cap FROM organizations WHERE id = $1`, [
        ids.acme,
      ]);
      expect(clearance_cap).toBe(2);
    });

    it('lowering the cap suspends the grants no longer cleared at once, tells the members, audits each', async () => {
      expect(expectData(await t.gql(tokens.arno, SPACE, { id: ids.nda })).space.id).toBe(ids.nda);
      const { updateOrganization: org } = expectData(
        await t.gql(tokens.admin, UPDATE_ORG, { id: ids.acme, input: { clearanceCap: 1 } }),
      );
      expect(org.clearanceCap).toBe(1);
      const [alice, arno] = [await grant('alice', 'nda'), await grant('arno', 'nda')];
      expect([alice, arno].map((g) => [g.status, g.suspension_cause])).toEqual([
        ['SUSPENDED', 'CLEARANCE'],
        ['SUSPENDED', 'CLEARANCE'],
      ]);
      expectError(await t.gql(tokens.arno, SPACE, { id: ids.nda }), 'NOT_FOUND');
      const notices = await t.dataSource.query(
        `SELECT user_id FROM notifications WHERE kind = 'membership.suspended' AND space_id = $1 ORDER BY user_id`,
        [ids.nda],
      );
      expect(notices.map((n: { user_id: string }) => n.user_id)).toEqual([ids.alice, ids.arno].sort());
      const [event] = await audited('organization.update', 'SUCCESS', 'admin');
      expect(event.details.changed).toEqual({ clearanceCap: { from: 2, to: 1 } });
      // alice's grant in the archived "secret" space (classification 3) was not cleared either.
      expect(event.details.suspendedMembershipIds).toEqual(expect.arrayContaining([alice.id, arno.id]));
    });

    it('raising it back restores them', async () => {
      expectData(await t.gql(tokens.admin, UPDATE_ORG, { id: ids.acme, input: { clearanceCap: 2 } }));
      expect((await grant('arno', 'nda')).status).toBe('ACTIVE');
      expect(expectData(await t.gql(tokens.arno, SPACE, { id: ids.nda })).space.id).toBe(ids.nda);
      const restored = await t.dataSource.query(
        `SELECT user_id FROM notifications WHERE kind = 'membership.restored' AND space_id = $1`,
        [ids.nda],
      );
      expect(restored).toHaveLength(2);
    });

    it('refuses a cap or sponsor change on the host (HOST_ORGANIZATION), but renames it', async () => {
      expect(
        reasonOf(await t.gql(tokens.admin, UPDATE_ORG, { id: ids.host, input: { clearanceCap: 3 } }), 'FORBIDDEN'),
      ).toBe('HOST_ORGANIZATION');
      expect(
        reasonOf(await t.gql(tokens.admin, UPDATE_ORG, { id: ids.host, input: { sponsorId: ids.owner } }), 'FORBIDDEN'),
      ).toBe('HOST_ORGANIZATION');
      const data = expectData(await t.gql(tokens.admin, UPDATE_ORG, { id: ids.host, input: { name: 'The Host' } }));
      expect(data.updateOrganization.name).toBe('The Host');
    });

    it('changes domains and sponsor; refuses a taken domain, and removing one an IdP connection still asserts', async () => {
      const { cert } = await keyPair('idp.acme.test');
      await t.app.get(ConnectionService).create(
        { kind: 'cli' },
        {
          name: 'Acme IdP',
          organizationId: ids.acme,
          idpEntityId: 'https://idp.acme.test',
          ssoUrl: 'https://idp.acme.test/sso',
          signingCertificates: [cert],
          allowedDomains: ['acme.test'],
        },
      );
      const added = expectData(
        await t.gql(tokens.admin, UPDATE_ORG, {
          id: ids.acme,
          input: { domains: ['acme.test', 'Acme-Labs.example'], sponsorId: ids.owner },
        }),
      );
      expect(added.updateOrganization).toMatchObject({
        domains: ['acme.test', 'acme-labs.example'],
        sponsor: { id: ids.owner },
      });

      const taken = await t.gql(tokens.admin, UPDATE_ORG, {
        id: ids.acme,
        input: { domains: ['acme.test', 'bolt.test'] },
      });
      expect(reasonOf(taken, 'CONFLICT')).toBe('DOMAIN_TAKEN');

      const asserted = await t.gql(tokens.admin, UPDATE_ORG, {
        id: ids.acme,
        input: { domains: ['acme-labs.example'] },
      });
      expect(reasonOf(asserted, 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
      expect(asserted.body.errors?.[0].message).toContain('"Acme IdP"');
      expect(asserted.body.errors?.[0].message).toContain('acme.test');

      const removed = expectData(
        await t.gql(tokens.admin, UPDATE_ORG, { id: ids.acme, input: { domains: ['acme.test'], sponsorId: null } }),
      );
      expect(removed.updateOrganization).toMatchObject({ domains: ['acme.test'], sponsor: null });
    });

    it("shows domains, cap and status like emails: never another partner's", async () => {
      // alice sees "gone" (its user wrote a post she reads) but not its managed fields.
      const seen = expectData(await t.gql(tokens.alice, ORG, { id: ids.gone })).organization;
      expect(seen).toEqual({
        id: ids.gone,
        name: 'Gone',
        domains: null,
        clearanceCap: null,
        status: null,
        sponsor: null,
      });
      const own = expectData(await t.gql(tokens.alice, ORG, { id: ids.acme })).organization;
      expect(own).toMatchObject({ domains: ['acme.test'], clearanceCap: 2, status: 'ACTIVE' });
      const byHost = expectData(await t.gql(tokens.staff, ORG, { id: ids.gone })).organization;
      expect(byHost).toMatchObject({ domains: ['gone.test'], clearanceCap: 4, status: 'SUSPENDED' });
    });
  });

  describe('updateUser', () => {
    it('answers an outsider exactly like a missing person (NOT_FOUND), audited', async () => {
      // alice (acme) does not see bob (bolt).
      const hidden = await t.gql(tokens.alice, UPDATE_USER, { id: ids.bob, input: { clearance: 0 } });
      const missing = await t.gql(tokens.alice, UPDATE_USER, { id: randomUUID(), input: { clearance: 0 } });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body.errors).toEqual(missing.body.errors);
      expect((await audited('user.update', 'DENIED', 'alice')).map((a) => a.subject_id)).toContain(ids.bob);
    });

    it('refuses a partner admin on a host user, and a person without a role on anyone (ROLE_REQUIRED)', async () => {
      expect(
        reasonOf(await t.gql(tokens.alice, UPDATE_USER, { id: ids.staff, input: { clearance: 4 } }), 'FORBIDDEN'),
      ).toBe('ROLE_REQUIRED');
      expect(
        reasonOf(await t.gql(tokens.arno, UPDATE_USER, { id: ids.alice, input: { locale: 'EN' } }), 'FORBIDDEN'),
      ).toBe('ROLE_REQUIRED');
      expect(
        reasonOf(await t.gql(tokens.arno, UPDATE_USER, { id: ids.arno, input: { clearance: 2 } }), 'FORBIDDEN'),
      ).toBe('ROLE_REQUIRED');
    });

    it('lets anyone set their own language', async () => {
      const data = expectData(await t.gql(tokens.arno, UPDATE_USER, { id: ids.arno, input: { locale: 'EN' } }));
      expect(data.updateUser).toEqual({ id: ids.arno, clearance: 2, roles: [], locale: 'EN' });
      const [event] = await audited('user.update', 'SUCCESS', 'arno');
      expect(event.details).toMatchObject({ before: { locale: 'fr' }, after: { locale: 'en' } });
    });

    it("lets a partner admin set clearance within the organisation's cap, and refuses above it (ABOVE_ORGANIZATION_CAP)", async () => {
      const above = await t.gql(tokens.alice, UPDATE_USER, { id: ids.arno, input: { clearance: 3 } });
      expect(reasonOf(above, 'BAD_USER_INPUT')).toBe('ABOVE_ORGANIZATION_CAP');
      expect(await audited('user.update', 'DENIED', 'alice', 'above_organization_cap')).toHaveLength(1);

      // Lowered below the NDA space: the grant is suspended at once, and the member told.
      const lowered = expectData(await t.gql(tokens.alice, UPDATE_USER, { id: ids.arno, input: { clearance: 1 } }));
      expect(lowered.updateUser.clearance).toBe(1);
      expect(await grant('arno', 'nda')).toMatchObject({ status: 'SUSPENDED', suspension_cause: 'CLEARANCE' });
      expectError(await t.gql(tokens.arno, SPACE, { id: ids.nda }), 'NOT_FOUND');
      const [event] = (await audited('user.update', 'SUCCESS', 'alice')).slice(-1);
      expect(event.details).toMatchObject({
        before: { clearance: 2 },
        after: { clearance: 1 },
        suspendedMembershipIds: [(await grant('arno', 'nda')).id],
      });

      expectData(await t.gql(tokens.alice, UPDATE_USER, { id: ids.arno, input: { clearance: 2 } }));
      expect((await grant('arno', 'nda')).status).toBe('ACTIVE');
    });

    it('lets HOST_ADMIN store a clearance above the cap: the cap still caps what it grants', async () => {
      const data = expectData(await t.gql(tokens.admin, UPDATE_USER, { id: ids.arno, input: { clearance: 4 } }));
      expect(data.updateUser.clearance).toBe(4);
      // Effective clearance stays min(4, cap 2): the "secret" space (3) stays out of reach.
      const { spaces } = expectData(await t.gql(tokens.arno, '{ spaces(first: 50) { edges { node { id } } } }'));
      expect(spaces.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ids.nda]);
    });

    it('refuses a clearance outside 0-4 and an empty change (INVALID_INPUT)', async () => {
      for (const input of [{ clearance: 5 }, { clearance: -1 }, {}]) {
        expect(reasonOf(await t.gql(tokens.admin, UPDATE_USER, { id: ids.arno, input }), 'BAD_USER_INPUT')).toBe(
          'INVALID_INPUT',
        );
      }
    });

    it('places roles on their side only (ROLE_NOT_FOR_ORGANIZATION)', async () => {
      const hostRoleOnPartner = await t.gql(tokens.alice, UPDATE_USER, {
        id: ids.arno,
        input: { roles: ['HOST_ADMIN'] },
      });
      expect(reasonOf(hostRoleOnPartner, 'BAD_USER_INPUT')).toBe('ROLE_NOT_FOR_ORGANIZATION');
      const byAdmin = await t.gql(tokens.admin, UPDATE_USER, { id: ids.arno, input: { roles: ['SECURITY_REVIEWER'] } });
      expect(reasonOf(byAdmin, 'BAD_USER_INPUT')).toBe('ROLE_NOT_FOR_ORGANIZATION');
      const partnerRoleOnHost = await t.gql(tokens.admin, UPDATE_USER, {
        id: ids.staff,
        input: { roles: ['PARTNER_ADMIN'] },
      });
      expect(reasonOf(partnerRoleOnHost, 'BAD_USER_INPUT')).toBe('ROLE_NOT_FOR_ORGANIZATION');
    });

    it('lets a partner admin name another partner admin of their organisation, and HOST_ADMIN grant host roles', async () => {
      const partner = expectData(
        await t.gql(tokens.alice, UPDATE_USER, { id: ids.arno, input: { roles: ['PARTNER_ADMIN'] } }),
      );
      expect(partner.updateUser.roles).toEqual(['PARTNER_ADMIN']);
      const host = expectData(
        await t.gql(tokens.admin, UPDATE_USER, { id: ids.staff, input: { roles: ['SECURITY_REVIEWER'] } }),
      );
      expect(host.updateUser.roles).toEqual(['SECURITY_REVIEWER']);
      // A reviewer now: staff sees every organisation.
      expect(expectData(await t.gql(tokens.staff, ORG, { id: ids.bolt })).organization.id).toBe(ids.bolt);
    });

    it('shows clearance, roles and language to the person, overseers and their partner admins only', async () => {
      expect(expectData(await t.gql(tokens.alice, USER, { id: ids.arno })).user).toMatchObject({ clearance: 4 });
      // owner (host, no role) sees alice but not her policy fields.
      expect(expectData(await t.gql(tokens.owner, USER, { id: ids.alice })).user).toEqual({
        id: ids.alice,
        clearance: null,
        roles: null,
        locale: null,
      });
      expect(expectData(await t.gql(tokens.admin, USER, { id: ids.alice })).user.roles).toEqual(['PARTNER_ADMIN']);
    });

    it('never removes the last HOST_ADMIN (LAST_HOST_ADMIN); two admins removing each other: one succeeds', async () => {
      const last = await t.gql(tokens.admin, UPDATE_USER, { id: ids.admin, input: { roles: [] } });
      expect(reasonOf(last, 'CONFLICT')).toBe('LAST_HOST_ADMIN');
      expect(await audited('user.update', 'DENIED', 'admin', 'last_host_admin')).toHaveLength(1);

      expectData(await t.gql(tokens.admin, UPDATE_USER, { id: ids.owner, input: { roles: ['HOST_ADMIN'] } }));
      const [a, b] = await overlapping('users', () =>
        Promise.all([
          t.gql(tokens.admin, UPDATE_USER, { id: ids.owner, input: { roles: [] } }),
          t.gql(tokens.owner, UPDATE_USER, { id: ids.admin, input: { roles: [] } }),
        ]),
      );
      // The one refused is refused for being the last admin, or (its caller's principal loaded after
      // the other change committed) for no longer being an admin: never both admins gone.
      const outcomes = [a, b].map((r) =>
        r.body.errors ? (r.body.errors[0].extensions as { reason?: string }).reason : 'done',
      );
      expect(outcomes.filter((o) => o === 'done')).toHaveLength(1);
      expect(['LAST_HOST_ADMIN', 'ROLE_REQUIRED']).toContain(outcomes.find((o) => o !== 'done'));
      const admins = await t.dataSource.query(`SELECT id FROM users WHERE 'HOST_ADMIN' = ANY (roles)`);
      expect(admins).toHaveLength(1);
    });
  });
});
