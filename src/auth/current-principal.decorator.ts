import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuthenticationException } from './authentication.exception';
import { Principal } from './principal';
import { AuthenticatedRequest } from './request-context';

function requestOf(ctx: ExecutionContext): AuthenticatedRequest {
  if (ctx.getType<string>() === 'graphql')
    return GqlExecutionContext.create(ctx).getContext<{ req: AuthenticatedRequest }>().req;
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>();
}

/** The signed-in caller; the guard has already refused anyone else. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = requestOf(ctx).principal;
  if (!principal) throw AuthenticationException.unauthenticated();
  return principal;
});

export { requestOf };
