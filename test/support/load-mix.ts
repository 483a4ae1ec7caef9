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

export interface LoadCaller extends Caller {
  email: string;
  nameId: string;
  idp: LoadIdp;
  /** Spaces where the caller writes (OWNER, ANIMATOR, MEMBER of a space that is not archived). */
  writableSpaceIds: string[];
  /** Posts the caller reads in those spaces, not hidden nor deleted: what they comment and react on. */
  postTargets: string[];
  /** A post of a space the caller has no grant in (null: none checked): NOT_FOUND, as a missing one. */
  foreignPostId: string | null;
  /** The session of the caller's last sign-in, if any. */
  session: string | null;
}

const POST = `query($id: ID!) { post(id: $id) { id title commentCount reactionCounts { emoji count reactedByMe } comments(first: 10) { edges { node { id body author { id displayName } } } } } }`;
const PEEK = `query($id: ID!) { post(id: $id) { id title } }`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { id space { id } } }`;
const COMMENT = `mutation($postId: ID!, $body: String!) { commentOnPost(postId: $postId, body: $body) { id } }`;
const REACT = `mutation($postId: ID!, $emoji: String!) { react(postId: $postId, emoji: $emoji) { id emoji } }`;
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
  | 'react';

/** Shares of the mix, in percent: reads 62, sign-ins 8, writes 30. */
export const MIX: [ActionName, number][] = [
  ['feed', 13],
  ['space page', 13],
  ['me', 8],
  ['users(search:)', 8],
  ['post', 15],
  ['peek', 5],
  ['sign-in', 8],
  ['createPost', 8],
  ['commentOnPost', 12],
  ['react', 10],
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
      case 'sign-in':
        await this.signIn(caller);
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

  /** Sends a GraphQL request with the caller's token or, half the time once signed in, their session. */
  private async graphql(
    kind: string,
    caller: LoadCaller,
    body: GraphqlBody,
    check: ((data: any) => void) | null,
    refusal?: string,
  ): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (caller.session && Math.random() < 0.5) headers.cookie = `${SESSION_COOKIE}=${caller.session}`;
    else headers.authorization = `Bearer ${caller.token}`;
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
   * A browser's SP-initiated sign-in: the AuthnRequest (and the login cookie that binds it to
   * this browser), a Response signed by the organisation's IdP for this request, posted to the
   * ACS; the session replaces the caller's last one. Sometimes the same Response is posted
   * again: the gateway must refuse it (ASSERTION_REPLAYED).
   */
  private async signIn(caller: LoadCaller): Promise<void> {
    const { connectionId, entityId, key } = caller.idp;
    const base = `/auth/saml/${connectionId}`;
    const login = await this.exchange('sign-in: login', 'GET', `${base}/login?returnTo=%2Fhome`, {});
    if (!login) return;
    const location = typeof login.headers.location === 'string' ? login.headers.location : '';
    const loginCookie = setCookie(login, LOGIN_COOKIE);
    const samlRequest = location.includes('SAMLRequest') ? new URL(location).searchParams.get('SAMLRequest') : null;
    if (login.status !== 302 || !samlRequest || !loginCookie)
      return this.tally.wrong('sign-in: login', `HTTP ${login.status}, location ${location}: ${login.body}`);
    const xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
    const requestId = /\sID="([^"]+)"/.exec(xml)?.[1];
    if (!requestId) return this.tally.wrong('sign-in: login', `no request ID in ${xml}`);

    const acs = `${this.baseUrl}${base}/acs`;
    const response = b64(
      forgeResponse(
        {
          issuer: entityId,
          destination: acs,
          recipient: acs,
          audience: `${this.baseUrl}${base}/metadata`,
          inResponseTo: requestId,
          nameId: caller.nameId,
          attributes: { email: [caller.email] },
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
    if (!consumed) return;
    const session = setCookie(consumed, SESSION_COOKIE);
    let user: { id?: string } | undefined;
    try {
      user = (JSON.parse(consumed.body) as { user?: { id?: string } }).user;
    } catch {
      user = undefined;
    }
    if (consumed.status !== 200 || !session || user?.id !== caller.userId) {
      this.restCode(consumed, false);
      return this.tally.wrong('sign-in: acs', `HTTP ${consumed.status}: ${consumed.body}`);
    }
    caller.session = session;

    if (Math.random() >= REPLAY_SHARE) return;
    const replayed = await this.exchange('sign-in: replay', 'POST', `${base}/acs`, acsHeaders, form);
    if (!replayed) return;
    const code = this.restCode(replayed, true);
    if (replayed.status === 401 && code === 'ASSERTION_REPLAYED' && !setCookie(replayed, SESSION_COOKIE))
      return this.tally.refusedAsExpected();
    this.tally.wrong(
      'sign-in: replay',
      `expected 401 ASSERTION_REPLAYED, got HTTP ${replayed.status}: ${replayed.body}`,
    );
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

interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown>;
}
