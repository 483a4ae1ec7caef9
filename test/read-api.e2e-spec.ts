import { SMALL_WORLD } from './fixtures/small-world';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

const FEED_FIELD = `feed(first: 50) { totalCount edges { node { id title } } }`;
const FEED = `query($first: Int, $after: String) { feed(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id title label hidden commentCount space { id name } author { id displayName email organization { id name } } } } } }`;

describe('read API', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(SMALL_WORLD);
    for (const u of SMALL_WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
  });

  afterAll(() => t.close());

  const titles = async (who: string) => {
    const data = expectData(await t.gql(tokens[who], FEED, { first: 50 }));
    return data.feed.edges.map((e: { node: { title: string } }) => e.node.title);
  };

  it('refuses a caller without a credential', async () => {
    expectError(await t.gql(null, '{ me { id } }'), 'UNAUTHENTICATED');
  });

  it('refuses a user who no longer counts', async () => {
    for (const who of ['ghost', 'off']) expectError(await t.gql(tokens[who], '{ me { id } }'), 'UNAUTHENTICATED');
  });

  it('shows the owner hidden posts, labels within clearance, newest first', async () => {
    expect(await titles('owner')).toEqual([
      'Old',
      'Plan',
      'Bolt idea',
      'Acme idea',
      'Brief',
      'Oops',
      'Sensitive',
      'Kickoff',
    ]);
  });

  it('keeps hidden posts from members and labels above clearance from everyone', async () => {
    expect(await titles('staff')).toEqual(['Old', 'Kickoff']);
    // alice: cap 2 -> effective 2: no access to "secret" (classification 3) at all.
    expect(await titles('alice')).toEqual(['Old', 'Acme idea', 'Brief', 'Sensitive', 'Kickoff']);
  });

  it('applies the HUB rule to posts and comments', async () => {
    expect(await titles('bob')).toEqual(['Bolt idea', 'Brief']);
    const { post } = expectData(
      await t.gql(
        tokens.bob,
        `query($id: ID!) { post(id: $id) { commentCount comments { totalCount edges { node { body author { displayName } } } } } }`,
        { id: ids['p-hub-host'] },
      ),
    );
    expect(post.commentCount).toBe(2);
    expect(post.comments.totalCount).toBe(2);
    expect(post.comments.edges.map((e: { node: { body: string } }) => e.node.body).sort()).toEqual([
      'Bolt says hi',
      'Host answers',
    ]);
  });

  it('gives no content to an administrator without membership', async () => {
    expect(await titles('admin')).toEqual([]);
    expect(expectData(await t.gql(tokens.admin, '{ spaces { totalCount } }')).spaces.totalCount).toBe(3);
  });

  it('answers invisible and missing ids identically', async () => {
    const q = 'query($id: ID!) { post(id: $id) { id } }';
    const hidden = await t.gql(tokens.bob, q, { id: ids['p-hub-acme'] });
    const missing = await t.gql(tokens.bob, q, { id: '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11' });
    expectError(hidden, 'NOT_FOUND');
    expect(hidden.status).toBe(missing.status);
    expect(hidden.body).toEqual(missing.body);
    // The same query on a post Bob reads succeeds: the refusal above is about visibility.
    expect(expectData(await t.gql(tokens.bob, q, { id: ids['p-hub-bolt'] })).post.id).toBe(ids['p-hub-bolt']);
  });

  it("hides other partners' emails and members in HUB spaces", async () => {
    const { space } = expectData(
      await t.gql(
        tokens.bob,
        `query($id: ID!) { space(id: $id) { members { edges { node { role user { displayName email } } } } } }`,
        { id: ids.hub },
      ),
    );
    const members = space.members.edges.map(
      (e: { node: { user: { displayName: string; email: string | null } } }) => e.node.user,
    );
    expect(members.map((m: { displayName: string }) => m.displayName).sort()).toEqual(['Bob Bolt', 'Olga Owner']);
    const q = `query($id: ID!) { user(id: $id) { email } }`;
    expectError(await t.gql(tokens.bob, q, { id: ids.alice }), 'NOT_FOUND');
    expectError(await t.gql(tokens.alice, q, { id: ids.bob }), 'NOT_FOUND');
    // Both see the host owner of the space, and her email: the refusals above are about each other.
    expect(expectData(await t.gql(tokens.bob, q, { id: ids.owner })).user.email).toBe('owner@host.test');
    expect(expectData(await t.gql(tokens.alice, q, { id: ids.owner })).user.email).toBe('owner@host.test');
  });

  it("answers a list's comments as each post answers them, whatever the arguments and names", async () => {
    const comments = (args: string) =>
      `comments(${args}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id body author { id displayName } } } }`;
    const alone = async (postId: string, args: string) =>
      expectData(await t.gql(tokens.owner, `query($id: ID!) { post(id: $id) { ${comments(args)} } }`, { id: postId }))
        .post.comments;
    const listed = expectData(
      await t.gql(
        tokens.owner,
        `query($n: Int) { feed(first: 50) { edges { node { id
          one: ${comments('first: 1')} two: ${comments('first: $n')} } } }
          again: feed(first: 50) { edges { node { id ...C } } } }
        fragment C on Post { ${comments('first: 2')} }`,
        { n: 2 },
      ),
    );
    const withComments = listed.feed.edges.filter((e: any) => e.node.two.totalCount > 1);
    expect(withComments.length).toBeGreaterThan(0);
    for (const { node } of listed.feed.edges) {
      expect(node.one).toEqual(await alone(node.id, 'first: 1'));
      expect(node.two).toEqual(await alone(node.id, 'first: 2'));
    }
    for (const { node } of listed.again.edges) expect(node.comments).toEqual(await alone(node.id, 'first: 2'));
    // A page size refused under a list is refused as it is on one post.
    const refused = await t.gql(tokens.owner, `{ feed(first: 5) { edges { node { ${comments('first: 0')} } } } }`);
    expectError(refused, 'BAD_USER_INPUT');
  });

  it('pages the feed with cursors', async () => {
    const first = expectData(await t.gql(tokens.owner, FEED, { first: 3 }));
    expect(first.feed.pageInfo.hasNextPage).toBe(true);
    const second = expectData(await t.gql(tokens.owner, FEED, { first: 3, after: first.feed.pageInfo.endCursor }));
    expect(second.feed.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual([
      'Acme idea',
      'Brief',
      'Oops',
    ]);
    expect(second.feed.totalCount).toBe(8);
  });

  it('finds people by name, job title or skill, never by email, among those the caller sees, page by page', async () => {
    const PEOPLE = `query($s: String, $first: Int, $after: String) { users(search: $s, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id displayName jobTitle skills organization { name } } } } }`;
    type Person = { id: string; displayName: string; jobTitle: string | null; skills: string[] };
    type PeoplePage = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: Person }[];
    };
    const all = async (who: string, s: string | null, first: number) => {
      const people: Person[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const users: PeoplePage = expectData(await t.gql(tokens[who], PEOPLE, { s, first, after })).users;
        people.push(...users.edges.map((e) => e.node));
        if (!users.pageInfo.hasNextPage) return { people, totalCount: users.totalCount };
        after = users.pageInfo.endCursor;
      }
      throw new Error('more pages than people');
    };
    const byNameThenId = (a: Person, b: Person) =>
      a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : 1;
    let found = 0;
    for (const who of ['owner', 'alice', 'bob', 'staff']) {
      const seen = (await all(who, null, 100)).people;
      expect(seen.length).toBeGreaterThan(1);
      expect(seen).toEqual([...seen].sort(byNameThenId));
      for (const term of ['a', 'ACME', 'design', 'host.test', '%', '_', ' olga ']) {
        const needle = term.trim().toLowerCase();
        const expected = seen.filter((u) =>
          [u.displayName, u.jobTitle ?? '', ...u.skills].some((text) => text.toLowerCase().includes(needle)),
        );
        const { people, totalCount } = await all(who, term, 2);
        expect([who, term, people.map((u) => u.displayName)]).toEqual([who, term, expected.map((u) => u.displayName)]);
        expect(totalCount).toBe(expected.length);
        found += people.length;
      }
    }
    expect(found).toBeGreaterThan(10);
    // By skill alone: the owner's 'design'. By email alone: nobody, whoever asks.
    expect((await all('owner', 'design', 5)).people.map((u) => u.displayName)).toEqual(['Olga Owner']);
    expect((await all('admin', 'host.test', 5)).people).toEqual([]);
    // A cursor this list did not write, and no credential at all, are refused.
    expectError(await t.gql(tokens.owner, PEOPLE, { s: 'a', after: 'not-a-cursor' }), 'BAD_USER_INPUT');
    expectError(await t.gql(null, PEOPLE, { s: 'a' }), 'UNAUTHENTICATED');
  });

  it('fetches any visible node by id', async () => {
    const q = `query($id: ID!) { node(id: $id) { __typename ... on Organization { name } } }`;
    expectError(await t.gql(tokens.alice, q, { id: ids.bolt }), 'NOT_FOUND');
    expect(expectData(await t.gql(tokens.alice, q, { id: ids.host })).node).toEqual({
      __typename: 'Organization',
      name: 'Host',
    });
  });

  it('shrinks visibility at once when a membership expires', async () => {
    // Alice's membership of the open lab ends at this instant; her other memberships ended
    // earlier. Each read uses a token minted at the moved clock, so only the membership
    // expires, never the credential: the answers are successes and their content is the test.
    const expiry = new Date('2999-01-01T00:00:00Z');
    const read = async (at: Date) => {
      t.clock.set(at);
      try {
        const token = await t.tokenFor(ids.alice);
        return expectData(await t.gql(token, `{ me { id } spaces { totalCount } ${FEED_FIELD} }`));
      } finally {
        t.clock.set(new Date('2026-06-01T00:00:00Z'));
      }
    };
    const before = await read(new Date(expiry.getTime() - 1));
    expect(before.me.id).toBe(ids.alice);
    expect(before.feed.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual([
      'Old',
      'Sensitive',
      'Kickoff',
    ]);
    expect(before.spaces.totalCount).toBe(1);
    const after = await read(expiry);
    expect(after.me.id).toBe(ids.alice);
    expect(after.feed.edges).toEqual([]);
    expect(after.feed.totalCount).toBe(0);
    expect(after.spaces.totalCount).toBe(0);
  });
});

