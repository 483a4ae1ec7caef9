// An independent reference model of issue 9's conversations (threads, moderation, mentions,
// reactions, the directory of experts, the risk map, community health), written from
// DESIGN.md sections 1 and 2, the text and the GraphQL contract only: plain
// TypeScript over a world in the import format grown with what conversations record, and a
// `now`. No CASL, no SQL, nothing shared with the gateway.
//
// `applyConversationStep(world, step)` answers, for one mutation by one caller, every outcome
// the text allows: a refusal kind (with its reason where the contract fixes it), or a new
// world. Where the text is silent the model lists each defensible outcome (marked "silent"),
// and the property test follows whichever the gateway chose. `ConversationModel` answers
// what each user must read in that world.

import { ReferenceModel } from './reference-model';
import type { Level, World, WorldComment, WorldMembership, WorldPost, WorldSpace, WorldUser } from './world.types';

export const DAY_MS = 86_400_000;
/** A figure computed over fewer people than this is withheld (issue 9, item 7). */
export const K_ANONYMITY = 5;
/** Impact from which an OPEN risk drives the space (issue 9, item 6). */
export const RISKY_IMPACT = 3;
export const MISSING = '<missing>';

export interface PostRevision {
  title: string;
  body: string;
  label: number;
}
export interface CommentRevision {
  body: string;
}

/** What a post or comment records beside the import format. */
interface ContentState {
  deleted: boolean;
  hiddenReason: string | null;
  edited: boolean;
  /** Every id mentioned so far (an edit notifies only new ones). */
  mentioned: string[];
  /** Mentioned ids that were not notified (the author reads them as `unreachableMentions`). */
  unreachable: string[];
}
export interface ConvPost extends WorldPost, ContentState {
  history: PostRevision[];
}
export interface ConvComment extends WorldComment, ContentState {
  hidden: boolean;
  history: CommentRevision[];
}
export interface ConvReaction {
  user: string;
  post?: string;
  comment?: string;
  emoji: string;
  createdAt: string;
}
export type RiskStatus = 'OPEN' | 'MITIGATED' | 'CLOSED';
export interface ConvRisk {
  key: string;
  id?: string;
  space: string;
  probability: number;
  impact: number;
  status: RiskStatus;
}
export type ConvNotificationKind =
  'post.mentioned' | 'comment.mentioned' | 'mention.unreachable' | 'post.replied' | 'post.hidden' | 'comment.hidden';
export const CONVERSATION_KINDS: readonly string[] = [
  'post.mentioned',
  'comment.mentioned',
  'mention.unreachable',
  'post.replied',
  'post.hidden',
  'comment.hidden',
];
/** A notification a user must get (`optional`: one the text lets the gateway send or not). */
export interface ConvNotification {
  user: string;
  kind: ConvNotificationKind;
  subject: string;
  optional?: boolean;
}

export interface ConvWorld {
  now: string;
  seq: number;
  base: World;
  posts: ConvPost[];
  comments: ConvComment[];
  reactions: ConvReaction[];
  risks: ConvRisk[];
  /** user key → hides their profile from externals. */
  hiddenFromExternals: Record<string, boolean>;
  notifications: ConvNotification[];
}

/** The read world: the import format, posts and comments as they stand now. */
export function toReadWorld(w: ConvWorld): World {
  return { ...w.base, posts: w.posts, comments: w.comments };
}

export function fromImport(world: World, now: Date): ConvWorld {
  const blank = (): ContentState => ({
    deleted: false,
    hiddenReason: null,
    edited: false,
    mentioned: [],
    unreachable: [],
  });
  return {
    now: now.toISOString(),
    seq: 0,
    base: { ...world, posts: [], comments: [] },
    // Imported hidden posts carry no reason the model knows: null, and the gateway may say anything.
    posts: world.posts.map((p) => ({ ...p, ...blank(), history: [] })),
    comments: world.comments.map((c) => ({ ...c, ...blank(), hidden: false, history: [] })),
    reactions: [],
    risks: [],
    hiddenFromExternals: {},
    notifications: [],
  };
}

