// Pins the conversation model (issue 9) on small hand-written worlds, each clause with a
// counter-example, so that the property test can trust it. Written from the issue's text,
// DESIGN.md section 2 and the contract.

import {
  Alternative,
  applyConversationStep,
  ConversationModel,
  ConvStep,
  ConvWorld,
  expectedNotifications,
  fromImport,
  healthBucket,
  MISSING,
  reactionCounts,
  Success,
} from './support/reference-conversations';
import type { World, WorldMembership, WorldUser } from './support/world.types';

const NOW = new Date('2027-01-04T09:00:00.000Z');
const DAY = 86_400_000;

function user(key: string, organization: string, over: Partial<WorldUser> = {}): WorldUser {
  return {
    key,
    id: `id-${key}`,
    organization,
    email: `${key}@${organization}.example`,
    displayName: key,
    clearance: 4,
    status: 'ACTIVE',
    roles: [],
    skills: [],
    ...over,
  };
}
const member = (u: string, space: string, over: Partial<WorldMembership> = {}): WorldMembership => ({
  user: u,
  space,
  role: 'MEMBER',
  status: 'ACTIVE',
  ...over,
});

/**
 * Host H (owner, animator, admin, reviewer, plain host member), partners A (a1, a2) and B (b1).
 * Spaces: open (OPEN, 0), hub (HUB, 0), arch (OPEN, 0, ARCHIVED), high (OPEN, 2), other (OPEN, 0).
 */
function world(): World {
  return {
    organizations: [
      { key: 'H', name: 'Host', kind: 'HOST', domains: ['h.example'], clearanceCap: 4, status: 'ACTIVE' },
      { key: 'A', name: 'A', kind: 'PARTNER', domains: ['a.example'], clearanceCap: 1, status: 'ACTIVE' },
      { key: 'B', name: 'B', kind: 'CLIENT', domains: ['b.example'], clearanceCap: 4, status: 'ACTIVE' },
    ],
    users: [
      user('owner', 'H'),
      user('anim', 'H'),
      user('admin', 'H', { roles: ['HOST_ADMIN'] }),
      user('rev', 'H', { roles: ['SECURITY_REVIEWER'] }),
      user('hm', 'H', { clearance: 1 }),
      user('a1', 'A'),
      user('a2', 'A'),
      user('b1', 'B'),
      user('obs', 'B'),
    ],
    spaces: ['open', 'hub', 'arch', 'high', 'other'].map((key) => ({
      key,
      id: `id-${key}`,
      name: key,
      purpose: '',
      classification: key === 'high' ? 2 : 0,
      status: key === 'arch' ? 'ARCHIVED' : 'ACTIVE',
      partnerVisibility: key === 'hub' ? 'HUB' : 'OPEN',
    })),
    memberships: [
      ...['open', 'hub', 'arch', 'high'].map((s) => member('owner', s, { role: 'OWNER' })),
      member('anim', 'open', { role: 'ANIMATOR' }),
      member('anim', 'other', { role: 'ANIMATOR' }),
      member('hm', 'open'),
      member('hm', 'hub'),
      member('a1', 'open', { expiresAt: new Date(NOW.getTime() + 3 * DAY).toISOString() }),
      member('a1', 'hub'),
      member('a1', 'arch'),
      member('a2', 'open'),
      member('b1', 'open'),
      member('b1', 'hub'),
      member('b1', 'high'),
      member('obs', 'open', { role: 'OBSERVER' }),
    ],
    posts: [
      {
        key: 'p',
        id: 'id-p',
        space: 'open',
        author: 'hm',
        title: 'T',
        body: 'B',
        label: 0,
        hidden: false,
        createdAt: '2027-01-04T08:00:00.000Z',
      },
      {
        key: 'hp',
        id: 'id-hp',
        space: 'hub',
        author: 'a1',
        title: 'Hub',
        body: 'by A',
        label: 0,
        hidden: false,
        createdAt: '2027-01-04T08:00:00.000Z',
      },
    ],
    comments: [],
  };
}

const start = (): ConvWorld => fromImport(world(), NOW);
const ok = (w: ConvWorld, step: ConvStep): ConvWorld => {
  const a = applyConversationStep(w, step);
  const s = a.find((x): x is Success => x.kind === 'ok');
  if (!s) throw new Error(`expected a success, got ${JSON.stringify(a.map((x) => x.kind === 'refused' && x.code))}`);
  return s.world;
};
const codes = (alts: Alternative[]): string[] =>
  alts.map((a) => (a.kind === 'ok' ? 'ok' : `${a.code}${a.reason ? `/${a.reason}` : ''}`));