describe('read API: bad input', () => {
  let t: TestApp;
  let token: string;
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ GRAPHQL_MAX_DEPTH: '7', GRAPHQL_MAX_COMPLEXITY: '3000' });
    ids = await t.importWorld(SMALL_WORLD);
    token = await t.tokenFor(ids.owner);
  });
  afterAll(() => t.close());

  const code = (r: { body: { errors?: Array<{ extensions: { code: string } }> } }) =>
    r.body.errors?.[0]?.extensions.code;

  it('refuses a page size out of range', async () => {
    expect(code(await t.gql(token, '{ feed(first: 0) { totalCount } }'))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(token, '{ feed(first: 101) { totalCount } }'))).toBe('BAD_USER_INPUT');
    // The bounds themselves are accepted: the refusals above are about the range.
    expectData(await t.gql(token, '{ a: feed(first: 1) { totalCount } b: feed(first: 100) { totalCount } }'));
  });

  it('refuses a cursor that is not one', async () => {
    expect(code(await t.gql(token, '{ feed(after: "bm9wZQ") { totalCount } }'))).toBe('BAD_USER_INPUT');
    expect(code(await t.gql(token, '{ spaces(after: "%%%") { totalCount } }'))).toBe('BAD_USER_INPUT');
  });

  it('answers a malformed id like a missing one', async () => {
    const r = await t.gql(token, '{ post(id: "not-a-uuid") { id } }');
    expect(code(r)).toBe('NOT_FOUND');
  });

  it('refuses queries nested too deep or too costly, before running them', async () => {
    const deep =
      '{ feed { edges { node { comments { edges { node { post { author { organization { name } } } } } } } } } }';
    expect(expectError(await t.gql(token, deep), 'BAD_USER_INPUT')[0].message).toMatch(
      /nested \d+ levels deep; the limit is 7/,
    );
    // Within the depth limit, so that the cost alone refuses it (100 spaces × 100 posts).
    const costly = '{ spaces(first: 100) { edges { node { posts(first: 100) { edges { node { id } } } } } } }';
    expect(expectError(await t.gql(token, costly), 'BAD_USER_INPUT')[0].message).toMatch(
      /too complex \(\d+\); the limit is 3000/,
    );
    // Just within both limits, the same shapes are served.
    expectData(await t.gql(token, '{ feed { edges { node { author { organization { name } } } } } }'));
    expectData(await t.gql(token, '{ spaces(first: 20) { edges { node { posts(first: 20) { totalCount } } } } }'));
  });

  it('refuses syntax errors and unknown fields with BAD_USER_INPUT, without a stack trace', async () => {
    const broken = await t.gql(token, '{ feed { ');
    expect(code(broken)).toBe('BAD_USER_INPUT');
    const unknown = await t.gql(token, '{ feed { nope } }');
    expect(code(unknown)).toBe('BAD_USER_INPUT');
    // Under Jest the sources are TypeScript: a leaked frame would name a .ts file.
    for (const r of [broken, unknown]) expect(JSON.stringify(r.body)).not.toMatch(/stacktrace|at .*\.[jt]s\b/);
  });

  it('refuses a cross-site simple request (CSRF prevention)', async () => {
    const request = (await import('supertest')).default;
    const r = await request(t.http).get('/graphql?query=%7Bme%7Bid%7D%7D').set('Authorization', `Bearer ${token}`);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/Cross-Site Request Forgery/);
    expect(r.text).not.toContain('"me"');
    // The same GET with a header no simple request can carry is served: the 400 above is CSRF prevention.
    const preflighted = await request(t.http)
      .get('/graphql?query=%7Bme%7Bid%7D%7D')
      .set('Authorization', `Bearer ${token}`)
      .set('apollo-require-preflight', 'true');
    expect(preflighted.status).toBe(200);
    expect(preflighted.body.data.me.id).toEqual(expect.any(String));
  });

  it('refuses a revoked or unknown bearer token', async () => {
    expectError(await t.gql('psl_unknown', '{ me { id } }'), 'UNAUTHENTICATED');
    const { TokenService } = await import('../src/auth/token.service');
    const tokens = t.app.get(TokenService);
    const { token: revoked, apiToken } = await tokens.mint(ids.owner);
    expect(expectData(await t.gql(revoked, '{ me { id } }')).me.id).toBe(ids.owner);
    expect(await tokens.revoke(apiToken.id)).toBe(true);
    expectError(await t.gql(revoked, '{ me { id } }'), 'UNAUTHENTICATED');
  });
});