const WRITER_ROLES = ['OWNER', 'ANIMATOR', 'MEMBER'];
const MODERATOR_ROLES = ['OWNER', 'ANIMATOR'];

/** Section 2 plus what issue 9 adds to reading: hidden comments, reactions, risks, the directory, health. */
export class ConversationModel extends ReferenceModel {
  readonly commentByKey = new Map<string, ConvComment>();

  constructor(readonly cw: ConvWorld) {
    super(toReadWorld(cw), new Date(cw.now));
    for (const c of cw.comments) this.commentByKey.set(c.key, c);
  }

  convPost(key: string): ConvPost {
    return this.post(key) as ConvPost;
  }
  comment(key: string): ConvComment {
    const c = this.commentByKey.get(key);
    if (!c) throw new Error(`unknown comment ${key}`);
    return c;
  }

  activeRole(u: WorldUser, s: WorldSpace): string | undefined {
    return this.counts(u) ? this.activeMembership(u, s)?.role : undefined;
  }
  /** Only active members who count may write; OBSERVERs only read and react. */
  writes(u: WorldUser, s: WorldSpace): boolean {
    return WRITER_ROLES.includes(this.activeRole(u, s) ?? '');
  }
  /** The space's OWNERs and ANIMATORs (active memberships). */
  moderates(u: WorldUser, s: WorldSpace): boolean {
    return MODERATOR_ROLES.includes(this.activeRole(u, s) ?? '');
  }
  isReviewer(u: WorldUser): boolean {
    return this.isHost(u) && u.roles.includes('SECURITY_REVIEWER');
  }

  /** Hidden comments are kept for moderators: "hidden from members". */
  override seesComment(u: WorldUser, c: WorldComment): boolean {
    if (!super.seesComment(u, c)) return false;
    const hidden = (c as ConvComment).hidden === true;
    return !hidden || this.moderates(u, this.space(this.post(c.post).space));
  }

  /** Reactions follow what they answer, and the HUB rule applies to who reacted. */
  seesReaction(u: WorldUser, r: ConvReaction): boolean {
    const target = r.post ? this.post(r.post) : this.post(this.comment(r.comment!).post);
    const readsTarget = r.post ? this.readsPost(u, target) : this.seesComment(u, this.comment(r.comment!));
    return readsTarget && this.hubAllows(u, this.space(target.space), this.user(r.user));
  }

  /** RiskEntry: the space's OWNERs and ANIMATORs, and SECURITY_REVIEWERs. */
  readsRisks(u: WorldUser, s: WorldSpace): boolean {
    return this.counts(u) && (this.moderates(u, s) || this.isReviewer(u));
  }

  /** An OPEN risk of impact ≥ 3 stands on the space. */
  risky(s: WorldSpace): boolean {
    return this.cw.risks.some((r) => r.space === s.key && r.status === 'OPEN' && r.impact >= RISKY_IMPACT);
  }

  private shareActiveSpace(u: WorldUser, v: WorldUser, hub: boolean): boolean {
    return this.world.spaces.some(
      (s) =>
        this.activeMembership(u, s) !== undefined &&
        this.activeMembership(v, s) !== undefined &&
        (!hub || this.hubAllows(u, s, v)),
    );
  }

  /**
   * The directory of experts (issue 9, item 5), within the people U sees. Internal users find
   * all internal users plus the externals they share a space with; externals find the people
   * they share a space with, HUB rule applied, never someone hidden from externals; the
   * externals of a space under an open risk of impact ≥ 3 are left out for everyone.
   * `self`: whether U lists themself is silent for an external; the test leaves U out.
   */
  listsExpert(u: WorldUser, v: WorldUser): boolean {
    if (!this.counts(u) || !this.counts(v) || !this.seesUser(u, v)) return false;
    if (!this.isHost(v) && this.world.spaces.some((s) => this.risky(s) && this.activeMembership(v, s) !== undefined))
      return false;
    if (this.isHost(u)) return this.isHost(v) || this.shareActiveSpace(u, v, false);
    if (this.cw.hiddenFromExternals[v.key]) return false;
    return this.shareActiveSpace(u, v, true);
  }

