import { randomUUID } from 'node:crypto';
import { QueryCountingLogger } from '../src/observability/query-counting.logger';
import { reviewWorld } from './fixtures/review-world';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

const REVIEW = `query Review($organizationId: ID, $spaceId: ID, $flags: [AccessReviewFlag!], $first: Int, $after: String) {
  accessReview(organizationId: $organizationId, spaceId: $spaceId, flags: $flags, first: $first, after: $after) {
    organizationId spaceId staleDays expiringDays
    summary { total stale expiring orphaned overCleared }
    grants {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        membershipId organizationId role status grantedAt expiresAt lastSignInAt lastActivityAt
        effectiveClearance neededClearance flags
        member { id displayName }
        space { id classification name }
        sponsor { id displayName }
        grantedBy { id displayName }
      } }
    }
  }
}`;

// Without the summary and the count: what one page costs.
const PAGE = `query Page($spaceId: ID, $first: Int) {
  accessReview(spaceId: $spaceId, first: $first) { grants { edges { node { membershipId flags lastActivityAt } } } }
}`;

/**
 * The access review (issue 10 items 5 and 8): every external grant of an organisation or a
 * space with its facts and flags, computed in SQL, for the overseers and a partner's admin
 * (own organisation only, names only of what they see); everyone else refused, and audited.
 */
