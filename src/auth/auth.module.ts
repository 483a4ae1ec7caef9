import { Global, Module } from '@nestjs/common';
import { AuthenticationService } from './authentication.service';
import { PrincipalService } from './principal.service';
import { SessionService } from './session.service';
import { TokenService } from './token.service';

/**
 * Who is calling: sessions, API tokens and the principal behind them. The global guard
 * (AuthenticationGuard) is registered by the application module; SAML sign-in lives in sso/.
 */
@Global()
@Module({
  providers: [SessionService, TokenService, PrincipalService, AuthenticationService],
  exports: [SessionService, TokenService, PrincipalService, AuthenticationService],
})
export class AuthModule {}
