import { randomUUID } from 'node:crypto';
import { RecertificationJobs } from '../src/recertification/recertification.jobs';
import { reviewWorld } from './fixtures/review-world';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

const START = `mutation Start($scope: RecertificationScopeInput!, $deadline: DateTime!) {
  startRecertification(scope: $scope, deadline: $deadline) {
    id organizationId spaceId deadline status startedById progress { total certified revoked lapsed pending }
  }
}`;
const CERTIFY = `mutation Certify($id: ID!) { certifyGrant(itemId: $id) { itemId campaignId membershipId status decidedAt } }`;
const REVOKE = `mutation Revoke($id: ID!, $reason: String) { revokeGrant(itemId: $id, reason: $reason) { itemId status } }`;
const CAMPAIGN = `query Campaign($id: ID!) {
  recertificationCampaign(id: $id) { id status closedAt progress { total certified revoked lapsed pending } }
}`;
const CAMPAIGNS = `{ recertificationCampaigns(first: 10) { totalCount edges { node { id status progress { total pending } } } } }`;
const MINE = `{ myRecertificationItems(first: 10) {
  totalCount
  edges { node { id campaignId status membershipId role deadline member { id displayName } space { id name classification } } }
} }`;

/**
 * Recertification campaigns (issue 10 item 5): a campaign snapshots a space's external grants
 * for their sponsors (or, orphaned, the space's OWNERs), who are told; confirmed grants stay,
 * revoked ones end, and what nobody confirmed lapses at the deadline, driven by the job.
 */
