import request from 'supertest';
import { SessionService } from '../src/auth/session.service';
import { Comment } from '../src/database/entities/comment.entity';
import { Notification } from '../src/database/entities/notification.entity';
import { Post } from '../src/database/entities/post.entity';
import { REALTIME_BUS, RealtimeBus } from '../src/realtime/realtime.bus';
import { RealtimeEvent } from '../src/realtime/realtime-event';
import {
  CLOSE_TOO_MANY_SOCKETS,
  MAX_SOCKETS_PER_USER,
  MAX_SUBSCRIPTIONS_PER_SOCKET,
} from '../src/graphql/subscription-server';
import { RealtimeService } from '../src/realtime/realtime.service';
import { expectData } from './support/graphql-expect';
import {
  openSocket,
  socketUrl,
  SocketOptions,
  TestSocket,
  TestSubscription,
  until,
} from './support/subscription-client';
import { startTestApp, TestApp } from './support/test-app';

// Issue 9, item 4: subscriptions over graphql-ws. Events are published after commit by the
// entity subscriber and checked, when delivered, against the subscriber's current abilities:
// labels, HUB, hidden posts, an expiry or a revocation in the middle of the stream. The
// socket authenticates with a token or the session cookie (from our own origin only) and
// closes when the credential no longer authenticates.

const T0 = new Date('2026-06-01T00:00:00Z');

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4, status: 'ACTIVE' },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2, status: 'ACTIVE' },
    { key: 'bolt', name: 'Bolt', kind: 'CLIENT', domains: ['bolt.test'], clearanceCap: 4, status: 'ACTIVE' },
  ],
  users: (
    [
      ['owner', 'host', 4, []],
      ['admin', 'host', 4, ['HOST_ADMIN']],
      ['staff', 'host', 1, []],
      ['alice', 'acme', 3, []],
      ['carl', 'acme', 2, []],
      ['dora', 'acme', 2, []],
      ['gina', 'acme', 2, []],
      ['bob', 'bolt', 4, []],
      ['erin', 'bolt', 4, []],
    ] as [string, string, number, string[]][]
  ).map(([key, organization, clearance, roles]) => ({
    key,
    organization,
    email: `${key}@${organization}.test`,
    displayName: `${key} ${organization}`,
    clearance,
    status: 'ACTIVE',
    roles,
    skills: [],
  })),
  spaces: [
    {
      key: 'open',
      name: 'Open lab',
      purpose: 'co-design',
      classification: 1,
      status: 'ACTIVE',
      partnerVisibility: 'OPEN',
    },
    { key: 'hub', name: 'Hub', purpose: 'competitors', classification: 0, status: 'ACTIVE', partnerVisibility: 'HUB' },
  ],
  memberships: [
    { user: 'owner', space: 'open', role: 'OWNER', status: 'ACTIVE' },
    { user: 'owner', space: 'hub', role: 'OWNER', status: 'ACTIVE' },
    { user: 'staff', space: 'open', role: 'MEMBER', status: 'ACTIVE' },
    ...['alice', 'carl', 'dora', 'gina'].flatMap((user) =>
      ['open', 'hub'].map((space) => ({
        user,
        space,
        role: 'MEMBER',
        status: 'ACTIVE',
        // Carl's grant to the open lab ends at noon on the test's day.
        expiresAt: user === 'carl' && space === 'open' ? '2026-06-01T12:00:00Z' : '2999-01-01T00:00:00Z',
      })),
    ),
    { user: 'bob', space: 'hub', role: 'MEMBER', status: 'ACTIVE', expiresAt: '2999-01-01T00:00:00Z' },
    { user: 'erin', space: 'hub', role: 'MEMBER', status: 'ACTIVE', expiresAt: '2999-01-01T00:00:00Z' },
  ],
  posts: [
    {
      key: 'p-open',
      space: 'open',
      author: 'owner',
      title: 'Kickoff',
      body: 'Welcome',
      label: 1,
      hidden: false,
      createdAt: '2026-01-01T10:00:00Z',
    },
    {
      key: 'p-hub',
      space: 'hub',
      author: 'owner',
      title: 'Brief',
      body: 'For all',
      label: 0,
      hidden: false,
      createdAt: '2026-01-02T10:00:00Z',
    },
  ],
  comments: [],
};

