import { DomainException, ErrorKind } from '../common/domain.exception';

/** Refusals of the reach queries, beside NOT_FOUND (the denial service's one answer). */
export enum ReachErrorCode {
  /** The caller sees the subject but is not HOST_ADMIN or SECURITY_REVIEWER (no `review` rule). */
  ROLE_REQUIRED = 'ROLE_REQUIRED',
  /** Neither or both of userId and organizationId, or a subject type without a rule. */
  INVALID_INPUT = 'INVALID_INPUT',
  /** A proposed change that is not exactly one change, or a value out of its range. */
  INVALID_CHANGE = 'INVALID_CHANGE',
  /** An external can never be OWNER or ANIMATOR (DESIGN 1): such a change cannot be previewed. */
  EXTERNAL_ROLE = 'EXTERNAL_ROLE',
  /** The database refused the proposed change (a constraint): it could not be applied either. */
  CHANGE_REJECTED = 'CHANGE_REJECTED',
}

export class ReachException extends DomainException<ReachErrorCode> {
  constructor(code: ReachErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case ReachErrorCode.ROLE_REQUIRED:
        return ErrorKind.FORBIDDEN;
      case ReachErrorCode.INVALID_INPUT:
      case ReachErrorCode.INVALID_CHANGE:
      case ReachErrorCode.EXTERNAL_ROLE:
      case ReachErrorCode.CHANGE_REJECTED:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  /** Each concerns a subject the caller already sees, or their own input: safe to name. */
  override get publicReason(): string {
    return this.code;
  }
}
