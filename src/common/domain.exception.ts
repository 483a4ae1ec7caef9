/**
 * What a refusal means to a client, whatever module raised it. The GraphQL layer maps each
 * kind to `extensions.code` and the HTTP layer to a status, in one exhaustive switch each.
 */
export enum ErrorKind {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
}

/** The HTTP status of a refusal of this kind on REST routes. */
export function httpStatusOf(kind: ErrorKind): number {
  switch (kind) {
    case ErrorKind.UNAUTHENTICATED:
      return 401;
    case ErrorKind.FORBIDDEN:
      return 403;
    case ErrorKind.NOT_FOUND:
      return 404;
    case ErrorKind.BAD_USER_INPUT:
      return 400;
    case ErrorKind.CONFLICT:
      return 409;
  }
}

/**
 * Base of every module's exception. A module declares its own code enum and maps each code
 * to a kind; `reason` is the precise, machine-readable cause written to the audit log and
 * never shown to a caller when it could reveal what exists.
 */
export abstract class DomainException<TCode extends string = string> extends Error {
  abstract readonly kind: ErrorKind;

  protected constructor(
    readonly code: TCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The code a REST caller sees: the kind, unless a module's codes are safe to show. */
  get publicCode(): string {
    return this.kind;
  }

  /**
   * The precise refusal a client may see beside the kind (GraphQL `extensions.reason`), e.g.
   * `LAST_OWNER`; null when the module's codes could reveal what exists. Modules of the write
   * path, whose refusals concern objects the caller already sees, return their code.
   */
  get publicReason(): string | null {
    return null;
  }

  /** The HTTP status of this refusal on REST routes. */
  get httpStatus(): number {
    return httpStatusOf(this.kind);
  }
}
