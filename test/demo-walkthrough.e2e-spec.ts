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

// The README's community health on the demo world: the open lab's last weeks show figures.
describe('the demo walkthrough of community health (README)', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const token: Record<string, string> = {};
  const FIGURE = '{ value suppressed display }';

  beforeAll(async () => {
    t = await startTestApp();
    // A Wednesday: the demo's activity, dated relative to the import, falls in whole weeks.
    t.clock.set(new Date('2026-12-02T12:00:00Z'));
    ids = await t.importWorld(DEMO_WORLD);
    for (const who of ['claire', 'alice', 'tom']) token[who] = await t.tokenFor(ids[who]);
  });
  afterAll(() => t.close());

  it("shows Claire the open lab's last six weeks, and Alice the pilot spaces against the others", async () => {
    const h = expectData(
      await t.gql(
        token.claire,
        `query($id: ID!) { spaceHealth(spaceId: $id, period: WEEK, count: 7) { buckets { start
           activeMembers ${FIGURE} activeHostMembers ${FIGURE} activeExternalMembers ${FIGURE}
           posts ${FIGURE} comments ${FIGURE} medianFirstReplyHours ${FIGURE} replyRate ${FIGURE} } } }`,
        { id: ids['open-lab'] },
      ),
    ).spaceHealth;
    const value = (f: { value: number | null }) => f.value;
    // Six whole weeks of 6 host and 6 external active people, 6 posts each, answered within
    // hours (one waits every other week); six weeks back also holds two posts dated in the file.
    for (const [i, week] of h.buckets.slice(0, 6).entries()) {
      const k = 6 - i;
      expect([week.activeMembers, week.activeHostMembers, week.activeExternalMembers].map(value)).toEqual([12, 6, 6]);
      expect(week.medianFirstReplyHours.suppressed).toBe(false);
      if (k === 6) continue;
      expect(value(week.posts)).toBe(6);
      expect(value(week.comments)).toBe(k % 2 ? 5 : 6);
      expect(value(week.replyRate)).toBe(k % 2 ? 0.8333 : 1);
    }
    // This week: three people so far, nothing shows.
    expect(h.buckets[6].activeMembers).toEqual({ value: null, suppressed: true, display: 'moins de 5' });

    const o = expectData(
      await t.gql(
        token.alice,
        `{ healthOverview(period: MONTH, count: 3) { pilot { spaces buckets { activeMembers ${FIGURE} } }
           others { spaces buckets { activeMembers ${FIGURE} } } } }`,
      ),
    ).healthOverview;
    expect([o.pilot.spaces, o.others.spaces]).toEqual([1, 3]);
    expect(
      o.others.buckets.map((b: { activeMembers: { suppressed: boolean } }) => b.activeMembers.suppressed),
    ).toContain(false);
    // A member of the open lab reads no health figure.
    expectError(
      await t.gql(token.tom, `query($id: ID!) { spaceHealth(spaceId: $id, period: WEEK) { period } }`, {
        id: ids['open-lab'],
      }),
      'FORBIDDEN',
    );
  });
});
