import { DomainException, ErrorKind } from '../common/domain.exception';

export enum WorldImportErrorCode {
  /** The file cannot be read, or is not JSON. */
  UNREADABLE = 'UNREADABLE',
  /** The world breaks the format or a rule of the domain; nothing was written. */
  INVALID_WORLD = 'INVALID_WORLD',
  /** The world is sound on its own but not with what is already stored; nothing was written. */
  CONFLICTS_WITH_DATABASE = 'CONFLICTS_WITH_DATABASE',
}

/** A refused import. `problems` lists every problem found, each naming its record. */
export class WorldImportException extends DomainException<WorldImportErrorCode> {
  get kind(): ErrorKind {
    switch (this.code) {
      case WorldImportErrorCode.UNREADABLE:
      case WorldImportErrorCode.INVALID_WORLD:
      case WorldImportErrorCode.CONFLICTS_WITH_DATABASE:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  get problems(): string[] {
    return (this.details.problems as string[] | undefined) ?? [this.message];
  }

  static unreadable(message: string): WorldImportException {
    return new WorldImportException(WorldImportErrorCode.UNREADABLE, message);
  }

  /** How many problems were found; `problems` keeps only the first of them. */
  get total(): number {
    return (this.details.total as number | undefined) ?? this.problems.length;
  }

  static invalid(problems: string[], total = problems.length): WorldImportException {
    return new WorldImportException(WorldImportErrorCode.INVALID_WORLD, summarize(problems, total), {
      problems,
      total,
    });
  }

  static conflicts(problems: string[]): WorldImportException {
    return new WorldImportException(WorldImportErrorCode.CONFLICTS_WITH_DATABASE, summarize(problems), { problems });
  }

  constructor(code: WorldImportErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

/** One line: the first problem, and how many more there are. */
function summarize(problems: string[], total = problems.length): string {
  const more = total - 1;
  return more > 0 ? `${problems[0]} (and ${more} more problem${more > 1 ? 's' : ''})` : problems[0];
}
