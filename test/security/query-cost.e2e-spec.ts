import request from 'supertest';
import { SMALL_WORLD } from '../fixtures/small-world';
import { startTestApp, TestApp } from '../support/test-app';

const MISSING = '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11';

/** Fragments that each spread the next one twice: 2^levels paths through a small document. */
function doublingFragments(levels: number, on: 'Query' | 'User', leaf: string): string {
  const defs: string[] = [];
  for (let i = 0; i < levels; i++) defs.push(`fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`);
  defs.push(`fragment F${levels} on ${on} { ${leaf} }`);
  return defs.join('\n');
}

const ROOT_DOUBLING = `query { ...F0 }\n${doublingFragments(40, 'Query', 'me { id }')}`;
const NESTED_DOUBLING = `query { me { ...F0 } }\n${doublingFragments(40, 'User', 'id displayName organization { name }')}`;
// Nested doubling that also deepens: each level wraps the next in an object field.
const DEEP_DOUBLING = `query { me { ...D0 } }\n${Array.from({ length: 30 }, (_, i) => `fragment D${i} on User { organization { id } ...D${i + 1} ...D${i + 1} }`).join('\n')}\nfragment D30 on User { id }`;

const lookups = (n: number, field: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}(id: "${MISSING}") { id }`).join(' ')} }`;

type Timed = { status: number; body: any; ms: number };

