import { inflateRawSync } from 'node:zlib';
import type { Caller } from '../bench/callers';
import { WORKLOADS } from '../bench/workloads';
import { b64, forgeResponse } from '../../src/common/testing/saml-forge';
import type { KeyPair } from '../../src/common/testing/saml-keys';
import { Answer, ConnectionError, HttpClient, setCookie, Tally } from './load-driver';

// What the load test's callers do: reads (the benchmark's four workloads and a post with its
// comments), sign-ins through the real assertion consumer with a fresh signed assertion each
// time (and now and then the same assertion again, which must be refused), writes (posts,
// comments, reactions), and lookups of a post the caller may not read (NOT_FOUND). Every
// answer is checked against what the rule says it must be.

export const SESSION_COOKIE = 'passerelle_session';
export const LOGIN_COOKIE = 'passerelle_login';

/** An IdP of one organisation: the connection registered in the gateway, and the key it signs with. */
export interface LoadIdp {
  connectionId: string;
  entityId: string;
  key: KeyPair;
}

/** Someone who signs in through their organisation's IdP, linked to it by this NameID. */
export interface Person {
  userId: string;
  email: string;
  nameId: string;
  idp: LoadIdp;
}

export interface LoadCaller extends Caller, Person {
  /** Spaces where the caller writes (OWNER, ANIMATOR, MEMBER of a space that is not archived). */
  writableSpaceIds: string[];
  /** Posts the caller reads in those spaces, not hidden nor deleted: what they comment and react on. */
  postTargets: string[];
  /** A post of a space the caller has no grant in (null: none checked): NOT_FOUND, as a missing one. */
  foreignPostId: string | null;
  /** The session of the caller's last sign-in, if any. */
  session: string | null;
}

/** An invitation to make under load: an OWNER or ANIMATOR (by token) invites a host colleague who is not in the space. */
export interface InvitationPlan {
  spaceId: string;
  inviterToken: string;
  invitee: Person;
}

const POST = `query($id: ID!) { post(id: $id) { id title commentCount reactionCounts { emoji count reactedByMe } comments(first: 10) { edges { node { id body author { id displayName } } } } } }`;
const PEEK = `query($id: ID!) { post(id: $id) { id title } }`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { id space { id } } }`;
const COMMENT = `mutation($postId: ID!, $body: String!) { commentOnPost(postId: $postId, body: $body) { id } }`;
const REACT = `mutation($postId: ID!, $emoji: String!) { react(postId: $postId, emoji: $emoji) { id emoji } }`;
const INVITE = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { id status } }`;
const ACCEPT = `mutation($id: ID!) { acceptInvitation(id: $id) { id status membership { id role } } }`;
const SPACE = `query($id: ID!) { space(id: $id) { id name posts(first: 5) { edges { node { id } } } } }`;
const EMOJIS = ['👍', '🎉', '🤔', '❤️', '🚀'];
/** The newest posts of a caller kept as targets: enough to spread comments, bounded for a long run. */
const MAX_TARGETS = 200;

type ActionName =
  | 'feed'
  | 'space page'
  | 'me'
  | 'users(search:)'
  | 'post'
  | 'peek'
  | 'sign-in'
  | 'createPost'
  | 'commentOnPost'
  | 'react'
  | 'invite and accept';

/** Shares of the mix, in percent: reads 59, sign-ins 8, writes 33 (an invitation is 5 requests and a read). */
export const MIX: [ActionName, number][] = [
  ['feed', 13],
  ['space page', 12],
  ['me', 8],
  ['users(search:)', 8],
  ['post', 14],
  ['peek', 4],
  ['sign-in', 8],
  ['createPost', 8],
  ['commentOnPost', 12],
  ['react', 10],
  ['invite and accept', 3],
];
/** Share of sign-ins followed by a replay of the same response. */
const REPLAY_SHARE = 0.25;

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

function pickAction(): ActionName {
  let r = Math.random() * 100;
  for (const [name, weight] of MIX) {
    if (r < weight) return name;
    r -= weight;
  }
  return MIX[0][0];
}

interface GraphqlError {
  message: string;
  extensions?: { code?: string; reason?: string };
}

/** One run of the mix: `concurrency` workers for `seconds`, every exchange in `tally`. */
export class LoadMix {
  private turn = 0;
  private written = 0;

  constructor(
    private readonly client: HttpClient,
    private readonly baseUrl: string,
    private readonly callers: LoadCaller[],
    private readonly invitations: InvitationPlan[],
    private readonly tally: Tally,
  ) {}

