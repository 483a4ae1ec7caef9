import request from 'supertest';
import { SESSION_COOKIE } from '../src/auth/session.service';
import { MailService } from '../src/mail/mail.service';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// The kill switch (issue 8, item 6): a dry run that lists exactly what the switch then ends,
// the switch in one transaction, access cut at once, and a way back that gives back only the
// grants that have not expired meanwhile.

const NOW = new Date('2026-06-01T00:00:00Z');

/**
 * One world per test in one gateway (starting a gateway costs seconds): keys, domains and
 * addresses carry the test's number; the host organisation is the one every world shares.
 */
function worldFor(n: number) {
  const k = (key: string) => (key === 'host' ? key : `t${n}-${key}`);
  const user = (key: string, organization: string, roles: string[] = [], clearance = 2) => ({
    key: k(key),
    organization: k(organization),
    email: `${key}${organization === 'host' ? n : ''}@${organization === 'host' ? 'host' : `${organization}${n}`}.test`,
    displayName: key[0].toUpperCase() + key.slice(1),
    clearance,
    status: 'ACTIVE',
    roles,
    skills: [],
  });
  const org = (key: string, name: string, kind: string, cap: number) => ({
    key: k(key),
    name,
    kind,
    domains: [key === 'host' ? 'host.test' : `${key}${n}.test`],
    clearanceCap: cap,
    status: 'ACTIVE',
  });
  const grant = (u: string, space: string, role: string, expiresAt?: string) => ({
    user: k(u),
    space: k(space),
    role,
    ...(expiresAt ? { expiresAt } : {}),
  });
  return {
    key: k,
    world: {
      organizations: [
        org('host', 'Host', 'HOST', 4),
        org('acme', 'Acme', 'PARTNER', 2),
        org('bolt', 'Bolt', 'PARTNER', 2),
      ],
      users: [
        user('admin', 'host', ['HOST_ADMIN'], 4),
        user('owner', 'host', [], 4),
        user('sponsor', 'host', [], 4),
        user('plain', 'host', [], 4),
        user('alice', 'acme', ['PARTNER_ADMIN']),
        user('arno', 'acme'),
        user('bob', 'bolt'),
      ],
      spaces: [
        {
          key: k('lab'),
          name: 'Lab',
          purpose: 'co-design',
          classification: 1,
          status: 'ACTIVE',
          partnerVisibility: 'HUB',
        },
        {
          key: k('vault'),
          name: 'Vault',
          purpose: 'strategy',
          classification: 1,
          status: 'ACTIVE',
          partnerVisibility: 'OPEN',
        },
      ],
      memberships: [
        grant('owner', 'lab', 'OWNER'),
        grant('owner', 'vault', 'OWNER'),
        grant('sponsor', 'lab', 'MEMBER'),
        grant('plain', 'lab', 'MEMBER'),
        grant('alice', 'lab', 'MEMBER', '2026-09-01T00:00:00Z'),
        grant('arno', 'lab', 'MEMBER', '2026-07-01T00:00:00Z'),
        grant('arno', 'vault', 'OBSERVER', '2026-12-01T00:00:00Z'),
        grant('bob', 'lab', 'MEMBER', '2026-09-01T00:00:00Z'),
      ],
      posts: [],
      comments: [],
    },
  };
}

const KEYS = ['host', 'acme', 'bolt', 'admin', 'owner', 'sponsor', 'plain', 'alice', 'arno', 'bob', 'lab', 'vault'];
const USERS = ['admin', 'owner', 'sponsor', 'plain', 'alice', 'arno', 'bob'];

const PREVIEW_FIELDS = `subjectType subjectId organization { id name } user { id displayName }
  sessions { id user { id } createdAt lastSeenAt connectionName }
  tokens { id user { id } name expiresAt }
  memberships { id user { id } space { id name } role status suspensionCause expiresAt }
  invitations { id space { id name } email wholeOrganization status expiresAt }
  sponsorshipsTransferred { membershipId space { id } member { id } newSponsor { id } }
  notified { user { id } as byMail inApp }`;
const PREVIEW_ORG = `query($id: ID!) { previewOrganizationSuspension(organizationId: $id) { ${PREVIEW_FIELDS} } }`;
const SUSPEND_ORG = `mutation($id: ID!, $reason: String!) { suspendOrganization(organizationId: $id, reason: $reason) {
  ${PREVIEW_FIELDS} at reason sessionsRevoked tokensRevoked membershipsSuspended invitationsRevoked } }`;
