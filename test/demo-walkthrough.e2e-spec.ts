import { DEMO_WORLD } from '../src/world-import/demo-seeder.service';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// The README's walkthrough of the write path, on the demo world, step by step: what a
// newcomer is told to try must work as told.
describe('the demo walkthrough of the write path (README)', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(DEMO_WORLD);
    for (const who of ['nadia', 'alice', 'louis', 'paul']) token[who] = await t.tokenFor(ids[who]);
  });
  afterAll(() => t.close());

  it('invite Louis to the retail pilot, four eyes, accept, then the kill switch on Studio Sud', async () => {
    const invited = expectData(
      await t.gql(
        token.nadia,
        `mutation($space: ID!) { inviteToSpace(input: { spaceId: $space, email: "louis.bernard@studio-sud.test",
           role: MEMBER, message: "Bienvenue dans le pilote !" }) { id status } }`,
        { space: ids['retail-pilot'] },
      ),
    ).inviteToSpace;
    // An external invitation to a space classified 2: it waits for a second pair of eyes.
    expect(invited.status).toBe('PENDING_APPROVAL');
    const selfApproval = expectError(
      await t.gql(token.nadia, `mutation($id: ID!) { approveInvitation(id: $id) { id } }`, { id: invited.id }),
      'FORBIDDEN',
    );
    expect(selfApproval[0].extensions?.reason).toBe('SELF_APPROVAL');
    // Not yet in Louis's list while it waits for approval.
    const before = expectData(await t.gql(token.louis, `{ myInvitations { totalCount edges { node { id } } } }`));
    expect(before.myInvitations.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(invited.id);

    const approved = expectData(
      await t.gql(token.alice, `mutation($id: ID!) { approveInvitation(id: $id) { status } }`, { id: invited.id }),
    );
    expect(approved.approveInvitation.status).toBe('PENDING');
    const mine = expectData(await t.gql(token.louis, `{ myInvitations { edges { node { id status } } } }`));
    expect(mine.myInvitations.edges).toEqual([{ node: { id: invited.id, status: 'PENDING' } }]);

    const accepted = expectData(
      await t.gql(token.louis, `mutation($id: ID!) { acceptInvitation(id: $id) { status membership { role } } }`, {
        id: invited.id,
      }),
    ).acceptInvitation;
    expect(accepted).toEqual({ status: 'ACCEPTED', membership: { role: 'MEMBER' } });
    const spaces = expectData(await t.gql(token.louis, `{ spaces { edges { node { name } } } }`));
    expect(spaces.spaces.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Pilote Retail 2027']);

    // The kill switch: the dry run lists Louis's grant, then suspension cuts him off at once.
    const preview = expectData(
      await t.gql(
        token.alice,
        `query($org: ID!) { previewOrganizationSuspension(organizationId: $org) { memberships { user { email } } } }`,
        { org: ids['studio-sud'] },
      ),
    ).previewOrganizationSuspension;
    expect(preview.memberships.map((m: { user: { email: string } }) => m.user.email)).toContain(
      'louis.bernard@studio-sud.test',
    );
    // The dry run is also offered as a mutation, beside the switch; it ends nothing.
    const asMutation = expectData(
      await t.gql(token.alice, `mutation($u: ID!) { previewUserDisable(userId: $u) { memberships { role } } }`, {
        u: ids.louis,
      }),
    ).previewUserDisable;
    expect(asMutation.memberships).toEqual([{ role: 'MEMBER' }]);
    expect(expectData(await t.gql(token.louis, `{ spaces { totalCount } }`)).spaces.totalCount).toBe(1);
    expectData(
      await t.gql(
        token.alice,
        `mutation($org: ID!) { suspendOrganization(organizationId: $org, reason: "Fin du contrat") { membershipsSuspended } }`,
        { org: ids['studio-sud'] },
      ),
    );
    for (const who of ['louis', 'paul']) expect((await t.gql(token[who], `{ me { id } }`)).status).toBe(401);
  });
});