  /** Per bucket [start, end): distinct people who posted, commented or reacted in the space. */
  activePeople(s: WorldSpace, start: number, end: number): { all: Set<string>; host: number; external: number } {
    const inside = (at: string | undefined): boolean =>
      at !== undefined && Date.parse(at) >= start && Date.parse(at) < end;
    const all = new Set<string>();
    for (const p of this.cw.posts) if (p.space === s.key && inside(p.createdAt)) all.add(p.author);
    for (const c of this.cw.comments) if (this.post(c.post).space === s.key && inside(c.createdAt)) all.add(c.author);
    for (const r of this.cw.reactions) {
      const space = r.post ? this.post(r.post).space : this.post(this.comment(r.comment!).post).space;
      if (space === s.key && inside(r.createdAt)) all.add(r.user);
    }
    let host = 0;
    for (const k of all) if (this.isHost(this.user(k))) host += 1;
    return { all, host, external: all.size - host };
  }

  /** Active grants of the space whose expiry falls within the next 30 days. */
  expiringMemberships(s: WorldSpace): number {
    const now = this.now.getTime();
    return this.world.memberships.filter(
      (m) =>
        m.space === s.key &&
        this.isActive(m) &&
        m.expiresAt !== undefined &&
        Date.parse(m.expiresAt) < now + 30 * DAY_MS,
    ).length;
  }

  /** `spaceHealth`: OWNERs, ANIMATORs of the space, and HOST_ADMIN. */
  readsHealth(u: WorldUser, s: WorldSpace): boolean {
    return this.counts(u) && (this.moderates(u, s) || (this.isHost(u) && u.roles.includes('HOST_ADMIN')));
  }
}

// ---------------------------------------------------------------------------------------
// Steps

export interface Mentions {
  /** User keys (or MISSING: an id nobody holds) mentioned with `@<id>`. */
  mentions: string[];
}
export type ConvStep =
  | { op: 'clock'; days: number }
  | ({ op: 'createPost'; caller: string; space: string; label?: number; title: string; body: string } & Mentions)
  | ({ op: 'commentOnPost'; caller: string; post: string; body: string } & Mentions)
  | ({ op: 'editPost'; caller: string; post: string; title?: string; body?: string } & Mentions)
  | ({ op: 'editComment'; caller: string; comment: string; body: string } & Mentions)
  | { op: 'hidePost'; caller: string; post: string; reason: string }
  | { op: 'unhidePost'; caller: string; post: string }
  | { op: 'hideComment'; caller: string; comment: string; reason: string }
  | { op: 'unhideComment'; caller: string; comment: string }
  | { op: 'deletePost'; caller: string; post: string }
  | { op: 'deleteComment'; caller: string; comment: string }
  | { op: 'relabelPost'; caller: string; post: string; label: number }
  | { op: 'react' | 'unreact'; caller: string; post?: string; comment?: string; emoji: string }
  | { op: 'updateProfile'; caller: string; skills?: string[]; hiddenFromExternals?: boolean }
  | { op: 'createRiskEntry'; caller: string; space: string; probability: number; impact: number; status?: RiskStatus }
  | { op: 'updateRiskEntry'; caller: string; risk: string; impact?: number; status?: RiskStatus };

export type RefusalCode = 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'CONFLICT';
export interface Refusal {
  kind: 'refused';
  code: RefusalCode;
  reason?: string;
  why: string;
}
export interface Success {
  kind: 'ok';
  world: ConvWorld;
  why: string;
  /** Key of the post, comment or risk the step created (the harness sets its id and createdAt). */
  created?: { post?: string; comment?: string; risk?: string };
  /** For unreact: whether a reaction was removed. */
  removed?: boolean;
}
export type Alternative = Refusal | Success;

const refuse = (code: RefusalCode, why: string, reason?: string): Refusal => ({ kind: 'refused', code, why, reason });

