import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AbilityFactory } from '../access/ability.factory';
import { AccessException } from '../access/access.exception';
import { Principal } from '../auth/principal';
import { AuthenticatedRequest, GraphqlContext } from '../auth/request-context';
import { AppAbility } from '../access/subjects';

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
export const CurrentViewer = createParamDecorator((_: unknown, execution: ExecutionContext): Viewer => {
  const ctx = GqlExecutionContext.create(execution).getContext<GraphqlContext>();
  const req: AuthorizedRequest = ctx.req;
  const { principal } = req;
  if (!principal) throw AccessException.unauthenticated();
  // Built once per request, when a resolver first asks for it.
  const ability = (req.ability ??= abilities.createFor(principal));
  return { principal, ability, ctx };
});
