import { DomainException, ErrorKind } from '../common/domain.exception';

/** Refusals of the health figures, beside NOT_FOUND (the denial service's one answer). */
export enum CommunityHealthErrorCode {
  /** The caller sees the space but is not its OWNER or ANIMATOR, nor HOST_ADMIN. */
  ROLE_REQUIRED = 'ROLE_REQUIRED',
  /** A count of periods outside 1-24. */
  INVALID_INPUT = 'INVALID_INPUT',
}

export class CommunityHealthException extends DomainException<CommunityHealthErrorCode> {
  constructor(code: CommunityHealthErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case CommunityHealthErrorCode.ROLE_REQUIRED:
        return ErrorKind.FORBIDDEN;
      case CommunityHealthErrorCode.INVALID_INPUT:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  /** Both concern a space the caller already sees, or their own input: safe to name. */
  override get publicReason(): string {
    return this.code;
  }
}