const sees = (w: ConvWorld, u: string, comment: string): boolean => {
  const m = new ConversationModel(w);
  return m.seesComment(m.user(u), m.comment(comment));
};
const post = (over: Partial<Extract<ConvStep, { op: 'createPost' }>> = {}): ConvStep => ({
  op: 'createPost',
  caller: 'hm',
  space: 'open',
  title: 'Hello',
  body: 'World',
  mentions: [],
  ...over,
});

describe('reference conversation model', () => {
  describe('threads: who may write (issue 9, item 1)', () => {
    it('an active writer posts; the label defaults to the classification', () => {
      const w = ok(start(), post({ space: 'high', caller: 'owner' }));
      expect(w.posts.at(-1)).toMatchObject({ author: 'owner', label: 2, deleted: false, history: [] });
    });
    it('an OBSERVER only reads and reacts; an overseer without a membership is FORBIDDEN; outsiders get NOT_FOUND', () => {
      expect(codes(applyConversationStep(start(), post({ caller: 'obs' })))).toEqual(['FORBIDDEN']);
      expect(codes(applyConversationStep(start(), post({ caller: 'admin' })))).toEqual(['FORBIDDEN']);
      expect(codes(applyConversationStep(start(), post({ caller: 'b1', space: 'other' })))).toEqual(['NOT_FOUND']);
      const w = ok(start(), {
        op: 'react',
        caller: 'obs',
        post: 'p',
        emoji: '👍',
      });
      expect(w.reactions).toHaveLength(1);
    });
    it('archived spaces are read-only; labels never below the classification nor above the author', () => {
      expect(codes(applyConversationStep(start(), post({ caller: 'a1', space: 'arch' })))).toEqual([
        'CONFLICT/SPACE_ARCHIVED',
      ]);
      expect(codes(applyConversationStep(start(), post({ caller: 'owner', space: 'high', label: 1 })))).toEqual([
        'BAD_USER_INPUT/LABEL_BELOW_CLASSIFICATION',
      ]);
      // hm is cleared 1.
      expect(codes(applyConversationStep(start(), post({ label: 2 })))).toEqual([
        'BAD_USER_INPUT/LABEL_ABOVE_CLEARANCE',
      ]);
    });
    it('a member whose grant expired no longer writes (nor reads)', () => {
      const later = ok(start(), { op: 'clock', days: 3 });
      expect(codes(applyConversationStep(later, post({ caller: 'a1' })))).toEqual(['NOT_FOUND']);
      expect(codes(applyConversationStep(start(), post({ caller: 'a1' })))).toEqual(['ok']);
    });
  });

  describe('edits, history and tombstones', () => {
    it('only the author edits; the replaced version goes to the history, newest first', () => {
      expect(
        codes(applyConversationStep(start(), { op: 'editPost', caller: 'a1', post: 'p', body: 'x', mentions: [] })),
      ).toEqual(['FORBIDDEN']);
      let w = ok(start(), { op: 'editPost', caller: 'hm', post: 'p', body: 'B2', mentions: [] });
      w = ok(w, { op: 'editPost', caller: 'hm', post: 'p', title: 'T3', mentions: [] });
      expect(w.posts[0]).toMatchObject({ title: 'T3', body: 'B2', edited: true });
      expect(w.posts[0].history).toEqual([
        { title: 'T', body: 'B2', label: 0 },
        { title: 'T', body: 'B', label: 0 },
      ]);
    });
    it('deleting leaves a tombstone: content and history erased, comments kept, no more edits', () => {
      let w = ok(start(), { op: 'editPost', caller: 'hm', post: 'p', body: 'B2', mentions: [] });
      w = ok(w, { op: 'commentOnPost', caller: 'a2', post: 'p', body: 'Re', mentions: [] });
      w = ok(w, { op: 'deletePost', caller: 'hm', post: 'p' });
      expect(w.posts[0]).toMatchObject({ title: '', body: '', deleted: true, history: [] });
      expect(w.comments).toHaveLength(1);
      expect(new ConversationModel(w).readsPost(new ConversationModel(w).user('a2'), w.posts[0])).toBe(true);
      expect(
        codes(applyConversationStep(w, { op: 'editPost', caller: 'hm', post: 'p', body: 'x', mentions: [] })),
      ).toEqual(['CONFLICT/CONTENT_DELETED']);
      expect(codes(applyConversationStep(w, { op: 'deletePost', caller: 'hm', post: 'p' }))).toEqual([
        'CONFLICT/CONTENT_DELETED',
      ]);
    });
  });

  describe('moderation (issue 9, item 2)', () => {
    it('a hidden comment is kept for moderators, gone for members, and so are its reactions', () => {
      let w = ok(start(), { op: 'commentOnPost', caller: 'a2', post: 'p', body: 'Re', mentions: [] });
      const c = w.comments[0].key;
      w = ok(w, { op: 'react', caller: 'b1', comment: c, emoji: '👍' });
      w = ok(w, { op: 'hideComment', caller: 'anim', comment: c, reason: 'off topic' });
      expect(sees(w, 'anim', c)).toBe(true);
      expect(sees(w, 'owner', c)).toBe(true);
      expect(sees(w, 'b1', c)).toBe(false);
      expect(sees(w, 'a2', c)).toBe(false);
      const m = new ConversationModel(w);
      expect(reactionCounts(m, m.user('b1'), { comment: c })).toEqual([]);
      expect(reactionCounts(m, m.user('anim'), { comment: c })).toEqual([
        { emoji: '👍', count: 1, reactedByMe: false },
      ]);
      expect(expectedNotifications(w, 'a2').get('comment.hidden')).toEqual({ min: 1, max: 1 });
      // The member, who no longer reads it, cannot react to it either.
      expect(codes(applyConversationStep(w, { op: 'react', caller: 'b1', comment: c, emoji: '🎉' }))).toEqual([
        'NOT_FOUND',
      ]);
    });
    it('an animator of another space: NOT_FOUND when they cannot read the post, FORBIDDEN when they can', () => {
      const w = ok(start(), post({ space: 'hub', caller: 'owner' }));
      const hubPost = w.posts.at(-1)!.key;
      // anim animates open and other, not hub: cannot read the hub post.
      expect(codes(applyConversationStep(w, { op: 'hidePost', caller: 'anim', post: hubPost, reason: 'x' }))).toEqual([
        'NOT_FOUND',
      ]);
      // hm is a member of open: reads p, may not hide it.
      expect(codes(applyConversationStep(w, { op: 'hidePost', caller: 'hm', post: 'p', reason: 'x' }))).toEqual([
        'FORBIDDEN',
      ]);
      const hidden = ok(w, { op: 'hidePost', caller: 'anim', post: 'p', reason: 'x' });
      const m = new ConversationModel(hidden);
      expect(m.readsPost(m.user('hm'), hidden.posts[0])).toBe(false);
      expect(m.readsPost(m.user('owner'), hidden.posts[0])).toBe(true);
    });
    it('relabel: only upward while an external holds an active grant', () => {
      const up = ok(start(), { op: 'relabelPost', caller: 'owner', post: 'p', label: 3 });
      expect(up.posts[0].label).toBe(3);
      expect(codes(applyConversationStep(up, { op: 'relabelPost', caller: 'owner', post: 'p', label: 1 }))).toEqual([
        'CONFLICT/LABEL_LOWERING_EXPOSES',
      ]);
    });
  });

  describe('mentions and replies (issue 9, item 3)', () => {
    it('a mention of someone who can read notifies them; of someone who cannot, tells the author only', () => {
      // a1 (partner A, cap 1) reads label 0 in open; b1 is not in other; MISSING is nobody.
      const w = ok(start(), post({ caller: 'owner', mentions: ['a1', 'b1', MISSING] }));
      const p = w.posts.at(-1)!;
      expect(expectedNotifications(w, 'a1').get('post.mentioned')).toEqual({ min: 1, max: 1 });
      expect(p.unreachable).toEqual([MISSING]);
      const hidden = ok(start(), post({ caller: 'owner', space: 'high', mentions: ['a1', 'b1'] }));
      expect(hidden.posts.at(-1)!.unreachable).toEqual(['a1']);
      expect(expectedNotifications(hidden, 'owner').get('mention.unreachable')).toEqual({ min: 1, max: 1 });
      expect(expectedNotifications(hidden, 'a1').size).toBe(0);
    });
    it('an edit notifies only new mentions', () => {
      let w = ok(start(), post({ caller: 'owner', mentions: ['a1'] }));
      const key = w.posts.at(-1)!.key;
      w = ok(w, { op: 'editPost', caller: 'owner', post: key, body: 'again', mentions: ['a1', 'a2'] });
      expect(expectedNotifications(w, 'a1').get('post.mentioned')).toEqual({ min: 1, max: 1 });
      expect(expectedNotifications(w, 'a2').get('post.mentioned')).toEqual({ min: 1, max: 1 });
    });
    it("replies notify the post's author, only when they can read the reply", () => {
      const fromHost = ok(start(), { op: 'commentOnPost', caller: 'hm', post: 'hp', body: 'Re', mentions: [] });
      expect(expectedNotifications(fromHost, 'a1').get('post.replied')).toEqual({ min: 1, max: 1 });
      // A HUB competitor does not even read the post.
      expect(
        codes(
          applyConversationStep(start(), { op: 'commentOnPost', caller: 'b1', post: 'hp', body: 'Re', mentions: [] }),
        ),
      ).toEqual(['NOT_FOUND']);
      // A moderator's reply under a hidden post: its author, a member, reads neither.
      const hidden = ok(start(), { op: 'hidePost', caller: 'anim', post: 'p', reason: 'x' });
      const reply = ok(hidden, { op: 'commentOnPost', caller: 'owner', post: 'p', body: 'Re', mentions: ['hm'] });
      expect(expectedNotifications(reply, 'hm').get('post.replied')).toBeUndefined();
      expect(expectedNotifications(reply, 'hm').get('comment.mentioned')).toBeUndefined();
      expect(reply.comments[0].unreachable).toEqual(['hm']);
    });
  });

  describe('the directory of experts (issue 9, item 5)', () => {
    const lists = (w: ConvWorld, u: string, v: string): boolean => {
      const m = new ConversationModel(w);
      return m.listsExpert(m.user(u), m.user(v));
    };
    it('internal users find all internal users and the externals they share a space with', () => {
      expect(lists(start(), 'hm', 'admin')).toBe(true);
      expect(lists(start(), 'hm', 'b1')).toBe(true);
      expect(lists(start(), 'admin', 'b1')).toBe(false);
    });
    it('externals find who shares a space with them, HUB rule applied, never someone hidden from externals', () => {
      expect(lists(start(), 'a2', 'b1')).toBe(true);
      expect(lists(start(), 'a2', 'owner')).toBe(true);
      const hidden = ok(start(), { op: 'updateProfile', caller: 'owner', hiddenFromExternals: true });
      expect(lists(hidden, 'a2', 'owner')).toBe(false);
      expect(lists(hidden, 'hm', 'owner')).toBe(true);
    });
    it("an open risk of impact ≥ 3 takes the space's externals out of the directory, for everyone", () => {
      const w = ok(start(), { op: 'createRiskEntry', caller: 'rev', space: 'high', probability: 1, impact: 3 });
      expect(lists(w, 'hm', 'b1')).toBe(false);
      expect(lists(w, 'a2', 'b1')).toBe(false);
      const closed = ok(w, { op: 'updateRiskEntry', caller: 'owner', risk: w.risks[0].key, status: 'CLOSED' });
      expect(lists(closed, 'hm', 'b1')).toBe(true);
    });
  });

  describe('the risk map (issue 9, item 6)', () => {
    it('its OWNERs, ANIMATORs and security reviewers keep it; a member gets FORBIDDEN, and NOT_FOUND for an entry', () => {
      expect(
        codes(
          applyConversationStep(start(), {
            op: 'createRiskEntry',
            caller: 'hm',
            space: 'open',
            probability: 1,
            impact: 1,
          }),
        ),
      ).toEqual(['FORBIDDEN']);
      expect(
        codes(
          applyConversationStep(start(), {
            op: 'createRiskEntry',
            caller: 'admin',
            space: 'open',
            probability: 1,
            impact: 1,
          }),
        ),
      ).toEqual(['FORBIDDEN']);
      const w = ok(start(), { op: 'createRiskEntry', caller: 'anim', space: 'open', probability: 1, impact: 1 });
      expect(
        codes(
          applyConversationStep(w, { op: 'updateRiskEntry', caller: 'hm', risk: w.risks[0].key, status: 'CLOSED' }),
        ),
      ).toEqual(['NOT_FOUND']);
      expect(
        codes(
          applyConversationStep(w, { op: 'updateRiskEntry', caller: 'rev', risk: w.risks[0].key, status: 'CLOSED' }),
        ),
      ).toEqual(['ok']);
    });
  });

  describe('community health (issue 9, item 7)', () => {
    it('a period with 4 active people shows no figure; 5 do, and each side under 5 is withheld', () => {
      let w = start();
      for (const u of ['owner', 'hm', 'a1', 'a2']) w = ok(w, { op: 'react', caller: u, post: 'p', emoji: '👍' });
      const m4 = new ConversationModel(w);
      const week = [NOW.getTime() - DAY, NOW.getTime() + DAY] as const;
      expect(healthBucket(m4, m4.space('open'), ...week)).toMatchObject({ suppressed: true, activeMembers: 4 });
      w = ok(w, { op: 'react', caller: 'b1', post: 'p', emoji: '👍' });
      const m5 = new ConversationModel(w);
      expect(healthBucket(m5, m5.space('open'), ...week)).toMatchObject({
        suppressed: false,
        activeMembers: 5,
        splitSuppressed: true,
      });
    });
    it('OWNERs, ANIMATORs and HOST_ADMIN read it; a member does not', () => {
      const m = new ConversationModel(start());
      expect(m.readsHealth(m.user('anim'), m.space('open'))).toBe(true);
      expect(m.readsHealth(m.user('admin'), m.space('open'))).toBe(true);
      expect(m.readsHealth(m.user('hm'), m.space('open'))).toBe(false);
      expect(m.readsHealth(m.user('anim'), m.space('hub'))).toBe(false);
    });
  });
});