  async run(seconds: number, concurrency: number): Promise<void> {
    const until = Date.now() + seconds * 1000;
    this.tally.start();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        // Each worker is a few people of the pool, taking turns.
        const mine = this.callers.filter((_c, i) => i % concurrency === w);
        for (let i = 0; Date.now() < until; i++) await this.act(mine[i % mine.length]);
      }),
    );
    this.tally.end();
  }

  private async act(caller: LoadCaller): Promise<void> {
    const turn = this.turn++;
    let action = pickAction();
    if ((action === 'commentOnPost' || action === 'react' || action === 'post') && caller.postTargets.length === 0)
      action = 'feed';
    if (action === 'createPost' && caller.writableSpaceIds.length === 0) action = 'me';
    if (action === 'peek' && !caller.foreignPostId) action = 'me';
    const invitation = action === 'invite and accept' ? this.invitations.shift() : undefined;
    if (action === 'invite and accept' && !invitation) action = 'space page';
    switch (action) {
      case 'feed':
      case 'space page':
      case 'me':
      case 'users(search:)': {
        const workload = WORKLOADS.find((w) => w.name === action)!;
        await this.graphql(action, caller, JSON.parse(workload.body(caller, turn)) as GraphqlBody, (data) => {
          workload.rows(data);
        });
        return;
      }
      case 'post':
        await this.graphql(action, caller, { query: POST, variables: { id: pick(caller.postTargets) } }, (data) => {
          if (!data.post?.id) throw new Error('post is null');
        });
        return;
      case 'peek':
        await this.graphql(action, caller, { query: PEEK, variables: { id: caller.foreignPostId } }, null, 'NOT_FOUND');
        return;
      case 'sign-in': {
        const session = await this.signIn(caller, Math.random() < REPLAY_SHARE);
        if (session) caller.session = session;
        return;
      }
      case 'invite and accept':
        await this.inviteAndAccept(invitation!);
        return;
      case 'createPost': {
        const n = this.written++;
        const input = {
          spaceId: pick(caller.writableSpaceIds),
          title: `Load ${n}`,
          body: `Written under load (${n}), by ${caller.userId}.`,
        };
        await this.graphql(action, caller, { query: CREATE_POST, variables: { input } }, (data) => {
          const id = data.createPost?.id as string | undefined;
          if (!id || data.createPost.space.id !== input.spaceId) throw new Error('no post, or in another space');
          caller.postTargets.push(id);
          if (caller.postTargets.length > MAX_TARGETS) caller.postTargets.shift();
        });
        return;
      }
      case 'commentOnPost':
        await this.graphql(
          action,
          caller,
          { query: COMMENT, variables: { postId: pick(caller.postTargets), body: `A reply under load (${turn}).` } },
          (data) => {
            if (!data.commentOnPost?.id) throw new Error('no comment');
          },
        );
        return;
      case 'react': {
        const emoji = pick(EMOJIS);
        await this.graphql(
          action,
          caller,
          { query: REACT, variables: { postId: pick(caller.postTargets), emoji } },
          (data) => {
            if (data.react?.emoji !== emoji) throw new Error('no reaction');
          },
        );
        return;
      }
    }
  }

  /** The caller's token or, half the time once signed in, their session. */
  private credentials(caller: LoadCaller): Credentials {
    return caller.session && Math.random() < 0.5 ? { session: caller.session } : { token: caller.token };
  }

  /** Sends a GraphQL request; the answer must be data that passes `check`, or exactly the `refusal` code. */
  private async graphql(
    kind: string,
    who: LoadCaller | Credentials,
    body: GraphqlBody,
    check: ((data: any) => void) | null,
    refusal?: string,
  ): Promise<void> {
    const credentials = 'userId' in who ? this.credentials(who) : who;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if ('session' in credentials) headers.cookie = `${SESSION_COOKIE}=${credentials.session}`;
    else headers.authorization = `Bearer ${credentials.token}`;
    const answer = await this.exchange(kind, 'POST', '/graphql', headers, JSON.stringify(body));
    if (!answer) return;
    let parsed: { data?: any; errors?: GraphqlError[] };
    try {
      parsed = JSON.parse(answer.body) as typeof parsed;
    } catch {
      return this.tally.wrong(kind, `HTTP ${answer.status}, not JSON: ${answer.body}`);
    }
    const codes = (parsed.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
    const asExpected = refusal !== undefined && codes.length > 0 && codes.every((c) => c === refusal);
    for (const code of codes) this.tally.code(code, asExpected);
    if (refusal !== undefined) {
      if (asExpected && answer.status === 200) return this.tally.refusedAsExpected();
      return this.tally.wrong(kind, `expected ${refusal}, got HTTP ${answer.status}: ${answer.body}`);
    }
    if (answer.status !== 200 || codes.length > 0)
      return this.tally.wrong(kind, `HTTP ${answer.status}: ${answer.body}`);
    try {
      check!(parsed.data);
    } catch (error) {
      this.tally.wrong(kind, `${(error as Error).message}: ${answer.body}`);
    }
  }

  /**
   * An OWNER or ANIMATOR invites a colleague; the colleague signs in through the host's IdP
   * and accepts with that session (an invitation is accepted only after an SSO sign-in).
   */
  private async inviteAndAccept(plan: InvitationPlan): Promise<void> {
    let invitationId: string | undefined;
    await this.graphql(
      'inviteToSpace',
      { token: plan.inviterToken },
      { query: INVITE, variables: { input: { spaceId: plan.spaceId, email: plan.invitee.email, role: 'MEMBER' } } },
      (data) => {
        if (data.inviteToSpace?.status !== 'PENDING') throw new Error('not PENDING');
        invitationId = data.inviteToSpace.id as string;
      },
    );
    if (!invitationId) return;
    const session = await this.signIn(plan.invitee, false);
    if (!session) return;
    let accepted = false;
    await this.graphql('acceptInvitation', { session }, { query: ACCEPT, variables: { id: invitationId } }, (data) => {
      const answer = data.acceptInvitation;
      if (answer?.status !== 'ACCEPTED' || answer.membership?.role !== 'MEMBER') throw new Error('not ACCEPTED');
      accepted = true;
    });
    if (!accepted) return;
    // The new grant counts at once: the next request reads the space.
    await this.graphql('space (new member)', { session }, { query: SPACE, variables: { id: plan.spaceId } }, (data) => {
      if (data.space?.id !== plan.spaceId) throw new Error('the new member does not read the space');
    });
  }

  /**
   * A browser's SP-initiated sign-in: the AuthnRequest (and the login cookie that binds it to
   * this browser), a Response signed by the organisation's IdP for this request, posted to the
   * ACS. With `replay`, the same Response is posted again: the gateway must refuse it
   * (ASSERTION_REPLAYED). Resolves with the session, or null (the failure is counted).
   */
  private async signIn(person: Person, replay: boolean): Promise<string | null> {
    const { connectionId, entityId, key } = person.idp;
    const base = `/auth/saml/${connectionId}`;
    const login = await this.exchange('sign-in: login', 'GET', `${base}/login?returnTo=%2Fhome`, {});
    if (!login) return null;
    const location = typeof login.headers.location === 'string' ? login.headers.location : '';
    const loginCookie = setCookie(login, LOGIN_COOKIE);
    const samlRequest = location.includes('SAMLRequest') ? new URL(location).searchParams.get('SAMLRequest') : null;
    if (login.status !== 302 || !samlRequest || !loginCookie) {
      this.tally.wrong('sign-in: login', `HTTP ${login.status}, location ${location}: ${login.body}`);
      return null;
    }
    const xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
    const requestId = /\sID="([^"]+)"/.exec(xml)?.[1];
    if (!requestId) {
      this.tally.wrong('sign-in: login', `no request ID in ${xml}`);
      return null;
    }

    const acs = `${this.baseUrl}${base}/acs`;
    const response = b64(
      forgeResponse(
        {
          issuer: entityId,
          destination: acs,
          recipient: acs,
          audience: `${this.baseUrl}${base}/metadata`,
          inResponseTo: requestId,
          nameId: person.nameId,
          attributes: { email: [person.email] },
        },
        { signAssertion: { signer: key } },
      ),
    );
    const acsHeaders = {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `${LOGIN_COOKIE}=${encodeURIComponent(loginCookie)}`,
    };
    const form = new URLSearchParams({ SAMLResponse: response }).toString();
    const consumed = await this.exchange('sign-in: acs', 'POST', `${base}/acs`, acsHeaders, form);
    if (!consumed) return null;
    const session = setCookie(consumed, SESSION_COOKIE);
    let user: { id?: string } | undefined;
    try {
      user = (JSON.parse(consumed.body) as { user?: { id?: string } }).user;
    } catch {
      user = undefined;
    }
    if (consumed.status !== 200 || !session || user?.id !== person.userId) {
      this.restCode(consumed, false);
      this.tally.wrong('sign-in: acs', `HTTP ${consumed.status}: ${consumed.body}`);
      return null;
    }
    if (!replay) return session;
    const replayed = await this.exchange('sign-in: replay', 'POST', `${base}/acs`, acsHeaders, form);
    const code = replayed ? this.restCode(replayed, true) : null;
    if (replayed?.status === 401 && code === 'ASSERTION_REPLAYED' && !setCookie(replayed, SESSION_COOKIE))
      this.tally.refusedAsExpected();
    else if (replayed)
      this.tally.wrong(
        'sign-in: replay',
        `expected 401 ASSERTION_REPLAYED, got HTTP ${replayed.status}: ${replayed.body}`,
      );
    return session;
  }

  /** The code of a REST error answer ({ error: { code } }), counted; null when there is none. */
  private restCode(answer: Answer, expected: boolean): string | null {
    let code: string | null;
    try {
      code = (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code ?? null;
    } catch {
      code = null;
    }
    if (code) this.tally.code(code, expected && code === 'ASSERTION_REPLAYED');
    return code;
  }

  /** One HTTP exchange, timed and counted; null when the connection failed (counted too). */
  private async exchange(
    kind: string,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer | null> {
    const started = process.hrtime.bigint();
    try {
      const answer = await this.client.send(method, path, headers, body);
      this.tally.answered(kind, answer.status, Number(process.hrtime.bigint() - started) / 1e6);
      return answer;
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      this.tally.connectionError(kind, error.code);
      return null;
    }
  }
}

type Credentials = { token: string } | { session: string };

interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown>;
}
