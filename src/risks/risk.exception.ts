import { DomainException, ErrorKind } from '../common/domain.exception';

/** Refusals of the risk map's reads (its writes refuse with WriteException). */
export enum RiskErrorCode {
  /** The caller sees the space but may not read its risks (e.g. a MEMBER), or is no security reviewer. */
  ROLE_REQUIRED = 'ROLE_REQUIRED',
}

export class RiskException extends DomainException<RiskErrorCode> {
  constructor(code: RiskErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case RiskErrorCode.ROLE_REQUIRED:
        return ErrorKind.FORBIDDEN;
    }
  }

  /** The caller already sees what they were refused: the reason reveals nothing. */
  override get publicReason(): string {
    return this.code;
  }
}