describe('recertification', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let tokens: Record<string, string>;
  let jobs: RecertificationJobs;
  const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
  const DAY = 86_400_000;
  const DEADLINE = new Date(NOW.getTime() + 7 * DAY);
  const sql = <T = any>(q: string, p: unknown[] = []): Promise<T[]> => t.dataSource.query(q, p);
  const grantOf = async (user: string, space: string): Promise<any> =>
    (await sql(`SELECT * FROM memberships WHERE user_id = $1 AND space_id = $2`, [ids[user], ids[space]]))[0];
  const itemOf = async (user: string): Promise<string> =>
    (await sql(`SELECT id FROM recertification_items WHERE user_id = $1 AND space_id = $2`, [ids[user], ids.lab]))[0]
      .id;
  const as = (who: string, query: string, variables: Record<string, unknown> = {}) =>
    t.gql(tokens[who], query, variables);
  const notices = (kind: string) =>
    sql<{ user_id: string; data: any }>(
      `SELECT user_id, data FROM notifications WHERE kind = $1 ORDER BY user_id, created_at`,
      [kind],
    );
  const mails = (template: string) =>
    sql<{ to_address: string; params: any; locale: string }>(
      `SELECT to_address, params, locale FROM mail_messages WHERE template = $1 ORDER BY to_address`,
      [template],
    );
  const signIn = async () => {
    tokens = {};
    for (const who of ['admin', 'rev', 'owner', 'owner2', 'spons', 'acmeadmin', 'alice', 'bob'])
      tokens[who] = await t.tokenFor(ids[who]);
  };
  let campaignId: string;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(reviewWorld(NOW));
    jobs = t.app.get(RecertificationJobs);
    await signIn();
  });

  afterAll(() => t.close());

  describe('who may start one', () => {
    it('refuses a partner admin, a space OWNER, and an invisible scope like a missing one, each audited', async () => {
      const deadline = DEADLINE.toISOString();
      const [p] = expectError(
        await as('acmeadmin', START, { scope: { organizationId: ids.acme }, deadline }),
        'FORBIDDEN',
      );
      expect(p.extensions.reason).toBe('ROLE_REQUIRED');
      expectError(await as('owner', START, { scope: { spaceId: ids.lab }, deadline }), 'FORBIDDEN');
      const hidden = await as('acmeadmin', START, { scope: { organizationId: ids.cobalt }, deadline });
      const missing = await as('acmeadmin', START, { scope: { organizationId: randomUUID() }, deadline });
      expect(expectError(hidden, 'NOT_FOUND')[0].message).toBe(expectError(missing, 'NOT_FOUND')[0].message);
      const denied = await sql(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'recertification.start' AND outcome = 'DENIED'`,
      );
      expect(denied[0].n).toBe(4);
      expect((await sql(`SELECT count(*)::int AS n FROM recertification_campaigns`))[0].n).toBe(0);
    });

    it('checks the scope and the deadline', async () => {
      const both = await as('rev', START, {
        scope: { organizationId: ids.acme, spaceId: ids.lab },
        deadline: DEADLINE.toISOString(),
      });
      expect(expectError(both, 'BAD_USER_INPUT')[0].extensions.reason).toBe('INVALID_INPUT');
      const past = await as('rev', START, {
        scope: { spaceId: ids.lab },
        deadline: new Date(NOW.getTime() - 1000).toISOString(),
      });
      expect(expectError(past, 'BAD_USER_INPUT')[0].extensions.reason).toBe('EXPIRY_IN_PAST');
      const far = await as('rev', START, {
        scope: { spaceId: ids.lab },
        deadline: new Date(NOW.getTime() + 400 * DAY).toISOString(),
      });
      expect(expectError(far, 'BAD_USER_INPUT')[0].extensions.reason).toBe('EXPIRY_TOO_LATE');
    });
  });

  describe('a campaign on a space', () => {
    it('snapshots every live external grant for its sponsor, or the OWNERs when orphaned, who are told', async () => {
      const data = expectData(
        await as('rev', START, { scope: { spaceId: ids.lab }, deadline: DEADLINE.toISOString() }),
      );
      campaignId = data.startRecertification.id;
      expect(data.startRecertification).toMatchObject({
        spaceId: ids.lab,
        organizationId: null,
        status: 'OPEN',
        startedById: ids.rev,
        deadline: DEADLINE.toISOString(),
        progress: { total: 4, certified: 0, revoked: 0, lapsed: 0, pending: 4 },
      });
      const items = await sql(`SELECT user_id, sponsor_id, assignee_ids FROM recertification_items ORDER BY user_id`);
      const byUser = new Map(items.map((i) => [i.user_id, i]));
      expect([...byUser.keys()].sort()).toEqual([ids.alice, ids.arno, ids.bob, ids.cy].sort());
      expect(byUser.get(ids.alice).assignee_ids).toEqual([ids.spons]);
      // arno's sponsor is disabled: the grant goes to lab's OWNERs.
      expect([...byUser.get(ids.arno).assignee_ids].sort()).toEqual([ids.owner, ids.owner2].sort());

      const told = await notices('recertification.requested');
      expect(told.map((n) => [n.user_id, n.data.count])).toEqual(
        [
          [ids.owner, 1],
          [ids.owner2, 1],
          [ids.spons, 3],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      expect(await mails('recertification.requested')).toEqual(
        expect.arrayContaining([
          {
            to_address: 'spons@host.test',
            locale: 'fr',
            params: expect.objectContaining({ count: 3, deadlineAt: DEADLINE.toISOString() }),
          },
        ]),
      );
      const [started] = await sql(
        `SELECT actor_id, details FROM audit_events WHERE action = 'recertification.start' AND outcome = 'SUCCESS'`,
      );
      expect(started).toMatchObject({ actor_id: ids.rev, details: { items: 4 } });
    });

    it('does not snapshot again what is pending in an open campaign', async () => {
      const again = await as('admin', START, { scope: { organizationId: ids.acme }, deadline: DEADLINE.toISOString() });
      // acme's grants in lab are pending; its lounge grants are not: they make a campaign of their own.
      const data = expectData(again);
      expect(data.startRecertification.progress.total).toBe(2);
      const none = await as('admin', START, { scope: { spaceId: ids.lab }, deadline: DEADLINE.toISOString() });
      expect(expectError(none, 'CONFLICT')[0].extensions.reason).toBe('NOTHING_TO_CERTIFY');
    });

    it('lists each assignee their own pending items, naming what they answer for', async () => {
      const mine = expectData(await as('spons', MINE)).myRecertificationItems;
      const lab = mine.edges.map((e: any) => e.node).filter((n: any) => n.campaignId === campaignId);
      expect(lab.map((n: any) => n.member.displayName).sort()).toEqual(['Alice', 'Bob', 'Cy']);
      expect(lab.every((n: any) => n.space.name === 'Lab' && n.status === 'PENDING')).toBe(true);
      const owner = expectData(await as('owner', MINE)).myRecertificationItems;
      expect(owner.edges.map((e: any) => e.node.member.id)).toContain(ids.arno);
      // Not given to alice, nor within her rights.
      const alice = expectData(await as('alice', MINE)).myRecertificationItems;
      expect(alice).toEqual({ totalCount: 0, edges: [] });
    });

    it('lets the sponsor certify once; twice is a CONFLICT', async () => {
      const item = await itemOf('alice');
      const data = expectData(await as('spons', CERTIFY, { id: item }));
      expect(data.certifyGrant).toMatchObject({ itemId: item, campaignId, status: 'CERTIFIED' });
      const [again] = expectError(await as('spons', CERTIFY, { id: item }), 'CONFLICT');
      expect(again.extensions.reason).toBe('ITEM_DECIDED');
    });

    it('lists a campaign’s items with their decisions to reviewers; nobody else reaches them', async () => {
      const ITEMS = `query Items($id: ID!, $status: RecertificationItemStatus) {
        recertificationCampaign(id: $id) {
          id
          items(first: 2, status: $status) {
            totalCount pageInfo { hasNextPage endCursor }
            edges { node { id status membershipId member { id displayName } space { id name classification } } }
          }
        }
      }`;
      const NEXT = `query Next($id: ID!, $after: String) {
        recertificationCampaign(id: $id) { items(first: 2, after: $after) { edges { node { id } } } }
      }`;
      for (const who of ['rev', 'admin']) {
        const page = expectData(await as(who, ITEMS, { id: campaignId })).recertificationCampaign.items;
        expect(page.totalCount).toBe(4);
        expect(page.pageInfo.hasNextPage).toBe(true);
        const next = expectData(await as(who, NEXT, { id: campaignId, after: page.pageInfo.endCursor }))
          .recertificationCampaign.items;
        const all = [...page.edges, ...next.edges].map((e: any) => e.node.id);
        const inDb = await sql(`SELECT id FROM recertification_items WHERE campaign_id = $1`, [campaignId]);
        expect(all.sort()).toEqual(inDb.map((r) => r.id).sort());
        expect(page.edges.every((e: any) => e.node.space.name === 'Lab' && e.node.member.displayName)).toBe(true);
      }
      const certified = expectData(await as('rev', ITEMS, { id: campaignId, status: 'CERTIFIED' }))
        .recertificationCampaign.items;
      expect(certified.totalCount).toBe(1);
      expect(certified.edges[0].node.member.id).toBe(ids.alice);
      // The sponsor, an OWNER, a member and a partner admin: the campaign (and so its items) is not theirs.
      for (const who of ['spons', 'owner', 'alice', 'acmeadmin']) {
        const [refused] = expectError(await as(who, ITEMS, { id: campaignId }), 'NOT_FOUND');
        const [missing] = expectError(await as(who, ITEMS, { id: randomUUID() }), 'NOT_FOUND');
        expect(refused.message).toBe(missing.message);
      }
    });

    it('refuses outsiders: NOT_FOUND to those who cannot see the item, FORBIDDEN to a reviewer who only reads', async () => {
      const item = await itemOf('cy');
      const unseen = await as('alice', CERTIFY, { id: item });
      const missing = await as('alice', CERTIFY, { id: randomUUID() });
      expect(expectError(unseen, 'NOT_FOUND')[0]).toEqual({ ...expectError(missing, 'NOT_FOUND')[0] });
      expectError(await as('acmeadmin', REVOKE, { id: item }), 'NOT_FOUND');
      expectError(await as('bob', CERTIFY, { id: item }), 'NOT_FOUND');
      const [rev] = expectError(await as('rev', CERTIFY, { id: item }), 'FORBIDDEN');
      expect(rev.extensions.reason).toBe('ROLE_REQUIRED');
      expectError(await as('alice', CAMPAIGNS), 'FORBIDDEN');
      expectError(await as('owner', CAMPAIGN, { id: campaignId }), 'NOT_FOUND');
      expect((await sql(`SELECT status FROM recertification_items WHERE id = $1`, [item]))[0].status).toBe('PENDING');
      const denied = await sql(
        `SELECT count(*)::int AS n FROM audit_events WHERE action IN ('recertification.certify', 'recertification.revoke') AND outcome = 'DENIED'`,
      );
      expect(denied[0].n).toBeGreaterThanOrEqual(5);
    });

    it('revokes as revokeMembership does: the grant ends and its member is told', async () => {
      const item = await itemOf('bob');
      const data = expectData(await as('spons', REVOKE, { id: item, reason: 'Fin de mission' }));
      expect(data.revokeGrant).toEqual({ itemId: item, status: 'REVOKED' });
      expect(await grantOf('bob', 'lab')).toMatchObject({ status: 'REVOKED', end_reason: 'Fin de mission' });
      expect((await notices('membership.revoked')).map((n) => n.user_id)).toContain(ids.bob);
      expect((await mails('membership.revoked')).map((m) => m.to_address)).toContain('bob@bolt.test');
      const audit = await sql(
        `SELECT action FROM audit_events WHERE subject_id IN ($1, $2) AND outcome = 'SUCCESS' ORDER BY seq`,
        [item, (await grantOf('bob', 'lab')).id],
      );
      expect(audit.map((a) => a.action)).toEqual(['membership.revoke', 'recertification.revoke']);
    });

    it('refuses to decide on a grant that ended meanwhile', async () => {
      const cy = await grantOf('cy', 'lab');
      await sql(`UPDATE memberships SET status = 'REVOKED', ended_at = $2 WHERE id = $1`, [cy.id, NOW]);
      const [ended] = expectError(await as('spons', CERTIFY, { id: await itemOf('cy') }), 'CONFLICT');
      expect(ended.extensions.reason).toBe('MEMBERSHIP_NOT_ACTIVE');
    });

    it('shows reviewers the progress', async () => {
      const data = expectData(await as('rev', CAMPAIGN, { id: campaignId }));
      expect(data.recertificationCampaign).toMatchObject({
        status: 'OPEN',
        progress: { total: 4, certified: 1, revoked: 1, lapsed: 0, pending: 2 },
      });
      const list = expectData(await as('admin', CAMPAIGNS)).recertificationCampaigns;
      expect(list.totalCount).toBe(2);
      expect(list.edges.map((e: any) => e.node.id)).toContain(campaignId);
    });

    it('after the deadline, refuses decisions before the job has run', async () => {
      t.clock.set(new Date(DEADLINE.getTime() + 60_000));
      await signIn();
      const [late] = expectError(await as('owner', CERTIFY, { id: await itemOf('arno') }), 'CONFLICT');
      expect(late.extensions.reason).toBe('DEADLINE_PASSED');
    });

    it('lapses what nobody confirmed at the deadline: the grant expires, audited, and the sponsor is told', async () => {
      expect(await jobs.lapseOverdue(new Date(DEADLINE.getTime() - 1))).toEqual({
        lapsed: [],
        expired: [],
        closedCampaigns: [],
      });
      const at = new Date(DEADLINE.getTime() + 60_000);
      const [one, two] = await Promise.all([jobs.lapseOverdue(at), jobs.lapseOverdue(at)]);
      const lapsed = [...(one?.lapsed ?? []), ...(two?.lapsed ?? [])].sort();
      const expired = [...(one?.expired ?? []), ...(two?.expired ?? [])];
      // acme's campaign had the same deadline: its two lounge items lapse too.
      expect(lapsed).toEqual(expect.arrayContaining([await itemOf('arno'), await itemOf('cy')].sort()));
      const arno = await grantOf('arno', 'lab');
      expect(expired).toContain(arno.id);
      expect(expired).not.toContain((await grantOf('cy', 'lab')).id); // had ended already
      expect(arno).toMatchObject({ status: 'EXPIRED', ended_at: DEADLINE, end_reason: 'recertification_lapsed' });
      // Confirmed grants stay; revoked ones stay revoked.
      expect(await grantOf('alice', 'lab')).toMatchObject({ status: 'ACTIVE' });
      expect(await grantOf('bob', 'lab')).toMatchObject({ status: 'REVOKED' });

      const told = (await notices('recertification.lapsed')).filter((n) => n.data.campaignId === campaignId);
      expect(told.map((n) => `${n.user_id}/${n.data.memberId}`).sort()).toEqual(
        [`${ids.owner}/${ids.arno}`, `${ids.owner2}/${ids.arno}`, `${ids.spons}/${ids.cy}`].sort(),
      );
      expect((await notices('membership.expired')).map((n) => n.user_id)).toContain(ids.arno);
      expect((await mails('recertification.lapsed')).map((m) => m.to_address)).toEqual(
        expect.arrayContaining(['owner2@host.test', 'owner@host.test', 'spons@host.test']),
      );
      const [run] = await sql(`SELECT actor_id, details FROM audit_events WHERE action = 'recertification.lapse'`);
      expect(run.actor_id).toBeNull();
      expect(run.details.expired).toContain(arno.id);

      const data = expectData(await as('rev', CAMPAIGN, { id: campaignId }));
      expect(data.recertificationCampaign).toMatchObject({
        status: 'CLOSED',
        progress: { total: 4, certified: 1, revoked: 1, lapsed: 2, pending: 0 },
      });
      const [decided] = expectError(await as('owner', CERTIFY, { id: await itemOf('arno') }), 'CONFLICT');
      expect(decided.extensions.reason).toBe('ITEM_DECIDED');
      // Nothing left to do on a later run.
      expect(await jobs.lapseOverdue(new Date(at.getTime() + DAY))).toEqual({
        lapsed: [],
        expired: [],
        closedCampaigns: [],
      });
    });
  });
});