const POST_ADDED = `subscription($spaceId: ID) { postAdded(spaceId: $spaceId) { id title label hidden author { id } space { id name } } }`;
const COMMENT_ADDED = `subscription($postId: ID!) { commentAdded(postId: $postId) { id body author { id } post { id } } }`;
const NOTIFICATION_ADDED = `subscription { notificationAdded { id kind title read } }`;

describe('subscriptions over graphql-ws', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let url: string;
  let origin: string;
  const tokens: Record<string, string> = {};
  const sockets: TestSocket[] = [];
  const orgOf: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ SUBSCRIPTION_RECHECK_MS: '200' });
    t.clock.set(T0);
    ids = await t.importWorld(WORLD);
    for (const u of WORLD.users) {
      tokens[u.key] = await t.tokenFor(ids[u.key]);
      orgOf[u.key] = ids[u.organization as string];
    }
    url = await socketUrl(t.app);
    origin = new URL(t.config.publicUrl).origin;
  });
  // Each test starts with no socket open: the gateway bounds the sockets one person holds.
  afterEach(async () => {
    await Promise.all(
      sockets.splice(0).map((s) => {
        s.close();
        return s.closed;
      }),
    );
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  const realtime = () => t.app.get(RealtimeService);

  /** An acknowledged socket. */
  async function connect(options: SocketOptions): Promise<TestSocket> {
    const socket = openSocket(url, options);
    sockets.push(socket);
    expect(await socket.acked).toBe(true);
    return socket;
  }

  /** Subscriptions started and registered on the server (events published from now on reach them). */
  async function follow(
    who: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ socket: TestSocket; sub: TestSubscription }> {
    const socket = await connect({ token: tokens[who] });
    const before = realtime().openCount;
    const sub = socket.subscribe(query, variables);
    await until(() => (realtime().openCount > before ? true : undefined), 5000, 'the subscription to start');
    return { socket, sub };
  }

  let n = 0;
  /** A post inserted as a writer does: with the entity manager, in a transaction. */
  async function insertPost(author: string, space: string, fields: Partial<Post> = {}): Promise<Post> {
    n++;
    return t.dataSource.transaction((m) =>
      m.save(
        m.create(Post, {
          spaceId: ids[space],
          authorId: ids[author],
          authorOrganizationId: orgOf[author],
          title: `post ${n}`,
          body: 'text',
          label: 1,
          hidden: false,
          ...fields,
        }),
      ),
    );
  }

  async function insertComment(author: string, post: string, fields: Partial<Comment> = {}): Promise<Comment> {
    n++;
    return t.dataSource.transaction((m) =>
      m.save(
        m.create(Comment, {
          postId: post,
          authorId: ids[author],
          authorOrganizationId: orgOf[author],
          body: `comment ${n}`,
          ...fields,
        }),
      ),
    );
  }

  /** The first defined answer of `read`, polled (audit events are appended just after the fact). */
  async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T | undefined> {
    const started = Date.now();
    for (;;) {
      const value = await read();
      if (value !== undefined || Date.now() - started > timeoutMs) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const titles = (sub: TestSubscription) => sub.received.map((r) => r.data?.postAdded?.title);

  describe('the events', () => {
    /** What the entity subscriber hands to the bus while `run` runs, and when. */
    async function published(run: (mark: (label: string) => void) => Promise<unknown>): Promise<string[]> {
      const bus = t.app.get<RealtimeBus>(REALTIME_BUS);
      const seen: string[] = [];
      const spy = jest.spyOn(bus, 'publish').mockImplementation(async (events: RealtimeEvent[]) => {
        seen.push(events.map((e) => `${e.kind}:${e.id}`).join(','));
      });
      try {
        await run((label) => seen.push(label));
      } finally {
        spy.mockRestore();
      }
      return seen;
    }
    const row = (author: string, title: string) => ({
      spaceId: ids.open,
      authorId: ids[author],
      authorOrganizationId: orgOf[author],
      title,
      body: 'x',
      label: 1,
    });

    it('are published once the transaction commits, together, and never for a rollback', async () => {
      let first!: Post;
      let second!: Post;
      const log = await published(async (mark) => {
        await t.dataSource.transaction(async (m) => {
          first = await m.save(m.create(Post, row('owner', 'one')));
          second = await m.save(m.create(Post, row('owner', 'two')));
          mark('before commit');
        });
        await t.dataSource
          .transaction(async (m) => {
            await m.save(m.create(Post, row('owner', 'rolled back')));
            throw new Error('abort');
          })
          .catch(() => undefined);
        mark('after rollback');
      });
      expect(log).toEqual(['before commit', `post:${first.id},post:${second.id}`, 'after rollback']);
    });

    it('keep what a rolled-back savepoint inserted out, and the rest of the transaction in', async () => {
      let kept!: Post;
      let after!: Post;
      const log = await published(async () => {
        await t.dataSource.transaction(async (m) => {
          kept = await m.save(m.create(Post, row('owner', 'kept')));
          await m
            .transaction(async (inner) => {
              await inner.save(inner.create(Post, row('owner', 'savepoint rolled back')));
              throw new Error('abort');
            })
            .catch(() => undefined);
          after = await m.save(m.create(Post, row('owner', 'after the savepoint')));
        });
      });
      expect(log).toEqual([`post:${kept.id},post:${after.id}`]);
    });

    it('are published at once for an insert outside any transaction, comments and notifications too', async () => {
      let comment!: { id: string };
      let notice!: { id: string };
      const log = await published(async () => {
        const result = await t.dataSource
          .createQueryBuilder()
          .insert()
          .into(Comment)
          .values({ postId: ids['p-open'], authorId: ids.owner, authorOrganizationId: orgOf.owner, body: 'raw' })
          .execute();
        comment = result.identifiers[0] as { id: string };
        notice = await t.dataSource.manager.save(
          t.dataSource.manager.create(Notification, { userId: ids.alice, kind: 'membership.renewed', data: {} }),
        );
      });
      expect(log).toEqual([`comment:${comment.id}`, `notification:${notice.id}`]);
    });
  });

  describe('postAdded', () => {
    it('delivers a new post, with its fields resolved for the subscriber, to a member signed in with a token', async () => {
      const { sub } = await follow('alice', POST_ADDED);
      const post = await insertPost('owner', 'open', { title: 'Hello' });
      expect((await sub.nth(1)).data).toEqual({
        postAdded: {
          id: post.id,
          title: 'Hello',
          label: 1,
          hidden: false,
          author: { id: ids.owner },
          space: { id: ids.open, name: 'Open lab' },
        },
      });
    });

    it('delivers only posts within the subscriber’s clearance, and hidden posts only to moderators', async () => {
      const alice = await follow('alice', POST_ADDED); // effective clearance 2 (Acme's cap)
      const staff = await follow('staff', POST_ADDED); // clearance 1
      const owner = await follow('owner', POST_ADDED);
      await insertPost('owner', 'open', { title: 'label 3', label: 3 });
      await insertPost('owner', 'open', { title: 'label 2', label: 2 });
      await insertPost('owner', 'open', { title: 'hidden', hidden: true });
      await insertPost('owner', 'open', { title: 'label 1', label: 1 });
      // Events are delivered in order: once the last one arrived, the others were decided.
      await owner.sub.nth(4);
      await alice.sub.nth(2);
      await staff.sub.nth(1);
      expect(titles(owner.sub)).toEqual(['label 3', 'label 2', 'hidden', 'label 1']);
      expect(titles(alice.sub)).toEqual(['label 2', 'label 1']);
      expect(titles(staff.sub)).toEqual(['label 1']);
    });

    it('applies the HUB rule: an external subscriber gets the host’s and their own organisation’s posts only', async () => {
      const alice = await follow('alice', POST_ADDED, { spaceId: ids.hub });
      const bob = await follow('bob', POST_ADDED, { spaceId: ids.hub });
      const owner = await follow('owner', POST_ADDED, { spaceId: ids.hub });
      await insertPost('bob', 'hub', { title: 'from Bolt', label: 0 });
      await insertPost('carl', 'hub', { title: 'from Acme', label: 0 });
      await insertPost('owner', 'hub', { title: 'from the host', label: 0 });
      await owner.sub.nth(3);
      await alice.sub.nth(2);
      await bob.sub.nth(2);
      expect(titles(owner.sub)).toEqual(['from Bolt', 'from Acme', 'from the host']);
      expect(titles(alice.sub)).toEqual(['from Acme', 'from the host']);
      expect(titles(bob.sub)).toEqual(['from Bolt', 'from the host']);
    });

    it('with a spaceId, delivers that space’s posts only', async () => {
      const { sub } = await follow('alice', POST_ADDED, { spaceId: ids.hub });
      await insertPost('owner', 'open', { title: 'elsewhere' });
      await insertPost('owner', 'hub', { title: 'here', label: 0 });
      await sub.nth(1);
      expect(titles(sub)).toEqual(['here']);
    });

    it('delivers nothing to a subscriber outside the space, and refuses a space they do not see like a missing one', async () => {
      // Bob is in the hub only: the open lab's posts never reach him.
      const bob = await follow('bob', POST_ADDED);
      await insertPost('owner', 'open', { title: 'members only' });
      await insertPost('owner', 'hub', { title: 'for the hub', label: 0 });
      await bob.sub.nth(1);
      expect(titles(bob.sub)).toEqual(['for the hub']);

      const socket = await connect({ token: tokens.bob });
      const invisible = socket.subscribe(POST_ADDED, { spaceId: ids.open });
      const missing = socket.subscribe(POST_ADDED, { spaceId: '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11' });
      const malformed = socket.subscribe(POST_ADDED, { spaceId: 'nope' });
      await Promise.all([invisible.settled(), missing.settled(), malformed.settled()]);
      const shape = (s: TestSubscription) => s.received.map((r) => ({ data: r.data, errors: r.errors }));
      expect(shape(invisible)).toEqual([
        {
          data: undefined,
          errors: [
            {
              message: 'Not found',
              path: ['postAdded'],
              locations: expect.any(Array),
              extensions: { code: 'NOT_FOUND' },
            },
          ],
        },
      ]);
      expect(shape(missing)).toEqual(shape(invisible));
      expect(shape(malformed)).toEqual(shape(invisible));
      const [denial] = await t.dataSource.query(
        `SELECT reason FROM audit_events WHERE action = 'authz.denied' AND actor_id = $1 AND subject_id = $2`,
        [ids.bob, ids.open],
      );
      expect(denial).toEqual({ reason: 'not_visible_or_missing' });
    });

    it('publishes after commit only: a rolled-back post is never delivered', async () => {
      const { sub } = await follow('owner', POST_ADDED, { spaceId: ids.open });
      await expect(
        t.dataSource.transaction(async (m) => {
          await m.save(
            m.create(Post, {
              spaceId: ids.open,
              authorId: ids.owner,
              authorOrganizationId: orgOf.owner,
              title: 'rolled back',
              body: 'x',
              label: 1,
            }),
          );
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await insertPost('owner', 'open', { title: 'committed' });
      await sub.nth(1);
      expect(titles(sub)).toEqual(['committed']);
    });

    it('stops delivering at once when the subscriber’s grant expires in the middle of the stream', async () => {
      const { socket, sub } = await follow('carl', POST_ADDED);
      await insertPost('owner', 'open', { title: 'before expiry' });
      await sub.nth(1);
      t.clock.set(new Date('2026-06-01T12:00:00Z')); // the instant Carl's grant to the open lab ends
      try {
        await insertPost('owner', 'open', { title: 'after expiry' });
        await insertPost('owner', 'hub', { title: 'still in the hub', label: 0 });
        await sub.nth(2);
        expect(titles(sub)).toEqual(['before expiry', 'still in the hub']);
        // The socket itself stays open: Carl still authenticates.
        expect(socket.ws.readyState).toBe(socket.ws.OPEN);
      } finally {
        t.clock.set(T0);
      }
    });

    it('stops delivering at once when the subscriber’s grant is revoked', async () => {
      const { sub } = await follow('dora', POST_ADDED);
      await insertPost('owner', 'open', { title: 'before revocation' });
      await sub.nth(1);
      const [grant] = await t.dataSource.query(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [
        ids.dora,
        ids.open,
      ]);
      expectData(
        await t.gql(tokens.owner, `mutation($id: ID!) { revokeMembership(id: $id, reason: "done") { status } }`, {
          id: grant.id,
        }),
      );
      await insertPost('owner', 'open', { title: 'after revocation' });
      await insertPost('owner', 'hub', { title: 'hub after revocation', label: 0 });
      await sub.nth(2);
      expect(titles(sub)).toEqual(['before revocation', 'hub after revocation']);
    });

    it('delivers a post written through createPost', async () => {
      const { sub } = await follow('alice', POST_ADDED, { spaceId: ids.open });
      const created = expectData(
        await t.gql(tokens.owner, `mutation($input: CreatePostInput!) { createPost(input: $input) { id title } }`, {
          input: { spaceId: ids.open, title: 'Through the API', body: 'Hello @nobody' },
        }),
      ).createPost;
      expect((await sub.nth(1)).data.postAdded).toEqual(
        expect.objectContaining({ id: created.id, title: 'Through the API' }),
      );
    });

    it('delivers a comment written through commentOnPost', async () => {
      const { sub } = await follow('alice', COMMENT_ADDED, { postId: ids['p-open'] });
      const created = expectData(
        await t.gql(tokens.owner, `mutation($postId: ID!) { commentOnPost(postId: $postId, body: "Réponse") { id } }`, {
          postId: ids['p-open'],
        }),
      ).commentOnPost;
      expect((await sub.nth(1)).data.commentAdded).toEqual(expect.objectContaining({ id: created.id }));
    });
  });

  describe('commentAdded', () => {
    it('delivers the comments the subscriber sees on a post they read (HUB rule included)', async () => {
      const alice = await follow('alice', COMMENT_ADDED, { postId: ids['p-hub'] });
      const owner = await follow('owner', COMMENT_ADDED, { postId: ids['p-hub'] });
      const fromBolt = await insertComment('bob', ids['p-hub']);
      await insertComment('owner', ids['p-open']); // another post
      const hidden = await insertComment('carl', ids['p-hub'], { hidden: true });
      const fromHost = await insertComment('owner', ids['p-hub']);
      await owner.sub.nth(3);
      await alice.sub.nth(1);
      expect(owner.sub.received.map((r) => r.data.commentAdded.id)).toEqual([fromBolt.id, hidden.id, fromHost.id]);
      expect(alice.sub.received.map((r) => r.data.commentAdded)).toEqual([
        { id: fromHost.id, body: fromHost.body, author: { id: ids.owner }, post: { id: ids['p-hub'] } },
      ]);
    });

    it('refuses a post the subscriber does not read exactly like a missing one', async () => {
      // Staff is not in the hub; Bob reads no post of the open lab.
      const socket = await connect({ token: tokens.staff });
      const readable = socket.subscribe(COMMENT_ADDED, { postId: ids['p-open'] });
      const invisible = socket.subscribe(COMMENT_ADDED, { postId: ids['p-hub'] });
      const missing = socket.subscribe(COMMENT_ADDED, { postId: '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11' });
      await Promise.all([invisible.settled(), missing.settled()]);
      expect(readable.received).toEqual([]);
      expect(readable.completed).toBe(false);
      expect(invisible.received[0].errors?.map((e) => e.extensions)).toEqual([{ code: 'NOT_FOUND' }]);
      expect(invisible.received).toEqual(missing.received);
    });
  });

  describe('notificationAdded', () => {
    it('delivers the subscriber’s own notifications, in their language, and nobody else’s', async () => {
      const alice = await follow('alice', NOTIFICATION_ADDED);
      const bob = await follow('bob', NOTIFICATION_ADDED);
      const notify = (who: string) =>
        t.dataSource.transaction((m) =>
          m.save(m.create(Notification, { userId: ids[who], kind: 'membership.renewed', spaceId: ids.open, data: {} })),
        );
      const forAlice = await notify('alice');
      const forBob = await notify('bob');
      expect((await alice.sub.nth(1)).data).toEqual({
        notificationAdded: { id: forAlice.id, kind: 'membership.renewed', title: expect.any(String), read: false },
      });
      await bob.sub.nth(1);
      expect(alice.sub.received.map((r) => r.data.notificationAdded.id)).toEqual([forAlice.id]);
      expect(bob.sub.received.map((r) => r.data.notificationAdded.id)).toEqual([forBob.id]);
    });

    it('delivers the notice a mutation writes in its transaction, once it commits', async () => {
      const { sub } = await follow('gina', NOTIFICATION_ADDED);
      const [grant] = await t.dataSource.query(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [
        ids.gina,
        ids.hub,
      ]);
      expectData(
        await t.gql(tokens.owner, `mutation($id: ID!) { revokeMembership(id: $id, reason: "done") { status } }`, {
          id: grant.id,
        }),
      );
      expect((await sub.nth(1)).data.notificationAdded.kind).toBe('membership.revoked');
    });
  });

  describe('the socket', () => {
    it('refuses a socket without a credential, or with a bad token (4401), and audits it', async () => {
      const none = openSocket(url, {});
      const bad = openSocket(url, { token: 'psl_not-a-token' });
      sockets.push(none, bad);
      expect(await none.acked).toBe(false);
      expect(await none.closedWithin()).toEqual({ code: 4401, reason: 'Unauthorized' });
      expect(await bad.acked).toBe(false);
      expect((await bad.closedWithin()).code).toBe(4401);
      const reasons = (
        await t.dataSource.query(
          `SELECT reason FROM audit_events WHERE action = 'auth.unauthenticated' AND details->>'path' = '/graphql'`,
        )
      ).map((r: { reason: string }) => r.reason);
      expect(reasons).toEqual(expect.arrayContaining(['no_credential', 'token_invalid_expired_or_revoked']));
    });

    it('takes the session cookie from our own origin only (cross-site WebSocket hijacking)', async () => {
      const cookie = await t.sessionFor(ids.alice);
      const same = await connect({ cookie, origin });
      expect(same.ws.readyState).toBe(same.ws.OPEN);
      for (const bad of ['https://evil.example', undefined]) {
        const socket = openSocket(url, { cookie, origin: bad });
        sockets.push(socket);
        expect(await socket.acked).toBe(false);
        expect(await socket.closedWithin()).toEqual({ code: 4403, reason: 'Forbidden' });
      }
      const [refusal] = await t.dataSource.query(
        `SELECT reason, details FROM audit_events WHERE action = 'subscription.refused' ORDER BY seq LIMIT 1`,
      );
      expect(refusal).toEqual({ reason: 'bad_origin', details: { origin: 'https://evil.example' } });
    });

    it('closes a cookie socket when its session is revoked (4401), on the timer, without any event', async () => {
      const cookie = await t.sessionFor(ids.erin);
      const socket = await connect({ cookie, origin });
      const sub = socket.subscribe(NOTIFICATION_ADDED);
      const [session] = await t.dataSource.query(
        `SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`,
        [ids.erin],
      );
      await t.app.get(SessionService).revoke(session.id, 'logout');
      expect(await socket.closedWithin()).toEqual({ code: 4401, reason: 'Unauthorized' });
      expect(sub.received).toEqual([]);
      const closed = await eventually(
        async () =>
          (
            await t.dataSource.query(
              `SELECT reason, details FROM audit_events WHERE action = 'subscription.closed' AND actor_id = $1`,
              [ids.erin],
            )
          )[0],
      );
      expect(closed).toEqual({ reason: 'credential_ended', details: { via: 'session', code: 4401 } });
    });

    it('closes a socket when its session times out (test clock)', async () => {
      const cookie = await t.sessionFor(ids.erin);
      const socket = await connect({ cookie, origin });
      t.clock.set(new Date(T0.getTime() + (t.config.sessionIdleMinutes + 1) * 60_000));
      try {
        expect((await socket.closedWithin()).code).toBe(4401);
      } finally {
        t.clock.set(T0);
      }
    });

    it('closes the socket (4403) when its user no longer counts, and delivers nothing more', async () => {
      const { socket, sub } = await follow('gina', POST_ADDED);
      await insertPost('owner', 'open', { title: 'before the kill switch' });
      await sub.nth(1);
      await t.dataSource.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [ids.gina]);
      await insertPost('owner', 'open', { title: 'after the kill switch' });
      expect(await socket.closedWithin()).toEqual({ code: 4403, reason: 'Forbidden' });
      expect(titles(sub)).toEqual(['before the kill switch']);
    });

    it('bounds a socket message like a request body, before anyone is authenticated (1009)', async () => {
      const small = openSocket(url, { connectionParams: { authorization: `Bearer ${tokens.alice}`, pad: 'x' } });
      sockets.push(small);
      expect(await small.acked).toBe(true);
      const big = openSocket(url, {
        connectionParams: { pad: 'x'.repeat(t.config.graphqlMaxBodyBytes + 1) },
      });
      sockets.push(big);
      expect(await big.acked).toBe(false);
      expect((await big.closedWithin()).code).toBe(1009);
    });

    it('serves subscriptions only, within the same document limits as POST /graphql', async () => {
      const socket = await connect({ token: tokens.alice });
      const query = socket.subscribe(`{ me { id } }`);
      const deep = socket.subscribe(
        `subscription { postAdded { ${'space { posts { edges { node { '.repeat(3)}id${' } } } }'.repeat(3)} } }`,
      );
      const invalid = socket.subscribe(`subscription { postAdded { nope } }`);
      const unparsable = socket.subscribe(`subscription {`);
      await Promise.all([query, deep, invalid, unparsable].map((s) => s.settled()));
      for (const s of [query, deep, invalid, unparsable]) {
        expect(s.refused?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT' }]);
      }
      expect(query.refused?.[0].message).toMatch(/Only subscriptions/);
      expect(deep.refused?.[0].message).toMatch(/deep/i);
      // The socket survives refused documents.
      expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    });

    it('bounds the subscriptions of one socket and the sockets of one person', async () => {
      const socket = await connect({ token: tokens.alice });
      const held = Array.from({ length: MAX_SUBSCRIPTIONS_PER_SOCKET }, () => socket.subscribe(NOTIFICATION_ADDED));
      await until(() => (realtime().openCount >= MAX_SUBSCRIPTIONS_PER_SOCKET ? true : undefined), 5000, 'all held');
      const extra = socket.subscribe(NOTIFICATION_ADDED);
      await extra.settled();
      expect(extra.refused?.[0].message).toMatch(/At most 25 subscriptions per socket/);
      expect(held.every((h) => h.refused === null)).toBe(true);
      expect(socket.ws.readyState).toBe(socket.ws.OPEN);

      // Alice holds one socket already: nine more are accepted, the eleventh is closed.
      for (let i = 1; i < MAX_SOCKETS_PER_USER; i++) await connect({ token: tokens.alice });
      const tooMany = openSocket(url, { token: tokens.alice });
      sockets.push(tooMany);
      expect(await tooMany.acked).toBe(false);
      expect(await tooMany.closedWithin()).toEqual({ code: CLOSE_TOO_MANY_SOCKETS, reason: 'Too many sockets' });
      // Someone else is not affected.
      await connect({ token: tokens.bob });
      const refused = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'subscription.refused' AND reason = 'too_many_sockets'`,
      );
      expect(refused[0].n).toBe(1);
    });

    it('refuses a subscription sent over POST /graphql', async () => {
      const res = await request(t.http)
        .post('/graphql')
        .set('Authorization', `Bearer ${tokens.alice}`)
        .send({ query: NOTIFICATION_ADDED });
      expect(res.body.errors?.length).toBeGreaterThan(0);
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(res.body)).not.toMatch(/stack|at .*\.ts/);
    });
  });

  it('closes every socket when the application shuts down', async () => {
    const { socket } = await follow('alice', NOTIFICATION_ADDED);
    const closing = t.close();
    expect((await socket.closedWithin()).code).toBe(1001);
    await closing;
    expect(realtime().openCount).toBe(0);
    t = undefined as unknown as TestApp;
  });
});
