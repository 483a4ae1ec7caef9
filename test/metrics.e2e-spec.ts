import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';
import { expectData } from './support/graphql-expect';

// Runs on in-memory PGlite, or on a fresh PostgreSQL database when DATABASE_URL is set.

const FEED = `query($first: Int) { feed(first: $first) { edges { node {
  id title label createdAt commentCount space { id name } author { id displayName email organization { id name } } } } } }`;

const SPACE_PAGE = `query($id: ID!, $first: Int) { space(id: $id) { id name posts(first: $first) { edges { node {
  id title commentCount author { id displayName }
  comments(first: 5) { edges { node { id body author { id displayName organization { name } } } } } } } } } }`;

const ORGS = ['host', 'acme', 'bolt'] as const;
const SPACES = ['lab', 'hub', 'plant'] as const;
const POSTS = 60;

/**
 * A world where a page of 50 posts spans 3 spaces, 12 authors from 3 organisations, and
 * every post has comments by several people: a resolver that fetched per row would cost
 * dozens of statements here.
 */
function world() {
  const authors = ORGS.flatMap((org) => [0, 1, 2, 3].map((i) => ({ key: `${org}-${i}`, org })));
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();
  return {
    organizations: ORGS.map((key) => ({
      key,
      name: key.toUpperCase(),
      kind: key === 'host' ? 'HOST' : 'PARTNER',
      domains: [`${key}.test`],
      clearanceCap: key === 'host' ? 4 : 2,
      status: 'ACTIVE',
    })),
    users: [
      { key: 'reader', organization: 'host', email: 'reader@host.test', displayName: 'Reader', clearance: 4 },
      { key: 'lone', organization: 'acme', email: 'lone@acme.test', displayName: 'Lone', clearance: 2 },
      ...authors.map((a) => ({
        key: a.key,
        organization: a.org,
        email: `${a.key}@${a.org}.test`,
        displayName: `Author ${a.key}`,
        clearance: 2,
      })),
    ],
    spaces: SPACES.map((key) => ({
      key,
      name: `Space ${key}`,
      classification: 0,
      partnerVisibility: key === 'hub' ? 'HUB' : 'OPEN',
    })),
    memberships: [
      ...SPACES.map((space) => ({ user: 'reader', space, role: 'OWNER' })),
      { user: 'lone', space: 'plant', role: 'MEMBER' },
      ...authors.flatMap((a) =>
        SPACES.map((space) => ({ user: a.key, space, role: a.org === 'host' ? 'ANIMATOR' : 'MEMBER' })),
      ),
    ],
    posts: Array.from({ length: POSTS }, (_, i) => ({
      key: `p${i}`,
      space: SPACES[i % SPACES.length],
      author: authors[i % authors.length].key,
      title: `Post ${i}`,
      body: 'text',
      createdAt: at(i * 10),
    })),
    comments: Array.from({ length: POSTS * 6 }, (_, i) => ({
      key: `c${i}`,
      post: `p${i % POSTS}`,
      author: authors[(i * 5) % authors.length].key,
      body: `comment ${i}`,
      createdAt: at((i % POSTS) * 10 + 1 + Math.floor(i / POSTS)),
    })),
  };
}

describe('metrics', () => {
  describe('with METRICS_ENABLED', () => {
    let t: TestApp;
    let ids: Record<string, string>;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      t = await startTestApp({ METRICS_ENABLED: 'true' });
      ids = await t.importWorld(world());
      tokens.reader = await t.tokenFor(ids.reader);
      tokens.lone = await t.tokenFor(ids.lone);
    });

    afterAll(() => t.close());

    const scrape = async () => {
      const res = await request(t.http).get('/metrics');
      expect(res.status).toBe(200);
      return res.text;
    };
    const counter = (text: string, name: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

    /** SQL statements and HTTP requests counted by /metrics while `run` ran. */
    const measure = async (run: () => Promise<unknown>) => {
      const before = await scrape();
      await run();
      const after = await scrape();
      return {
        queries: counter(after, 'passerelle_sql_queries_total') - counter(before, 'passerelle_sql_queries_total'),
        requests: counter(after, 'passerelle_http_requests_total') - counter(before, 'passerelle_http_requests_total'),
      };
    };

    /** Statements spent by one GraphQL request, after checking what it returned. */
    const queriesFor = async (
      token: string,
      query: string,
      variables: Record<string, unknown>,
      check: (data: any) => void,
    ) => {
      let data: any;
      const m = await measure(async () => {
        const r = await t.gql(token, query, variables);
        expect(r.body.errors).toBeUndefined();
        data = r.body.data;
      });
      check(data);
      expect(m.requests).toBe(1);
      return m.queries;
    };

    it('serves Prometheus text to a caller without credentials', async () => {
      const res = await request(t.http).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.text).toMatch(/^# TYPE passerelle_sql_queries_total counter$/m);
      expect(res.text).toMatch(/^process_resident_memory_bytes \d+$/m);
    });

    it('counts answered requests, GraphQL included, but not its own scrapes', async () => {
      const m = await measure(async () => {
        await t.gql(tokens.reader, '{ me { id } }');
        await t.gql(null, '{ me { id } }');
        await request(t.http).get('/metrics');
      });
      expect(m.requests).toBe(2);
      expect(m.queries).toBeGreaterThan(0);
    });

    it('costs the feed the same handful of statements for a page of 5 posts and of 50', async () => {
      const sizes = [5, 50];
      const costs: number[] = [];
      for (const first of sizes) {
        costs.push(
          await queriesFor(tokens.reader, FEED, { first }, (data) => {
            const nodes = data.feed.edges.map((e: any) => e.node);
            expect(nodes).toHaveLength(first);
            if (first === 50) {
              // The page really spans many authors, organisations and spaces, with comments.
              expect(new Set(nodes.map((n: any) => n.author.id)).size).toBe(12);
              expect(new Set(nodes.map((n: any) => n.author.organization.id)).size).toBe(3);
              expect(new Set(nodes.map((n: any) => n.space.id)).size).toBe(3);
              expect(nodes.every((n: any) => n.commentCount === 6)).toBe(true);
            }
          }),
        );
      }
      expect(costs[0]).toBe(costs[1]);
      expect(costs[1]).toBeLessThanOrEqual(8);
    });

    it('costs an almost empty feed no more than a full one', async () => {
      // Both callers' principals cached, as they are after a caller's first request.
      for (const token of [tokens.lone, tokens.reader]) expectData(await t.gql(token, FEED, { first: 50 }));
      const lone = await queriesFor(tokens.lone, FEED, { first: 50 }, (data) =>
        expect(data.feed.edges.length).toBeGreaterThan(0),
      );
      const full = await queriesFor(tokens.reader, FEED, { first: 50 }, () => undefined);
      expect(lone).toBeLessThanOrEqual(full);
    });

    it('costs a space page a constant number of statements, whatever its size', async () => {
      const costs: number[] = [];
      for (const first of [2, 20]) {
        costs.push(
          await queriesFor(tokens.reader, SPACE_PAGE, { id: ids.lab, first }, (data) => {
            const posts = data.space.posts.edges.map((e: any) => e.node);
            expect(posts).toHaveLength(first);
            expect(posts.every((p: any) => p.comments.edges.length === 5)).toBe(true);
          }),
        );
      }
      expect(costs[0]).toBe(costs[1]);
      expect(costs[1]).toBeLessThanOrEqual(12);
    });
  });

  describe('without METRICS_ENABLED', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });

    afterAll(() => t.close());

    it('mounts no /metrics route', async () => {
      const res = await request(t.http).get('/metrics');
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('passerelle_');
    });
  });
});