const validLevel = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 4;
const validEmoji = (e: string): boolean => e.length >= 1 && e.length <= 32 && !/[\s\p{Cc}]/u.test(e);

/** Every outcome the text allows for `step` in `w`. */
export function applyConversationStep(w: ConvWorld, step: ConvStep): Alternative[] {
  if (step.op === 'clock') {
    const next = clone(w);
    next.now = new Date(Date.parse(w.now) + step.days * DAY_MS).toISOString();
    return [{ kind: 'ok', world: next, why: 'the clock moves' }];
  }
  const m = new ConversationModel(w);
  const caller = m.user(step.caller);
  if (!m.counts(caller)) return [refuse('UNAUTHENTICATED', 'the caller does not count')];
  const next = clone(w);
  const nm = (): ConversationModel => new ConversationModel(next);
  next.seq += 1;
  const now = w.now;

  /** Value and state refusals: the text fixes no order among them, so any of them may come first. */
  const valueChecks = (checks: Array<Refusal | false>): Refusal[] => checks.filter((c): c is Refusal => c !== false);
  const archived = (s: WorldSpace): Refusal | false =>
    s.status === 'ARCHIVED' && refuse('CONFLICT', 'archived spaces are read-only', 'SPACE_ARCHIVED');

  /** Mentions of a new or edited item: notify who can read it, else tell the author. */
  const mention = (
    item: ContentState & { key: string; author: string },
    ids: string[],
    readable: (v: WorldUser) => boolean,
    kind: 'post.mentioned' | 'comment.mentioned',
  ): void => {
    for (const target of [...new Set(ids)]) {
      if (target === item.author || item.mentioned.includes(target)) continue;
      item.mentioned.push(target);
      const v = target === MISSING ? undefined : next.base.users.find((x) => x.key === target);
      if (v && readable(v)) next.notifications.push({ user: v.key, kind, subject: item.key });
      else {
        item.unreachable.push(target);
        next.notifications.push({ user: item.author, kind: 'mention.unreachable', subject: item.key });
      }
    }
  };

  switch (step.op) {
    case 'createPost': {
      const s = m.space(step.space);
      if (!m.seesSpace(caller, s)) return [refuse('NOT_FOUND', 'the space is invisible')];
      if (!m.writes(caller, s)) return [refuse('FORBIDDEN', 'only active members who write may post')];
      const label = step.label ?? s.classification;
      const refusals = valueChecks([
        archived(s),
        label < s.classification &&
          refuse('BAD_USER_INPUT', 'a label below the classification', 'LABEL_BELOW_CLASSIFICATION'),
        validLevel(label) &&
          label > m.effectiveClearance(caller) &&
          refuse('BAD_USER_INPUT', "a label above the author's clearance", 'LABEL_ABOVE_CLEARANCE'),
        !validLevel(label) && refuse('BAD_USER_INPUT', 'a label outside 0-4'),
        !step.title.trim() && refuse('BAD_USER_INPUT', 'an empty title'),
        !step.body.trim() && refuse('BAD_USER_INPUT', 'an empty body'),
      ]);
      if (refusals.length) return refusals;
      const key = `new-post-${next.seq}`;
      const p: ConvPost = {
        key,
        space: s.key,
        author: caller.key,
        title: step.title.trim(),
        body: step.body.trim(),
        label: label as Level,
        hidden: false,
        createdAt: now,
        deleted: false,
        hiddenReason: null,
        edited: false,
        mentioned: [],
        unreachable: [],
        history: [],
      };
      next.posts.push(p);
      mention(p, step.mentions, (v) => nm().readsPost(v, p), 'post.mentioned');
      return [{ kind: 'ok', world: next, why: 'an active writer posts', created: { post: key } }];
    }
    case 'commentOnPost': {
      const p = m.convPost(step.post);
      const s = m.space(p.space);
      if (!m.readsPost(caller, p)) return [refuse('NOT_FOUND', 'the post is unreadable')];
      if (!m.writes(caller, s)) return [refuse('FORBIDDEN', 'only active members who write may comment')];
      const refusals = valueChecks([
        archived(s),
        !step.body.trim() && refuse('BAD_USER_INPUT', 'an empty body'),
        // Silent: commenting under a tombstone (the thread is kept whole); either answer is defensible.
        p.deleted && refuse('CONFLICT', 'silent: a comment under a deleted post'),
      ]);
      if (refusals.length && !(p.deleted && refusals.length === 1)) return refusals;
      const key = `new-comment-${next.seq}`;
      const c: ConvComment = {
        key,
        post: p.key,
        author: caller.key,
        body: step.body.trim(),
        createdAt: now,
        deleted: false,
        hidden: false,
        hiddenReason: null,
        edited: false,
        mentioned: [],
        unreachable: [],
        history: [],
      };
      next.comments.push(c);
      // Replies notify the post's author, only if they can read the comment (a HUB competitor's is not theirs to know).
      const author = m.user(p.author);
      if (author.key !== caller.key && nm().seesComment(author, c))
        next.notifications.push({ user: author.key, kind: 'post.replied', subject: key });
      mention(c, step.mentions, (v) => nm().seesComment(v, c), 'comment.mentioned');
      const ok: Success = { kind: 'ok', world: next, why: 'an active writer comments', created: { comment: key } };
      return [ok, ...refusals];
    }
    case 'editPost':
    case 'deletePost': {
      const p = m.convPost(step.post);
      const s = m.space(p.space);
      if (!m.readsPost(caller, p)) return [refuse('NOT_FOUND', 'the post is unreadable')];
      if (p.author !== caller.key || !m.writes(caller, s))
        return [refuse('FORBIDDEN', 'only its author, still a writer of the space')];
      const np = next.posts.find((x) => x.key === p.key)!;
      if (step.op === 'deletePost') {
        const refusals = valueChecks([
          archived(s),
          p.deleted && refuse('CONFLICT', 'already deleted', 'CONTENT_DELETED'),
        ]);
        if (refusals.length) return refusals;
        Object.assign(np, { title: '', body: '', deleted: true, history: [] });
        return [{ kind: 'ok', world: next, why: 'its author deletes it: a tombstone' }];
      }
      const refusals = valueChecks([
        archived(s),
        p.deleted && refuse('CONFLICT', 'a tombstone is not edited', 'CONTENT_DELETED'),
        step.title !== undefined && !step.title.trim() && refuse('BAD_USER_INPUT', 'an empty title'),
        step.body !== undefined && !step.body.trim() && refuse('BAD_USER_INPUT', 'an empty body'),
      ]);
      if (refusals.length) return refusals;
      np.history.unshift({ title: p.title, body: p.body, label: p.label });
      if (step.title !== undefined) np.title = step.title.trim();
      if (step.body !== undefined) np.body = step.body.trim();
      np.edited = true;
      mention(np, step.mentions, (v) => nm().readsPost(v, np), 'post.mentioned');
      return [{ kind: 'ok', world: next, why: 'its author edits it' }];
    }
    case 'editComment':
    case 'deleteComment': {
      const c = m.comment(step.comment);
      const s = m.space(m.post(c.post).space);
      if (!m.seesComment(caller, c)) return [refuse('NOT_FOUND', 'the comment is unreadable')];
      if (c.author !== caller.key || !m.writes(caller, s))
        return [refuse('FORBIDDEN', 'only its author, still a writer of the space')];
      const nc = next.comments.find((x) => x.key === c.key)!;
      if (step.op === 'deleteComment') {
        const refusals = valueChecks([
          archived(s),
          c.deleted && refuse('CONFLICT', 'already deleted', 'CONTENT_DELETED'),
        ]);
        if (refusals.length) return refusals;
        Object.assign(nc, { body: '', deleted: true, history: [] });
        return [{ kind: 'ok', world: next, why: 'its author deletes it: a tombstone' }];
      }
      const refusals = valueChecks([
        archived(s),
        c.deleted && refuse('CONFLICT', 'a tombstone is not edited', 'CONTENT_DELETED'),
        !step.body.trim() && refuse('BAD_USER_INPUT', 'an empty body'),
      ]);
      if (refusals.length) return refusals;
      nc.history.unshift({ body: c.body });
      nc.body = step.body.trim();
      nc.edited = true;
      mention(nc, step.mentions, (v) => nm().seesComment(v, nc), 'comment.mentioned');
      return [{ kind: 'ok', world: next, why: 'its author edits it' }];
    }
    case 'hidePost':
    case 'unhidePost':
    case 'relabelPost': {
      const p = m.convPost(step.post);
      const s = m.space(p.space);
      if (!m.readsPost(caller, p)) return [refuse('NOT_FOUND', 'the post is unreadable')];
      if (!m.moderates(caller, s)) return [refuse('FORBIDDEN', "only the space's OWNERs and ANIMATORs moderate")];
      const np = next.posts.find((x) => x.key === p.key)!;
      if (step.op === 'relabelPost') {
        const lowering = step.label < p.label;
        const externals = m.world.memberships.some((g) => g.space === s.key && !m.isHost(m.user(g.user)));
        const liveExternals = m.world.memberships.some(
          (g) => g.space === s.key && !m.isHost(m.user(g.user)) && g.status !== 'REVOKED' && m.isActive(g),
        );
        const refusals = valueChecks([
          archived(s),
          !validLevel(step.label) && refuse('BAD_USER_INPUT', 'a label outside 0-4'),
          step.label < s.classification &&
            refuse('BAD_USER_INPUT', 'a label below the classification', 'LABEL_BELOW_CLASSIFICATION'),
          validLevel(step.label) &&
            step.label > m.effectiveClearance(caller) &&
            refuse('BAD_USER_INPUT', "a label above the moderator's clearance", 'LABEL_ABOVE_CLEARANCE'),
          lowering &&
            liveExternals &&
            step.label >= s.classification &&
            refuse('CONFLICT', "only upward for externals' eyes", 'LABEL_LOWERING_EXPOSES'),
        ]);
        if (refusals.length) return refusals;
        np.label = step.label as Level;
        const ok: Success = { kind: 'ok', world: next, why: 'a moderator relabels' };
        // Silent: lowering while only lapsed, suspended or revoked externals hold grants; a no-op relabel.
        if (lowering && externals)
          return [ok, refuse('CONFLICT', 'silent: externals hold grants', 'LABEL_LOWERING_EXPOSES')];
        if (step.label === p.label)
          return [ok, refuse('BAD_USER_INPUT', 'silent: the same label'), refuse('CONFLICT', 'silent: the same label')];
        return [ok];
      }
      if (step.op === 'hidePost') {
        const again = (p.hidden || p.deleted) && refuse('CONFLICT', 'silent: already hidden or deleted');
        const refusals = valueChecks([
          archived(s),
          !step.reason.trim() && refuse('BAD_USER_INPUT', 'no reason'),
          again,
        ]);
        if (refusals.length && !(again && refusals.length === 1)) return refusals;
        np.hidden = true;
        np.hiddenReason = step.reason.trim();
        next.notifications.push({
          user: p.author,
          kind: 'post.hidden',
          subject: p.key,
          // Silent: a moderator hiding their own post; hiding it again.
          optional: p.author === caller.key || p.hidden,
        });
        const ok: Success = { kind: 'ok', world: next, why: 'a moderator hides it' };
        return [ok, ...refusals];
      }
      const notHidden = !p.hidden && refuse('CONFLICT', 'silent: not hidden');
      const refusals = valueChecks([archived(s), notHidden]);
      if (refusals.length && !(notHidden && refusals.length === 1)) return refusals;
      np.hidden = false;
      np.hiddenReason = null;
      const ok: Success = { kind: 'ok', world: next, why: 'a moderator unhides it' };
      return [ok, ...refusals];
    }
    case 'hideComment':
    case 'unhideComment': {
      const c = m.comment(step.comment);
      const s = m.space(m.post(c.post).space);
      if (!m.seesComment(caller, c)) return [refuse('NOT_FOUND', 'the comment is unreadable')];
      if (!m.moderates(caller, s)) return [refuse('FORBIDDEN', "only the space's OWNERs and ANIMATORs moderate")];
      const nc = next.comments.find((x) => x.key === c.key)!;
      if (step.op === 'hideComment') {
        const again = (c.hidden || c.deleted) && refuse('CONFLICT', 'silent: already hidden or deleted');
        const refusals = valueChecks([
          archived(s),
          !step.reason.trim() && refuse('BAD_USER_INPUT', 'no reason'),
          again,
        ]);
        if (refusals.length && !(again && refusals.length === 1)) return refusals;
        nc.hidden = true;
        nc.hiddenReason = step.reason.trim();
        next.notifications.push({
          user: c.author,
          kind: 'comment.hidden',
          subject: c.key,
          optional: c.author === caller.key || c.hidden,
        });
        const ok: Success = { kind: 'ok', world: next, why: 'a moderator hides it' };
        return [ok, ...refusals];
      }
      const notHidden = !c.hidden && refuse('CONFLICT', 'silent: not hidden');
      const refusals = valueChecks([archived(s), notHidden]);
      if (refusals.length && !(notHidden && refusals.length === 1)) return refusals;
      nc.hidden = false;
      nc.hiddenReason = null;
      const ok: Success = { kind: 'ok', world: next, why: 'a moderator unhides it' };
      return [ok, ...refusals];
    }
    case 'react':
    case 'unreact': {
      const onPost = step.post !== undefined;
      const p = onPost ? m.convPost(step.post!) : m.convPost(m.comment(step.comment!).post);
      const s = m.space(p.space);
      const target = onPost ? p : m.comment(step.comment!);
      const readable = onPost ? m.readsPost(caller, p) : m.seesComment(caller, target as ConvComment);
      if (!readable) return [refuse('NOT_FOUND', 'what it answers is unreadable')];
      // `react`: any active membership of the space, OBSERVER included; reading implies one.
      const refusals = valueChecks([
        archived(s),
        !validEmoji(step.emoji) && refuse('BAD_USER_INPUT', 'a bad emoji'),
        // Silent: reacting to a tombstone; the gateway may refuse it, in any order with the others.
        target.deleted && refuse('CONFLICT', 'silent: a tombstone'),
      ]);
      if (refusals.length && !(target.deleted && refusals.length === 1)) return refusals;
      const same = (r: ConvReaction): boolean =>
        r.user === caller.key && r.emoji === step.emoji && (onPost ? r.post === p.key : r.comment === step.comment);
      const had = next.reactions.some(same);
      if (step.op === 'react') {
        if (!had)
          next.reactions.push({
            user: caller.key,
            emoji: step.emoji,
            createdAt: now,
            ...(onPost ? { post: p.key } : { comment: step.comment }),
          });
      } else next.reactions = next.reactions.filter((r) => !same(r));
      const ok: Success = { kind: 'ok', world: next, why: `an active member ${step.op}s`, removed: had };
      return [ok, ...refusals];
    }
    case 'updateProfile': {
      if (step.skills?.some((k) => !k.trim() || k.trim().length > 40))
        return [refuse('BAD_USER_INPUT', 'a skill must be 1-40 characters')];
      if (step.skills !== undefined) {
        const u = next.base.users.find((x) => x.key === caller.key)!;
        const seen = new Set<string>();
        u.skills = step.skills
          .map((k) => k.trim())
          .filter((k) => !seen.has(k.toLowerCase()) && seen.add(k.toLowerCase()));
      }
      if (step.hiddenFromExternals !== undefined) next.hiddenFromExternals[caller.key] = step.hiddenFromExternals;
      return [{ kind: 'ok', world: next, why: 'a person edits their own profile' }];
    }
    case 'createRiskEntry': {
      const s = m.space(step.space);
      if (!m.seesSpace(caller, s)) return [refuse('NOT_FOUND', 'the space is invisible')];
      if (!m.readsRisks(caller, s))
        return [refuse('FORBIDDEN', "the risk map is its OWNERs', ANIMATORs' and security reviewers'")];
      const refusals = valueChecks([
        archived(s),
        (!validLevel(step.probability) || !validLevel(step.impact)) &&
          refuse('BAD_USER_INPUT', 'probability and impact are 0-4'),
      ]);
      if (refusals.length) return refusals;
      const key = `risk-${next.seq}`;
      next.risks.push({
        key,
        space: s.key,
        probability: step.probability,
        impact: step.impact,
        status: step.status ?? 'OPEN',
      });
      return [{ kind: 'ok', world: next, why: 'someone who keeps the map adds an entry', created: { risk: key } }];
    }
    case 'updateRiskEntry': {
      const r = step.risk === MISSING ? undefined : w.risks.find((x) => x.key === step.risk);
      // An entry the caller cannot read is invisible: the same answer as a missing one (section 2).
      if (!r || !m.readsRisks(caller, m.space(r.space))) return [refuse('NOT_FOUND', 'the entry is invisible')];
      const s = m.space(r.space);
      const refusals = valueChecks([
        archived(s),
        step.impact !== undefined && !validLevel(step.impact) && refuse('BAD_USER_INPUT', 'impact is 0-4'),
      ]);
      if (refusals.length) return refusals;
      const nr = next.risks.find((x) => x.key === r.key)!;
      if (step.impact !== undefined) nr.impact = step.impact;
      if (step.status !== undefined) nr.status = step.status;
      return [{ kind: 'ok', world: next, why: 'someone who keeps the map updates an entry' }];
    }
  }
}

