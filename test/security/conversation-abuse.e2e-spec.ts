import { randomUUID } from 'node:crypto';
import { CONVERSATION_WORLD } from '../fixtures/conversation-world';
import { expectData, expectError } from '../support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from '../support/test-app';

// Conversation writes from people who must not reach the content: outsiders on every
// mutation, an invisible object answered exactly like a missing one, nothing above the
// caller's clearance (through a write, a history, a mention), and hostile input never a 500.

type Ids = Record<string, string>;
interface Case {
  name: string;
  query: string;
  vars: (target: Ids) => Record<string, unknown>;
}

/** Every conversation mutation, aimed at a target (space, post, comment) by id. */
const MUTATIONS: Case[] = [
  {
    name: 'createPost',
    query: `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`,
    vars: (t) => ({ input: { spaceId: t.space, title: 'Hi', body: 'there' } }),
  },
  {
    name: 'editPost',
    query: `mutation($id: ID!) { editPost(id: $id, body: "changed") { id } }`,
    vars: (t) => ({ id: t.post }),
  },
  {
    name: 'commentOnPost',
    query: `mutation($id: ID!) { commentOnPost(postId: $id, body: "hello") { id } }`,
    vars: (t) => ({ id: t.post }),
  },
  {
    name: 'editComment',
    query: `mutation($id: ID!) { editComment(id: $id, body: "changed") { id } }`,
    vars: (t) => ({ id: t.comment }),
  },
  {
    name: 'react to a post',
    query: `mutation($id: ID!) { react(postId: $id, emoji: "👍") { id } }`,
    vars: (t) => ({ id: t.post }),
  },
  {
    name: 'react to a comment',
    query: `mutation($id: ID!) { react(commentId: $id, emoji: "👍") { id } }`,
    vars: (t) => ({ id: t.comment }),
  },
  {
    name: 'unreact from a post',
    query: `mutation($id: ID!) { unreact(postId: $id, emoji: "👍") }`,
    vars: (t) => ({ id: t.post }),
  },
  {
    name: 'unreact from a comment',
    query: `mutation($id: ID!) { unreact(commentId: $id, emoji: "👍") }`,
    vars: (t) => ({ id: t.comment }),
  },
  {
    name: 'hidePost',
    query: `mutation($id: ID!) { hidePost(id: $id, reason: "spam") { id } }`,
    vars: (t) => ({ id: t.post }),
  },
  { name: 'unhidePost', query: `mutation($id: ID!) { unhidePost(id: $id) { id } }`, vars: (t) => ({ id: t.post }) },
  {
    name: 'hideComment',
    query: `mutation($id: ID!) { hideComment(id: $id, reason: "spam") { id } }`,
    vars: (t) => ({ id: t.comment }),
  },
  {
    name: 'unhideComment',
    query: `mutation($id: ID!) { unhideComment(id: $id) { id } }`,
    vars: (t) => ({ id: t.comment }),
  },
  { name: 'deletePost', query: `mutation($id: ID!) { deletePost(id: $id) { id } }`, vars: (t) => ({ id: t.post }) },
  {
    name: 'deleteComment',
    query: `mutation($id: ID!) { deleteComment(id: $id) { id } }`,
    vars: (t) => ({ id: t.comment }),
  },
  {
    name: 'relabelPost',
    query: `mutation($id: ID!) { relabelPost(id: $id, label: 4) { id } }`,
    vars: (t) => ({ id: t.post }),
  },
];

const MISSING: Ids = { space: randomUUID(), post: randomUUID(), comment: randomUUID() };
const MALFORMED: Ids = { space: 'not-an-id', post: "1' OR '1'='1", comment: '../x' };

