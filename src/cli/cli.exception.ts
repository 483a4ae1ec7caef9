import { DomainException, ErrorKind } from '../common/domain.exception';

export enum CliErrorCode {
  /** The command line itself is wrong: unknown command or option, missing argument. Exit 2. */
  USAGE = 'USAGE',
  /** The command is well formed but its input is refused. Exit 1. */
  BAD_INPUT = 'BAD_INPUT',
}

/** A refusal of the admin command line; its message is the one line printed on stderr. */
export class CliException extends DomainException<CliErrorCode> {
  get kind(): ErrorKind {
    switch (this.code) {
      case CliErrorCode.USAGE:
      case CliErrorCode.BAD_INPUT:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  get exitCode(): number {
    switch (this.code) {
      case CliErrorCode.USAGE:
        return 2;
      case CliErrorCode.BAD_INPUT:
        return 1;
    }
  }

  static usage(message: string): CliException {
    return new CliException(CliErrorCode.USAGE, message);
  }

  static badInput(message: string, details?: Record<string, unknown>): CliException {
    return new CliException(CliErrorCode.BAD_INPUT, message, details);
  }

  constructor(code: CliErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
