import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Post } from '../src/database/entities/post.entity';
import { RealtimeService } from '../src/realtime/realtime.service';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectData } from './support/graphql-expect';
import { openSocket, socketUrl, TestSocket, TestSubscription, until } from './support/subscription-client';
import { startTestApp, TestApp } from './support/test-app';

// Issue 9, item 4: two gateway instances share PostgreSQL and Redis. A subscriber on one
// receives what was posted on the other, and stops receiving at once when revoked there.
// Needs REDIS_URL and a PostgreSQL server (DATABASE_URL) both instances can reach; CI sets both.

const redisUrl = process.env.REDIS_URL;
const shared = redisUrl && process.env.DATABASE_URL;

const POST_ADDED = `subscription { postAdded { id title } }`;
const NOTIFICATION_ADDED = `subscription { notificationAdded { kind } }`;

(shared ? describe : describe.skip)('subscriptions across two instances through Redis', () => {
  const channel = `passerelle:test:${process.pid}:${randomBytes(4).toString('hex')}:realtime`;
  let a: TestApp;
  let b: TestApp;
  let ids: Record<string, string>;
  let spy: Redis;
  const heard: string[] = [];
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl!, REALTIME_REDIS_CHANNEL: channel };
    a = await startTestApp(env);
    // The second instance on the first one's database.
    b = await startTestApp({ ...env, DATABASE_URL: a.config.databaseUrl! });
    for (const t of [a, b]) t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await a.importWorld(SMALL_WORLD);
    spy = new Redis(redisUrl!);
    spy.on('message', (_channel: string, message: string) => heard.push(message));
    await spy.subscribe(channel);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    spy?.disconnect();
    await b?.close();
    await a?.close();
  });

  async function follow(t: TestApp, who: string, query: string): Promise<TestSubscription> {
    const socket = openSocket(await socketUrl(t.app), { token: await t.tokenFor(ids[who]) });
    sockets.push(socket);
    expect(await socket.acked).toBe(true);
    const realtime = t.app.get(RealtimeService);
    const before = realtime.openCount;
    const sub = socket.subscribe(query);
    await until(() => (realtime.openCount > before ? true : undefined), 5000, 'the subscription to start');
    return sub;
  }

  /** A post written on instance `t` as a writer does: entity manager, one transaction. */
  function insertPost(t: TestApp, space: string, title: string, label: number): Promise<Post> {
    return t.dataSource.transaction((m) =>
      m.save(
        m.create(Post, {
          spaceId: ids[space],
          authorId: ids.owner,
          authorOrganizationId: ids.host,
          title,
          body: 'text',
          label,
        }),
      ),
    );
  }

  const titles = (sub: TestSubscription) => sub.received.map((r) => r.data?.postAdded?.title);

  it('delivers on A a post committed on B, through Redis, which carries ids and no content', async () => {
    const alice = await follow(a, 'alice', POST_ADDED);
    const post = await insertPost(b, 'open', 'Written on B', 1);
    expect((await alice.nth(1)).data).toEqual({ postAdded: { id: post.id, title: 'Written on B' } });
    const message = await until(() => heard.find((m) => m.includes(post.id)), 5000, 'the Redis message');
    expect(JSON.parse(message)).toEqual([{ kind: 'post', id: post.id, spaceId: ids.open }]);
    expect(heard.join('')).not.toContain('Written on B');
  });

  it('stops delivering on A at once when the subscriber is revoked on B', async () => {
    const alice = await follow(a, 'alice', POST_ADDED);
    const notices = await follow(a, 'alice', NOTIFICATION_ADDED);
    await insertPost(b, 'open', 'before revocation', 1);
    await alice.nth(1);
    const [grant] = await b.dataSource.query(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [
      ids.alice,
      ids.open,
    ]);
    expectData(
      await b.gql(
        await b.tokenFor(ids.owner),
        `mutation($id: ID!) { revokeMembership(id: $id, reason: "end of project") { status } }`,
        { id: grant.id },
      ),
    );
    // The notice the revocation wrote on B reaches Alice on A.
    expect((await notices.nth(1)).data).toEqual({ notificationAdded: { kind: 'membership.revoked' } });
    await insertPost(b, 'open', 'after revocation', 1);
    await insertPost(b, 'hub', 'in the hub, still hers', 0);
    await alice.nth(2);
    expect(titles(alice)).toEqual(['before revocation', 'in the hub, still hers']);
  });
});
