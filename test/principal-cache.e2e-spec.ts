import { PrincipalService } from '../src/auth/principal.service';
import { TokenService } from '../src/auth/token.service';
import { sha256Hex } from '../src/common/secrets';
import { QueryCountingLogger } from '../src/observability/query-counting.logger';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// The principal cache (auth/principal-cache.ts): a bearer token's principal is reused from one
// request to the next, and proven current by the statement that uses it. Each test changes
// the database behind a cached principal and asks with the same token at once: the answer
// must be the one a token never seen before gets.

const FEED = `{ feed(first: 50) { edges { node { title } } } }`;
const DIRECTORY = `query($after: String) { users(search: "a", after: $after) { edges { node { displayName } } } }`;
const SPACE = `query($id: ID!) { space(id: $id) { name posts(first: 20) { edges { node { title } } } } }`;

describe('principal cache', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let tokens: TokenService;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(SMALL_WORLD);
    tokens = t.app.get(TokenService);
  });

  afterAll(() => t.close());

  const statements = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const sql = t.dataSource.logger as QueryCountingLogger;
    const before = sql.queries;
    const result = await run();
    return [result, sql.queries - before];
  };
  const titles = async (token: string): Promise<string[]> =>
    expectData(await t.gql(token, FEED)).feed.edges.map((e: { node: { title: string } }) => e.node.title);
  /** The feed as a token never seen before reads it: no cache involved. */
  const freshTitles = async (who: string) => titles(await t.tokenFor(ids[who]));
  const sql = (text: string, values: unknown[]) => t.dataSource.query(text, values);

  it('gives a token the principal a session of the same user gets, for every kind of user (token_principal against PrincipalService.load)', async () => {
    const principals = t.app.get(PrincipalService);
    const now = t.clock.now();
    const via = { kind: 'token' as const, id: 'compared' };
    for (const user of SMALL_WORLD.users) {
      const { token } = await tokens.mint(ids[user.key]);
      const byToken = await principals.loadByToken(sha256Hex(token), now);
      const bySession = await principals.load(ids[user.key], now, via);
      expect([user.key, byToken?.principal ? { ...byToken.principal, via } : null]).toEqual([user.key, bySession]);
    }
    // Both kinds of answer occur: users who count and users who do not.
    expect(await principals.load(ids.owner, now, via)).not.toBeNull();
    expect(await principals.load(ids.ghost, now, via)).toBeNull();
  });

  it('serves a repeated feed in one statement, a space page in two, and me and the directory in one', async () => {
    const token = await t.tokenFor(ids.owner);
    const [first, cold] = await statements(() => titles(token));
    const [again, warm] = await statements(() => titles(token));
    expect(again).toEqual(first);
    expect(first.length).toBeGreaterThan(2);
    expect(cold).toBe(2);
    expect(warm).toBe(1);
    const [page, spacePage] = await statements(async () => expectData(await t.gql(token, SPACE, { id: ids.open })));
    expect(page.space.name).toEqual(expect.any(String));
    expect(spacePage).toBe(2);
    const [me, meCost] = await statements(async () => expectData(await t.gql(token, '{ me { id email } }')));
    expect(me.me.id).toBe(ids.owner);
    expect(meCost).toBe(1);
    // People with their organisations, and the proof of the principal, in one statement.
    const directory = `{ users(first: 50) { edges { node { id displayName organization { name } } } } }`;
    const [people, directoryCost] = await statements(async () => expectData(await t.gql(token, directory)));
    expect(people.users.edges.length).toBeGreaterThan(2);
    expect(
      people.users.edges.map((e: { node: { organization: { name: string } } }) => e.node.organization.name),
    ).toContain('Host');
    expect(directoryCost).toBe(1);
  });

  it('proves the cached principal first for a query whose statements do not carry it', async () => {
    const token = await t.tokenFor(ids.staff);
    const before = expectData(await t.gql(token, '{ spaces { totalCount } me { displayName } }'));
    expect(before).toEqual({ spaces: { totalCount: 1 }, me: { displayName: 'Sam Staff' } });
    await sql(`UPDATE users SET display_name = 'Staff, renamed' WHERE id = $1`, [ids.staff]);
    await sql(`UPDATE memberships SET status = 'SUSPENDED' WHERE user_id = $1 AND space_id = $2`, [
      ids.staff,
      ids.open,
    ]);
    try {
      // Two root fields: proven before they run (spaces' statement does not carry the check).
      const after = expectData(await t.gql(token, '{ spaces { totalCount } me { displayName } }'));
      expect(after).toEqual({ spaces: { totalCount: 0 }, me: { displayName: 'Staff, renamed' } });
    } finally {
      await sql(`UPDATE users SET display_name = 'Sam Staff' WHERE id = $1`, [ids.staff]);
      await sql(`UPDATE memberships SET status = 'ACTIVE' WHERE user_id = $1 AND space_id = $2`, [ids.staff, ids.open]);
    }
  });

  it('drops a membership suspended after caching from the very next feed and space page, and shows it again once restored', async () => {
    const token = await t.tokenFor(ids.owner);
    const before = await titles(token);
    expect(before).toContain('Bolt idea'); // a post of the hub space
    await sql(`UPDATE memberships SET status = 'SUSPENDED' WHERE user_id = $1 AND space_id = $2`, [ids.owner, ids.hub]);
    try {
      const after = await titles(token);
      expect(after).toEqual(await freshTitles('owner'));
      expect(after).not.toContain('Bolt idea');
      expect(after.length).toBeGreaterThan(0);
      expectError(await t.gql(token, SPACE, { id: ids.hub }), 'NOT_FOUND');
    } finally {
      await sql(`UPDATE memberships SET status = 'ACTIVE' WHERE user_id = $1 AND space_id = $2`, [ids.owner, ids.hub]);
    }
    expect(await titles(token)).toEqual(before);
    expect(expectData(await t.gql(token, SPACE, { id: ids.hub })).space.posts.edges.length).toBeGreaterThan(0);
  });

  it('follows a clearance lowered after caching', async () => {
    const token = await t.tokenFor(ids.owner);
    const before = await titles(token);
    await sql(`UPDATE users SET clearance = 0 WHERE id = $1`, [ids.owner]);
    try {
      const after = await titles(token);
      expect(after).toEqual(await freshTitles('owner'));
      expect(after.length).toBeLessThan(before.length);
    } finally {
      await sql(`UPDATE users SET clearance = 4 WHERE id = $1`, [ids.owner]);
    }
    expect(await titles(token)).toEqual(before);
  });

  it('refuses a token revoked after caching (401) on a feed, a space page, the directory, a malformed id or cursor or a refused document, and audits it', async () => {
    const refusals = async (): Promise<number> =>
      (
        await sql(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.unauthenticated' AND reason = 'token_invalid_expired_or_revoked'`,
          [],
        )
      )[0].n;
    const before = await refusals();
    // The last: a feed with more aliases than allowed, which the gate refuses before it runs.
    const tooManyAliases = `{ feed(first: 1) { ${Array.from({ length: 60 }, (_, i) => `a${i}: totalCount`).join(' ')} } }`;
    for (const [query, variables] of [
      [FEED, {}],
      [SPACE, { id: ids.open }],
      [SPACE, { id: 'not-an-id' }],
      [DIRECTORY, {}],
      [DIRECTORY, { after: 'not-a-cursor' }],
      [tooManyAliases, {}],
    ] as const) {
      // A token of its own for each, cached by one answer, then revoked.
      const { token, apiToken } = await tokens.mint(ids.owner);
      expectData(await t.gql(token, FEED));
      expect(await tokens.revoke(apiToken.id)).toBe(true);
      const res = await t.gql(token, query, variables);
      expect([query, res.status, res.body.errors?.map((e) => e.extensions.code)]).toEqual([
        query,
        401,
        ['UNAUTHENTICATED'],
      ]);
    }
    // The first refusal is written at once (repeats within a window are aggregated).
    expect(await refusals()).toBeGreaterThan(before);
  });

  it('refuses a user disabled, or whose organisation is suspended, after caching', async () => {
    const token = await t.tokenFor(ids.alice);
    expectData(await t.gql(token, FEED));
    await sql(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [ids.alice]);
    try {
      const res = await t.gql(token, FEED);
      expectError(res, 'UNAUTHENTICATED');
      expect(res.status).toBe(401);
    } finally {
      await sql(`UPDATE users SET status = 'ACTIVE' WHERE id = $1`, [ids.alice]);
    }
    expectData(await t.gql(token, FEED));
    await sql(`UPDATE organizations SET status = 'SUSPENDED' WHERE id = $1`, [ids.acme]);
    try {
      expectError(await t.gql(token, SPACE, { id: ids.open }), 'UNAUTHENTICATED');
    } finally {
      await sql(`UPDATE organizations SET status = 'ACTIVE' WHERE id = $1`, [ids.acme]);
    }
  });

  it("judges other people's memberships at the instant of each request, with the rules the cached caller's requests share", async () => {
    // Staff sees Alice only through the open space they share (her posts there are above
    // staff's clearance). Her membership lapses between two requests of staff's cached token,
    // which stays current: only the instant of the request can drop her.
    const PEOPLE = `query($space: ID!) {
      space(id: $space) { members(first: 50) { edges { node { user { displayName } } } } }
      users(search: "Alice") { edges { node { displayName } } }
    }`;
    const people = async (token: string) => {
      const data = expectData(await t.gql(token, PEOPLE, { space: ids.open }));
      const alice = await t.gql(token, `query($id: ID!) { user(id: $id) { displayName } }`, { id: ids.alice });
      return {
        members: data.space.members.edges.map(
          (e: { node: { user: { displayName: string } } }) => e.node.user.displayName,
        ),
        found: data.users.edges.map((e: { node: { displayName: string } }) => e.node.displayName),
        alice: alice.body.errors ? alice.body.errors.map((e) => e.extensions.code) : alice.body.data?.user.displayName,
      };
    };
    const token = await t.tokenFor(ids.staff);
    await people(token); // cached from here on
    await sql(`UPDATE memberships SET expires_at = $3 WHERE user_id = $1 AND space_id = $2`, [
      ids.alice,
      ids.open,
      new Date('2026-06-01T00:00:01Z'),
    ]);
    try {
      const before = await people(token);
      expect(before).toEqual({
        members: expect.arrayContaining(['Alice Acme']),
        found: ['Alice Acme'],
        alice: 'Alice Acme',
      });
      t.clock.set(new Date('2026-06-01T00:00:01Z'));
      const after = await people(token);
      expect(after).toEqual(await people(await t.tokenFor(ids.staff)));
      expect(after.members).not.toContain('Alice Acme');
      expect(after.members).toContain('Sam Staff');
      expect(after.found).toEqual([]);
      expect(after.alice).toEqual(['NOT_FOUND']);
      // And back, on the same cached token.
      t.clock.set(new Date('2026-06-01T00:00:00Z'));
      expect(await people(token)).toEqual(before);
    } finally {
      t.clock.set(new Date('2026-06-01T00:00:00Z'));
      await sql(`UPDATE memberships SET expires_at = '2999-01-01T00:00:00Z' WHERE user_id = $1 AND space_id = $2`, [
        ids.alice,
        ids.open,
      ]);
    }
  });

  it('judges a cached membership at the instant of each request', async () => {
    const token = await t.tokenFor(ids.owner);
    const before = await titles(token);
    await sql(`UPDATE memberships SET expires_at = $3 WHERE user_id = $1 AND space_id = $2`, [
      ids.owner,
      ids.hub,
      new Date('2026-06-01T00:00:01Z'),
    ]);
    try {
      expect(await titles(token)).toEqual(before);
      t.clock.set(new Date('2026-06-01T00:00:01Z'));
      const after = await titles(token);
      expect(after).toEqual(await freshTitles('owner'));
      expect(after).not.toContain('Bolt idea');
      expect(after.length).toBeGreaterThan(0);
    } finally {
      t.clock.set(new Date('2026-06-01T00:00:00Z'));
      await sql(`UPDATE memberships SET expires_at = NULL WHERE user_id = $1 AND space_id = $2`, [ids.owner, ids.hub]);
    }
  });
});
