import { DomainException, ErrorKind } from '../common/domain.exception';

export enum AccessErrorCode {
  NOT_AUTHENTICATED = 'NOT_AUTHENTICATED',
  NOT_FOUND = 'NOT_FOUND',
  FORBIDDEN = 'FORBIDDEN',
}

/** Authentication and authorization refusals. NOT_FOUND covers "invisible" and "missing" alike. */
export class AccessException extends DomainException<AccessErrorCode> {
  get kind(): ErrorKind {
    switch (this.code) {
      case AccessErrorCode.NOT_AUTHENTICATED:
        return ErrorKind.UNAUTHENTICATED;
      case AccessErrorCode.NOT_FOUND:
        return ErrorKind.NOT_FOUND;
      case AccessErrorCode.FORBIDDEN:
        return ErrorKind.FORBIDDEN;
    }
  }

  static unauthenticated(): AccessException {
    return new AccessException(AccessErrorCode.NOT_AUTHENTICATED, 'Authentication required');
  }

  /** The one answer for an object that is invisible or does not exist. */
  static notFound(): AccessException {
    return new AccessException(AccessErrorCode.NOT_FOUND, 'Not found');
  }

  constructor(code: AccessErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