describe('conversation abuse', () => {
  let t: TestApp;
  let ids: Ids;
  const tokens: Record<string, string> = {};
  /** Targets in the OPEN space (label 1), and in it above a partner's clearance (label 3). */
  let open: Ids;
  let secret: Ids;

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(CONVERSATION_WORLD);
    for (const u of CONVERSATION_WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
    const post = async (label: number, body: string) =>
      expectData(
        await t.gql(tokens.owner, `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`, {
          input: { spaceId: ids.open, title: `Label ${label}`, body, label },
        }),
      ).createPost.id as string;
    const comment = async (postId: string) =>
      expectData(
        await t.gql(tokens.owner, `mutation($id: ID!) { commentOnPost(postId: $id, body: "Owner's note") { id } }`, {
          id: postId,
        }),
      ).commentOnPost.id as string;
    const p1 = await post(1, 'Open words');
    open = { space: ids.open, post: p1, comment: await comment(p1) };
    const p3 = await post(3, 'Secret words');
    secret = { space: ids.open, post: p3, comment: await comment(p3) };
    // An earlier version of the secret post, to look for in every answer.
    expectData(
      await t.gql(tokens.owner, `mutation($id: ID!) { editPost(id: $id, body: "Secret words, revised") { id } }`, {
        id: p3,
      }),
    );
  });
  afterAll(() => t.close());

  const denials = async (actor: string) =>
    Number(
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1 AND outcome = 'DENIED'`,
          [ids[actor]],
        )
      )[0].n,
    );

  const same = (a: GqlResponse, b: GqlResponse) => {
    expectError(a, 'NOT_FOUND');
    const strip = (r: GqlResponse) => ({ status: r.status, body: r.body });
    expect(strip(a)).toEqual(strip(b));
  };

  const snapshot = async () =>
    t.dataSource.query(
      `SELECT (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM comments)::int AS comments,
              (SELECT count(*) FROM reactions)::int AS reactions, (SELECT count(*) FROM content_revisions)::int AS revisions,
              (SELECT string_agg(id::text || label || hidden || coalesce(deleted_at::text, ''), ',' ORDER BY id) FROM posts) AS post_state,
              (SELECT string_agg(id::text || hidden || coalesce(deleted_at::text, ''), ',' ORDER BY id) FROM comments) AS comment_state`,
    );

  // loner: a host user in no space; bob: a partner outside the OPEN space; admin: sees every
  // space but reads no content; other: an animator of another space.
  describe.each(['loner', 'bob', 'admin', 'other'])('an outsider (%s)', (who) => {
    it.each(MUTATIONS.filter((m) => m.name !== 'createPost'))(
      '$name: NOT_FOUND, the same answer as a missing or malformed id, audited, nothing changed',
      async ({ query, vars }) => {
        const before = await snapshot();
        const denied = await denials(who);
        const invisible = await t.gql(tokens[who], query, vars(open));
        same(invisible, await t.gql(tokens[who], query, vars(MISSING)));
        same(invisible, await t.gql(tokens[who], query, vars(MALFORMED)));
        expect(await denials(who)).toBe(denied + 3);
        expect(await snapshot()).toEqual(before);
      },
    );
  });

  it('createPost: an outsider of the space is NOT_FOUND as for a missing one; an overseer FORBIDDEN', async () => {
    const [create] = MUTATIONS;
    for (const who of ['loner', 'bob', 'other']) {
      same(
        await t.gql(tokens[who], create.query, create.vars(open)),
        await t.gql(tokens[who], create.query, create.vars(MISSING)),
      );
    }
    expect(
      expectError(await t.gql(tokens.admin, create.query, create.vars(open)), 'FORBIDDEN')[0].extensions.reason,
    ).toBe('ROLE_REQUIRED');
  });

  it('a member below a post’s label cannot reach it through any mutation (NOT_FOUND, as if missing)', async () => {
    // alice: clearance 3 capped at 2 by Acme; the post is labelled 3.
    const before = await snapshot();
    for (const m of MUTATIONS.filter((x) => x.name !== 'createPost')) {
      same(await t.gql(tokens.alice, m.query, m.vars(secret)), await t.gql(tokens.alice, m.query, m.vars(MISSING)));
    }
    expect(await snapshot()).toEqual(before);
    // The same mutations on the open post are hers to try: a legitimate one succeeds.
    expectData(await t.gql(tokens.alice, MUTATIONS[2].query, MUTATIONS[2].vars(open)));
  });

  it('no answer to a partner carries the words of a post above their clearance, nor of its history', async () => {
    const reads = [
      `{ feed(first: 20) { edges { node { title body history { body } comments(first: 5) { edges { node { body history { body } } } } } } } }`,
      `query($id: ID!) { space(id: $id) { posts(first: 20) { edges { node { title body history { body } } } } } }`,
      `{ notifications(first: 100) { edges { node { title body } } } }`,
    ];
    for (const q of reads) {
      const text = JSON.stringify(expectData(await t.gql(tokens.alice, q, { id: ids.open })));
      // Notices carry no words at all; the lists carry the open post's.
      if (!q.includes('notifications')) expect(text).toContain('Open words');
      expect(text).not.toMatch(/Secret words|Label 3/);
    }
    // The owner reads both, history included.
    const owner = JSON.stringify(expectData(await t.gql(tokens.owner, reads[0])));
    expect(owner).toContain('Secret words, revised');
    expect(owner).toMatch(/"body":"Secret words"/);
  });

  it('a mention of a partner in a post above their clearance reaches nobody and tells nothing of it', async () => {
    const res = expectData(
      await t.gql(
        tokens.owner,
        `mutation($input: CreatePostInput!) { createPost(input: $input) { id unreachableMentions } }`,
        { input: { spaceId: ids.open, title: 'Board only', body: `@${ids.alice} please`, label: 3 } },
      ),
    ).createPost;
    expect(res.unreachableMentions).toEqual([ids.alice]);
    const notices = JSON.stringify(
      expectData(await t.gql(tokens.alice, `{ notifications(first: 100) { edges { node { kind title body } } } }`)),
    );
    expect(notices).not.toMatch(/Board only|mentioned/);
    expect(
      await t.dataSource.query(`SELECT 1 FROM notifications WHERE user_id = $1 AND subject_id = $2`, [
        ids.alice,
        res.id,
      ]),
    ).toEqual([]);
  });

  it('unreachableMentions is the author’s alone', async () => {
    const created = expectData(
      await t.gql(
        tokens.staff,
        `mutation($input: CreatePostInput!) { createPost(input: $input) { id unreachableMentions } }`,
        { input: { spaceId: ids.open, title: 'Ping', body: `@${ids.bob}` } },
      ),
    ).createPost;
    expect(created.unreachableMentions).toEqual([ids.bob]);
    for (const who of ['owner', 'alice', 'anim']) {
      const seen = expectData(
        await t.gql(tokens[who], `query($id: ID!) { post(id: $id) { id unreachableMentions } }`, { id: created.id }),
      ).post;
      expect(seen).toEqual({ id: created.id, unreachableMentions: [] });
    }
  });

  it.each([
    ['a NUL in a body', { title: 'ok', body: 'a\u0000b' }],
    ['a NUL in a title', { title: 'a\u0000b', body: 'ok' }],
    ['a line break in a title', { title: 'a\nb', body: 'ok' }],
    ['a huge body', { title: 'ok', body: 'x'.repeat(60_000) }],
  ])('hostile input: %s is BAD_USER_INPUT, never a 500', async (_, input) => {
    const res = await t.gql(tokens.staff, MUTATIONS[0].query, { input: { spaceId: ids.open, ...input } });
    expectError(res, 'BAD_USER_INPUT');
    expect(res.status).toBeLessThan(500);
  });

  it('hostile input: a NUL in a comment, an edit, a hide reason and an emoji is BAD_USER_INPUT', async () => {
    const attempts: [string, string, Record<string, unknown>][] = [
      [
        'staff',
        `mutation($id: ID!, $b: String!) { commentOnPost(postId: $id, body: $b) { id } }`,
        { id: open.post, b: 'a\u0000' },
      ],
      [
        'owner',
        `mutation($id: ID!, $b: String!) { editComment(id: $id, body: $b) { id } }`,
        { id: open.comment, b: '\u0000' },
      ],
      [
        'anim',
        `mutation($id: ID!, $b: String!) { hidePost(id: $id, reason: $b) { id } }`,
        { id: open.post, b: 'x\u0000' },
      ],
      [
        'staff',
        `mutation($id: ID!, $b: String!) { react(postId: $id, emoji: $b) { id } }`,
        { id: open.post, b: '\u0000' },
      ],
    ];
    for (const [who, q, v] of attempts) expectError(await t.gql(tokens[who], q, v), 'BAD_USER_INPUT');
  });
});
