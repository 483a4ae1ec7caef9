import { randomUUID } from 'node:crypto';
import { CONVERSATION_WORLD } from './fixtures/conversation-world';
import { expectData, expectError } from './support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

// Issue 9, items 1-3: threads, moderation, mentions. Each mutation and each refusal, in the
// house order (visibility, then who may, then values and state), audited; and the reads
// that follow (history, tombstones, hidden comments and their reactions, reaction counts).

const POST_FIELDS = `id title body label hidden hiddenReason hiddenAt editedAt deleted deletedAt
  history { title body label replacedAt } reactionCounts { emoji count reactedByMe } unreachableMentions
  author { id } commentCount`;
const COMMENT_FIELDS = `id body hidden hiddenReason editedAt deleted deletedAt history { body replacedAt }
  reactionCounts { emoji count reactedByMe } unreachableMentions author { id }`;
const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) { ${POST_FIELDS} } }`;
const EDIT = `mutation($id: ID!, $title: String, $body: String) { editPost(id: $id, title: $title, body: $body) { ${POST_FIELDS} } }`;
const COMMENT = `mutation($postId: ID!, $body: String!) { commentOnPost(postId: $postId, body: $body) { ${COMMENT_FIELDS} } }`;
const EDIT_COMMENT = `mutation($id: ID!, $body: String!) { editComment(id: $id, body: $body) { ${COMMENT_FIELDS} } }`;
const REACT = `mutation($postId: ID, $commentId: ID, $emoji: String!) { react(postId: $postId, commentId: $commentId, emoji: $emoji) { id emoji kind author { id } } }`;
const UNREACT = `mutation($postId: ID, $commentId: ID, $emoji: String!) { unreact(postId: $postId, commentId: $commentId, emoji: $emoji) }`;
const HIDE_POST = `mutation($id: ID!, $reason: String!) { hidePost(id: $id, reason: $reason) { ${POST_FIELDS} } }`;
const UNHIDE_POST = `mutation($id: ID!) { unhidePost(id: $id) { ${POST_FIELDS} } }`;
const HIDE_COMMENT = `mutation($id: ID!, $reason: String!) { hideComment(id: $id, reason: $reason) { ${COMMENT_FIELDS} } }`;
const UNHIDE_COMMENT = `mutation($id: ID!) { unhideComment(id: $id) { ${COMMENT_FIELDS} } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(id: $id) { ${POST_FIELDS} } }`;
const DELETE_COMMENT = `mutation($id: ID!) { deleteComment(id: $id) { ${COMMENT_FIELDS} } }`;
const RELABEL = `mutation($id: ID!, $label: Int!) { relabelPost(id: $id, label: $label) { id label } }`;
const POST = `query($id: ID!) { post(id: $id) { ${POST_FIELDS}
  comments(first: 50) { totalCount edges { node { ${COMMENT_FIELDS} reactions { totalCount edges { node { emoji author { id } } } } } } }
  reactions { totalCount edges { node { emoji } } } } }`;
const NODE_COMMENT = `query($id: ID!) { node(id: $id) { ... on Comment { ${COMMENT_FIELDS} } } }`;
const NOTICES = `{ notifications(first: 100) { edges { node { kind title body } } } }`;

describe('conversations: threads, moderation, mentions', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(CONVERSATION_WORLD);
    for (const u of CONVERSATION_WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterAll(() => t.close());

  const reasonOf = (res: GqlResponse, code: string): string | undefined =>
    (expectError(res, code)[0].extensions as { reason?: string }).reason;

  const audited = async (action: string, outcome: string, actor: string) =>
    (await t.dataSource.query(
      `SELECT subject_id, reason, details FROM audit_events WHERE action = $1 AND outcome = $2 AND actor_id = $3 ORDER BY seq`,
      [action, outcome, ids[actor]],
    )) as { subject_id: string; reason: string; details: Record<string, unknown> }[];

  const notices = async (who: string, kind?: string) =>
    (
      (await t.dataSource.query(
        `SELECT kind, subject_type, subject_id, data FROM notifications WHERE user_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY created_at, id`,
        [ids[who], kind ?? null],
      )) as { kind: string; subject_type: string; subject_id: string; data: Record<string, unknown> }[]
    ).map((n) => ({ ...n }));

  const post = async (who: string, space: string, extra: Record<string, unknown> = {}) =>
    expectData(
      await t.gql(tokens[who], CREATE, {
        input: { spaceId: ids[space], title: `A post by ${who}`, body: 'Some **markdown**', ...extra },
      }),
    ).createPost;

  const comment = async (who: string, postId: string, body = 'A reply') =>
    expectData(await t.gql(tokens[who], COMMENT, { postId, body })).commentOnPost;

  const read = async (who: string, id: string) => expectData(await t.gql(tokens[who], POST, { id })).post;

  describe('createPost', () => {
    it('lets a member post; the label defaults to the classification; audited', async () => {
      const created = await post('staff', 'open');
      expect(created).toMatchObject({
        title: 'A post by staff',
        body: 'Some **markdown**',
        label: 1,
        hidden: false,
        deleted: false,
        editedAt: null,
        history: [],
        reactionCounts: [],
        unreachableMentions: [],
        author: { id: ids.staff },
      });
      expect((await read('alice', created.id)).title).toBe('A post by staff');
      expect((await audited('post.create', 'SUCCESS', 'staff')).map((a) => a.subject_id)).toContain(created.id);
    });

    it('keeps a label given within the classification and the clearance', async () => {
      expect((await post('owner', 'open', { label: 4 })).label).toBe(4);
    });

    it('refuses an OBSERVER (FORBIDDEN), audited, nothing written', async () => {
      const res = await t.gql(tokens.watcher, CREATE, { input: { spaceId: ids.open, title: 'Obs', body: 'x' } });
      expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
      expect(await audited('post.create', 'DENIED', 'watcher')).toHaveLength(1);
      expect(await t.dataSource.query(`SELECT 1 FROM posts WHERE title = 'Obs'`)).toEqual([]);
    });

    it('refuses HOST_ADMIN, who sees the space without a membership (FORBIDDEN)', async () => {
      const res = await t.gql(tokens.admin, CREATE, { input: { spaceId: ids.open, title: 'Admin', body: 'x' } });
      expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
    });

    it('refuses a space the caller does not see exactly like a missing one (NOT_FOUND)', async () => {
      const hidden = await t.gql(tokens.bob, CREATE, { input: { spaceId: ids.open, title: 'x', body: 'x' } });
      const missing = await t.gql(tokens.bob, CREATE, { input: { spaceId: randomUUID(), title: 'x', body: 'x' } });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body).toEqual(missing.body);
    });

    it('refuses writing into an archived space (CONFLICT SPACE_ARCHIVED)', async () => {
      const res = await t.gql(tokens.staff, CREATE, { input: { spaceId: ids.attic, title: 'Late', body: 'x' } });
      expect(reasonOf(res, 'CONFLICT')).toBe('SPACE_ARCHIVED');
      expect(await audited('post.create', 'DENIED', 'staff')).toEqual(
        expect.arrayContaining([expect.objectContaining({ reason: 'space_archived' })]),
      );
    });

    it('refuses a label below the classification and one above the author’s clearance (BAD_USER_INPUT)', async () => {
      const below = await t.gql(tokens.owner, CREATE, {
        input: { spaceId: ids.open, title: 'x', body: 'x', label: 0 },
      });
      expect(reasonOf(below, 'BAD_USER_INPUT')).toBe('LABEL_BELOW_CLASSIFICATION');
      // alice: clearance 3, capped at 2 by her organisation.
      const above = await t.gql(tokens.alice, CREATE, {
        input: { spaceId: ids.open, title: 'x', body: 'x', label: 3 },
      });
      expect(reasonOf(above, 'BAD_USER_INPUT')).toBe('LABEL_ABOVE_CLEARANCE');
      expect(await t.dataSource.query(`SELECT 1 FROM posts WHERE title = 'x'`)).toEqual([]);
    });

    it.each([
      ['an empty title', { title: '   ', body: 'x' }],
      ['a title over 300 characters', { title: 't'.repeat(301), body: 'x' }],
      ['an empty body', { title: 'ok', body: ' \n ' }],
      ['a body over 50,000 characters', { title: 'ok', body: 'b'.repeat(50_001) }],
      ['a label out of range', { title: 'ok', body: 'x', label: 9 }],
    ])('refuses %s (BAD_USER_INPUT INVALID_INPUT)', async (_, input) => {
      const res = await t.gql(tokens.staff, CREATE, { input: { spaceId: ids.open, ...input } });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
    });

    it('trims title and body', async () => {
      const created = await post('staff', 'open', { title: '  Trimmed  ', body: '\n body \n' });
      expect(created).toMatchObject({ title: 'Trimmed', body: 'body' });
    });
  });

  describe('editPost and editComment', () => {
    it('keeps the replaced versions, newest first, visible to whoever reads the post', async () => {
      const p = await post('staff', 'open', { title: 'v1', body: 'first' });
      const e1 = expectData(await t.gql(tokens.staff, EDIT, { id: p.id, body: 'second' })).editPost;
      expect(e1).toMatchObject({ title: 'v1', body: 'second', editedAt: expect.any(String) });
      expectData(await t.gql(tokens.staff, EDIT, { id: p.id, title: 'v3' }));
      const seen = await read('alice', p.id);
      expect(seen).toMatchObject({ title: 'v3', body: 'second' });
      expect(
        seen.history.map((h: { title: string; body: string; label: number }) => [h.title, h.body, h.label]),
      ).toEqual([
        ['v1', 'second', 1],
        ['v1', 'first', 1],
      ]);
      expect(await audited('post.edit', 'SUCCESS', 'staff')).toHaveLength(2);
    });

    it('refuses editing someone else’s post (FORBIDDEN), even for its space’s OWNER', async () => {
      const p = await post('staff', 'open');
      for (const who of ['alice', 'owner']) {
        const res = await t.gql(tokens[who], EDIT, { id: p.id, body: 'hijack' });
        expect(reasonOf(res, 'FORBIDDEN')).toBe('ROLE_REQUIRED');
      }
      expect((await read('staff', p.id)).history).toEqual([]);
    });

    it('refuses an edit with nothing to change, and one in an archived space', async () => {
      const p = await post('staff', 'open');
      expect(reasonOf(await t.gql(tokens.staff, EDIT, { id: p.id }), 'BAD_USER_INPUT')).toBe('INVALID_INPUT');
      expect(reasonOf(await t.gql(tokens.staff, EDIT, { id: ids.old, body: 'new' }), 'CONFLICT')).toBe(
        'SPACE_ARCHIVED',
      );
    });

    it('keeps a comment’s versions too, seen by the post’s readers', async () => {
      const p = await post('owner', 'open');
      const c = await comment('alice', p.id, 'draft');
      const edited = expectData(await t.gql(tokens.alice, EDIT_COMMENT, { id: c.id, body: 'final' })).editComment;
      expect(edited).toMatchObject({ body: 'final', editedAt: expect.any(String) });
      const seen = expectData(await t.gql(tokens.staff, NODE_COMMENT, { id: c.id })).node;
      expect(seen.history.map((h: { body: string }) => h.body)).toEqual(['draft']);
      expect(reasonOf(await t.gql(tokens.staff, EDIT_COMMENT, { id: c.id, body: 'x' }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );
    });
  });

  describe('commentOnPost', () => {
    it('lets a member comment; refuses an OBSERVER (FORBIDDEN) and an archived space (CONFLICT)', async () => {
      const p = await post('owner', 'open');
      expect(await comment('staff', p.id, '  Agreed  ')).toMatchObject({
        body: 'Agreed',
        deleted: false,
        hidden: false,
      });
      expect(reasonOf(await t.gql(tokens.watcher, COMMENT, { postId: p.id, body: 'x' }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );
      expect(reasonOf(await t.gql(tokens.staff, COMMENT, { postId: ids.old, body: 'x' }), 'CONFLICT')).toBe(
        'SPACE_ARCHIVED',
      );
      expect(reasonOf(await t.gql(tokens.staff, COMMENT, { postId: p.id, body: '' }), 'BAD_USER_INPUT')).toBe(
        'INVALID_INPUT',
      );
      expect((await read('owner', p.id)).commentCount).toBe(1);
    });

    it('notifies the post’s author of a reply (post.replied), not of their own', async () => {
      const p = await post('staff', 'open');
      await comment('staff', p.id, 'self');
      expect(await notices('staff', 'post.replied')).toEqual([]);
      const c = await comment('alice', p.id);
      expect(await notices('staff', 'post.replied')).toEqual([
        { kind: 'post.replied', subject_type: 'Comment', subject_id: c.id, data: { postId: p.id, commentId: c.id } },
      ]);
    });

    it('HUB: a competitor cannot answer an external’s post at all; the host’s answer is told', async () => {
      const p = await post('alice', 'hub', { title: 'Acme idea' });
      const competitor = await t.gql(tokens.bob, COMMENT, { postId: p.id, body: 'Bolt answers' });
      expectError(competitor, 'NOT_FOUND');
      expect(competitor.body).toEqual((await t.gql(tokens.bob, COMMENT, { postId: randomUUID(), body: 'x' })).body);
      const host = await comment('owner', p.id, 'Host answers');
      expect((await notices('alice', 'post.replied')).map((n) => n.subject_id)).toEqual([host.id]);
      expect((await read('alice', p.id)).comments.edges.map((e: any) => e.node.body)).toEqual(['Host answers']);
      const rendered = expectData(await t.gql(tokens.alice, NOTICES)).notifications.edges.map((e: any) => e.node);
      const replied = rendered.find((n: { kind: string }) => n.kind === 'post.replied');
      expect(replied.title).toBe('Nouvelle réponse');
      expect(replied.body).not.toContain('Acme idea');
      expect(replied.body).not.toContain('Host answers');
    });

    it('does not tell an author who cannot read the reply (their post hidden, a moderator answering)', async () => {
      const p = await post('staff', 'inner');
      expectData(await t.gql(tokens.owner, HIDE_POST, { id: p.id, reason: 'Check first' }));
      const c = await comment('owner', p.id, 'Moderator note');
      expect((await notices('staff', 'post.replied')).filter((n) => n.subject_id === c.id)).toEqual([]);
    });
  });

  describe('react and unreact', () => {
    it('lets an OBSERVER react; react is idempotent; counts say whose; unreact says whether it removed', async () => {
      const p = await post('staff', 'open');
      const r1 = expectData(await t.gql(tokens.watcher, REACT, { postId: p.id, emoji: '👍' })).react;
      expect(r1).toMatchObject({ emoji: '👍', kind: '👍', author: { id: ids.watcher } });
      const r2 = expectData(await t.gql(tokens.watcher, REACT, { postId: p.id, emoji: '👍' })).react;
      expect(r2.id).toBe(r1.id);
      expectData(await t.gql(tokens.alice, REACT, { postId: p.id, emoji: '👍' }));
      expectData(await t.gql(tokens.alice, REACT, { postId: p.id, emoji: '+1' }));
      expect((await read('watcher', p.id)).reactionCounts).toEqual([
        { emoji: '👍', count: 2, reactedByMe: true },
        { emoji: '+1', count: 1, reactedByMe: false },
      ]);
      expect(expectData(await t.gql(tokens.watcher, UNREACT, { postId: p.id, emoji: '👍' })).unreact).toBe(true);
      expect(expectData(await t.gql(tokens.watcher, UNREACT, { postId: p.id, emoji: '👍' })).unreact).toBe(false);
      expect((await read('watcher', p.id)).reactionCounts).toEqual([
        { emoji: '👍', count: 1, reactedByMe: false },
        { emoji: '+1', count: 1, reactedByMe: false },
      ]);
    });

    it('keeps one reaction when the same one arrives concurrently', async () => {
      const p = await post('staff', 'open');
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => t.gql(tokens.alice, REACT, { postId: p.id, emoji: '🔥' })),
      );
      const reactionIds = new Set(answers.map((a) => expectData(a).react.id));
      expect(reactionIds.size).toBe(1);
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM reactions WHERE post_id = $1`, [p.id])).toEqual([
        { n: 1 },
      ]);
    });

    it('writes and a raised classification on the same space both land (locks in one order)', async () => {
      const space = expectData(
        await t.gql(tokens.owner, `mutation { createSpace(input: { name: "Busy", classification: 0 }) { id } }`),
      ).createSpace;
      const first = expectData(
        await t.gql(tokens.owner, CREATE, { input: { spaceId: space.id, title: 'Busy post', body: 'x' } }),
      ).createPost;
      const writes = Array.from({ length: 4 }, (_, i) =>
        t.gql(tokens.owner, COMMENT, { postId: first.id, body: `c${i}` }),
      );
      const raise = t.gql(
        tokens.owner,
        `mutation($id: ID!) { updateSpace(id: $id, input: { classification: 2 }) { relabelledPosts } }`,
        { id: space.id },
      );
      const [raised, ...comments] = await Promise.all([raise, ...writes]);
      expect(expectData(raised).updateSpace.relabelledPosts).toBe(1);
      for (const c of comments) expectData(c);
      expect((await read('owner', first.id)).label).toBe(2);
    });

    it('reacts to a comment apart from its post', async () => {
      const p = await post('staff', 'open');
      const c = await comment('alice', p.id);
      expectData(await t.gql(tokens.staff, REACT, { commentId: c.id, emoji: '🎉' }));
      const seen = await read('alice', p.id);
      expect(seen.reactionCounts).toEqual([]);
      expect(seen.reactions).toEqual({ totalCount: 0, edges: [] });
      expect(seen.comments.edges[0].node.reactionCounts).toEqual([{ emoji: '🎉', count: 1, reactedByMe: false }]);
      expect(seen.comments.edges[0].node.reactions.edges).toEqual([
        { node: { emoji: '🎉', author: { id: ids.staff } } },
      ]);
    });

    it.each([
      ['both a post and a comment', (p: string, c: string) => ({ postId: p, commentId: c, emoji: '👍' })],
      ['neither', () => ({ emoji: '👍' })],
      ['an empty emoji', (p: string) => ({ postId: p, emoji: '' })],
      ['an emoji with a space', (p: string) => ({ postId: p, emoji: 'a b' })],
      ['an emoji with a control character', (p: string) => ({ postId: p, emoji: 'a\u0007' })],
      ['an emoji over 32 characters', (p: string) => ({ postId: p, emoji: 'x'.repeat(33) })],
    ])('refuses %s (BAD_USER_INPUT)', async (_, vars) => {
      const p = await post('staff', 'open');
      const c = await comment('staff', p.id);
      expectError(await t.gql(tokens.staff, REACT, vars(p.id, c.id)), 'BAD_USER_INPUT');
    });

    it('refuses reacting in an archived space (CONFLICT)', async () => {
      expect(reasonOf(await t.gql(tokens.staff, REACT, { postId: ids.old, emoji: '👍' }), 'CONFLICT')).toBe(
        'SPACE_ARCHIVED',
      );
    });
  });

  describe('hide and unhide', () => {
    it('hides a post from members, keeps it for moderators with the reason, tells the author, and shows it again', async () => {
      const p = await post('staff', 'open');
      const hidden = expectData(await t.gql(tokens.anim, HIDE_POST, { id: p.id, reason: ' Off topic ' })).hidePost;
      expect(hidden).toMatchObject({ hidden: true, hiddenReason: 'Off topic', hiddenAt: expect.any(String) });
      for (const who of ['staff', 'alice', 'watcher'])
        expectError(await t.gql(tokens[who], POST, { id: p.id }), 'NOT_FOUND');
      expect(await read('owner', p.id)).toMatchObject({ hidden: true, hiddenReason: 'Off topic' });
      const told = (await notices('staff', 'post.hidden')).filter((n) => n.subject_id === p.id);
      expect(told).toEqual([{ kind: 'post.hidden', subject_type: 'Post', subject_id: p.id, data: { postId: p.id } }]);
      expect(JSON.stringify(told)).not.toContain('Off topic');
      expect(reasonOf(await t.gql(tokens.anim, HIDE_POST, { id: p.id, reason: 'again' }), 'CONFLICT')).toBe(
        'CONTENT_HIDDEN',
      );
      const shown = expectData(await t.gql(tokens.owner, UNHIDE_POST, { id: p.id })).unhidePost;
      expect(shown).toMatchObject({ hidden: false, hiddenReason: null, hiddenAt: null });
      expect((await read('staff', p.id)).hidden).toBe(false);
      expect(reasonOf(await t.gql(tokens.owner, UNHIDE_POST, { id: p.id }), 'CONFLICT')).toBe('CONTENT_NOT_HIDDEN');
      expect((await audited('post.hide', 'SUCCESS', 'anim'))[0].details).toMatchObject({ reason: 'Off topic' });
    });

    it('refuses a member (FORBIDDEN) and an empty or long reason (BAD_USER_INPUT)', async () => {
      const p = await post('owner', 'open');
      expect(reasonOf(await t.gql(tokens.staff, HIDE_POST, { id: p.id, reason: 'no' }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );
      expect(reasonOf(await t.gql(tokens.anim, HIDE_POST, { id: p.id, reason: ' ' }), 'BAD_USER_INPUT')).toBe(
        'INVALID_INPUT',
      );
      expect(
        reasonOf(await t.gql(tokens.anim, HIDE_POST, { id: p.id, reason: 'r'.repeat(501) }), 'BAD_USER_INPUT'),
      ).toBe('INVALID_INPUT');
    });

    it('an ANIMATOR of another space: NOT_FOUND where they cannot read, FORBIDDEN where they only read', async () => {
      const inOpen = await post('staff', 'open');
      const hidden = await t.gql(tokens.other, HIDE_POST, { id: inOpen.id, reason: 'spam' });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body).toEqual((await t.gql(tokens.other, HIDE_POST, { id: randomUUID(), reason: 'spam' })).body);
      const inHub = await post('owner', 'hub');
      expect(reasonOf(await t.gql(tokens.other, HIDE_POST, { id: inHub.id, reason: 'spam' }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );
      expect((await read('staff', inOpen.id)).hidden).toBe(false);
    });

    it('hides a comment and the reactions to it from members; counts follow; moderators still see both', async () => {
      const p = await post('owner', 'open');
      const c = await comment('staff', p.id, 'rude');
      expectData(await t.gql(tokens.alice, REACT, { commentId: c.id, emoji: '😡' }));
      expectData(await t.gql(tokens.alice, REACT, { postId: p.id, emoji: '👀' }));
      const h = expectData(await t.gql(tokens.anim, HIDE_COMMENT, { id: c.id, reason: 'Rude' })).hideComment;
      expect(h).toMatchObject({ hidden: true, hiddenReason: 'Rude' });
      for (const who of ['alice', 'staff']) {
        const seen = await read(who, p.id);
        expect(seen.commentCount).toBe(0);
        expect(seen.comments).toMatchObject({ totalCount: 0, edges: [] });
        // The post's own reactions stay; the hidden comment's are nowhere.
        expect(seen.reactions).toEqual({ totalCount: 1, edges: [{ node: { emoji: '👀' } }] });
        expect(seen.reactionCounts).toEqual([{ emoji: '👀', count: 1, reactedByMe: who === 'alice' }]);
        expectError(await t.gql(tokens[who], NODE_COMMENT, { id: c.id }), 'NOT_FOUND');
        const react = await t.gql(tokens[who], REACT, { commentId: c.id, emoji: '👍' });
        expectError(react, 'NOT_FOUND');
      }
      const mod = await read('owner', p.id);
      expect(mod.commentCount).toBe(1);
      expect(mod.comments.edges[0].node).toMatchObject({
        hidden: true,
        hiddenReason: 'Rude',
        reactionCounts: [{ emoji: '😡', count: 1, reactedByMe: false }],
      });
      expect(await notices('staff', 'comment.hidden')).toEqual([
        expect.objectContaining({ subject_id: c.id, data: { postId: p.id, commentId: c.id } }),
      ]);
      expect(expectData(await t.gql(tokens.owner, UNHIDE_COMMENT, { id: c.id })).unhideComment.hidden).toBe(false);
      expect((await read('alice', p.id)).commentCount).toBe(1);
    });
  });

  describe('deletePost and deleteComment', () => {
    it('leaves a tombstone: words and history erased, author, comments, reactions and mentions kept', async () => {
      const p = await post('staff', 'open', { body: `hello @${ids.alice}` });
      expectData(await t.gql(tokens.staff, EDIT, { id: p.id, body: `edited @${ids.alice}` }));
      const c = await comment('alice', p.id, 'still here');
      expectData(await t.gql(tokens.owner, REACT, { postId: p.id, emoji: '👍' }));
      const gone = expectData(await t.gql(tokens.staff, DELETE_POST, { id: p.id })).deletePost;
      expect(gone).toMatchObject({ title: '', body: '', deleted: true, deletedAt: expect.any(String), history: [] });
      const seen = await read('alice', p.id);
      expect(seen).toMatchObject({ title: '', body: '', deleted: true, history: [], author: { id: ids.staff } });
      expect(seen.comments.edges.map((e: any) => e.node.id)).toEqual([c.id]);
      expect(seen.reactionCounts).toEqual([{ emoji: '👍', count: 1, reactedByMe: false }]);
      expect(
        await t.dataSource.query(`SELECT 1 FROM content_revisions WHERE post_id = $1 AND comment_id IS NULL`, [p.id]),
      ).toEqual([]);
      expect(await t.dataSource.query(`SELECT user_id FROM mentions WHERE post_id = $1`, [p.id])).toEqual([
        { user_id: ids.alice },
      ]);
      expect(reasonOf(await t.gql(tokens.staff, DELETE_POST, { id: p.id }), 'CONFLICT')).toBe('CONTENT_DELETED');
      expect(reasonOf(await t.gql(tokens.staff, EDIT, { id: p.id, body: 'back' }), 'CONFLICT')).toBe('CONTENT_DELETED');
    });

    it('refuses deleting someone else’s post or comment (FORBIDDEN)', async () => {
      const p = await post('staff', 'open');
      const c = await comment('staff', p.id);
      expect(reasonOf(await t.gql(tokens.owner, DELETE_POST, { id: p.id }), 'FORBIDDEN')).toBe('ROLE_REQUIRED');
      expect(reasonOf(await t.gql(tokens.alice, DELETE_COMMENT, { id: c.id }), 'FORBIDDEN')).toBe('ROLE_REQUIRED');
    });

    it('tombstones a comment: body and history erased, thread kept', async () => {
      const p = await post('staff', 'open');
      const c = await comment('alice', p.id, 'one');
      expectData(await t.gql(tokens.alice, EDIT_COMMENT, { id: c.id, body: 'two' }));
      const gone = expectData(await t.gql(tokens.alice, DELETE_COMMENT, { id: c.id })).deleteComment;
      expect(gone).toMatchObject({ body: '', deleted: true, history: [], author: { id: ids.alice } });
      expect((await read('staff', p.id)).commentCount).toBe(1);
      expect(reasonOf(await t.gql(tokens.alice, DELETE_COMMENT, { id: c.id }), 'CONFLICT')).toBe('CONTENT_DELETED');
      expect(reasonOf(await t.gql(tokens.alice, EDIT_COMMENT, { id: c.id, body: 'x' }), 'CONFLICT')).toBe(
        'CONTENT_DELETED',
      );
    });
  });

  describe('relabelPost', () => {
    it('raises a label (audited from/to): an external no longer cleared stops reading the post', async () => {
      const p = await post('owner', 'open');
      expect((await read('alice', p.id)).label).toBe(1);
      expect(expectData(await t.gql(tokens.anim, RELABEL, { id: p.id, label: 3 })).relabelPost.label).toBe(3);
      expectError(await t.gql(tokens.alice, POST, { id: p.id }), 'NOT_FOUND');
      const audit = (await audited('post.relabel', 'SUCCESS', 'anim')).find((a) => a.subject_id === p.id);
      expect(audit?.details).toMatchObject({ from: 1, to: 3 });
    });

    it('refuses lowering while externals hold grants (CONFLICT LABEL_LOWERING_EXPOSES); allows it where none do', async () => {
      const p = await post('owner', 'open', { label: 2 });
      expect(reasonOf(await t.gql(tokens.owner, RELABEL, { id: p.id, label: 1 }), 'CONFLICT')).toBe(
        'LABEL_LOWERING_EXPOSES',
      );
      const inner = await post('owner', 'inner', { label: 3 });
      expect(expectData(await t.gql(tokens.owner, RELABEL, { id: inner.id, label: 0 })).relabelPost.label).toBe(0);
    });

    it('refuses below the classification, above the moderator’s clearance, and a member (FORBIDDEN)', async () => {
      const p = await post('owner', 'open', { label: 2 });
      expect(reasonOf(await t.gql(tokens.owner, RELABEL, { id: p.id, label: 0 }), 'BAD_USER_INPUT')).toBe(
        'LABEL_BELOW_CLASSIFICATION',
      );
      // anim: clearance 3.
      expect(reasonOf(await t.gql(tokens.anim, RELABEL, { id: p.id, label: 4 }), 'BAD_USER_INPUT')).toBe(
        'LABEL_ABOVE_CLEARANCE',
      );
      expect(reasonOf(await t.gql(tokens.staff, RELABEL, { id: p.id, label: 3 }), 'NOT_FOUND')).toBeUndefined();
      const mine = await post('staff', 'open');
      expect(reasonOf(await t.gql(tokens.staff, RELABEL, { id: mine.id, label: 1 }), 'FORBIDDEN')).toBe(
        'ROLE_REQUIRED',
      );
    });
  });

  describe('mentions', () => {
    it('notifies those who read the post and tells the author, the same way, about the others', async () => {
      const nobody = randomUUID();
      // alice reads it; bob is not in the space; loner is in no space; nobody names no one.
      const body = `cc @${ids.alice} @${ids.bob} @${ids.loner} @${nobody} @${ids.staff} and @${ids.alice}`;
      const p = await post('staff', 'open', { body });
      expect((await notices('alice', 'post.mentioned')).filter((n) => n.subject_id === p.id)).toEqual([
        { kind: 'post.mentioned', subject_type: 'Post', subject_id: p.id, data: { postId: p.id } },
      ]);
      for (const who of ['bob', 'loner']) expect(await notices(who)).toEqual([]);
      const unreachable = await notices('staff', 'mention.unreachable');
      const byId = (a: { data: Record<string, unknown> }, b: { data: Record<string, unknown> }) =>
        String(a.data.mentionedId).localeCompare(String(b.data.mentionedId));
      expect(unreachable.filter((n) => n.subject_id === p.id).sort(byId)).toEqual(
        [ids.bob, ids.loner, nobody].sort().map((id) => ({
          kind: 'mention.unreachable',
          subject_type: 'Post',
          subject_id: p.id,
          data: { postId: p.id, mentionedId: id },
        })),
      );
      expect((await read('staff', p.id)).unreachableMentions.sort()).toEqual([ids.bob, ids.loner, nobody].sort());
      expect((await read('alice', p.id)).unreachableMentions).toEqual([]);
      const rendered = expectData(await t.gql(tokens.staff, NOTICES)).notifications.edges.map((e: any) => e.node);
      const text = rendered.find(
        (n: { kind: string; body: string }) => n.kind === 'mention.unreachable' && n.body.includes(ids.bob),
      );
      expect(text.body).toBe(
        `La personne ${ids.bob} ne peut pas lire ce que vous avez écrit : elle n’a pas été prévenue.`,
      );
    });

    it('does not notify someone whose clearance is below the post’s label', async () => {
      const p = await post('owner', 'open', { label: 3, body: `for @${ids.alice} and @${ids.anim}` });
      expect((await notices('alice', 'post.mentioned')).filter((n) => n.subject_id === p.id)).toEqual([]);
      expect((await notices('anim', 'post.mentioned')).map((n) => n.subject_id)).toContain(p.id);
      expect((await read('owner', p.id)).unreachableMentions).toEqual([ids.alice]);
    });

    it('notifies only new mentions on edit, and comment mentions as comment.mentioned', async () => {
      const p = await post('staff', 'open', { body: `@${ids.owner}` });
      expectData(await t.gql(tokens.staff, EDIT, { id: p.id, body: `@${ids.owner} @${ids.anim}` }));
      expect((await notices('owner', 'post.mentioned')).filter((n) => n.subject_id === p.id)).toHaveLength(1);
      expect((await notices('anim', 'post.mentioned')).filter((n) => n.subject_id === p.id)).toHaveLength(1);
      const c = await comment('alice', p.id, `@${ids.watcher}`);
      expect(await notices('watcher', 'comment.mentioned')).toEqual([
        {
          kind: 'comment.mentioned',
          subject_type: 'Comment',
          subject_id: c.id,
          data: { postId: p.id, commentId: c.id },
        },
      ]);
    });

    it('HUB: a mention of a competitor in a comment reaches nobody', async () => {
      const c = await comment('alice', ids.brief, `@${ids.bob} look`);
      expect(await notices('bob', 'comment.mentioned')).toEqual([]);
      expect(expectData(await t.gql(tokens.alice, NODE_COMMENT, { id: c.id })).node.unreachableMentions).toEqual([
        ids.bob,
      ]);
    });

    it('refuses more than 20 distinct mentions (BAD_USER_INPUT TOO_MANY_MENTIONS), nothing written', async () => {
      const body = Array.from({ length: 21 }, () => `@${randomUUID()}`).join(' ');
      const res = await t.gql(tokens.staff, CREATE, { input: { spaceId: ids.open, title: 'Crowd', body } });
      expect(reasonOf(res, 'BAD_USER_INPUT')).toBe('TOO_MANY_MENTIONS');
      expect(await t.dataSource.query(`SELECT 1 FROM posts WHERE title = 'Crowd'`)).toEqual([]);
      const twenty = Array.from({ length: 20 }, () => `@${randomUUID()}`).join(' ');
      expect((await post('staff', 'open', { body: twenty })).unreachableMentions).toHaveLength(20);
    });
  });
});