const REACTIVATE_ORG = `mutation($id: ID!) { reactivateOrganization(id: $id) { subjectType subjectId organization { id }
  membershipsRestored membershipsExpired membershipsStillSuspended
  restored { id status space { id } } expired { id status } stillSuspended { id status suspensionCause }
  notified { user { id } as } } }`;
const PREVIEW_USER = `query($id: ID!) { previewUserDisable(userId: $id) { ${PREVIEW_FIELDS} } }`;
const DISABLE_USER = `mutation($id: ID!, $reason: String!) { disableUser(userId: $id, reason: $reason) {
  ${PREVIEW_FIELDS} at reason sessionsRevoked tokensRevoked membershipsSuspended invitationsRevoked } }`;
const ENABLE_USER = `mutation($id: ID!) { enableUser(userId: $id) { subjectType subjectId user { id }
  membershipsRestored membershipsExpired membershipsStillSuspended restored { id } expired { id } stillSuspended { id suspensionCause } } }`;

type Ids = Record<string, string>;
const idsOf = (list: { id: string }[]) => list.map((x) => x.id).sort();

/** What a preview or a result says ends, by id: the two must agree exactly. */
const endedIds = (o: any) => ({
  sessions: idsOf(o.sessions),
  tokens: idsOf(o.tokens),
  memberships: idsOf(o.memberships),
  invitations: idsOf(o.invitations),
  transfers: o.sponsorshipsTransferred.map((x: any) => `${x.membershipId}>${x.newSponsor?.id ?? null}`).sort(),
  notified: o.notified.map((n: any) => `${n.user?.id ?? '?'}:${n.as}:${n.byMail}:${n.inApp}`).sort(),
});

/** The refusal's public reason (`extensions.reason`), after checking its kind. */
function reasonOf(res: Parameters<typeof expectError>[0], code: string): string | undefined {
  return (expectError(res, code)[0].extensions as { reason?: string }).reason;
}

