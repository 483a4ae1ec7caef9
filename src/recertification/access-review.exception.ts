import { DomainException, ErrorKind } from '../common/domain.exception';

/** Refusals of the security review's reads, beside NOT_FOUND (the denial service's one answer). */
export enum AccessReviewErrorCode {
  /** The caller sees the organisation, space or campaign, but may not review it. */
  ROLE_REQUIRED = 'ROLE_REQUIRED',
  /** Neither or both of organizationId and spaceId, or an id that is not one. */
  INVALID_SCOPE = 'INVALID_SCOPE',
}

export class AccessReviewException extends DomainException<AccessReviewErrorCode> {
  constructor(code: AccessReviewErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case AccessReviewErrorCode.ROLE_REQUIRED:
        return ErrorKind.FORBIDDEN;
      case AccessReviewErrorCode.INVALID_SCOPE:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  /** Both concern an object the caller already sees, or their own input: safe to name. */
  override get publicReason(): string {
    return this.code;
  }
}
