import { DomainException, ErrorKind } from '../common/domain.exception';

export enum AuthenticationErrorCode {
  NOT_AUTHENTICATED = 'NOT_AUTHENTICATED',
}

/** No usable credential: the one refusal of authentication. Authorization refusals are access/'s. */
export class AuthenticationException extends DomainException<AuthenticationErrorCode> {
  get kind(): ErrorKind {
    return ErrorKind.UNAUTHENTICATED;
  }

  static unauthenticated(): AuthenticationException {
    return new AuthenticationException(AuthenticationErrorCode.NOT_AUTHENTICATED, 'Authentication required');
  }

  constructor(code: AuthenticationErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