function clone(w: ConvWorld): ConvWorld {
  return structuredClone(w);
}

// ---------------------------------------------------------------------------------------
// What each user must read

export interface ExpectedReactionCount {
  emoji: string;
  count: number;
  reactedByMe: boolean;
}

/** Per emoji, the reactions U sees on a post (or a comment), sorted by emoji. */
export function reactionCounts(
  m: ConversationModel,
  u: WorldUser,
  target: { post?: string; comment?: string },
): ExpectedReactionCount[] {
  const counts = new Map<string, ExpectedReactionCount>();
  for (const r of m.cw.reactions) {
    if (target.post ? r.post !== target.post : r.comment !== target.comment) continue;
    if (!m.seesReaction(u, r)) continue;
    const c = counts.get(r.emoji) ?? { emoji: r.emoji, count: 0, reactedByMe: false };
    c.count += 1;
    if (r.user === u.key) c.reactedByMe = true;
    counts.set(r.emoji, c);
  }
  return [...counts.values()].sort((a, b) => (a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0));
}

/** The notifications U must get, per (kind, subject): how many at least and at most. */
export function expectedNotifications(w: ConvWorld, userKey: string): Map<string, { min: number; max: number }> {
  const out = new Map<string, { min: number; max: number }>();
  for (const n of w.notifications) {
    if (n.user !== userKey) continue;
    const k = `${n.kind}`;
    const b = out.get(k) ?? { min: 0, max: 0 };
    if (!n.optional) b.min += 1;
    b.max += 1;
    out.set(k, b);
  }
  return out;
}

export interface HealthExpectation {
  /** Fewer than 5 active people: every figure of the bucket withheld. */
  suppressed: boolean;
  activeMembers: number;
  /** Who the model counted (for messages). */
  people: string[];
  /** Both sides withheld when either is below 5. */
  splitSuppressed: boolean;
  activeHostMembers: number;
  activeExternalMembers: number;
}

export function healthBucket(m: ConversationModel, s: WorldSpace, start: number, end: number): HealthExpectation {
  const a = m.activePeople(s, start, end);
  return {
    suppressed: a.all.size < K_ANONYMITY,
    activeMembers: a.all.size,
    people: [...a.all].sort(),
    splitSuppressed: a.all.size < K_ANONYMITY || a.host < K_ANONYMITY || a.external < K_ANONYMITY,
    activeHostMembers: a.host,
    activeExternalMembers: a.external,
  };
}

export type { WorldMembership };
