import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AccessException } from '../access/access.exception';
import { Principal } from '../access/principal';
import { GraphqlContext } from '../access/request-context';
import { AppAbility } from '../access/subjects';

/** What a field resolver needs: the request's caller, ability and loaders. */
export interface Viewer {
  principal: Principal;
  ability: AppAbility;
  ctx: GraphqlContext;
}

/** The viewer of a GraphQL request; root resolvers have been through the guard already. */
export const CurrentViewer = createParamDecorator((_: unknown, execution: ExecutionContext): Viewer => {
  const ctx = GqlExecutionContext.create(execution).getContext<GraphqlContext>();
  const { principal, ability } = ctx.req;
  if (!principal || !ability) throw AccessException.unauthenticated();
  return { principal, ability, ctx };
});
