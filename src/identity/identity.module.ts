import { Global, Module } from '@nestjs/common';
import { SessionService } from './session.service';
import { TokenService } from './token.service';

/** Who is calling: sessions and API tokens. SAML sign-in lives in identity/saml. */
@Global()
@Module({ providers: [SessionService, TokenService], exports: [SessionService, TokenService] })
export class IdentityModule {}