describe('accessReview', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let tokens: Record<string, string>;
  const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
  const DAY = 86_400_000;
  const sql = <T = any>(q: string, p: unknown[] = []): Promise<T[]> => t.dataSource.query(q, p);
  const grantOf = async (user: string, space: string): Promise<string> =>
    (await sql(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [ids[user], ids[space]]))[0].id;
  const review = (who: string, vars: Record<string, unknown>) => t.gql(tokens[who], REVIEW, vars);
  const nodes = (data: any) => data.accessReview.grants.edges.map((e: any) => e.node);

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(reviewWorld(NOW));
    // Every grant was made 100 days ago, in the order of its id (the review's order is the grant's age).
    await sql(
      `UPDATE memberships m SET created_at = $1::timestamptz - interval '100 days' + x.n * interval '1 millisecond'
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM memberships) x WHERE x.id = m.id`,
      [NOW],
    );
    await sql(`UPDATE users SET last_login_at = $2 WHERE id = $1`, [ids.alice, new Date(NOW.getTime() - 3 * DAY)]);
    tokens = {};
    for (const who of ['admin', 'rev', 'owner', 'acmeadmin', 'alice', 'arno', 'bob'])
      tokens[who] = await t.tokenFor(ids[who]);
  });

  afterAll(() => t.close());

  it('gives a reviewer every external grant of a space, with facts and flags computed in SQL', async () => {
    const data = expectData(await review('rev', { spaceId: ids.lab }));
    expect(data.accessReview).toMatchObject({
      spaceId: ids.lab,
      organizationId: null,
      staleDays: 60,
      expiringDays: 14,
    });
    const byMember = new Map(nodes(data).map((n: any) => [n.member.id, n]));
    expect([...byMember.keys()].sort()).toEqual([ids.alice, ids.arno, ids.bob, ids.cy].sort());
    expect(byMember.get(ids.alice)).toMatchObject({
      membershipId: await grantOf('alice', 'lab'),
      organizationId: ids.acme,
      role: 'MEMBER',
      status: 'ACTIVE',
      member: { displayName: 'Alice' },
      space: { id: ids.lab, classification: 1, name: 'Lab' },
      sponsor: { id: ids.spons, displayName: 'Spons' },
      lastSignInAt: new Date(NOW.getTime() - 3 * DAY).toISOString(),
      lastActivityAt: new Date(NOW.getTime() - DAY).toISOString(),
      effectiveClearance: 3,
      neededClearance: 2,
      flags: ['OVER_CLEARED'],
    });
    // No activity: stale; expiring in 5 days; its sponsor is disabled.
    expect(byMember.get(ids.arno)).toMatchObject({
      lastActivityAt: null,
      flags: ['STALE', 'EXPIRING', 'ORPHANED'],
      sponsor: { id: ids.gone },
    });
    // A reaction 10 days ago counts as activity.
    expect(byMember.get(ids.bob)).toMatchObject({
      lastActivityAt: new Date(NOW.getTime() - 10 * DAY).toISOString(),
      effectiveClearance: 2,
      neededClearance: 2,
      flags: [],
    });
    // A comment 2 days ago is cy's latest activity (their post is 90 days old).
    expect(byMember.get(ids.cy)).toMatchObject({
      lastActivityAt: new Date(NOW.getTime() - 2 * DAY).toISOString(),
      flags: ['OVER_CLEARED'],
    });
    expect(data.accessReview.summary).toEqual({ total: 4, stale: 1, expiring: 1, orphaned: 1, overCleared: 2 });
    expect(data.accessReview.grants.totalCount).toBe(4);
  });

  it('filters by flags in SQL (any of them), while the summary counts the whole scope', async () => {
    const over = expectData(await review('admin', { spaceId: ids.lab, flags: ['OVER_CLEARED'] }));
    expect(
      nodes(over)
        .map((n: any) => n.member.id)
        .sort(),
    ).toEqual([ids.alice, ids.cy].sort());
    expect(over.accessReview.grants.totalCount).toBe(2);
    expect(over.accessReview.summary.total).toBe(4);
    const either = expectData(await review('admin', { spaceId: ids.lab, flags: ['STALE', 'ORPHANED'] }));
    expect(nodes(either).map((n: any) => n.member.id)).toEqual([ids.arno]);
  });

  it('leaves host members and ended grants out, and counts a stale grant once its activity is old', async () => {
    const lounge = expectData(await review('rev', { spaceId: ids.lounge }));
    const members = nodes(lounge).map((n: any) => n.member.id);
    expect(members.sort()).toEqual([ids.acmeadmin, ids.alice, ids.bob].sort());
    expect(members).not.toContain(ids.owner);
    expect(members).not.toContain(ids.arno); // REVOKED
    // Time passes: alice's post in lab is now 61 days old.
    t.clock.set(new Date(NOW.getTime() + 60 * DAY));
    try {
      const token = await t.tokenFor(ids.rev);
      const later = expectData(await t.gql(token, REVIEW, { spaceId: ids.lab, flags: ['STALE'] }));
      expect(nodes(later).map((n: any) => n.member.id)).toContain(ids.alice);
    } finally {
      t.clock.set(NOW);
    }
  });

  it('pages in grant order with cursors, one statement per page whatever its size', async () => {
    const first = expectData(await review('rev', { spaceId: ids.lab, first: 2 }));
    expect(first.accessReview.grants.pageInfo.hasNextPage).toBe(true);
    const second = expectData(
      await review('rev', { spaceId: ids.lab, first: 2, after: first.accessReview.grants.pageInfo.endCursor }),
    );
    expect(second.accessReview.grants.pageInfo.hasNextPage).toBe(false);
    const all = [...nodes(first), ...nodes(second)];
    expect(new Set(all.map((n) => n.membershipId)).size).toBe(4);
    const ages = all.map((n) => n.grantedAt);
    expect([...ages].sort()).toEqual(ages);

    const counter = t.dataSource.logger as QueryCountingLogger;
    const cost = async (size: number) => {
      const before = counter.queries;
      expectData(await t.gql(tokens.rev, PAGE, { spaceId: ids.lab, first: size }));
      return counter.queries - before;
    };
    await cost(1); // warm
    expect(await cost(4)).toBe(await cost(1));
  });

  describe('a partner admin', () => {
    it('reviews their own organisation: their people only, names only of what they see', async () => {
      const data = expectData(await review('acmeadmin', { organizationId: ids.acme }));
      const grants = nodes(data);
      expect(grants.map((n: any) => n.organizationId)).toEqual(grants.map(() => ids.acme));
      expect(grants.map((n: any) => `${n.member.displayName}/${n.space.id}`).sort()).toEqual(
        [`Acmeadmin/${ids.lounge}`, `Alice/${ids.lab}`, `Alice/${ids.lounge}`, `Arno/${ids.lab}`].sort(),
      );
      const aliceLab = grants.find((n: any) => n.member.id === ids.alice && n.space.id === ids.lab);
      const aliceLounge = grants.find((n: any) => n.member.id === ids.alice && n.space.id === ids.lounge);
      // lab: a space they hold no grant in, given by id and classification only; its sponsor unseen.
      expect(aliceLab).toMatchObject({
        space: { classification: 1, name: null },
        sponsor: { id: ids.spons, displayName: null },
      });
      expect(aliceLounge).toMatchObject({
        space: { name: 'Lounge' },
        sponsor: { id: ids.owner, displayName: 'Owner' },
      });
      expect(JSON.stringify(data)).not.toMatch(/Lab|Spons|Bob|Cy/);
    });

    it('is refused another organisation: FORBIDDEN when they see it, NOT_FOUND like a missing one otherwise', async () => {
      const bolt = expectError(await review('acmeadmin', { organizationId: ids.bolt }), 'FORBIDDEN');
      expect(bolt[0].extensions.reason).toBe('ROLE_REQUIRED');
      const hidden = await review('acmeadmin', { organizationId: ids.cobalt });
      const missing = await review('acmeadmin', { organizationId: randomUUID() });
      const [h] = expectError(hidden, 'NOT_FOUND');
      const [m] = expectError(missing, 'NOT_FOUND');
      expect({ ...h, path: undefined }).toEqual({ ...m, path: undefined });
      expect(h.extensions.reason).toBeUndefined();
    });

    it('reviews no space, even one they belong to', async () => {
      expectError(await review('acmeadmin', { spaceId: ids.lounge }), 'FORBIDDEN');
      expectError(await review('acmeadmin', { spaceId: ids.lab }), 'NOT_FOUND');
    });
  });

  it('refuses outsiders: a member without a role, a space OWNER, and is audited', async () => {
    const before = (
      await sql(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access_review.read' AND outcome = 'DENIED'`,
      )
    )[0].n;
    expectError(await review('arno', { organizationId: ids.acme }), 'FORBIDDEN');
    expectError(await review('bob', { organizationId: ids.acme }), 'FORBIDDEN'); // sees acme through the lounge
    expectError(await review('owner', { spaceId: ids.lab }), 'FORBIDDEN');
    expectError(await review('owner', { organizationId: ids.acme }), 'FORBIDDEN');
    const after = (
      await sql(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access_review.read' AND outcome = 'DENIED'`,
      )
    )[0].n;
    expect(after - before).toBe(4);
    // The answers given are on record too.
    const read = await sql(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access_review.read' AND outcome = 'SUCCESS'`,
    );
    expect(read[0].n).toBeGreaterThan(0);
  });

  it('asks for exactly one scope', async () => {
    const [both] = expectError(await review('rev', { organizationId: ids.acme, spaceId: ids.lab }), 'BAD_USER_INPUT');
    expect(both.extensions.reason).toBe('INVALID_SCOPE');
    expectError(await review('rev', {}), 'BAD_USER_INPUT');
  });
});