describe('kill switch', () => {
  let t: TestApp;
  let ids: Ids;
  let n = 0;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const q = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => t.dataSource.query(sql, params);
  const people = () => USERS.map((u) => ids[u]);
  const me = (cookie: string) =>
    request(t.http)
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .set('Cookie', `${SESSION_COOKIE}=${cookie}`)
      .send({ query: '{ me { id } }' });
  const snapshot = async (orgId: string) => ({
    organization: await q(`SELECT status, suspended_at, suspension_reason FROM organizations WHERE id = $1`, [orgId]),
    users: await q(`SELECT id, status FROM users WHERE organization_id = $1 ORDER BY id`, [orgId]),
    sessions: await q(
      `SELECT s.id, s.revoked_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.organization_id = $1 ORDER BY s.id`,
      [orgId],
    ),
    tokens: await q(
      `SELECT t.id, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.organization_id = $1 ORDER BY t.id`,
      [orgId],
    ),
    memberships: await q(
      `SELECT id, status, suspension_cause, sponsor_id FROM memberships WHERE user_organization_id = $1 ORDER BY id`,
      [orgId],
    ),
    invitations: await q(`SELECT id, status FROM invitations WHERE organization_id = $1 ORDER BY id`, [orgId]),
    mails: await q(`SELECT count(*)::int AS n FROM mail_messages WHERE to_user_id = ANY($1::uuid[])`, [people()]),
    notifications: await q(`SELECT count(*)::int AS n FROM notifications WHERE user_id = ANY($1::uuid[])`, [people()]),
  });
  const membershipId = (userKey: string, spaceKey: string) =>
    q<{ id: string }>(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [
      ids[userKey],
      ids[spaceKey],
    ]).then((r) => r[0].id);
  const invite = async (spaceKey: string, orgKey: string, email: string | null, status = 'PENDING') =>
    (
      await q<{ id: string }>(
        `INSERT INTO invitations (space_id, organization_id, email, whole_organization, role, status, expires_at,
                                  membership_expires_at, invited_by_id, sponsor_id)
         VALUES ($1, $2, $3, $4, 'MEMBER', $5, $6, $7, $8, $8) RETURNING id`,
        [
          ids[spaceKey],
          ids[orgKey],
          email,
          email === null,
          status,
          new Date(NOW.getTime() + 14 * 86_400_000),
          new Date(NOW.getTime() + 90 * 86_400_000),
          ids.owner,
        ],
      )
    )[0].id;
  /** Audit events of this test's people. */
  const auditCount = async (action: string, outcome: string, subjectId?: string) =>
    (
      await q<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND outcome = $2
            AND ($3::text IS NULL OR subject_id = $3) AND actor_id = ANY($4::uuid[])`,
        [action, outcome, subjectId ?? null, people()],
      )
    )[0].n;
  const deniedReasons = async (action: string) =>
    (
      await q<{ reason: string }>(
        `SELECT reason FROM audit_events WHERE action = $1 AND outcome = 'DENIED' AND actor_id = ANY($2::uuid[]) ORDER BY seq`,
        [action, people()],
      )
    ).map((d) => d.reason);

  beforeEach(async () => {
    t.clock.set(NOW);
    const { key, world } = worldFor(++n);
    const raw = await t.importWorld(world);
    ids = Object.fromEntries(KEYS.map((k) => [k, raw[key(k)]]));
    for (const u of USERS) tokens[u] = await t.tokenFor(ids[u]);
    // Sponsors of the partners' grants: `sponsor` for the lab, the owner for the vault.
    await q(`UPDATE memberships SET sponsor_id = $1 WHERE space_id = $2 AND user_organization_id IN ($3, $4)`, [
      ids.sponsor,
      ids.lab,
      ids.acme,
      ids.bolt,
    ]);
    await q(`UPDATE memberships SET sponsor_id = $1 WHERE space_id = $2 AND user_organization_id = $3`, [
      ids.owner,
      ids.vault,
      ids.acme,
    ]);
  });

  describe('suspending an organisation', () => {
    it('lists in the dry run exactly what the switch then ends, and the dry run writes nothing', async () => {
      const aliceSession = await t.sessionFor(ids.alice);
      const invitedByEmail = await invite('lab', 'acme', 'new@acme.test');
      const invitedWhole = await invite('vault', 'acme', null, 'PENDING_APPROVAL');
      await invite('lab', 'bolt', 'other@bolt.test');
      const before = await snapshot(ids.acme);

      const preview = expectData(
        await t.gql(tokens.admin, PREVIEW_ORG, { id: ids.acme }),
      ).previewOrganizationSuspension;
      expect(await snapshot(ids.acme)).toEqual(before);
      expect(preview.subjectType).toBe('Organization');
      expect(preview.organization).toEqual({ id: ids.acme, name: 'Acme' });
      expect(preview.sessions.map((s: any) => s.user.id)).toEqual([ids.alice]);
      expect(preview.tokens.map((x: any) => x.user.id).sort()).toEqual([ids.alice, ids.arno].sort());
      expect(idsOf(preview.memberships)).toEqual(
        [
          await membershipId('alice', 'lab'),
          await membershipId('arno', 'lab'),
          await membershipId('arno', 'vault'),
        ].sort(),
      );
      expect(
        preview.memberships.every(
          (x: any) => x.status === 'SUSPENDED' && x.suspensionCause === 'ORGANIZATION_SUSPENDED',
        ),
      ).toBe(true);
      expect(idsOf(preview.invitations)).toEqual([invitedByEmail, invitedWhole].sort());
      expect(preview.notified.map((n: any) => `${n.user.id}:${n.as}:${n.byMail}:${n.inApp}`).sort()).toEqual(
        [
          `${ids.alice}:PARTNER_ADMIN:true:false`,
          `${ids.sponsor}:SPONSOR:true:true`,
          `${ids.owner}:SPONSOR:true:true`,
        ].sort(),
      );
      expect(await auditCount('organization.suspend.preview', 'SUCCESS', ids.acme)).toBe(1);

      const result = expectData(
        await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'Suspected leak' }),
      ).suspendOrganization;
      expect(endedIds(result)).toEqual(endedIds(preview));
      expect(result).toMatchObject({
        reason: 'Suspected leak',
        sessionsRevoked: 1,
        tokensRevoked: 2,
        membershipsSuspended: 3,
        invitationsRevoked: 2,
      });

      const after = await snapshot(ids.acme);
      expect(after.organization).toEqual([
        { status: 'SUSPENDED', suspended_at: NOW, suspension_reason: 'Suspected leak' },
      ]);
      expect(after.sessions.every((s: any) => s.revoked_at !== null)).toBe(true);
      expect(after.tokens.every((s: any) => s.revoked_at !== null)).toBe(true);
      expect(after.memberships.map((x: any) => [x.status, x.suspension_cause])).toEqual(
        after.memberships.map(() => ['SUSPENDED', 'ORGANIZATION_SUSPENDED']),
      );
      expect(after.invitations.map((x: any) => x.status)).toEqual(['REVOKED', 'REVOKED']);
      const [session] = await q(`SELECT revoked_reason FROM sessions WHERE user_id = $1`, [ids.alice]);
      expect(session.revoked_reason).toBe('organization_suspended');
      // The other partner's invitation is untouched.
      expect(await q(`SELECT status FROM invitations WHERE organization_id = $1`, [ids.bolt])).toEqual([
        { status: 'PENDING' },
      ]);
      // And the session ends at once.
      expect((await me(aliceSession)).status).toBe(401);
    });

    it('cuts the partner off on the very next request, and leaves another partner alone', async () => {
      const cookie = await t.sessionFor(ids.arno);
      expect((await me(cookie)).status).toBe(200);
      expectData(await t.gql(tokens.arno, '{ me { id } }'));
      expectData(await t.gql(tokens.sponsor, SUSPEND_ORG, { id: ids.acme, reason: 'Contract ended' }));

      const bySession = await me(cookie);
      expect(bySession.status).toBe(401);
      expect(bySession.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const byToken = await t.gql(tokens.arno, '{ me { id } }');
      expect(byToken.status).toBe(401);
      expectError(byToken, 'UNAUTHENTICATED');
      expectError(await t.gql(tokens.alice, '{ me { id } }'), 'UNAUTHENTICATED');

      const bob = expectData(await t.gql(tokens.bob, `{ spaces { edges { node { id } } } }`));
      expect(bob.spaces.edges.map((e: any) => e.node.id)).toEqual([ids.lab]);
      expect(await q(`SELECT status FROM memberships WHERE user_organization_id = $1`, [ids.bolt])).toEqual([
        { status: 'ACTIVE' },
      ]);
    });

    it('tells the partner admins by mail (without the host reason) and the sponsors by mail and notice', async () => {
      expectData(await t.gql(tokens.sponsor, SUSPEND_ORG, { id: ids.acme, reason: 'Suspected leak' }));
      const mails = await q(
        `SELECT to_user_id AS "to", template, params FROM mail_messages WHERE subject_id = $1 ORDER BY to_address`,
        [ids.acme],
      );
      expect(mails).toEqual([
        { to: ids.alice, template: 'organization.suspended', params: { organizationName: 'Acme' } },
        {
          to: ids.owner,
          template: 'organization.suspended',
          params: { organizationName: 'Acme', reason: 'Suspected leak' },
        },
      ]);
      // The sponsor who threw the switch is not told about it; the other sponsor is, in-app too.
      expect(
        await q(`SELECT user_id AS "to", kind FROM notifications WHERE user_id = ANY($1::uuid[])`, [people()]),
      ).toEqual([{ to: ids.owner, kind: 'organization.suspended' }]);
      const [event] = await q(
        `SELECT actor_id, details FROM audit_events WHERE action = 'organization.suspend' AND outcome = 'SUCCESS' AND subject_id = $1`,
        [ids.acme],
      );
      expect(event.actor_id).toBe(ids.sponsor);
      expect(event.details.counts).toMatchObject({ sessions: 0, tokens: 2, memberships: 3, invitations: 0 });
      expect(event.details.membershipIds).toHaveLength(3);
    });

    it('shows a sponsor only the spaces they see, and the administrator all of them', async () => {
      const bySponsor = expectData(
        await t.gql(tokens.sponsor, PREVIEW_ORG, { id: ids.acme }),
      ).previewOrganizationSuspension;
      const spaces = (o: any) =>
        o.memberships
          .map((x: any) => x.space?.name ?? null)
          .sort((a: any, b: any) => String(a).localeCompare(String(b)));
      // The sponsor is in the lab, not in the vault: that grant is listed, its space is not named.
      expect(spaces(bySponsor)).toEqual(['Lab', 'Lab', null]);
      const byAdmin = expectData(
        await t.gql(tokens.admin, PREVIEW_ORG, { id: ids.acme }),
      ).previewOrganizationSuspension;
      expect(spaces(byAdmin)).toEqual(['Lab', 'Lab', 'Vault']);
    });

    it('refuses, each with its own code and audit event', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      // A partner user does not see the other partner: exactly like a missing organisation.
      const hidden = await t.gql(tokens.bob, SUSPEND_ORG, { id: ids.acme, reason: 'x' });
      const absent = await t.gql(tokens.bob, SUSPEND_ORG, { id: missing, reason: 'x' });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body.errors).toEqual(absent.body.errors);
      expect(hidden.status).toBe(absent.status);
      expectError(await t.gql(tokens.bob, PREVIEW_ORG, { id: ids.acme }), 'NOT_FOUND');
      expectError(await t.gql(tokens.bob, REACTIVATE_ORG, { id: ids.acme }), 'NOT_FOUND');

      // A plain host member sees the partner but may not suspend it.
      const plain = await t.gql(tokens.plain, SUSPEND_ORG, { id: ids.acme, reason: 'x' });
      expectError(plain, 'FORBIDDEN');
      expect(plain.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
      expectError(await t.gql(tokens.plain, PREVIEW_ORG, { id: ids.acme }), 'FORBIDDEN');
      // The partner's own admin neither.
      expectError(await t.gql(tokens.alice, SUSPEND_ORG, { id: ids.acme, reason: 'x' }), 'FORBIDDEN');

      expect(reasonOf(await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.host, reason: 'x' }), 'FORBIDDEN')).toBe(
        'HOST_ORGANIZATION',
      );
      expect(reasonOf(await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: '  ' }), 'BAD_USER_INPUT')).toBe(
        'INVALID_INPUT',
      );

      expectData(await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'x' }));
      expect(reasonOf(await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'x' }), 'CONFLICT')).toBe(
        'ORGANIZATION_SUSPENDED',
      );

      expect(await deniedReasons('organization.suspend')).toEqual([
        'not_found',
        'not_found',
        'role_required',
        'role_required',
        'host_organization',
        'invalid_input',
        'organization_suspended',
      ]);
    });

    it('leaves nothing half-written when a step fails', async () => {
      await t.sessionFor(ids.alice);
      await invite('lab', 'acme', 'new@acme.test');
      const before = await snapshot(ids.acme);
      // The last step (the mails) fails after every row has been changed.
      const mail = t.app.get(MailService);
      const spy = jest.spyOn(mail, 'enqueue').mockRejectedValueOnce(new Error('outbox unavailable'));
      try {
        const res = await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'x' });
        expectError(res, 'INTERNAL_SERVER_ERROR');
        expect(spy).toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
      expect(await snapshot(ids.acme)).toEqual(before);
      expect(await auditCount('organization.suspend', 'SUCCESS')).toBe(0);
      expectData(await t.gql(tokens.alice, '{ me { id } }'));
    });

    it('lets two simultaneous switches reach one outcome', async () => {
      const [a, b] = await Promise.all([
        t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'one' }),
        t.gql(tokens.sponsor, SUSPEND_ORG, { id: ids.acme, reason: 'two' }),
      ]);
      const ok = [a, b].filter((r) => !r.body.errors);
      const refused = [a, b].filter((r) => r.body.errors);
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(reasonOf(refused[0], 'CONFLICT')).toBe('ORGANIZATION_SUSPENDED');
      expect(expectData(ok[0]).suspendOrganization.membershipsSuspended).toBe(3);
      expect(await auditCount('organization.suspend', 'SUCCESS')).toBe(1);
    });
  });

  describe('reactivating an organisation', () => {
    it('gives back only the grants that have not expired meanwhile, and nothing else', async () => {
      const invitation = await invite('lab', 'acme', 'new@acme.test');
      const oldCookie = await t.sessionFor(ids.alice);
      expectData(await t.gql(tokens.sponsor, SUSPEND_ORG, { id: ids.acme, reason: 'Audit' }));
      // A sponsor suspends in an emergency; only a host administrator gives access back.
      expect(reasonOf(await t.gql(tokens.sponsor, REACTIVATE_ORG, { id: ids.acme }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );

      // arno's lab grant ends on July 1st: it expires while the organisation is suspended.
      t.clock.set(new Date('2026-07-15T00:00:00Z'));
      tokens.admin = await t.tokenFor(ids.admin);
      const result = expectData(await t.gql(tokens.admin, REACTIVATE_ORG, { id: ids.acme })).reactivateOrganization;
      const aliceLab = await membershipId('alice', 'lab');
      const arnoLab = await membershipId('arno', 'lab');
      const arnoVault = await membershipId('arno', 'vault');
      expect(result).toMatchObject({ membershipsRestored: 2, membershipsExpired: 1, membershipsStillSuspended: 0 });
      expect(idsOf(result.restored)).toEqual([aliceLab, arnoVault].sort());
      expect(result.expired).toEqual([{ id: arnoLab, status: 'EXPIRED' }]);

      const rows = await q(
        `SELECT id, status, suspension_cause, ended_at FROM memberships WHERE user_organization_id = $1`,
        [ids.acme],
      );
      const byId = Object.fromEntries(rows.map((r: any) => [r.id, r]));
      expect(byId[aliceLab]).toMatchObject({ status: 'ACTIVE', suspension_cause: null, ended_at: null });
      expect(byId[arnoVault]).toMatchObject({ status: 'ACTIVE', suspension_cause: null });
      expect(byId[arnoLab]).toMatchObject({ status: 'EXPIRED', suspension_cause: null });
      expect(await q(`SELECT status FROM organizations WHERE id = $1`, [ids.acme])).toEqual([{ status: 'ACTIVE' }]);

      // Sessions, tokens and invitations stay ended.
      expect((await me(oldCookie)).status).toBe(401);
      expectError(await t.gql(tokens.alice, '{ me { id } }'), 'UNAUTHENTICATED');
      expect(await q(`SELECT status FROM invitations WHERE id = $1`, [invitation])).toEqual([{ status: 'REVOKED' }]);
      // A new sign-in gets the restored grants.
      const fresh = await t.tokenFor(ids.arno);
      const spaces = expectData(await t.gql(fresh, `{ spaces { edges { node { id } } } }`)).spaces.edges;
      expect(spaces.map((e: any) => e.node.id)).toEqual([ids.vault]);

      expect(await auditCount('organization.reactivate', 'SUCCESS', ids.acme)).toBe(1);
      const told = await q(
        `SELECT user_id AS "to", kind FROM notifications WHERE kind = 'organization.reactivated' AND subject_id = $1`,
        [ids.acme],
      );
      expect(told.map((n: any) => n.to).sort()).toEqual([ids.alice, ids.owner, ids.sponsor].sort());
      expect(reasonOf(await t.gql(tokens.admin, REACTIVATE_ORG, { id: ids.acme }), 'CONFLICT')).toBe(
        'ORGANIZATION_NOT_SUSPENDED',
      );
    });

    it('leaves sessions, tokens and invitations ended', async () => {
      const cookie = await t.sessionFor(ids.alice);
      const invitation = await invite('lab', 'acme', 'new@acme.test');
      expectData(await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'x' }));
      const back = expectData(await t.gql(tokens.admin, REACTIVATE_ORG, { id: ids.acme })).reactivateOrganization;
      expect(back.membershipsRestored).toBe(3);
      // Still well within the session's and the token's lifetimes: they were revoked, not expired.
      expect((await me(cookie)).status).toBe(401);
      expectError(await t.gql(tokens.alice, '{ me { id } }'), 'UNAUTHENTICATED');
      expectError(await t.gql(tokens.arno, '{ me { id } }'), 'UNAUTHENTICATED');
      expect(await q(`SELECT status FROM invitations WHERE id = $1`, [invitation])).toEqual([{ status: 'REVOKED' }]);
      expectData(await t.gql(await t.tokenFor(ids.alice), '{ me { id } }'));
    });

    it('keeps suspended the grants held back by another cause', async () => {
      expectData(await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'x' }));
      // Meanwhile arno is disabled, and alice's clearance drops below the lab's classification.
      expectData(await t.gql(tokens.admin, DISABLE_USER, { id: ids.arno, reason: 'Left the company' }));
      await q(`UPDATE users SET clearance = 0 WHERE id = $1`, [ids.alice]);
      const result = expectData(await t.gql(tokens.admin, REACTIVATE_ORG, { id: ids.acme })).reactivateOrganization;
      expect(result).toMatchObject({ membershipsRestored: 0, membershipsExpired: 0, membershipsStillSuspended: 3 });
      const rows = await q(`SELECT id, status, suspension_cause FROM memberships WHERE user_organization_id = $1`, [
        ids.acme,
      ]);
      const causes = Object.fromEntries(rows.map((r: any) => [r.id, `${r.status}/${r.suspension_cause}`]));
      expect(causes).toEqual({
        [await membershipId('alice', 'lab')]: 'SUSPENDED/CLEARANCE',
        [await membershipId('arno', 'lab')]: 'SUSPENDED/USER_DISABLED',
        [await membershipId('arno', 'vault')]: 'SUSPENDED/USER_DISABLED',
      });
    });
  });

  describe('disabling one person', () => {
    it('lists in the dry run exactly what disabling ends, then ends it', async () => {
      const cookie = await t.sessionFor(ids.arno);
      const [{ email }] = await q(`SELECT email FROM users WHERE id = $1`, [ids.arno]);
      const own = await invite('lab', 'acme', email.toUpperCase());
      const other = await invite('lab', 'acme', 'someone@acme.test');
      const before = await snapshot(ids.acme);
      // Arno's own partner admin disables him.
      const preview = expectData(await t.gql(tokens.alice, PREVIEW_USER, { id: ids.arno })).previewUserDisable;
      expect(await snapshot(ids.acme)).toEqual(before);
      expect(idsOf(preview.invitations)).toEqual([own]);
      expect(preview.memberships).toHaveLength(2);
      // The partner admin is not in the vault: that grant's space is not named to her.
      expect(preview.memberships.map((x: any) => x.space?.name ?? null).sort()).toEqual(['Lab', null].sort());

      const result = expectData(await t.gql(tokens.alice, DISABLE_USER, { id: ids.arno, reason: 'Left' })).disableUser;
      expect(endedIds(result)).toEqual(endedIds(preview));
      expect(result).toMatchObject({
        sessionsRevoked: 1,
        tokensRevoked: 1,
        membershipsSuspended: 2,
        invitationsRevoked: 1,
      });
      expect((await me(cookie)).status).toBe(401);
      expectError(await t.gql(tokens.arno, '{ me { id } }'), 'UNAUTHENTICATED');
      expectData(await t.gql(tokens.alice, '{ me { id } }'));
      expect(await q(`SELECT status FROM invitations WHERE id = $1`, [other])).toEqual([{ status: 'PENDING' }]);
      expect(await q(`SELECT status, disabled_reason FROM users WHERE id = $1`, [ids.arno])).toEqual([
        { status: 'DISABLED', disabled_reason: 'Left' },
      ]);
      expect(await auditCount('user.disable', 'SUCCESS', ids.arno)).toBe(1);
      expect(await auditCount('user.disable.preview', 'SUCCESS', ids.arno)).toBe(1);
    });

    it('moves the grants a disabled sponsor held to the space OWNER, who is told', async () => {
      const preview = expectData(await t.gql(tokens.admin, PREVIEW_USER, { id: ids.sponsor })).previewUserDisable;
      const result = expectData(
        await t.gql(tokens.admin, DISABLE_USER, { id: ids.sponsor, reason: 'Retired' }),
      ).disableUser;
      expect(endedIds(result)).toEqual(endedIds(preview));
      const moved = [
        await membershipId('alice', 'lab'),
        await membershipId('arno', 'lab'),
        await membershipId('bob', 'lab'),
      ];
      expect(result.sponsorshipsTransferred.map((x: any) => x.membershipId).sort()).toEqual(moved.sort());
      expect(result.sponsorshipsTransferred.every((x: any) => x.newSponsor.id === ids.owner)).toBe(true);
      expect(await q(`SELECT DISTINCT sponsor_id FROM memberships WHERE id = ANY($1::uuid[])`, [moved])).toEqual([
        { sponsor_id: ids.owner },
      ]);
      const notices = await q(
        `SELECT user_id AS "to", kind FROM notifications WHERE kind = 'sponsorship.transferred' AND user_id = $1`,
        [ids.owner],
      );
      expect(notices).toEqual(moved.map(() => ({ to: ids.owner, kind: 'sponsorship.transferred' })));
      const mails = await q(
        `SELECT to_user_id AS "to", params FROM mail_messages WHERE template = 'sponsorship.transferred' AND to_user_id = $1`,
        [ids.owner],
      );
      expect(mails).toEqual([
        { to: ids.owner, params: { previousSponsorName: 'Sponsor', spaceName: 'Lab', count: 3 } },
      ]);
    });

    it('refuses, each with its own code and audit event', async () => {
      const self = await t.gql(tokens.admin, DISABLE_USER, { id: ids.admin, reason: 'x' });
      expect(reasonOf(self, 'FORBIDDEN')).toBe('SELF_DISABLE');
      const plain = await t.gql(tokens.plain, DISABLE_USER, { id: ids.owner, reason: 'x' });
      expect(reasonOf(plain, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
      // A partner admin manages their own organisation's people only; others are not even visible.
      const hidden = await t.gql(tokens.alice, DISABLE_USER, { id: ids.bob, reason: 'x' });
      const absent = await t.gql(tokens.alice, DISABLE_USER, {
        id: '00000000-0000-4000-8000-000000000000',
        reason: 'x',
      });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body.errors).toEqual(absent.body.errors);
      expectError(await t.gql(tokens.bob, PREVIEW_USER, { id: ids.arno }), 'NOT_FOUND');
      expectError(await t.gql(tokens.bob, ENABLE_USER, { id: ids.arno }), 'NOT_FOUND');
      expectError(await t.gql(tokens.alice, DISABLE_USER, { id: ids.owner, reason: 'x' }), 'FORBIDDEN');

      expectData(await t.gql(tokens.admin, DISABLE_USER, { id: ids.arno, reason: 'x' }));
      expect(reasonOf(await t.gql(tokens.admin, DISABLE_USER, { id: ids.arno, reason: 'x' }), 'CONFLICT')).toBe(
        'USER_DISABLED',
      );
      // Enabling: HOST_ADMIN or the partner admin, never a sponsor.
      expect(reasonOf(await t.gql(tokens.sponsor, ENABLE_USER, { id: ids.arno }), 'FORBIDDEN')).toBe('ROLE_REQUIRED');
      expect(reasonOf(await t.gql(tokens.admin, ENABLE_USER, { id: ids.alice }), 'CONFLICT')).toBe('USER_NOT_DISABLED');

      expect(await deniedReasons('user.disable')).toEqual([
        'self_disable',
        'role_required',
        'not_found',
        'not_found',
        'role_required',
        'user_disabled',
      ]);
    });

    it('never disables the last active host administrator', async () => {
      // The administrator holds a grant the sponsor sponsors: the sponsor may disable her...
      await q(`UPDATE memberships SET sponsor_id = $1 WHERE user_id = $2`, [ids.sponsor, ids.owner]);
      await q(`UPDATE users SET roles = '{HOST_ADMIN}' WHERE id = $1`, [ids.owner]);
      await q(`UPDATE users SET roles = '{}' WHERE organization_id = $1 AND id <> $2`, [ids.host, ids.owner]);
      expect(reasonOf(await t.gql(tokens.sponsor, DISABLE_USER, { id: ids.owner, reason: 'x' }), 'CONFLICT')).toBe(
        'LAST_HOST_ADMIN',
      );
      // ...as soon as another administrator remains.
      await q(`UPDATE users SET roles = '{HOST_ADMIN}' WHERE id = $1`, [ids.admin]);
      expectData(await t.gql(tokens.sponsor, DISABLE_USER, { id: ids.owner, reason: 'x' }));
    });

    it('enables the person again with the grants that have not expired meanwhile', async () => {
      expectData(await t.gql(tokens.alice, DISABLE_USER, { id: ids.arno, reason: 'Leave' }));
      t.clock.set(new Date('2026-07-15T00:00:00Z'));
      tokens.alice = await t.tokenFor(ids.alice);
      const result = expectData(await t.gql(tokens.alice, ENABLE_USER, { id: ids.arno })).enableUser;
      expect(result).toMatchObject({ membershipsRestored: 1, membershipsExpired: 1, membershipsStillSuspended: 0 });
      expect(idsOf(result.restored)).toEqual([await membershipId('arno', 'vault')]);
      expect(idsOf(result.expired)).toEqual([await membershipId('arno', 'lab')]);
      // The old token stays revoked; a new one works.
      expectError(await t.gql(tokens.arno, '{ me { id } }'), 'UNAUTHENTICATED');
      expectData(await t.gql(await t.tokenFor(ids.arno), '{ me { id } }'));
      expect(await auditCount('user.enable', 'SUCCESS', ids.arno)).toBe(1);
    });

    it('keeps the grants of a person enabled while the organisation is still suspended', async () => {
      expectData(await t.gql(tokens.admin, DISABLE_USER, { id: ids.arno, reason: 'x' }));
      expectData(await t.gql(tokens.admin, SUSPEND_ORG, { id: ids.acme, reason: 'y' }));
      const result = expectData(await t.gql(tokens.admin, ENABLE_USER, { id: ids.arno })).enableUser;
      expect(result.membershipsRestored).toBe(0);
      expect(result.stillSuspended.map((x: any) => x.suspensionCause)).toEqual([
        'ORGANIZATION_SUSPENDED',
        'ORGANIZATION_SUSPENDED',
      ]);
      // The organisation's reactivation then gives them back.
      const back = expectData(await t.gql(tokens.admin, REACTIVATE_ORG, { id: ids.acme })).reactivateOrganization;
      expect(back.membershipsRestored).toBe(3);
    });
  });
});
