import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AbilityFactory } from '../access/ability.factory';
import { AccessException } from '../access/access.exception';
import { Principal } from '../auth/principal';
import { AuthenticatedRequest, GraphqlContext } from '../auth/request-context';
import { AppAbility } from '../access/subjects';
import { attachCheck, pendingCheckOf } from '../auth/principal-check';
import { cachedBaseOf } from '../auth/principal-cache';

/** What a field resolver needs: the request's caller, ability and loaders. */
export interface Viewer {
  principal: Principal;
  ability: AppAbility;
  ctx: GraphqlContext;
}

/** A request once a resolver has asked for the caller's ability. */
type AuthorizedRequest = AuthenticatedRequest & { ability?: AppAbility };

const abilities = new AbilityFactory();

/** The viewer of a GraphQL request; root resolvers have been through the guard already. */
export const CurrentViewer = createParamDecorator((_: unknown, execution: ExecutionContext): Viewer =>
  viewerOf(GqlExecutionContext.create(execution).getContext<GraphqlContext>()),
);

function viewerOf(ctx: GraphqlContext): Viewer {
  const req: AuthorizedRequest = ctx.req;
  const { principal } = req;
  if (!principal) throw AccessException.unauthenticated();
  // Built once per request, when a resolver first asks for it.
  let ability = req.ability;
  if (!ability) {
    // A cached principal's requests share its rules, each read at its own instant.
    const base = cachedBaseOf(principal);
    ability = req.ability = base ? abilities.createAt(base, principal.now) : abilities.createFor(principal);
    // Statements built from a cached principal's ability carry its check (principal-check.ts).
    const check = pendingCheckOf(principal);
    if (check) attachCheck(ability, check);
  }
  return { principal, ability, ctx };
}

/**
 * The viewer of a request whose principal was just loaded again (its cached one proved stale):
 * a fresh ability and fresh loaders, so nothing built from the stale principal is used.
 */
export function renewedViewer(ctx: GraphqlContext, principal: Principal): Viewer {
  renewViewer(ctx, principal, abilities.createFor(principal));
  return viewerOf(ctx);
}

/**
 * The WebSocket a subscription runs on (graphql-ws). Its caller is not trusted for the
 * socket's lifetime: each event is delivered only after `current()` has checked the
 * credential again and reloaded the principal.
 */
export interface SubscriptionSocket {
  /**
   * The caller as they stand now, or null once their credential no longer authenticates
   * (session revoked or expired, token revoked, user or organisation no longer counting):
   * the socket is then already closed (4401 or 4403) and the refusal audited.
   */
  current(): Promise<Principal | null>;
}

/** The context of an operation running over a subscription socket. */
export interface SubscriptionContext extends GraphqlContext {
  socket: SubscriptionSocket;
}

export function isSubscriptionContext(ctx: GraphqlContext): ctx is SubscriptionContext {
  return (ctx as Partial<SubscriptionContext>).socket !== undefined;
}

/**
 * Makes the next resolution of a context see `principal`: a fresh ability and fresh loaders,
 * so nothing cached for an earlier principal leaks (a subscription's next event, or a field run
 * again once its cached principal proved stale).
 */
export function renewViewer(ctx: GraphqlContext, principal: Principal, ability: AppAbility): void {
  const req: AuthorizedRequest = ctx.req;
  req.principal = principal;
  req.ability = ability;
  ctx.loaders = new Map();
}
