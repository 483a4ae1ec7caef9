// Property: for random worlds and random sequences of issue 9's mutations (threads,
// moderation, mentions, reactions, profiles, the risk map) by random callers, interleaved
// with moves of the clock past expiries, the gateway answers every step as the reference
// conversation model allows (success, or the refusal kind and, where fixed, its reason), and
// afterwards every user reads exactly what the model allows: the feed and space pages
// (tombstones, hidden posts and comments, history, reactions and their counts, unreachable
// mentions), their notifications, the directory of experts, the risk map and its overview,
// and the health figures' suppression. A second property opens graphql-ws subscriptions for
// a few users and checks each receives exactly the posts and notifications the model lets
// them read when they are delivered, across an expiry in the middle of the stream.
//
// Environment:
//   PROPERTY_RUNS    worlds to try (default 4)
//   PROPERTY_STEPS   steps per world (default 30)
//   PROPERTY_SEED, PROPERTY_PATH   replay a run (the seed is printed first); the default seed is
//                    fixed so that CI is repeatable, PROPERTY_SEED=random explores new sequences
//   PROPERTY_VERBOSE   a line per step
//   PROPERTY_SKIP_FIELDS  Type.field,… left out of the reads (exploring around a known failure only)

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';
import { diffFacts, Fact, FactValue, factKey } from './support/reference-model';
import {
  Alternative,
  applyConversationStep,
  CONVERSATION_KINDS,
  ConversationModel,
  ConvStep,
  ConvWorld,
  DAY_MS,
  expectedNotifications,
  fromImport,
  healthBucket,
  MISSING,
  reactionCounts,
  RiskStatus,
  Success,
} from './support/reference-conversations';
import { worldArbitrary, WORLD_BASE_TIME } from './support/world.arbitrary';
import type { World, WorldUser } from './support/world.types';
import { TestApp } from './support/test-app';
import { propertySeed, ReusedGateway, StepTally } from './support/property-harness';
import { TokenService } from '../src/auth/token.service';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 4);
const STEPS = Number(process.env.PROPERTY_STEPS ?? 30);
const SEED = propertySeed(3);
const PATH = process.env.PROPERTY_PATH;
const VERBOSE = Boolean(process.env.PROPERTY_VERBOSE);
/** `Type.field,…`: leave fields out while exploring (e.g. one known to fail), never in CI. */
const SKIP_FIELDS = (process.env.PROPERTY_SKIP_FIELDS ?? '').split(',').filter((f) => f.includes('.'));

// ---------------------------------------------------------------------------------------
// Random steps: flat draws, resolved against the model's world when the step comes.