describe('query cost: documents are priced and capped before they run', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let admin: string;
  let owner: string;

  const timed = async (token: string | null, query: string, variables?: Record<string, unknown>): Promise<Timed> => {
    const start = performance.now();
    const r = await t.gql(token, query, variables);
    return { ...r, ms: performance.now() - start };
  };
  const audits = async (action: string): Promise<number> =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = $1`, [action]))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    const world = {
      ...SMALL_WORLD,
      spaces: [
        ...SMALL_WORLD.spaces,
        {
          key: 'extra1',
          name: 'Extra one',
          purpose: 'more',
          classification: 0,
          status: 'ACTIVE',
          partnerVisibility: 'OPEN',
        },
        {
          key: 'extra2',
          name: 'Extra two',
          purpose: 'more',
          classification: 0,
          status: 'ACTIVE',
          partnerVisibility: 'HUB',
        },
      ],
    };
    ids = await t.importWorld(world);
    admin = await t.tokenFor(ids.admin);
    owner = await t.tokenFor(ids.owner);
  });
  afterAll(() => t.close());

  it('refuses an anonymous fragment bomb for the price of a parse (UNAUTHENTICATED, 401)', async () => {
    expect(Buffer.byteLength(ROOT_DOUBLING)).toBeLessThan(2048);
    for (const doc of [ROOT_DOUBLING, NESTED_DOUBLING, DEEP_DOUBLING]) {
      const r = await timed(null, doc);
      expect(r.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      expect(r.status).toBe(401);
      expect(r.ms).toBeLessThan(1000);
    }
  });

  it('checks fragment bombs from a signed-in caller in linear time', async () => {
    for (const doc of [ROOT_DOUBLING, DEEP_DOUBLING]) {
      const r = await timed(owner, doc);
      expect({ code: r.body.errors?.[0]?.extensions.code, status: r.status }).toEqual({
        code: 'BAD_USER_INPUT',
        status: 400,
      });
      expect(r.body.data).toBeUndefined();
      expect(r.ms).toBeLessThan(1000);
    }
    // Many paths to the same few fields: cheap to check and to run (the executor merges them).
    const nested = await timed(owner, NESTED_DOUBLING);
    expect(nested.ms).toBeLessThan(1000);
    // Either answered or refused as bad input: never an internal error.
    const outcome =
      nested.status === 200
        ? { status: 200, id: typeof nested.body.data.me.id }
        : { status: nested.status, code: nested.body.errors[0].extensions.code };
    expect([
      { status: 200, id: 'string' },
      { status: 400, code: 'BAD_USER_INPUT' },
    ]).toContainEqual(outcome);
  });

  it('refuses a document longer than the token limit, and a body over the byte limit', async () => {
    const long = `{ me { ${'id '.repeat(20_000)} } }`;
    const r = await timed(owner, long);
    expect({ code: r.body.errors?.[0]?.extensions.code, status: r.status }).toEqual({
      code: 'BAD_USER_INPUT',
      status: 400,
    });
    expect(r.ms).toBeLessThan(1000);
    const huge = await request(t.http)
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .set('Authorization', `Bearer ${owner}`)
      .send({ query: '{ me { id } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('BAD_USER_INPUT');
  });

  it('caps aliases and root fields per operation', async () => {
    const aliases = `{ me { ${Array.from({ length: 300 }, (_, i) => `x${i}: id`).join(' ')} } }`;
    const a = await timed(owner, aliases);
    expect({ code: a.body.errors?.[0]?.extensions.code, status: a.status }).toEqual({
      code: 'BAD_USER_INPUT',
      status: 400,
    });
    const roots = `{ ${Array.from({ length: 60 }, () => 'me { id }').join(' ')} }`;
    const b = await timed(owner, roots);
    expect({ code: b.body.errors?.[0]?.extensions.code, status: b.status }).toEqual({
      code: 'BAD_USER_INPUT',
      status: 400,
    });
  });

  it('prices singular lookups: thousands of aliased lookups are refused before any runs', async () => {
    const before = await audits('authz.denied');
    for (const field of ['node', 'user', 'space', 'post', 'organization']) {
      for (const n of [2400, 60]) {
        const r = await timed(owner, lookups(n, field));
        expect({ field, n, code: r.body.errors?.[0]?.extensions.code, status: r.status }).toEqual({
          field,
          n,
          code: 'BAD_USER_INPUT',
          status: 400,
        });
        expect(r.body.data).toBeUndefined();
        expect(r.ms).toBeLessThan(1000);
      }
    }
    // Same fan-out through a fragment spread twice, and through variables.
    const viaFragment = `query { ...L ...L2 } fragment L on Query { ${lookups(40, 'node').slice(1, -1)} } fragment L2 on Query { ${lookups(
      40,
      'post',
    )
      .slice(1, -1)
      .replace(/a(\d+):/g, 'b$1:')} }`;
    const f = await timed(owner, viaFragment);
    expect(f.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(await audits('authz.denied')).toBe(before);
  });

  it('prices connections by what they can return: nested pages multiply', async () => {
    const fanOut =
      '{ spaces(first: 100) { edges { node { members(first: 100) { totalCount edges { node { user { id organization { name } } } } } } } } }';
    const r = await timed(owner, fanOut);
    expect({ code: r.body.errors?.[0]?.extensions.code, status: r.status }).toEqual({
      code: 'BAD_USER_INPUT',
      status: 400,
    });
    const viaVariables = await timed(
      owner,
      'query($n: Int) { feed(first: $n) { edges { node { comments(first: $n) { edges { node { id author { displayName } } } } reactions(first: $n) { totalCount } } } } }',
      { n: 100 },
    );
    expect({ code: viaVariables.body.errors?.[0]?.extensions.code, status: viaVariables.status }).toEqual({
      code: 'BAD_USER_INPUT',
      status: 400,
    });
  });

  it('answers what a portal and a reviewer naturally ask, with the default limits', async () => {
    const reviewer = await t.gql(
      admin,
      `{ spaces(first: 20) { totalCount edges { node { id name classification
      members(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { node { id role expiresAt user { id displayName email organization { name } } } } } } } } }`,
    );
    expect(reviewer.body.errors).toBeUndefined();
    expect(reviewer.body.data.spaces.edges.length).toBeGreaterThanOrEqual(5);
    const feed = await t.gql(
      owner,
      `{ feed(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title label hidden createdAt commentCount
      author { id displayName email organization { name } } space { id name } } } } }`,
    );
    expect(feed.body.errors).toBeUndefined();
    expect(feed.body.data.feed.edges.length).toBeGreaterThan(0);
    const post = await t.gql(
      owner,
      `query($id: ID!) { post(id: $id) { id title body commentCount space { name } author { displayName }
      comments(first: 100) { totalCount edges { node { id body createdAt author { displayName organization { name } } } } }
      reactions(first: 100) { totalCount edges { node { id kind author { displayName } } } } } }`,
      { id: ids['p-hub-host'] },
    );
    expect(post.body.errors).toBeUndefined();
    expect(post.body.data.post.comments.totalCount).toBe(3);
    const page = await t.gql(
      owner,
      `query($id: ID!) { space(id: $id) { name members(first: 100) { edges { node { role user { displayName } } } }
      posts(first: 50) { edges { node { title commentCount author { displayName } } } } } me { id displayName organization { name } } }`,
      { id: ids.open },
    );
    expect(page.body.errors).toBeUndefined();
  });

  it('keeps answering another user quickly while abusive documents are sent', async () => {
    const abusive = [
      lookups(2400, 'node'),
      ROOT_DOUBLING,
      DEEP_DOUBLING,
      lookups(2400, 'post'),
      `{ me { ${'id '.repeat(20_000)} } }`,
    ];
    const abuse = Promise.all(abusive.map((doc) => timed(owner, doc)));
    // Let the abusive requests reach the server first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const mine = await timed(admin, '{ me { id } }');
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data.me.id).toBe(ids.admin);
    expect(mine.ms).toBeLessThan(1000);
    for (const r of await abuse)
      expect({ code: r.body.errors?.[0]?.extensions.code, status: r.status }).toEqual({
        code: 'BAD_USER_INPUT',
        status: 400,
      });
  });

  it('gives refusals before execution the HTTP status of their code', async () => {
    const deep = await t.gql(
      owner,
      '{ feed { edges { node { comments { edges { node { post { space { posts { edges { node { id } } } } } } } } } } } }',
    );
    const costly = await t.gql(owner, lookups(200, 'node'));
    const broken = await t.gql(owner, '{ feed { ');
    const unknown = await t.gql(owner, '{ feed { nope } }');
    for (const r of [deep, costly, broken, unknown]) {
      expect({ code: r.body.errors?.[0]?.extensions.code, status: r.status }).toEqual({
        code: 'BAD_USER_INPUT',
        status: 400,
      });
    }
    const anonymous = await t.gql(null, '{ me { id } }');
    expect({ code: anonymous.body.errors?.[0]?.extensions.code, status: anonymous.status }).toEqual({
      code: 'UNAUTHENTICATED',
      status: 401,
    });
  });

  it('audits refusals of documents, once per request', async () => {
    const before = await audits('graphql.refused');
    const r = await t.gql(
      owner,
      '{ spaces(first: 100) { edges { node { members(first: 100) { edges { node { user { id } } } } } } } }',
    );
    expect(r.status).toBe(400);
    expect(await audits('graphql.refused')).toBe(before + 1);
    const [event] = await t.dataSource.query(
      `SELECT actor_id, reason FROM audit_events WHERE action = 'graphql.refused' ORDER BY seq DESC LIMIT 1`,
    );
    expect(event).toEqual({ actor_id: ids.owner, reason: 'too_complex' });
  });
});

describe('Apollo Sandbox', () => {
  it('is served at GET /graphql to a browser outside production', async () => {
    const t = await startTestApp({ NODE_ENV: 'development', DEMO_IDP: 'false' });
    try {
      const r = await request(t.http).get('/graphql').set('Accept', 'text/html');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.text).toMatch(/sandbox/i);
    } finally {
      await t.close();
    }
  });

  it('is not served in production', async () => {
    const t = await startTestApp({ NODE_ENV: 'production', SECRET_KEY: 'ab'.repeat(32) });
    try {
      const r = await request(t.http).get('/graphql').set('Accept', 'text/html');
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.text).not.toMatch(/sandbox/i);
    } finally {
      await t.close();
    }
  });
});
