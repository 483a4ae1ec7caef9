import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost, GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import {
  DocumentNode,
  ExecutionArgs,
  ExecutionResult,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  parse,
  validate,
} from 'graphql';
import { CloseCode, Context, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { AuthenticationService } from '../auth/authentication.service';
import { Principal } from '../auth/principal';
import { PrincipalService } from '../auth/principal.service';
import { AuthenticatedRequest } from '../auth/request-context';
import { sessionCookieOf } from '../auth/session-cookie';
import { SessionService } from '../auth/session.service';
import { TokenService } from '../auth/token.service';
import { Clock } from '../common/clock';
import { DomainException } from '../common/domain.exception';
import { AppConfig } from '../config/app-config';
import { SubscriptionContext, SubscriptionSocket } from './graphql-context.decorator';
import { formatGraphqlError } from './graphql-error.formatter';
import { checkShape, hasNulCharacter, operationCost, QueryRefusal } from './query-limits';
import { RequestGate } from './request-gate.plugin';

type WsContext = Context<Record<string, unknown> | undefined, Extra & { live?: LiveSocket }>;

/** Why a socket was refused or closed, as the audit log records it. */
type SocketEnd = 'bad_origin' | 'credential_ended' | 'user_or_organization_inactive';

/**
 * Bounds on what one person holds open on one instance: every event costs each matching
 * subscription a check, so neither sockets nor subscriptions may grow without limit.
 */
export const MAX_SOCKETS_PER_USER = 10;
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 25;
/** graphql-ws leaves 4000-4999 to applications: 4429 as HTTP's 429. */
export const CLOSE_TOO_MANY_SOCKETS = 4429;

/**
 * One authenticated subscription socket. Its caller is checked again at every event and on
 * a timer: the credential must still authenticate, the user and organisation still count.
 */
class LiveSocket implements SubscriptionSocket {
  closed = false;
  /** When the caller was last checked (the timer skips sockets an event has just checked). */
  checkedAt = 0;
  private checking: Promise<Principal | null> | null = null;

  constructor(
    private readonly sockets: SubscriptionSockets,
    private readonly extra: Extra,
    readonly via: Principal['via'],
    readonly userId: string,
    readonly organizationId: string,
  ) {}

  get ip(): string | null {
    return this.extra.request.socket?.remoteAddress ?? null;
  }

  current(): Promise<Principal | null> {
    if (this.closed) return Promise.resolve(null);
    // Checks asked for together (several subscriptions, the timer) share one round trip.
    this.checking ??= this.sockets.recheck(this).finally(() => {
      this.checking = null;
      this.checkedAt = Date.now();
    });
    return this.checking;
  }

  close(code: number, reason: string): void {
    this.closed = true;
    this.extra.socket.close(code, reason);
  }
}

/**
 * The graphql-ws side of the gateway: who may open a socket (a bearer token in
 * `connectionParams.authorization`, or the session cookie from the page's own origin),
 * the same document limits as POST /graphql, errors in the same shape, and the sockets'
 * re-check every SUBSCRIPTION_RECHECK_MS.
 */
@Injectable()
export class SubscriptionSockets implements OnModuleDestroy {
  private readonly logger = new Logger('Subscriptions');
  private readonly open = new Set<LiveSocket>();
  private timer: NodeJS.Timeout | null = null;
  private readonly publicOrigin: string;

  constructor(
    private readonly config: AppConfig,
    private readonly authentication: AuthenticationService,
    private readonly sessions: SessionService,
    private readonly tokens: TokenService,
    private readonly principals: PrincipalService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {
    this.publicOrigin = new URL(config.publicUrl).origin;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The `subscriptions` option of the Apollo driver. */
  options(gate: RequestGate): { 'graphql-ws': GraphQLWsSubscriptionsConfig } {
    const options = {
      onConnect: (ctx: WsContext) => this.connect(ctx),
      onSubscribe: (ctx: WsContext, _id: string, payload: SubscribePayload) => this.admit(ctx, payload, gate),
      onNext: (
        _ctx: WsContext,
        _id: string,
        _payload: SubscribePayload,
        _args: ExecutionArgs,
        result: ExecutionResult,
      ) => (result.errors?.length ? { ...result, errors: result.errors.map(formatted) } : undefined),
      onError: (_ctx: WsContext, _id: string, _payload: SubscribePayload, errors: readonly GraphQLError[]) =>
        errors.map(formatted),
      onClose: (ctx: WsContext) => {
        const live = ctx.extra.live;
        if (!live) return;
        live.closed = true;
        this.open.delete(live);
      },
      // Each subscription gets its own context (graphql-ws asks once per subscribe message).
      context: (ctx: WsContext) => this.context(ctx),
    };
    // The driver's type lists only some of graphql-ws's hooks; it hands them all over.
    return { 'graphql-ws': options as unknown as GraphQLWsSubscriptionsConfig };
  }

  /** The caller now: their credential still live, then the principal reloaded; closes the socket otherwise. */
  async recheck(live: LiveSocket): Promise<Principal | null> {
    const credentialLive =
      live.via.kind === 'session' ? await this.sessions.isLive(live.via.id) : await this.tokens.isLive(live.via.id);
    if (live.closed) return null;
    if (!credentialLive) {
      await this.end(live, CloseCode.Unauthorized, 'credential_ended');
      return null;
    }
    const principal = await this.principals.load(live.userId, this.clock.now(), live.via);
    if (live.closed) return null;
    if (!principal) {
      await this.end(live, CloseCode.Forbidden, 'user_or_organization_inactive');
      return null;
    }
    return principal;
  }

  private async connect(ctx: WsContext): Promise<boolean> {
    const { request, socket } = ctx.extra;
    const params = ctx.connectionParams ?? {};
    const authorization = typeof params.authorization === 'string' ? params.authorization : undefined;
    const ip = request.socket?.remoteAddress ?? null;
    // A browser sends the cookie to any page's socket: with the cookie, only our own pages
    // may open one (cross-site WebSocket hijacking). A token is never sent by the browser.
    if (authorization === undefined && sessionCookieOf(request as AuthenticatedRequest) !== undefined) {
      const origin = request.headers.origin;
      if (origin !== this.publicOrigin) {
        await this.audit.recordQuietly({
          action: 'subscription.refused',
          outcome: 'DENIED',
          reason: 'bad_origin',
          ip,
          details: { origin: typeof origin === 'string' ? origin.slice(0, 200) : null },
        });
        socket.close(CloseCode.Forbidden, 'Forbidden');
        return false;
      }
    }
    const req = credentialRequest(request, authorization);
    try {
      // Refusals are audited there, as for HTTP (auth.unauthenticated, with their reason).
      await this.authentication.authenticate(req);
    } catch (error) {
      if (!(error instanceof DomainException)) this.logger.error(`socket authentication failed: ${String(error)}`);
      socket.close(CloseCode.Unauthorized, 'Unauthorized');
      return false;
    }
    const principal = req.principal!;
    const held = [...this.open].filter((s) => !s.closed && s.userId === principal.userId).length;
    if (held >= MAX_SOCKETS_PER_USER) {
      await this.audit.recordQuietly({
        action: 'subscription.refused',
        outcome: 'DENIED',
        reason: 'too_many_sockets',
        actorId: principal.userId,
        actorOrganizationId: principal.organizationId,
        ip,
        details: { open: held, max: MAX_SOCKETS_PER_USER },
      });
      socket.close(CLOSE_TOO_MANY_SOCKETS, 'Too many sockets');
      return false;
    }
    const live = new LiveSocket(this, ctx.extra, principal.via, principal.userId, principal.organizationId);
    ctx.extra.live = live;
    this.open.add(live);
    this.startTimer();
    return true;
  }

  private async context(ctx: WsContext): Promise<SubscriptionContext> {
    const live = ctx.extra.live!;
    const principal = await live.current();
    const req = {
      headers: {},
      path: '/graphql',
      ip: live.ip ?? undefined,
      requestId: randomUUID(),
      principal: principal ?? undefined,
    } as unknown as AuthenticatedRequest;
    return { req, res: undefined as unknown as Response, loaders: new Map(), socket: live };
  }

  /**
   * The document's checks, as for POST /graphql: a bounded parse, its shape, validation,
   * NUL characters and its price; and only subscriptions (queries and mutations go through
   * HTTP, with its rate limits and audit). Refusals are audited as `graphql.refused`.
   */
  private async admit(
    ctx: WsContext,
    payload: SubscribePayload,
    gate: RequestGate,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const refuse = async (reason: string, error: GraphQLError): Promise<readonly GraphQLError[]> => {
      const live = ctx.extra.live;
      await gate.recordRefusal({ userId: live?.userId, organizationId: live?.organizationId, ip: live?.ip }, [reason]);
      return [error];
    };
    if (typeof payload?.query !== 'string') return refuse('bad_input', clientError('A subscription needs a query'));
    // graphql-ws has already entered this one (as null) when it asks.
    if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET)
      return refuse(
        'too_many_subscriptions',
        clientError(`At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per socket; complete one first`),
      );
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: this.config.graphqlMaxTokens });
    } catch (error) {
      return refuse('parse_failed', clientError((error as Error).message, 'GRAPHQL_PARSE_FAILED'));
    }
    const shape = checkShape(document, gate.limits);
    if (shape) return refuse(shape.reason, shape);
    const schema = this.schema();
    const invalid = validate(schema, document);
    if (invalid.length) return refuse('invalid_document', clientError(invalid[0].message, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    if (!operation) return refuse('bad_input', clientError('Unable to identify the operation'));
    if (operation.operation !== 'subscription')
      return refuse(
        'bad_input',
        clientError('Only subscriptions are served over WebSocket; send queries and mutations to POST /graphql'),
      );
    const variables = (payload.variables ?? {}) as Record<string, unknown>;
    if (hasNulCharacter(document, variables))
      return refuse('nul_character', new QueryRefusal('nul_character', 'Text arguments cannot contain NUL characters'));
    const cost = operationCost(schema, operation, document, variables);
    if (cost > gate.limits.maxComplexity)
      return refuse(
        'too_complex',
        new QueryRefusal('too_complex', `Query is too complex (${cost}); the limit is ${gate.limits.maxComplexity}`),
      );
    return { schema, document, operationName: payload.operationName ?? undefined, variableValues: variables };
  }

  private schema() {
    return this.moduleRef.get(GraphQLSchemaHost, { strict: false }).schema;
  }

  private async end(live: LiveSocket, code: number, reason: SocketEnd): Promise<void> {
    if (live.closed) return;
    live.close(code, code === CloseCode.Unauthorized ? 'Unauthorized' : 'Forbidden');
    this.open.delete(live);
    await this.audit.recordQuietly({
      action: 'subscription.closed',
      outcome: 'DENIED',
      actorId: live.userId,
      actorOrganizationId: live.organizationId,
      reason,
      ip: live.ip,
      details: { via: live.via.kind, code },
    });
  }

  /** Every open socket is checked on a timer too: a socket waiting for events closes when its session ends. */
  private startTimer(): void {
    if (this.timer) return;
    const every = this.config.subscriptionRecheckMs;
    this.timer = setInterval(() => {
      const due = Date.now() - every / 2;
      for (const live of this.open) {
        if (live.checkedAt > due) continue;
        live.current().catch((error: unknown) => this.logger.warn(`socket re-check failed: ${String(error)}`));
      }
    }, every);
    this.timer.unref();
  }
}

/**
 * Bounds the socket's messages like request bodies (GRAPHQL_MAX_BODY_BYTES): ws accepts
 * 100 MiB by default, and a connection_init arrives before anyone is authenticated. The
 * driver keeps its WebSocket server private; a test sends a larger frame and watches the
 * socket close (1009), so a driver that moves it fails there.
 */
export function limitSocketFrames(driver: unknown, maxBytes: number): void {
  const wss = (driver as { _subscriptionService?: { wss?: { options: { maxPayload?: number } } } })._subscriptionService
    ?.wss;
  if (!wss) throw new Error('the GraphQL driver has no WebSocket server to bound');
  wss.options.maxPayload = maxBytes;
}

/** A request carrying only the socket's credential, for the same authentication as HTTP. */
function credentialRequest(upgrade: IncomingMessage, authorization: string | undefined): AuthenticatedRequest {
  const headers = authorization !== undefined ? { authorization } : { cookie: upgrade.headers.cookie };
  return {
    headers,
    path: '/graphql',
    ip: upgrade.socket?.remoteAddress,
    requestId: randomUUID(),
  } as unknown as AuthenticatedRequest;
}

function clientError(message: string, code = 'BAD_USER_INPUT'): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function formatted(error: GraphQLError): GraphQLFormattedError {
  return formatGraphqlError(error.toJSON(), error);
}

/** The sockets' registry, for the GraphQL module's options factory. */
@Module({ providers: [SubscriptionSockets], exports: [SubscriptionSockets] })
export class SubscriptionSocketsModule {}