type Op = Exclude<ConvStep['op'], never>;
const OPS: Array<[Op, number]> = [
  ['createPost', 6],
  ['commentOnPost', 7],
  ['editPost', 2],
  ['editComment', 2],
  ['hidePost', 3],
  ['unhidePost', 1],
  ['hideComment', 3],
  ['unhideComment', 1],
  ['deletePost', 1],
  ['deleteComment', 1],
  ['relabelPost', 2],
  ['react', 4],
  ['unreact', 1],
  ['updateProfile', 3],
  ['createRiskEntry', 2],
  ['updateRiskEntry', 2],
  ['clock', 2],
];
const OP_LIST: Op[] = OPS.flatMap(([op, w]) => Array<Op>(w).fill(op));
const stepSeed = fc.record({
  op: fc.nat(),
  smart: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  who: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
});
type StepSeed = typeof stepSeed extends fc.Arbitrary<infer T> ? T : never;
const pick = <T>(list: T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
const EMOJIS = ['👍', '🎉', 'ok', '👍', '💡', 'a b'];
const WORDS = ['prototype', 'hydrogène', 'roadmap', 'budget', 'charte', 'Zürich', 'sprint'];
const REASON = 'Hors charte';
const CLOCK_DAYS = [0.5, 2, 4, 9];

function buildStep(w: ConvWorld, s: StepSeed, missingId: string): ConvStep {
  const m = new ConversationModel(w);
  const op = OP_LIST[s.op % OP_LIST.length];
  if (op === 'clock') return { op, days: CLOCK_DAYS[s.a % CLOCK_DAYS.length] };
  const users = w.base.users;
  const counting = users.filter((u) => m.counts(u));
  const anyone = pick(users, s.who)!;
  const among = (list: WorldUser[]): string => (s.smart ? (pick(list, s.who) ?? anyone).key : anyone.key);
  const text = (k: number): string => `${pick(WORDS, k)} ${pick(WORDS, k >> 3)}`;
  const mentions = (): string[] => {
    const n = s.c % 4 === 0 ? 2 : s.c % 4 === 1 ? 1 : 0;
    const out: string[] = [];
    for (let k = 0; k < n; k++) out.push(s.c % 23 === 0 ? MISSING : pick(users, s.b + k * 7)!.key);
    return out;
  };
  const render = (body: string, ms: string[]): string =>
    [body, ...ms.map((k) => `@${k === MISSING ? missingId : users.find((u) => u.key === k)!.id}`)].join(' ');
  const readablePosts = (u: string): string[] => w.posts.filter((p) => m.readsPost(m.user(u), p)).map((p) => p.key);
  const visibleComments = (u: string): string[] =>
    w.comments.filter((c) => m.seesComment(m.user(u), c)).map((c) => c.key);
  /** Smart draws: a (caller, post) pair in a space open to writing, where the caller passes `may`. */
  const open = (space: string): boolean => m.space(space).status !== 'ARCHIVED';
  const postPair = (may: (u: WorldUser, p: (typeof w.posts)[number]) => boolean) =>
    s.smart && s.c % 7 !== 0
      ? pick(
          w.posts.filter((p) => open(p.space)).flatMap((p) => counting.filter((u) => may(u, p)).map((u) => ({ u, p }))),
          s.a,
        )
      : undefined;
  const commentPair = (may: (u: WorldUser, c: (typeof w.comments)[number]) => boolean) =>
    s.smart && s.c % 7 !== 0
      ? pick(
          w.comments
            .filter((c) => open(m.post(c.post).space))
            .flatMap((c) => counting.filter((u) => may(u, c)).map((u) => ({ u, c }))),
          s.a,
        )
      : undefined;
  switch (op) {
    case 'createPost': {
      const space =
        (s.smart && s.c % 7 !== 0
          ? pick(
              w.base.spaces.filter((x) => open(x.key)),
              s.a,
            )
          : undefined) ?? pick(w.base.spaces, s.a)!;
      const caller = among(counting.filter((u) => m.writes(u, space)));
      const ms = mentions();
      // Mostly at or a little above the classification; sometimes below it or off the scale.
      const label = s.b % 3 === 0 ? undefined : space.classification + [0, 1, 0, 2, -1, 1, 0, 9][s.b % 8];
      return {
        op,
        caller,
        space: space.key,
        ...(label === undefined ? {} : { label }),
        title: s.a % 31 === 0 ? ' ' : `Post ${w.seq + 1} ${text(s.b)}`,
        body: render(text(s.c), ms),
        mentions: ms,
      };
    }
    case 'commentOnPost': {
      const pair = postPair((u, p) => m.writes(u, m.space(p.space)) && m.readsPost(u, p));
      const caller = pair?.u.key ?? among(counting);
      const post = pair?.p.key ?? pick(readablePosts(caller), s.a) ?? pick(w.posts, s.a)?.key;
      if (!post) return buildStep(w, { ...s, op: 0 }, missingId);
      // A mention of the post's author in a reply is left out: whether it notifies twice is silent.
      const author = w.posts.find((p) => p.key === post)!.author;
      const ms = mentions().filter((k) => k !== author);
      return { op, caller, post, body: render(`Re: ${text(s.b)}`, ms), mentions: ms };
    }
    case 'editPost':
    case 'deletePost': {
      const mine = w.posts.filter((p) => counting.some((u) => u.key === p.author));
      const p = (s.smart ? pick(mine, s.a) : undefined) ?? pick(w.posts, s.a);
      if (!p) return buildStep(w, { ...s, op: 0 }, missingId);
      const caller = s.smart && s.b % 5 !== 0 ? p.author : anyone.key;
      if (op === 'deletePost') return { op, caller, post: p.key };
      const ms = mentions().filter((k) => k !== caller);
      return {
        op,
        caller,
        post: p.key,
        ...(s.b % 3 === 1 ? {} : { title: `Edited ${w.seq + 1}` }),
        ...(s.b % 3 === 2 && !ms.length ? {} : { body: render(`Edited ${text(s.c)}`, ms) }),
        mentions: s.b % 3 === 2 && !ms.length ? [] : ms,
      };
    }
    case 'editComment':
    case 'deleteComment': {
      const mine = w.comments.filter((c) => counting.some((u) => u.key === c.author));
      const c = (s.smart ? pick(mine, s.a) : undefined) ?? pick(w.comments, s.a);
      if (!c) return buildStep(w, { ...s, op: 1 + (s.op % 6) }, missingId);
      const caller = s.smart && s.b % 5 !== 0 ? c.author : anyone.key;
      if (op === 'deleteComment') return { op, caller, comment: c.key };
      const postAuthor = w.posts.find((p) => p.key === c.post)!.author;
      const ms = mentions().filter((k) => k !== caller && k !== postAuthor);
      return { op, caller, comment: c.key, body: render(`Edited ${text(s.c)}`, ms), mentions: ms };
    }
    case 'hidePost':
    case 'unhidePost':
    case 'relabelPost': {
      const pair = postPair(
        (u, p) => m.moderates(u, m.space(p.space)) && m.readsPost(u, p) && (op !== 'unhidePost' || p.hidden),
      );
      const p = pair?.p ?? pick(w.posts, s.a);
      if (!p) return buildStep(w, { ...s, op: 0 }, missingId);
      const space = m.space(p.space);
      const moderators = counting.filter((u) => m.moderates(u, space));
      const caller = pair && s.b % 4 !== 0 ? pair.u.key : s.b % 4 === 0 ? anyone.key : among(moderators);
      if (op === 'hidePost') return { op, caller, post: p.key, reason: s.c % 17 === 0 ? ' ' : REASON };
      if (op === 'unhidePost') return { op, caller, post: p.key };
      return { op, caller, post: p.key, label: p.label + [1, -1, 2, -2, 1, 0, 7, 1][s.c % 8] };
    }
    case 'hideComment':
    case 'unhideComment': {
      const pair = commentPair(
        (u, c) =>
          m.moderates(u, m.space(m.post(c.post).space)) && m.seesComment(u, c) && (op !== 'unhideComment' || c.hidden),
      );
      const c = pair?.c ?? pick(w.comments, s.a);
      if (!c) return buildStep(w, { ...s, op: 1 }, missingId);
      const space = m.space(m.post(c.post).space);
      const caller =
        pair && s.b % 4 !== 0
          ? pair.u.key
          : s.b % 4 === 0
            ? anyone.key
            : among(counting.filter((u) => m.moderates(u, space)));
      return op === 'hideComment' ? { op, caller, comment: c.key, reason: REASON } : { op, caller, comment: c.key };
    }
    case 'react':
    case 'unreact': {
      const emoji = EMOJIS[s.c % EMOJIS.length];
      if (s.b % 2 === 0 || !w.comments.length) {
        const pair = postPair((u, p) => m.readsPost(u, p));
        const caller = pair?.u.key ?? among(counting);
        const post = pair?.p.key ?? pick(readablePosts(caller), s.a) ?? pick(w.posts, s.a)?.key;
        if (!post) return buildStep(w, { ...s, op: 0 }, missingId);
        return { op, caller, post, emoji };
      }
      const pair = commentPair((u, c) => m.seesComment(u, c));
      const caller = pair?.u.key ?? among(counting);
      const comment = pair?.c.key ?? pick(visibleComments(caller), s.a) ?? pick(w.comments, s.a)!.key;
      return { op, caller, comment, emoji };
    }
    case 'updateProfile': {
      // Smart draws: someone an external finds in the directory, so that hiding matters.
      const found = counting.filter((v) => counting.some((u) => !m.isHost(u) && m.listsExpert(u, v)));
      const caller = among(found.length ? found : counting);
      return s.b % 4 === 0
        ? { op, caller, skills: [pick(WORDS, s.c)!, pick(WORDS, s.a)!] }
        : { op, caller, hiddenFromExternals: s.b % 4 !== 3 };
    }
    case 'createRiskEntry': {
      const space = pick(w.base.spaces, s.a)!;
      const keepers = counting.filter((u) => m.readsRisks(u, space));
      return {
        op,
        caller: s.b % 5 === 0 ? anyone.key : among(keepers),
        space: space.key,
        probability: s.c % 5,
        impact: [0, 1, 2, 3, 4, 3, 4, 6][s.b % 8],
        ...(s.c % 4 === 0 ? { status: 'MITIGATED' as const } : {}),
      };
    }
    case 'updateRiskEntry': {
      const r = s.c % 19 === 0 ? undefined : pick(w.risks, s.a);
      if (!r && !w.risks.length) return buildStep(w, { ...s, op: OP_LIST.indexOf('createRiskEntry') }, missingId);
      const space = r ? m.space(r.space) : undefined;
      const keepers = space ? counting.filter((u) => m.readsRisks(u, space)) : counting;
      const statuses: RiskStatus[] = ['OPEN', 'MITIGATED', 'CLOSED'];
      return {
        op,
        caller: s.b % 5 === 0 ? anyone.key : among(keepers),
        risk: r?.key ?? MISSING,
        ...(s.b % 2 === 0 ? { status: statuses[s.c % 3] } : { impact: [1, 3, 4, 2][s.c % 4] }),
      };
    }
  }
  throw new Error(`no step for ${op as string}`);
}

// ---------------------------------------------------------------------------------------
// The API side of one step.

const POST_FIELDS = 'id createdAt';
const DOCS: Record<Exclude<Op, 'clock'>, string> = {
  createPost: `mutation($input: CreatePostInput!) { r: createPost(input: $input) { ${POST_FIELDS} } }`,
  commentOnPost: `mutation($id: ID!, $body: String!) { r: commentOnPost(postId: $id, body: $body) { id createdAt } }`,
  editPost: `mutation($id: ID!, $title: String, $body: String) { r: editPost(id: $id, title: $title, body: $body) { id } }`,
  editComment: `mutation($id: ID!, $body: String!) { r: editComment(id: $id, body: $body) { id } }`,
  hidePost: `mutation($id: ID!, $reason: String!) { r: hidePost(id: $id, reason: $reason) { id } }`,
  unhidePost: `mutation($id: ID!) { r: unhidePost(id: $id) { id } }`,
  hideComment: `mutation($id: ID!, $reason: String!) { r: hideComment(id: $id, reason: $reason) { id } }`,
  unhideComment: `mutation($id: ID!) { r: unhideComment(id: $id) { id } }`,
  deletePost: `mutation($id: ID!) { r: deletePost(id: $id) { id } }`,
  deleteComment: `mutation($id: ID!) { r: deleteComment(id: $id) { id } }`,
  relabelPost: `mutation($id: ID!, $label: Int!) { r: relabelPost(id: $id, label: $label) { id } }`,
  react: `mutation($postId: ID, $commentId: ID, $emoji: String!) { r: react(postId: $postId, commentId: $commentId, emoji: $emoji) { id createdAt } }`,
  unreact: `mutation($postId: ID, $commentId: ID, $emoji: String!) { r: unreact(postId: $postId, commentId: $commentId, emoji: $emoji) }`,
  updateProfile: `mutation($input: UpdateProfileInput!) { r: updateProfile(input: $input) { id } }`,
  createRiskEntry: `mutation($input: CreateRiskEntryInput!) { r: createRiskEntry(input: $input) { id } }`,
  updateRiskEntry: `mutation($id: ID!, $input: UpdateRiskEntryInput!) { r: updateRiskEntry(id: $id, input: $input) { id } }`,
};

interface Answer {
  ok: boolean;
  data?: any;
  code?: string;
  reason?: string;
  message?: string;
}

class Run {
  readonly tokens = new Map<string, string>();
  readonly missing = randomUUID();

  constructor(
    readonly app: TestApp,
    public w: ConvWorld,
  ) {}

  model(): ConversationModel {
    return new ConversationModel(this.w);
  }
  id(kind: 'user' | 'space' | 'post' | 'comment' | 'risk', key: string): string {
    if (key === MISSING) return this.missing;
    const list: Array<{ key: string; id?: string }> =
      kind === 'user'
        ? this.w.base.users
        : kind === 'space'
          ? this.w.base.spaces
          : kind === 'post'
            ? this.w.posts
            : kind === 'comment'
              ? this.w.comments
              : this.w.risks;
    const id = list.find((o) => o.key === key)?.id;
    if (!id) throw new Error(`no id for ${kind} ${key}`);
    return id;
  }

  /** A long-lived token: clock moves of days must not end the caller's credential. */
  async token(userKey: string): Promise<string> {
    let t = this.tokens.get(userKey);
    if (!t) {
      t = (await this.app.app.get(TokenService).mint(this.id('user', userKey), { ttlSeconds: 200 * 86_400 })).token;
      this.tokens.set(userKey, t);
    }
    return t;
  }
  async gql(userKey: string, query: string, variables: object = {}): Promise<{ status: number; body: any }> {
    return this.app.gql(await this.token(userKey), query, variables as Record<string, unknown>);
  }

  variables(step: Exclude<ConvStep, { op: 'clock' }>): Record<string, unknown> {
    switch (step.op) {
      case 'createPost':
        return {
          input: {
            spaceId: this.id('space', step.space),
            title: step.title,
            body: step.body,
            ...(step.label === undefined ? {} : { label: step.label }),
          },
        };
      case 'commentOnPost':
        return { id: this.id('post', step.post), body: step.body };
      case 'editPost':
        return { id: this.id('post', step.post), title: step.title, body: step.body };
      case 'editComment':
        return { id: this.id('comment', step.comment), body: step.body };
      case 'hidePost':
        return { id: this.id('post', step.post), reason: step.reason };
      case 'unhidePost':
      case 'deletePost':
        return { id: this.id('post', step.post) };
      case 'hideComment':
        return { id: this.id('comment', step.comment), reason: step.reason };
      case 'unhideComment':
      case 'deleteComment':
        return { id: this.id('comment', step.comment) };
      case 'relabelPost':
        return { id: this.id('post', step.post), label: step.label };
      case 'react':
      case 'unreact':
        return step.post
          ? { postId: this.id('post', step.post), emoji: step.emoji }
          : { commentId: this.id('comment', step.comment!), emoji: step.emoji };
      case 'updateProfile':
        return {
          input: {
            ...(step.skills ? { skills: step.skills } : {}),
            ...(step.hiddenFromExternals === undefined ? {} : { hiddenFromExternals: step.hiddenFromExternals }),
          },
        };
      case 'createRiskEntry':
        return {
          input: {
            spaceId: this.id('space', step.space),
            description: 'Fuite de données partenaires',
            probability: step.probability,
            impact: step.impact,
            ...(step.status ? { status: step.status } : {}),
          },
        };
      case 'updateRiskEntry':
        return {
          id: this.id('risk', step.risk),
          input: {
            ...(step.status ? { status: step.status } : {}),
            ...(step.impact === undefined ? {} : { impact: step.impact }),
          },
        };
    }
  }

  async send(step: Exclude<ConvStep, { op: 'clock' }>): Promise<Answer> {
    const res = await this.gql(step.caller, DOCS[step.op], this.variables(step));
    const e = res.body.errors?.[0];
    if (e) return { ok: false, code: e.extensions?.code, reason: e.extensions?.reason, message: e.message };
    return { ok: true, data: res.body.data?.r };
  }
}

function describe_(alts: Alternative[]): string {
  return alts
    .map((a) => (a.kind === 'ok' ? `ok (${a.why})` : `${a.code}${a.reason ? `/${a.reason}` : ''} (${a.why})`))
    .join(' | ');
}

async function runStep(run: Run, step: ConvStep): Promise<{ lines: string[]; said: string }> {
  if (step.op !== 'clock') {
    // A minute passes between two steps, as it would: two edits never share an instant.
    run.w = { ...run.w, now: new Date(Date.parse(run.w.now) + 60_000).toISOString() };
    run.app.clock.set(new Date(run.w.now));
  }
  const alts = applyConversationStep(run.w, step);
  if (step.op === 'clock') {
    run.w = (alts[0] as Success).world;
    run.app.clock.set(new Date(run.w.now));
    return { lines: [], said: `now ${run.w.now}` };
  }
  const answer = await run.send(step);
  if (answer.ok) {
    const ok = alts.filter((a): a is Success => a.kind === 'ok');
    if (!ok.length)
      return {
        lines: [`API succeeded (${JSON.stringify(answer.data)}); the model allows ${describe_(alts)}`],
        said: 'ok',
      };
    const chosen = ok[0];
    run.w = chosen.world;
    const lines: string[] = [];
    if (chosen.created?.post) {
      const p = run.w.posts.find((x) => x.key === chosen.created!.post)!;
      p.id = answer.data.id;
      p.createdAt = new Date(answer.data.createdAt).toISOString();
    }
    if (chosen.created?.comment) {
      const c = run.w.comments.find((x) => x.key === chosen.created!.comment)!;
      c.id = answer.data.id;
      c.createdAt = new Date(answer.data.createdAt).toISOString();
    }
    if (chosen.created?.risk) run.w.risks.find((x) => x.key === chosen.created!.risk)!.id = answer.data.id;
    // The instant a reaction was recorded is the gateway's to say (it is not a confidentiality matter).
    if (step.op === 'react' && !chosen.removed && answer.data?.createdAt) {
      const r = run.w.reactions.at(-1)!;
      r.createdAt = new Date(answer.data.createdAt).toISOString();
    }
    if (step.op === 'unreact' && answer.data !== chosen.removed)
      lines.push(`unreact answered ${String(answer.data)}, expected ${String(chosen.removed)}`);
    return { lines, said: `ok: ${chosen.why}` };
  }
  const said = `${answer.code}${answer.reason ? `/${answer.reason}` : ''} "${answer.message}"`;
  const same = alts.filter((a) => a.kind === 'refused' && a.code === answer.code);
  if (!same.length) return { lines: [`API refused ${said}; the model allows ${describe_(alts)}`], said };
  const reasonOk = same.some((a) => a.kind === 'refused' && (!a.reason || a.reason === answer.reason));
  if (!reasonOk) return { lines: [`API refused ${said}; the model's reasons: ${describe_(same)}`], said };
  return { lines: [], said };
}

// ---------------------------------------------------------------------------------------
// The read side after the sequence.

/** What the schema offers: fields per type, so that the test grows with the features. */
interface Surface {
  fields: Map<string, Set<string>>;
  has(type: string, field: string): boolean;
}

async function discoverSurface(app: TestApp, token: string): Promise<Surface> {
  const types = ['Query', 'Mutation', 'Subscription', 'Post', 'Comment', 'Space', 'User'];
  const q = `{ ${types.map((t) => `${t}: __type(name: "${t}") { fields { name } }`).join(' ')} }`;
  const res = await app.gql(token, q);
  const fields = new Map<string, Set<string>>();
  for (const t of types)
    fields.set(t, new Set(((res.body.data?.[t]?.fields ?? []) as Array<{ name: string }>).map((f) => f.name)));
  for (const f of SKIP_FIELDS) fields.get(f.split('.')[0])?.delete(f.split('.')[1]);
  return { fields, has: (t, f) => fields.get(t)?.has(f) ?? false };
}

function readQuery(sf: Surface): string {
  const opt = (t: string, f: string, sel = f): string => (sf.has(t, f) ? sel : '');
  const counts = (t: string): string => opt(t, 'reactionCounts', 'reactionCounts { emoji count reactedByMe }');
  const reactions = (t: string): string => opt(t, 'reactions', 'reactions(first: 100) { totalCount }');
  const comment = [
    'id body',
    ...['hidden', 'hiddenReason', 'deleted', 'editedAt', 'unreachableMentions'].map((f) => opt('Comment', f)),
    opt('Comment', 'history', 'history { body }'),
    counts('Comment'),
    reactions('Comment'),
  ].join(' ');
  const post = [
    'id title body label hidden commentCount',
    ...['deleted', 'hiddenReason', 'editedAt', 'unreachableMentions'].map((f) => opt('Post', f)),
    opt('Post', 'history', 'history { title body label }'),
    counts('Post'),
    reactions('Post'),
    `comments(first: 100) { totalCount edges { node { ${comment} } } }`,
  ].join(' ');
  return `{
    feed(first: 100) { totalCount edges { node { ${post} } } }
    spaces(first: 40) { edges { node { id posts(first: 100) { totalCount edges { node { id } } } } } }
    notifications(first: 100) { edges { node { kind } } }
    ${sf.has('Query', 'experts') ? 'experts(first: 100) { edges { node { id } } }' : ''}
  }`;
}

const sortById = (ids: string[]): string[] => [...ids].sort();

async function checkReads(run: Run, sf: Surface, stage: string): Promise<string[]> {
  const lines: string[] = [];
  const m = run.model();
  const query = readQuery(sf);
  const idOfMention = (k: string): string => (k === MISSING ? run.missing : m.idOf(m.user(k)));
  for (const u of run.w.base.users) {
    if (!m.counts(u)) continue;
    const who = `${u.key} (${m.isHost(u) ? 'host' : 'external'}${u.roles.length ? ` ${u.roles.join('+')}` : ''}, eff ${m.effectiveClearance(u)})`;
    const res = await run.gql(u.key, query);
    if (!res.body.data || res.body.errors?.length) {
      lines.push(`[${stage}] ${who}: read failed ${JSON.stringify(res.body).slice(0, 400)}`);
      continue;
    }
    const data = res.body.data;
    const observed = new Map<string, Fact>();
    const expected = new Map<string, Fact>();
    const put = (into: Map<string, Fact>, type: string, id: string, field: string, value: FactValue): void => {
      into.set(factKey({ type, id, field }), { type, id, field, value });
    };

    // The model's side.
    const view = m.viewOf(u);
    put(expected, 'Query', 'feed', 'nodes', view.feed);
    for (const [spaceId, posts] of view.spacePosts) put(expected, 'Space', spaceId, 'posts', posts);
    for (const p of run.w.posts) {
      if (!m.readsPost(u, p)) continue;
      const id = m.idOf(p);
      const mod = m.moderates(u, m.space(p.space));
      put(expected, 'Post', id, 'title', p.title);
      put(expected, 'Post', id, 'body', p.body);
      put(expected, 'Post', id, 'label', p.label);
      put(expected, 'Post', id, 'hidden', p.hidden);
      if (sf.has('Post', 'deleted')) put(expected, 'Post', id, 'deleted', p.deleted);
      if (sf.has('Post', 'hiddenReason') && (!p.hidden || p.hiddenReason !== null))
        put(expected, 'Post', id, 'hiddenReason', p.hidden && mod ? p.hiddenReason : null);
      if (sf.has('Post', 'editedAt')) put(expected, 'Post', id, 'edited', p.edited);
      if (sf.has('Post', 'history')) put(expected, 'Post', id, 'history', p.history as unknown as string[]);
      if (sf.has('Post', 'reactionCounts'))
        put(expected, 'Post', id, 'reactionCounts', JSON.stringify(reactionCounts(m, u, { post: p.key })));
      if (sf.has('Post', 'reactions'))
        put(
          expected,
          'Post',
          id,
          'reactions.totalCount',
          run.w.reactions.filter((r) => r.post === p.key && m.seesReaction(u, r)).length,
        );
      if (sf.has('Post', 'unreachableMentions') && !p.deleted)
        put(
          expected,
          'Post',
          id,
          'unreachableMentions',
          p.author === u.key ? sortById(p.unreachable.map(idOfMention)) : [],
        );
      const comments = run.w.comments.filter((c) => c.post === p.key && m.seesComment(u, c));
      put(expected, 'Post', id, 'commentCount', comments.length);
      put(expected, 'Post', id, 'comments', sortById(comments.map((c) => m.idOf(c))));
      for (const c of comments) {
        const cid = m.idOf(c);
        put(expected, 'Comment', cid, 'body', c.body);
        if (sf.has('Comment', 'hidden')) put(expected, 'Comment', cid, 'hidden', c.hidden);
        if (sf.has('Comment', 'hiddenReason'))
          put(expected, 'Comment', cid, 'hiddenReason', c.hidden ? c.hiddenReason : null);
        if (sf.has('Comment', 'deleted')) put(expected, 'Comment', cid, 'deleted', c.deleted);
        if (sf.has('Comment', 'editedAt')) put(expected, 'Comment', cid, 'edited', c.edited);
        if (sf.has('Comment', 'history')) put(expected, 'Comment', cid, 'history', c.history as unknown as string[]);
        if (sf.has('Comment', 'reactionCounts'))
          put(expected, 'Comment', cid, 'reactionCounts', JSON.stringify(reactionCounts(m, u, { comment: c.key })));
        if (sf.has('Comment', 'reactions'))
          put(
            expected,
            'Comment',
            cid,
            'reactions.totalCount',
            run.w.reactions.filter((r) => r.comment === c.key && m.seesReaction(u, r)).length,
          );
        if (sf.has('Comment', 'unreachableMentions') && !c.deleted)
          put(
            expected,
            'Comment',
            cid,
            'unreachableMentions',
            c.author === u.key ? sortById(c.unreachable.map(idOfMention)) : [],
          );
      }
    }
    if (sf.has('Query', 'experts'))
      put(
        expected,
        'Query',
        'experts',
        'nodes',
        sortById(run.w.base.users.filter((v) => v.key !== u.key && m.listsExpert(u, v)).map((v) => m.idOf(v))),
      );

    // The API's side.
    const feed = data.feed.edges.map((e: any) => e.node);
    put(
      observed,
      'Query',
      'feed',
      'nodes',
      feed.map((p: any) => p.id),
    );
    for (const s of data.spaces.edges.map((e: any) => e.node))
      put(
        observed,
        'Space',
        s.id,
        'posts',
        s.posts.edges.map((e: any) => e.node.id),
      );
    const counted = (list: any[]): string =>
      JSON.stringify(
        [...list]
          .map((c: any) => ({ emoji: c.emoji, count: c.count, reactedByMe: c.reactedByMe }))
          .sort((a, b) => (a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0)),
      );
    const modelPost = new Map(run.w.posts.map((p) => [p.id, p]));
    for (const p of feed) {
      put(observed, 'Post', p.id, 'title', p.title);
      put(observed, 'Post', p.id, 'body', p.body);
      put(observed, 'Post', p.id, 'label', p.label);
      put(observed, 'Post', p.id, 'hidden', p.hidden);
      if ('deleted' in p) put(observed, 'Post', p.id, 'deleted', p.deleted);
      const mp = modelPost.get(p.id);
      if ('hiddenReason' in p && !(mp && mp.hidden && mp.hiddenReason === null))
        put(observed, 'Post', p.id, 'hiddenReason', p.hiddenReason);
      if ('editedAt' in p) put(observed, 'Post', p.id, 'edited', p.editedAt !== null);
      if ('history' in p)
        put(
          observed,
          'Post',
          p.id,
          'history',
          p.history.map((h: any) => ({ title: h.title, body: h.body, label: h.label })),
        );
      if ('reactionCounts' in p) put(observed, 'Post', p.id, 'reactionCounts', counted(p.reactionCounts));
      if ('reactions' in p) put(observed, 'Post', p.id, 'reactions.totalCount', p.reactions.totalCount);
      if ('unreachableMentions' in p && !(mp && mp.deleted))
        put(observed, 'Post', p.id, 'unreachableMentions', sortById(p.unreachableMentions));
      const comments = p.comments.edges.map((e: any) => e.node);
      put(observed, 'Post', p.id, 'commentCount', p.commentCount);
      put(observed, 'Post', p.id, 'comments', sortById(comments.map((c: any) => c.id)));
      if (p.comments.totalCount !== comments.length)
        lines.push(
          `[${stage}] ${who}: post ${p.id} comments.totalCount ${p.comments.totalCount} ≠ ${comments.length} listed`,
        );
      for (const c of comments) {
        put(observed, 'Comment', c.id, 'body', c.body);
        for (const f of ['hidden', 'hiddenReason', 'deleted']) if (f in c) put(observed, 'Comment', c.id, f, c[f]);
        if ('editedAt' in c) put(observed, 'Comment', c.id, 'edited', c.editedAt !== null);
        if ('history' in c)
          put(
            observed,
            'Comment',
            c.id,
            'history',
            c.history.map((h: any) => ({ body: h.body })),
          );
        if ('reactionCounts' in c) put(observed, 'Comment', c.id, 'reactionCounts', counted(c.reactionCounts));
        if ('reactions' in c) put(observed, 'Comment', c.id, 'reactions.totalCount', c.reactions.totalCount);
        const mc = run.w.comments.find((x) => x.id === c.id);
        if ('unreachableMentions' in c && !(mc && mc.deleted))
          put(observed, 'Comment', c.id, 'unreachableMentions', sortById(c.unreachableMentions));
      }
    }
    if (data.experts)
      put(
        observed,
        'Query',
        'experts',
        'nodes',
        sortById(data.experts.edges.map((e: any) => e.node.id).filter((id: string) => id !== m.idOf(u))),
      );
    for (const line of diffFacts(expected, observed)) lines.push(`[${stage}] ${who}: ${line}`);

    // Notifications: per kind, at least the model's certain ones, at most those plus the optional ones.
    const got = new Map<string, number>();
    for (const e of data.notifications.edges) {
      const kind = e.node.kind as string;
      if (CONVERSATION_KINDS.includes(kind)) got.set(kind, (got.get(kind) ?? 0) + 1);
    }
    const want = expectedNotifications(run.w, u.key);
    for (const kind of CONVERSATION_KINDS) {
      const n = got.get(kind) ?? 0;
      const b = want.get(kind) ?? { min: 0, max: 0 };
      if (n < b.min || n > b.max)
        lines.push(`[${stage}] ${who}: ${n} notifications ${kind}, the model says ${b.min}..${b.max}`);
    }
  }
  lines.push(...(await checkFetchById(run, stage)));
  lines.push(...(await checkRiskReads(run, sf, stage)));
  lines.push(...(await checkHealth(run, sf, stage)));
  return lines.map((l) => readable(run, l));
}

/** `node(id)` of every post and comment, tombstones and hidden ones included: the same rule as the lists. */
async function checkFetchById(run: Run, stage: string): Promise<string[]> {
  const lines: string[] = [];
  const m = run.model();
  const items = [
    ...run.w.posts.filter((p) => p.id).map((p) => ({ id: p.id!, reads: (u: WorldUser) => m.readsPost(u, p) })),
    ...run.w.comments.filter((c) => c.id).map((c) => ({ id: c.id!, reads: (u: WorldUser) => m.seesComment(u, c) })),
    { id: run.missing, reads: () => false },
  ];
  const q = `query(${items.map((_, k) => `$n${k}: ID!`).join(', ')}) { ${items.map((_, k) => `n${k}: node(id: $n${k}) { id }`).join(' ')} }`;
  const variables = Object.fromEntries(items.map((x, k) => [`n${k}`, x.id]));
  for (const u of run.w.base.users.filter((x) => m.counts(x))) {
    const res = await run.gql(u.key, q, variables);
    const errors: any[] = res.body.errors ?? [];
    const stray = errors.filter((e) => e.extensions?.code !== 'NOT_FOUND');
    if (!res.body.data || stray.length) {
      lines.push(`[${stage}] ${u.key} node(id): ${JSON.stringify(res.body).slice(0, 300)}`);
      continue;
    }
    items.forEach((x, k) => {
      const got = Boolean(res.body.data[`n${k}`]);
      if (got !== x.reads(u))
        lines.push(
          `[${stage}] ${u.key} node(${x.id}): ${got ? 'fetched' : 'NOT_FOUND'}, the model says ${got ? 'invisible' : 'readable'}`,
        );
    });
  }
  return lines;
}

/** riskMap per space and user: NOT_FOUND when the space is invisible, FORBIDDEN for those who may not read it. */
async function checkRiskReads(run: Run, sf: Surface, stage: string): Promise<string[]> {
  const lines: string[] = [];
  const m = run.model();
  if (sf.has('Query', 'riskMap')) {
    const q = `query($id: ID!) { riskMap(spaceId: $id) { entries { id } matrix { probability impact count } openCriticalRisk } }`;
    for (const u of run.w.base.users.filter((x) => m.counts(x)))
      for (const s of run.w.base.spaces) {
        const res = await run.gql(u.key, q, { id: m.idOf(s) });
        const code = res.body.errors?.[0]?.extensions?.code;
        const where = `[${stage}] ${u.key} riskMap(${s.key})`;
        if (!m.seesSpace(u, s)) {
          if (code !== 'NOT_FOUND')
            lines.push(`${where}: expected NOT_FOUND, got ${JSON.stringify(res.body).slice(0, 200)}`);
          continue;
        }
        if (!m.readsRisks(u, s)) {
          if (code !== 'FORBIDDEN')
            lines.push(`${where}: expected FORBIDDEN, got ${JSON.stringify(res.body).slice(0, 200)}`);
          continue;
        }
        const map = res.body.data?.riskMap;
        if (!map) {
          lines.push(`${where}: expected the map, got ${JSON.stringify(res.body).slice(0, 200)}`);
          continue;
        }
        const risks = run.w.risks.filter((r) => r.space === s.key);
        const ids = sortById(risks.map((r) => r.id!));
        const got = sortById(map.entries.map((e: any) => e.id));
        if (JSON.stringify(ids) !== JSON.stringify(got)) lines.push(`${where}: entries ${got}, expected ${ids}`);
        const cells = new Map<string, number>();
        for (const r of risks)
          if (r.status !== 'CLOSED')
            cells.set(`${r.probability}/${r.impact}`, (cells.get(`${r.probability}/${r.impact}`) ?? 0) + 1);
        if (map.matrix.length !== 25) lines.push(`${where}: ${map.matrix.length} cells`);
        for (const c of map.matrix) {
          const n = cells.get(`${c.probability}/${c.impact}`) ?? 0;
          if (c.count !== n) lines.push(`${where}: cell ${c.probability}/${c.impact} counts ${c.count}, expected ${n}`);
        }
        if (map.openCriticalRisk !== m.risky(s)) lines.push(`${where}: openCriticalRisk ${map.openCriticalRisk}`);
      }
  }
  if (sf.has('Query', 'riskOverview')) {
    const q = `{ riskOverview { space { id } openCount highestOpenRisk { impact probability } } }`;
    for (const u of run.w.base.users.filter((x) => m.counts(x))) {
      const res = await run.gql(u.key, q);
      const where = `[${stage}] ${u.key} riskOverview`;
      if (!m.isReviewer(u)) {
        if (res.body.errors?.[0]?.extensions?.code !== 'FORBIDDEN')
          lines.push(`${where}: expected FORBIDDEN, got ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const rows: any[] = res.body.data?.riskOverview ?? [];
      for (const s of run.w.base.spaces) {
        const open = run.w.risks.filter((r) => r.space === s.key && r.status === 'OPEN');
        const row = rows.find((x) => x.space.id === m.idOf(s));
        if (!row) {
          lines.push(`${where}: no row for ${s.key}`);
          continue;
        }
        if (row.openCount !== open.length)
          lines.push(`${where}: ${s.key} openCount ${row.openCount}, expected ${open.length}`);
        const best = [...open].sort((a, b) => b.impact - a.impact || b.probability - a.probability)[0];
        const gotBest = row.highestOpenRisk
          ? `${row.highestOpenRisk.impact}/${row.highestOpenRisk.probability}`
          : 'none';
        const wantBest = best ? `${best.impact}/${best.probability}` : 'none';
        if (gotBest !== wantBest) lines.push(`${where}: ${s.key} highest open risk ${gotBest}, expected ${wantBest}`);
      }
    }
  }
  return lines;
}

/** spaceHealth: who may read it, and which figures of the current week are withheld (fewer than 5 people). */
async function checkHealth(run: Run, sf: Surface, stage: string): Promise<string[]> {
  if (!sf.has('Query', 'spaceHealth')) return [];
  const lines: string[] = [];
  const m = run.model();
  const fig = 'value suppressed';
  const q = `query($id: ID!) { spaceHealth(spaceId: $id, period: WEEK, count: 2) { buckets { start end
    activeMembers { ${fig} } activeHostMembers { ${fig} } activeExternalMembers { ${fig} } posts { ${fig} } comments { ${fig} } }
    expiringMemberships { ${fig} } } }`;
  for (const u of run.w.base.users.filter((x) => m.counts(x)))
    for (const s of run.w.base.spaces) {
      const res = await run.gql(u.key, q, { id: m.idOf(s) });
      const code = res.body.errors?.[0]?.extensions?.code;
      const where = `[${stage}] ${u.key} spaceHealth(${s.key})`;
      if (!m.seesSpace(u, s)) {
        if (code !== 'NOT_FOUND')
          lines.push(`${where}: expected NOT_FOUND, got ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      if (!m.readsHealth(u, s)) {
        if (code !== 'FORBIDDEN')
          lines.push(`${where}: expected FORBIDDEN, got ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const h = res.body.data?.spaceHealth;
      if (!h) {
        lines.push(`${where}: expected figures, got ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      for (const b of h.buckets) {
        const e = healthBucket(m, s, Date.parse(b.start), Date.parse(b.end));
        const check = (
          name: string,
          f: { value: number | null; suppressed: boolean },
          suppressed: boolean,
          value: number,
        ): void => {
          if (f.suppressed !== suppressed || (suppressed && f.value !== null) || (!suppressed && f.value !== value))
            lines.push(
              `${where} ${b.start}: ${name} ${JSON.stringify(f)}, expected ${suppressed ? 'withheld' : value}`,
            );
        };
        check(`activeMembers (model: ${e.people.join(' ')})`, b.activeMembers, e.suppressed, e.activeMembers);
        if (VERBOSE && !b.activeMembers.suppressed && b.activeMembers.value !== e.activeMembers) {
          const rows: Array<{ author_id: string; k: string; created_at: Date }> = await run.app.dataSource.query(
            `SELECT p.author_id, 'post' AS k, p.created_at FROM posts p WHERE p.space_id = $1
             UNION ALL SELECT c.author_id, 'comment', c.created_at FROM comments c JOIN posts p ON p.id = c.post_id WHERE p.space_id = $1
             UNION ALL SELECT r.author_id, 'reaction', r.created_at FROM reactions r JOIN posts p ON p.id = r.post_id WHERE p.space_id = $1`,
            [m.idOf(s)],
          );
          console.log(rows.map((r) => `${r.k} ${r.author_id} ${r.created_at.toISOString()}`).join('\n'));
        }
        check('activeHostMembers', b.activeHostMembers, e.splitSuppressed, e.activeHostMembers);
        check('activeExternalMembers', b.activeExternalMembers, e.splitSuppressed, e.activeExternalMembers);
        // Under 5 active people, no figure of the period is shown.
        if (e.suppressed)
          for (const name of ['posts', 'comments'])
            if (!b[name].suppressed || b[name].value !== null)
              lines.push(`${where} ${b.start}: ${name} shown with ${e.activeMembers} active`);
      }
      const expiring = m.expiringMemberships(s);
      check2(lines, where, 'expiringMemberships', h.expiringMemberships, expiring);
    }
  if (sf.has('Query', 'healthOverview')) {
    const q2 = `{ healthOverview(period: MONTH, count: 1) { pilot { spaces } others { spaces } } }`;
    const count = (status: string): number => run.w.base.spaces.filter((s) => s.status === status).length;
    for (const u of run.w.base.users.filter((x) => m.counts(x))) {
      const res = await run.gql(u.key, q2);
      const where = `[${stage}] ${u.key} healthOverview`;
      if (!(m.isHost(u) && u.roles.includes('HOST_ADMIN'))) {
        if (res.body.errors?.[0]?.extensions?.code !== 'FORBIDDEN')
          lines.push(`${where}: expected FORBIDDEN, got ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const o = res.body.data?.healthOverview;
      // Silent: whether archived spaces count among "the others"; either is accepted.
      if (
        !o ||
        o.pilot.spaces !== count('PILOT') ||
        ![count('ACTIVE'), count('ACTIVE') + count('ARCHIVED')].includes(o.others.spaces)
      )
        lines.push(
          `${where}: ${JSON.stringify(res.body).slice(0, 200)}, pilot ${count('PILOT')} others ${count('ACTIVE')}`,
        );
    }
  }
  return lines;
}

function check2(
  lines: string[],
  where: string,
  name: string,
  f: { value: number | null; suppressed: boolean },
  n: number,
): void {
  const suppressed = n < 5;
  if (f.suppressed !== suppressed || (suppressed ? f.value !== null : f.value !== n))
    lines.push(`${where}: ${name} ${JSON.stringify(f)}, expected ${suppressed ? 'withheld' : n}`);
}

/** UUIDs shown as the world's keys. */
function readable(run: Run, line: string): string {
  const names = new Map<string, string>();
  for (const o of [...run.w.base.users, ...run.w.base.spaces, ...run.w.posts, ...run.w.comments, ...run.w.risks])
    if (o.id) names.set(o.id.toLowerCase(), o.key);
  names.set(run.missing, 'MISSING');
  return line.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    (id) => names.get(id.toLowerCase()) ?? `?(${id.slice(0, 8)})`,
  );
}

// ---------------------------------------------------------------------------------------
// Worlds

/**
 * Random worlds, plus people who may act: a host admin, a security reviewer, a host owner of
 * every space, and a second partner whose two people are in every space with expiries a
 * clock move can pass (a MEMBER and an OBSERVER), so that HUB, expiry and OBSERVER matter.
 */
function withActors(world: World): World {
  const w = structuredClone(world);
  const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const host = (key: string, n: number, roles: WorldUser['roles']): WorldUser => ({
    key,
    id: id(n),
    organization: 'org-host',
    email: `${key}@host.example`,
    displayName: key,
    clearance: 4,
    status: 'ACTIVE',
    roles,
    skills: ['risk'],
  });
  w.organizations.push({
    key: 'org-x',
    id: id(10),
    name: 'Partner X',
    kind: 'PARTNER',
    domains: ['x.example'],
    clearanceCap: 2,
    status: 'ACTIVE',
  });
  w.users.push(
    host('host-admin', 1, ['HOST_ADMIN']),
    host('host-owner', 2, []),
    host('host-reviewer', 3, ['SECURITY_REVIEWER']),
  );
  for (const [n, key] of ['x-member', 'x-observer'].entries())
    w.users.push({
      key,
      id: id(11 + n),
      organization: 'org-x',
      email: `${key}@x.example`,
      displayName: key,
      clearance: 2,
      status: 'ACTIVE',
      roles: [],
      skills: ['grid'],
    });
  const base = WORLD_BASE_TIME.getTime();
  for (const [k, s] of w.spaces.entries()) {
    if (k % 2 === 0 && s.status === 'ARCHIVED') s.status = 'ACTIVE';
    w.memberships.unshift(
      { user: 'host-owner', space: s.key, role: 'OWNER', status: 'ACTIVE' },
      {
        user: 'x-member',
        space: s.key,
        role: 'MEMBER',
        status: 'ACTIVE',
        expiresAt: new Date(base + (3 + k) * DAY_MS).toISOString(),
      },
      {
        user: 'x-observer',
        space: s.key,
        role: 'OBSERVER',
        status: 'ACTIVE',
        expiresAt: new Date(base + 20 * DAY_MS).toISOString(),
      },
    );
  }
  return w;
}

const worlds = worldArbitrary({
  maxExternalOrgs: 2,
  maxUsers: 7,
  maxSpaces: 3,
  maxMemberships: 14,
  maxPosts: 6,
  maxComments: 8,
}).map(withActors);

// ---------------------------------------------------------------------------------------

/** What the subscription runs saw: events delivered, posts the model expected, posts it withheld. */
const streams = { delivered: 0, expected: 0, withheld: 0 };
const gateway = new ReusedGateway();
let surface: Surface | undefined;
const coverage = new StepTally();

afterAll(async () => {
  await gateway.close();
});

async function startRun(world: World): Promise<Run> {
  const app = await gateway.emptied();
  app.clock.set(WORLD_BASE_TIME);
  await app.importWorld(world);
  const run = new Run(app, fromImport(world, WORLD_BASE_TIME));
  surface ??= await discoverSurface(app, await run.token('host-admin'));
  return run;
}

async function checkOneSequence(
  world: World,
  seeds: StepSeed[],
  runNo: number,
): Promise<{ lines: string[]; log: string[] }> {
  const run = await startRun(world);
  const sf = surface!;
  const log: string[] = [];
  let lines: string[] = [];
  const half = Math.floor(seeds.length / 2);
  for (let k = 0; k < seeds.length && !lines.length; k++) {
    // Halfway, and at the end, every user's reads.
    if (k === half) lines = await checkReads(run, sf, `before step ${k}`);
    if (lines.length) break;
    const step = buildStep(run.w, seeds[k], run.missing);
    if (step.op !== 'clock' && !sf.has('Mutation', step.op)) {
      coverage.skipped += 1;
      continue;
    }
    const { lines: wrong, said } = await runStep(run, step);
    coverage.record(step.op, said);
    log.push(`${k}: ${readable(run, JSON.stringify(step))} → ${said}`);
    if (VERBOSE) console.log(`run ${runNo} ${log[log.length - 1]}`);
    lines = wrong.map((l) => `[step ${k} ${step.op}] ${readable(run, l)}`);
  }
  if (!lines.length) lines = await checkReads(run, sf, 'at the end');
  return { lines, log };
}

// ---------------------------------------------------------------------------------------
// Subscriptions

interface Received {
  posts: string[];
  notifications: string[];
}

async function subscribe(url: string, token: string, got: Received): Promise<{ client: Client; ready: Promise<void> }> {
  const client = createClient({
    url,
    // Node 20 has no WebSocket of its own.
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
  const sink = (list: string[], pickId: (d: any) => string) => ({
    next: (v: any) => {
      if (v.data) list.push(pickId(v.data));
    },
    error: () => undefined,
    complete: () => undefined,
  });
  client.subscribe(
    { query: 'subscription { postAdded { id } }' },
    sink(got.posts, (d) => d.postAdded.id),
  );
  client.subscribe(
    { query: 'subscription { notificationAdded { kind } }' },
    sink(got.notifications, (d) => d.notificationAdded.kind),
  );
  const ready = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  return { client, ready };
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function checkSubscriptions(world: World, seeds: StepSeed[]): Promise<{ lines: string[]; log: string[] }> {
  const run = await startRun(world);
  const app = run.app;
  if (!app.http.listening) await app.app.listen(0, '127.0.0.1');
  const url = `ws://127.0.0.1:${(app.http.address() as AddressInfo).port}/graphql`;
  const m0 = run.model();
  // A few subscribers: the expiring partner member, the observer, the host owner, and one random person.
  const watchers = [
    'x-member',
    'x-observer',
    'host-owner',
    run.w.base.users[seeds[0].who % run.w.base.users.length].key,
  ].filter((k, i, all) => all.indexOf(k) === i && m0.counts(m0.user(k)));
  const got = new Map<string, Received>();
  const clients: Client[] = [];
  for (const k of watchers) {
    const r: Received = { posts: [], notifications: [] };
    got.set(k, r);
    const { client, ready } = await subscribe(url, await run.token(k), r);
    clients.push(client);
    await Promise.race([ready, settle(3000)]);
  }
  await settle(300);
  const expectPosts = new Map<string, string[]>(watchers.map((k) => [k, []]));
  const expectNotes = new Map<string, { min: number; max: number }>(watchers.map((k) => [k, { min: 0, max: 0 }]));
  const log: string[] = [];
  const lines: string[] = [];
  // The clock passes x-member's first expiry halfway through the stream.
  const half = Math.floor(seeds.length / 2);
  try {
    for (let k = 0; k < seeds.length && !lines.length; k++) {
      if (k === half) {
        const r = await runStep(run, { op: 'clock', days: 5 });
        log.push(`${k}: clock → ${r.said}`);
      }
      const s = {
        ...seeds[k],
        op: k % 3 === 2 ? OP_LIST.indexOf('commentOnPost') : OP_LIST.indexOf('createPost'),
        smart: true,
      };
      const step = buildStep(run.w, s, run.missing);
      if (step.op === 'clock') continue;
      const before = run.w.notifications.length;
      const { lines: wrong, said } = await runStep(run, step);
      log.push(`${k}: ${readable(run, JSON.stringify(step))} → ${said}`);
      lines.push(...wrong.map((l) => `[step ${k}] ${readable(run, l)}`));
      const m = run.model();
      if (step.op === 'createPost' && said.startsWith('ok')) {
        const p = run.w.posts[run.w.posts.length - 1];
        for (const w of watchers) if (m.readsPost(m.user(w), p)) expectPosts.get(w)!.push(p.id!);
      }
      for (const n of run.w.notifications.slice(before)) {
        const b = expectNotes.get(n.user);
        if (!b || !m.counts(m.user(n.user))) continue;
        if (!n.optional) b.min += 1;
        b.max += 1;
      }
      // Wait (a little) for what must arrive; what must not is judged after the last step.
      const due = (): boolean =>
        watchers.every((w) => {
          const r = got.get(w)!;
          const notes = r.notifications.filter((kind) => CONVERSATION_KINDS.includes(kind)).length;
          return expectPosts.get(w)!.every((id) => r.posts.includes(id)) && notes >= expectNotes.get(w)!.min;
        });
      for (let waited = 0; !due() && waited < 3000; waited += 50) await settle(50);
      await settle(50);
    }
    await settle(800);
    for (const w of watchers) {
      const r = got.get(w)!;
      streams.delivered += r.posts.length + r.notifications.length;
      streams.expected += expectPosts.get(w)!.length;
      streams.withheld += run.w.posts.filter((p) => p.id && !expectPosts.get(w)!.includes(p.id)).length;
      const want = sortById(expectPosts.get(w)!);
      const have = sortById(r.posts);
      if (JSON.stringify(want) !== JSON.stringify(have))
        lines.push(
          readable(run, `${w}: postAdded delivered ${JSON.stringify(have)}, the model says ${JSON.stringify(want)}`),
        );
      const n = r.notifications.filter((kind) => CONVERSATION_KINDS.includes(kind)).length;
      const b = expectNotes.get(w)!;
      if (n < b.min || n > b.max)
        lines.push(`${w}: notificationAdded delivered ${n}, the model says ${b.min}..${b.max}`);
    }
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
  return { lines, log };
}

// ---------------------------------------------------------------------------------------

describe('confidentiality of conversations (issue 9), property-based', () => {
  it(
    'every conversation mutation answers as the reference model allows, and every new read matches it',
    async () => {
      console.log(`conversations property: seed=${SEED} runs=${RUNS} steps=${STEPS} (replay: PROPERTY_SEED=${SEED})`);
      let runNo = 0;
      let failure = '';
      const started = Date.now();
      try {
        await fc.assert(
          fc.asyncProperty(worlds, fc.array(stepSeed, { minLength: STEPS, maxLength: STEPS }), async (world, seeds) => {
            runNo += 1;
            const { lines, log } = await checkOneSequence(world, seeds, runNo);
            if (!lines.length) return;
            failure = `run ${runNo} (seed=${SEED}): ${lines.length} differences\n${lines.slice(0, 30).join('\n')}\nsteps:\n${log.join('\n')}\nworld: ${JSON.stringify(world)}`;
            throw new Error(
              `${lines.length} differences, first ones:\n${lines.slice(0, 30).join('\n')}\nsteps:\n${log.join('\n')}`,
            );
          }),
          { numRuns: RUNS, seed: SEED, path: PATH, endOnFailure: true },
        );
      } catch (e) {
        console.log(`failing sequence (seed=${SEED}):\n${failure}`);
        throw e;
      }
      console.log(`conversations property: ${coverage.summary()}, in ${Math.round((Date.now() - started) / 1000)} s`);
      expect(coverage.steps).toBeGreaterThan(0);
      if (surface?.has('Mutation', 'createPost')) expect(coverage.successes).toBeGreaterThan(0);
    },
    30 * 60_000,
  );

  it(
    'subscribers receive exactly the posts and notifications the model lets them read when delivered, across an expiry',
    async () => {
      const runs = Math.max(1, Math.ceil(RUNS / 2));
      let failure = '';
      const started = Date.now();
      try {
        await fc.assert(
          fc.asyncProperty(worlds, fc.array(stepSeed, { minLength: 12, maxLength: 12 }), async (world, seeds) => {
            if (!surface) await startRun(world);
            if (!surface!.has('Subscription', 'postAdded') || !surface!.has('Mutation', 'createPost')) return;
            const { lines, log } = await checkSubscriptions(world, seeds);
            if (!lines.length) return;
            failure = `${lines.join('\n')}\nsteps:\n${log.join('\n')}`;
            throw new Error(
              `${lines.length} differences:\n${lines.slice(0, 30).join('\n')}\nsteps:\n${log.join('\n')}`,
            );
          }),
          { numRuns: runs, seed: SEED + 1, path: PATH, endOnFailure: true },
        );
      } catch (e) {
        console.log(`failing stream (seed=${SEED + 1}):\n${failure}`);
        throw e;
      }
      console.log(
        `subscriptions property: ${runs} runs in ${Math.round((Date.now() - started) / 1000)} s; ${streams.delivered} events delivered, ${streams.expected} posts expected, ${streams.withheld} withheld from a subscriber`,
      );
      if (surface?.has('Subscription', 'postAdded') && surface.has('Mutation', 'createPost'))
        expect(streams.expected).toBeGreaterThan(0);
    },
    30 * 60_000,
  );
});
