import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationService } from './authentication.service';
import { requestOf } from './current-principal.decorator';
import { IS_PUBLIC } from './public.decorator';

/**
 * Global guard: every route and root resolver needs a signed-in caller unless marked
 * @Public(). Authorization itself happens in the queries (abilities pushed into SQL).
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (isPublic) return true;
    await this.authentication.authenticate(requestOf(ctx));
    return true;
  }
}
