// Issue 8, "What must be shown": the write path end to end, through HTTP and GraphQL only.
// After the initial world import (and the host operators' API tokens, minted as `cli token`
// would), nothing is written but by requests: IdP connections are created over GraphQL,
// every invitee signs in through their organisation's IdP with a real signed SAML Response
// posted to the assertion consumer, and answers their invitation with that session.
//
// A host owner creates a space classified 2 (HUB) and invites a partner's employee; a second
// owner approves; the partner signs in and accepts. A second partner in the same space sees
// none of it. The partner organisation is suspended after a dry run and loses access at
// once; it is reactivated and gets back only the grants that had not expired meanwhile.

import request from 'supertest';
import { TokenService } from '../src/auth/token.service';
import { demoIdpMetadata } from '../src/dev/demo-idp/demo-response.builder';
import { spEndpoints } from '../src/sso/saml/saml-urls';
import { b64, forgeResponse } from '../src/common/testing/saml-forge';
import { keyPair, KeyPair } from '../src/common/testing/saml-keys';
import { expectData, expectError } from './support/graphql-expect';
import { TEST_PUBLIC_URL, TEST_SECRET_KEY } from './support/saml-app';
import { postAcs, sessionCookie, startLogin } from './support/saml-http';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

const DAY = 86_400_000;

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.example'], clearanceCap: 4, status: 'ACTIVE' },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.example'], clearanceCap: 2, status: 'ACTIVE' },
    { key: 'globex', name: 'Globex', kind: 'PARTNER', domains: ['globex.example'], clearanceCap: 2, status: 'ACTIVE' },
  ],
  users: [
    {
      key: 'admin',
      organization: 'host',
      email: 'admin@host.example',
      displayName: 'Ada Admin',
      clearance: 4,
      status: 'ACTIVE',
      roles: ['HOST_ADMIN'],
      skills: [],
    },
    {
      key: 'olga',
      organization: 'host',
      email: 'olga@host.example',
      displayName: 'Olga Owner',
      clearance: 3,
      status: 'ACTIVE',
      roles: [],
      skills: [],
    },
  ],
  spaces: [],
  memberships: [],
  posts: [],
  comments: [],
};

type Caller = { token: string } | { cookie: string };

