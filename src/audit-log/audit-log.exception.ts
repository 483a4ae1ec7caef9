import { DomainException, ErrorKind } from '../common/domain.exception';

/** Refusals of the audit log, beside NOT_FOUND (the denial service's one answer). */
export enum AuditLogErrorCode {
  /** No rule lets the caller read any audit event (neither an overseer nor a partner admin). */
  REVIEWER_REQUIRED = 'REVIEWER_REQUIRED',
  /** Verifying or anchoring the whole chain: HOST_ADMIN and SECURITY_REVIEWER only. */
  OVERSEER_REQUIRED = 'OVERSEER_REQUIRED',
  /** A partner admin filtering on another organisation. */
  ORGANIZATION_OUT_OF_SCOPE = 'ORGANIZATION_OUT_OF_SCOPE',
  /** A filter value that is not one (an id that is not a UUID, a date, a range, a decision). */
  INVALID_FILTER = 'INVALID_FILTER',
  /** An export format other than jsonl or csv. */
  INVALID_FORMAT = 'INVALID_FORMAT',
}

export class AuditLogException extends DomainException<AuditLogErrorCode> {
  constructor(code: AuditLogErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case AuditLogErrorCode.REVIEWER_REQUIRED:
      case AuditLogErrorCode.OVERSEER_REQUIRED:
      case AuditLogErrorCode.ORGANIZATION_OUT_OF_SCOPE:
        return ErrorKind.FORBIDDEN;
      case AuditLogErrorCode.INVALID_FILTER:
      case AuditLogErrorCode.INVALID_FORMAT:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  /** About the caller's own rights or input: safe to name. */
  override get publicReason(): string {
    return this.code;
  }
}
