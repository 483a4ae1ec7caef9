import { SMALL_WORLD } from './fixtures/small-world';
import { expectData } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// The read path's statements are prepared once per session and run on PostgreSQL's generic
// plan from their first call (plan_cache_mode, data-source.factory.ts): never planned again
// with a caller's values, and never JIT-compiled. Read from PostgreSQL's own count of each
// prepared statement's plans and from the session's settings, on a gateway with one
// connection, so that the session the test asks is the one that served.
// Needs a PostgreSQL server (DATABASE_URL); the embedded database prepares nothing.
const describePg = process.env.DATABASE_URL ? describe : describe.skip;

const FEED = `{ feed(first: 5) { edges { node { id title commentCount author { displayName } } } } }`;
const SPACE_PAGE = `query($id: ID!) { space(id: $id) { id posts(first: 5) { edges { node { id title
  comments(first: 3) { edges { node { id body author { displayName organization { name } } } } } } } } } }`;

interface PlanCount {
  name: string;
  statement: string;
  generic_plans: string;
  custom_plans: string;
}

describePg('generic plans', () => {
  let t: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '1' });
    ids = await t.importWorld(SMALL_WORLD);
  });
  afterAll(() => t.close());

  it('runs each list statement on its generic plan from its first call, for a host member and for an external one in a HUB space', async () => {
    const callers = ['owner', 'alice'];
    const calls = 7;
    for (const caller of callers) {
      const token = await t.tokenFor(ids[caller]);
      for (let i = 0; i < calls; i++) {
        expectData(await t.gql(token, FEED));
        const page = expectData<{ space: { posts: { edges: unknown[] } } }>(
          await t.gql(token, SPACE_PAGE, { id: ids.hub }),
        );
        expect(page.space.posts.edges.length).toBeGreaterThan(0);
      }
    }
    const plans: PlanCount[] = await t.dataSource.query(
      `SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'psl\\_%'`,
    );
    // Every list call (the feed's and the space page's, whether or not it also proved a cached
    // principal) ran a generic plan, and no statement was ever planned with a caller's values.
    const lists = plans.filter((p) => p.statement.includes('FROM posts p'));
    const listCalls = lists.reduce((n, p) => n + Number(p.generic_plans) + Number(p.custom_plans), 0);
    expect(listCalls).toBe(callers.length * calls * 2);
    expect(plans.filter((p) => Number(p.custom_plans) > 0).map((p) => p.statement)).toEqual([]);
  });

  it('runs its statements without JIT compilation, whatever the server is configured with', async () => {
    // The pool's one session is the one that serves the gateway's requests.
    const [{ jit }] = await t.dataSource.query<{ jit: string }[]>(`SHOW jit`);
    expect(jit).toBe('off');
    // Turned off by the gateway's own connection options ('client'), not by a server, database
    // or role that happens to be set so ('configuration file', 'database', 'user').
    const [setting] = await t.dataSource.query<{ setting: string; source: string }[]>(
      `SELECT setting, source FROM pg_settings WHERE name = 'jit'`,
    );
    expect(setting).toEqual({ setting: 'off', source: 'client' });
  });
});
