import { SMALL_WORLD } from './fixtures/small-world';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// What the portal offers (issue 11, item 4): Space.viewerCan, Membership.viewerCan,
// Invitation.viewerCan and spaceCreationLimit answer from the rules the mutations check, for
// the caller only; an outsider learns nothing more than NOT_FOUND.

const LIMIT = `{ spaceCreationLimit }`;
const SPACE = `query($id: ID!) { space(id: $id) {
  viewerCan { post invite update moderate readRisks manageRisks readHealth }
  members(first: 50) { edges { node { user { email } viewerCan { update renew revoke } } } } } }`;
const INVITATIONS = `query($id: ID!) { space(id: $id) {
  invitations(first: 10) { edges { node { email status viewerCan { approve revoke } } } } } }`;
const CREATE = `mutation($input: CreateSpaceInput!) { createSpace(input: $input) { id } }`;
const INVITE = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { id status } }`;
const APPROVE = `mutation($id: ID!) { approveInvitation(id: $id) { id status } }`;

describe('viewer permissions', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(SMALL_WORLD);
    for (const u of SMALL_WORLD.users) if (u.status === 'ACTIVE') tokens[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterAll(() => t.close());

  const grants = (space: { members: { edges: { node: { user: { email: string }; viewerCan: object } }[] } }) =>
    Object.fromEntries(space.members.edges.map((e) => [e.node.user.email, e.node.viewerCan]));

  it('spaceCreationLimit: HOST_ADMIN any, a host user their clearance, an external none', async () => {
    expect(expectData(await t.gql(tokens.admin, LIMIT)).spaceCreationLimit).toBe(4);
    expect(expectData(await t.gql(tokens.owner, LIMIT)).spaceCreationLimit).toBe(4);
    expect(expectData(await t.gql(tokens.staff, LIMIT)).spaceCreationLimit).toBe(1);
    expect(expectData(await t.gql(tokens.alice, LIMIT)).spaceCreationLimit).toBeNull();
  });

  it('an OWNER may run the space and every grant in it', async () => {
    const space = expectData(await t.gql(tokens.owner, SPACE, { id: ids.open })).space;
    expect(space.viewerCan).toEqual({
      post: true,
      invite: true,
      update: true,
      moderate: true,
      readRisks: true,
      manageRisks: true,
      readHealth: true,
    });
    expect(grants(space)['alice@acme.test']).toEqual({ update: true, renew: true, revoke: true });
  });

  it('an ANIMATOR invites and moderates but does not change the space', async () => {
    const space = expectData(await t.gql(tokens.owner, SPACE, { id: ids.hub })).space;
    expect(space.viewerCan).toMatchObject({ invite: true, moderate: true, update: false, readHealth: true });
  });

  it('a MEMBER only posts, and changes no grant, not even their own', async () => {
    for (const who of ['staff', 'alice']) {
      const space = expectData(await t.gql(tokens[who], SPACE, { id: ids.open })).space;
      expect(space.viewerCan).toEqual({
        post: true,
        invite: false,
        update: false,
        moderate: false,
        readRisks: false,
        manageRisks: false,
        readHealth: false,
      });
      for (const can of Object.values(grants(space)))
        expect(can).toEqual({ update: false, renew: false, revoke: false });
    }
  });

  it('HOST_ADMIN reads health and changes the space without reading its content', async () => {
    const space = expectData(await t.gql(tokens.admin, SPACE, { id: ids.open })).space;
    expect(space.viewerCan).toEqual({
      post: false,
      invite: false,
      update: true,
      moderate: false,
      readRisks: false,
      manageRisks: false,
      readHealth: true,
    });
  });

  it('refuses the anonymous caller', async () => {
    expectError(await t.gql(null, LIMIT), 'UNAUTHENTICATED');
    expectError(await t.gql(null, SPACE, { id: ids.open }), 'UNAUTHENTICATED');
  });

  it('an outsider sees nothing more: the space is NOT_FOUND, as a missing one', async () => {
    expectError(await t.gql(tokens.bob, SPACE, { id: ids.open }), 'NOT_FOUND');
    expectError(await t.gql(tokens.staff, SPACE, { id: ids.hub }), 'NOT_FOUND');
  });

  it('four eyes: the inviter may revoke but not approve; a HOST_ADMIN may approve, then nobody may', async () => {
    const { id } = expectData(
      await t.gql(tokens.owner, CREATE, { input: { name: 'Four eyes', classification: 2 } }),
    ).createSpace;
    const invited = expectData(
      await t.gql(tokens.owner, INVITE, { input: { spaceId: id, email: 'arno@acme.test', role: 'MEMBER' } }),
    ).inviteToSpace;
    expect(invited.status).toBe('PENDING_APPROVAL');
    const list = async (who: string) =>
      expectData(await t.gql(tokens[who], INVITATIONS, { id })).space.invitations.edges.map(
        (e: { node: unknown }) => e.node,
      );
    expect(await list('owner')).toEqual([
      { email: 'arno@acme.test', status: 'PENDING_APPROVAL', viewerCan: { approve: false, revoke: true } },
    ]);
    expect(await list('admin')).toEqual([
      { email: 'arno@acme.test', status: 'PENDING_APPROVAL', viewerCan: { approve: true, revoke: true } },
    ]);
    expectError(await t.gql(tokens.staff, INVITATIONS, { id }), 'NOT_FOUND');
    expect(expectData(await t.gql(tokens.admin, APPROVE, { id: invited.id })).approveInvitation.status).toBe('PENDING');
    expect(await list('admin')).toEqual([
      { email: 'arno@acme.test', status: 'PENDING', viewerCan: { approve: false, revoke: true } },
    ]);
  });
});