describe('the write path, end to end (issue 8)', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};
  const idps: Record<string, { key: KeyPair; connectionId: string; entityId: string }> = {};

  async function gql(who: Caller, query: string, variables: Record<string, unknown> = {}) {
    const req = request(t.http).post('/graphql').set('Content-Type', 'application/json');
    if ('token' in who) req.set('Authorization', `Bearer ${who.token}`);
    else req.set('Cookie', `passerelle_session=${who.cookie}`);
    const res = await req.send({ query, variables });
    return { status: res.status, body: res.body };
  }
  const as = (key: string): Caller => ({ token: tokens[key] });

  /** A browser signing in through the organisation's IdP: AuthnRequest, signed Response, session cookie. */
  async function signIn(org: string, nameId: string, email: string): Promise<{ cookie: string; userId: string }> {
    const idp = idps[org];
    const sp = spEndpoints(t.config, idp.connectionId);
    const { requestId } = await startLogin(t.http, idp.connectionId);
    const res = await postAcs(
      t.http,
      idp.connectionId,
      b64(
        forgeResponse(
          {
            issuer: idp.entityId,
            destination: sp.acsUrl,
            recipient: sp.acsUrl,
            audience: sp.entityId,
            inResponseTo: requestId,
            nameId,
            now: t.clock.now(),
            attributes: { email: [email] },
          },
          { signAssertion: { signer: idp.key } },
        ),
      ),
    );
    expect({ status: res.status, body: res.status === 200 ? 'signed in' : res.body }).toEqual({
      status: 200,
      body: 'signed in',
    });
    const cookie = sessionCookie(res);
    if (!cookie) throw new Error('no session cookie');
    const me = expectData(await gql({ cookie }, '{ me { id email } }'));
    expect(me.me.email).toBe(email);
    return { cookie, userId: me.me.id };
  }

  const INVITE = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { id status } }`;
  const ACCEPT = `mutation($id: ID!) { acceptInvitation(id: $id) { id status membership { id role expiresAt } } }`;
  const SPACE = `query($id: ID!) { space(id: $id) { id name classification members(first: 50) {
    totalCount edges { node { id role user { id email organization { id } } } } }
    posts(first: 50) { totalCount edges { node { id author { id } } } } } }`;
  const MY_INVITATIONS = `{ myInvitations(first: 20) { totalCount edges { node { id space { id } } } } }`;

  const state: Record<string, string> = {};
  const sessions: Record<string, { cookie: string; userId: string }> = {};

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: TEST_PUBLIC_URL, SECRET_KEY: TEST_SECRET_KEY });
    ids = await t.importWorld(WORLD);
    // The operators' API tokens, as `cli token` mints them (a year: the clock moves below).
    for (const key of ['admin', 'olga'])
      tokens[key] = (await t.app.get(TokenService).mint(ids[key], { ttlSeconds: 365 * 24 * 3600 })).token;
    // One IdP per organisation, registered over GraphQL by the host admin from its metadata.
    for (const org of ['host', 'acme', 'globex']) {
      const entityId = `https://idp.${org}.example`;
      const key = await keyPair(`idp.${org}.example`);
      const created = expectData(
        await gql(
          as('admin'),
          `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { id } }`,
          {
            input: {
              organizationId: ids[org],
              metadataXml: demoIdpMetadata(entityId, `${entityId}/sso`, `${entityId}/slo`, key.cert),
            },
          },
        ),
      );
      idps[org] = { key, connectionId: created.createIdpConnection.id, entityId };
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a host owner creates a space classified 2 and a second owner joins it', async () => {
    const created = expectData(
      await gql(
        as('olga'),
        `mutation($input: CreateSpaceInput!) { createSpace(input: $input) { id classification partnerVisibility status } }`,
        {
          input: { name: 'Hydrogène', purpose: 'Co-design', classification: 2, partnerVisibility: 'HUB' },
        },
      ),
    );
    expect(created.createSpace).toMatchObject({ classification: 2, partnerVisibility: 'HUB', status: 'ACTIVE' });
    state.space = created.createSpace.id;
    // A second space for a short grant, to show what a reactivation does not bring back.
    const sprint = expectData(
      await gql(as('olga'), `mutation($input: CreateSpaceInput!) { createSpace(input: $input) { id } }`, {
        input: { name: 'Sprint', classification: 0, partnerVisibility: 'HUB' },
      }),
    );
    state.sprint = sprint.createSpace.id;

    // Oscar (host) signs in through the host IdP; the admin clears him; Olga invites him as OWNER.
    sessions.oscar = await signIn('host', 'host-oscar', 'oscar@host.example');
    expectData(
      await gql(as('admin'), `mutation($id: ID!) { updateUser(id: $id, input: { clearance: 3 }) { id } }`, {
        id: sessions.oscar.userId,
      }),
    );
    const invited = expectData(
      await gql(as('olga'), INVITE, { input: { spaceId: state.space, email: 'oscar@host.example', role: 'OWNER' } }),
    );
    expect(invited.inviteToSpace.status).toBe('PENDING');
    const accepted = expectData(await gql({ cookie: sessions.oscar.cookie }, ACCEPT, { id: invited.inviteToSpace.id }));
    expect(accepted.acceptInvitation.membership).toMatchObject({ role: 'OWNER', expiresAt: null });
  });

  it("invites a partner's employee by email: four eyes, approved by the second owner, never by the inviter", async () => {
    const invited = expectData(
      await gql(as('olga'), INVITE, {
        input: { spaceId: state.space, email: 'paul@acme.example', role: 'MEMBER', message: 'Bienvenue Paul' },
      }),
    );
    expect(invited.inviteToSpace.status).toBe('PENDING_APPROVAL');
    state.paulInvitation = invited.inviteToSpace.id;
    const APPROVE = `mutation($id: ID!) { approveInvitation(id: $id) { id status } }`;
    const self = expectError(await gql(as('olga'), APPROVE, { id: state.paulInvitation }), 'FORBIDDEN');
    expect(self[0].extensions).toMatchObject({ reason: 'SELF_APPROVAL' });
    const approved = expectData(await gql({ cookie: sessions.oscar.cookie }, APPROVE, { id: state.paulInvitation }));
    expect(approved.approveInvitation.status).toBe('PENDING');
    // The short grant: 10 days in Sprint (classification 0: no approval).
    const sprint = expectData(
      await gql(as('olga'), INVITE, {
        input: {
          spaceId: state.sprint,
          email: 'paul@acme.example',
          role: 'OBSERVER',
          expiresAt: new Date(t.clock.now().getTime() + 10 * DAY).toISOString(),
        },
      }),
    );
    expect(sprint.inviteToSpace.status).toBe('PENDING');
    state.paulSprintInvitation = sprint.inviteToSpace.id;
  });

  it('the partner signs in through its IdP and accepts with that session', async () => {
    sessions.paul = await signIn('acme', 'acme-paul', 'paul@acme.example');
    const paul = { cookie: sessions.paul.cookie };
    // Just provisioned, Paul is cleared 0: the admin raises him to his organisation's cap.
    expectData(
      await gql(as('admin'), `mutation($id: ID!) { updateUser(id: $id, input: { clearance: 2 }) { id } }`, {
        id: sessions.paul.userId,
      }),
    );
    // Signed in, Paul finds both invitations waiting for him.
    const mine = expectData(await gql(paul, MY_INVITATIONS));
    expect(mine.myInvitations.edges.map((e: any) => e.node.id).sort()).toEqual(
      [state.paulInvitation, state.paulSprintInvitation].sort(),
    );
    const accepted = expectData(await gql(paul, ACCEPT, { id: state.paulInvitation }));
    expect(accepted.acceptInvitation.status).toBe('ACCEPTED');
    expect(accepted.acceptInvitation.membership.role).toBe('MEMBER');
    const days = (Date.parse(accepted.acceptInvitation.membership.expiresAt) - t.clock.now().getTime()) / DAY;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);
    state.paulGrant = accepted.acceptInvitation.membership.id;
    const sprint = expectData(await gql(paul, ACCEPT, { id: state.paulSprintInvitation }));
    state.paulSprintGrant = sprint.acceptInvitation.membership.id;

    const space = expectData(await gql(paul, SPACE, { id: state.space }));
    expect(space.space.members.edges.map((e: any) => e.node.user.id)).toContain(sessions.paul.userId);
    // A second acceptance of the same invitation is refused.
    expectError(await gql(paul, ACCEPT, { id: state.paulInvitation }), 'CONFLICT');
  });

  it('a second partner in the same HUB space sees none of it: no member, no post, no invitation', async () => {
    sessions.gina = await signIn('globex', 'globex-gina', 'gina@globex.example');
    const gina = { cookie: sessions.gina.cookie };
    expectData(
      await gql(as('admin'), `mutation($id: ID!) { updateUser(id: $id, input: { clearance: 2 }) { id } }`, {
        id: sessions.gina.userId,
      }),
    );
    const invited = expectData(
      await gql(as('olga'), INVITE, { input: { spaceId: state.space, email: 'gina@globex.example', role: 'MEMBER' } }),
    );
    expectData(
      await gql({ cookie: sessions.oscar.cookie }, `mutation($id: ID!) { approveInvitation(id: $id) { id } }`, {
        id: invited.inviteToSpace.id,
      }),
    );
    expectData(await gql(gina, ACCEPT, { id: invited.inviteToSpace.id }));

    const seen = expectData(await gql(gina, SPACE, { id: state.space }));
    const members = seen.space.members.edges.map((e: any) => e.node.user);
    // Gina sees herself and the host, never Acme.
    expect(members.map((u: any) => u.id)).toContain(sessions.gina.userId);
    expect(members.map((u: any) => u.organization.id)).not.toContain(ids.acme);
    expect(seen.space.members.totalCount).toBe(members.length);
    expect(seen.space.posts.edges.filter((e: any) => e.node.author.id === sessions.paul.userId)).toEqual([]);
    // Paul himself, his invitation, his grant: as missing ones.
    for (const [query, id] of [
      ['query($id: ID!) { user(id: $id) { id } }', sessions.paul.userId],
      ['query($id: ID!) { node(id: $id) { id } }', sessions.paul.userId],
      ['query($id: ID!) { invitation(id: $id) { id } }', state.paulInvitation],
    ] as const)
      expectError(await gql(gina, query, { id }), 'NOT_FOUND');
    expect(expectData(await gql(gina, MY_INVITATIONS)).myInvitations.totalCount).toBe(0);
    // Acme's organisation is not even listed.
    const orgs = expectData(await gql(gina, '{ organizations(first: 20) { edges { node { id } } } }'));
    expect(orgs.organizations.edges.map((e: any) => e.node.id)).not.toContain(ids.acme);
    // And Paul sees nothing of Globex.
    const byPaul = expectData(await gql({ cookie: sessions.paul.cookie }, SPACE, { id: state.space }));
    expect(byPaul.space.members.edges.map((e: any) => e.node.user.organization.id)).not.toContain(ids.globex);
  });

  it('the partner organisation is suspended after a dry run listing what it ends, and loses access at once', async () => {
    // A pending invitation to Acme, which the suspension must end too.
    const pending = expectData(
      await gql(as('olga'), INVITE, { input: { spaceId: state.space, email: 'pia@acme.example', role: 'OBSERVER' } }),
    );
    state.piaInvitation = pending.inviteToSpace.id;
    const preview = expectData(
      await gql(
        as('admin'),
        `query($id: ID!) { previewOrganizationSuspension(organizationId: $id) {
          sessions { id } memberships { id } invitations { id } } }`,
        { id: ids.acme },
      ),
    ).previewOrganizationSuspension;
    expect(preview.memberships.map((m: any) => m.id).sort()).toEqual([state.paulGrant, state.paulSprintGrant].sort());
    expect(preview.invitations.map((i: any) => i.id)).toEqual([state.piaInvitation]);
    expect(preview.sessions.length).toBeGreaterThanOrEqual(1);
    // The dry run wrote nothing: Paul still reads.
    expectData(await gql({ cookie: sessions.paul.cookie }, '{ me { id } }'));

    expectData(
      await gql(
        as('admin'),
        `mutation($id: ID!) { suspendOrganization(organizationId: $id, reason: "Incident de sécurité") { __typename } }`,
        { id: ids.acme },
      ),
    );
    const refused = await gql({ cookie: sessions.paul.cookie }, '{ me { id } }');
    expect(refused.status).toBe(401);
    expectError(refused, 'UNAUTHENTICATED');
    // What the preview listed has ended: the member list and the pending invitation.
    const space = expectData(await gql(as('olga'), SPACE, { id: state.space }));
    expect(space.space.members.edges.map((e: any) => e.node.user.id)).not.toContain(sessions.paul.userId);
    const pia = expectData(
      await gql(as('olga'), 'query($id: ID!) { invitation(id: $id) { status } }', { id: state.piaInvitation }),
    );
    expect(pia.invitation.status).toBe('REVOKED');
    // Globex is untouched.
    expectData(await gql({ cookie: sessions.gina.cookie }, '{ me { id } }'));
  });

  it('reactivated, it gets back only the grants that had not expired meanwhile', async () => {
    // 20 days on: the 10-day Sprint grant has expired, the 90-day one has not.
    const real = t.clock.now();
    t.clock.set(new Date(real.getTime() + 20 * DAY));
    expectData(
      await gql(as('admin'), `mutation($id: ID!) { reactivateOrganization(id: $id) { __typename } }`, { id: ids.acme }),
    );
    // SAML validation also checks real time (node-saml): the clock goes back for the sign-in,
    // so the lapsed grant must be ended by its status, not only by the read-time expiry.
    t.clock.set(null);
    const paul = await signIn('acme', 'acme-paul', 'paul@acme.example');
    expect(paul.userId).toBe(sessions.paul.userId);
    const spaces = expectData(await gql({ cookie: paul.cookie }, '{ spaces(first: 20) { edges { node { id } } } }'));
    expect(spaces.spaces.edges.map((e: any) => e.node.id)).toEqual([state.space]);
    expectError(await gql({ cookie: paul.cookie }, SPACE, { id: state.sprint }), 'NOT_FOUND');
    // Sessions, tokens and invitations stay ended: the old session, and Pia's invitation.
    expect((await gql({ cookie: sessions.paul.cookie }, '{ me { id } }')).status).toBe(401);
    const pia = expectData(
      await gql(as('olga'), 'query($id: ID!) { invitation(id: $id) { status } }', { id: state.piaInvitation }),
    );
    expect(pia.invitation.status).toBe('REVOKED');
  });
});
