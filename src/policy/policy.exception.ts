import { DomainException, ErrorKind } from '../common/domain.exception';

/** Refusals of the policy reads: the document and explained decisions. */
export enum PolicyErrorCode {
  /** Reading the policy or explaining someone's access: HOST_ADMIN and SECURITY_REVIEWER only. */
  ROLE_REQUIRED = 'ROLE_REQUIRED',
  /** `action` is not one of the engine's actions. */
  UNKNOWN_ACTION = 'UNKNOWN_ACTION',
  /** `subjectType` is not one explainAccess covers. */
  UNSUPPORTED_SUBJECT_TYPE = 'UNSUPPORTED_SUBJECT_TYPE',
  /** The action does not apply to that subject type (e.g. `post` on a Comment). */
  UNSUPPORTED_ACTION = 'UNSUPPORTED_ACTION',
}

export class PolicyException extends DomainException<PolicyErrorCode> {
  constructor(code: PolicyErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case PolicyErrorCode.ROLE_REQUIRED:
        return ErrorKind.FORBIDDEN;
      case PolicyErrorCode.UNKNOWN_ACTION:
      case PolicyErrorCode.UNSUPPORTED_SUBJECT_TYPE:
      case PolicyErrorCode.UNSUPPORTED_ACTION:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  /** About the caller's own role or the shape of the arguments: reveals nothing that exists. */
  override get publicReason(): string {
    return this.code;
  }
}
