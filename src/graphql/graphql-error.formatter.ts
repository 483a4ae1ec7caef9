import { Logger } from '@nestjs/common';
import { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DATABASE_FAULT_MESSAGES, databaseFaultOf } from '../common/database-fault';
import { DomainException, ErrorKind } from '../common/domain.exception';
import { SERVICE_UNAVAILABLE } from './service-unavailable.plugin';

export type PublicErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const logger = new Logger('GraphQL');

export function codeOfKind(kind: ErrorKind): PublicErrorCode {
  switch (kind) {
    case ErrorKind.UNAUTHENTICATED:
      return 'UNAUTHENTICATED';
    case ErrorKind.FORBIDDEN:
      return 'FORBIDDEN';
    case ErrorKind.NOT_FOUND:
      return 'NOT_FOUND';
    case ErrorKind.BAD_USER_INPUT:
      return 'BAD_USER_INPUT';
    case ErrorKind.CONFLICT:
      return 'CONFLICT';
  }
}

// Apollo's own codes for requests that never reached a resolver: the client's mistake.
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** The request each error was met in, for its log line (no request context reaches formatError). */
const requestOfError = new WeakMap<object, string>();

/** Notes the request an error belongs to, before Apollo formats it (operation-observation.plugin.ts, the context). */
export function noteRequestOf(error: unknown, requestId: string | undefined): void {
  if (requestId && typeof error === 'object' && error !== null) requestOfError.set(error, requestId);
}

/** ` (request <id>)` for an error noted with its request, or nothing; follows originalError. */
function inRequest(error: unknown): string {
  for (let e = error; typeof e === 'object' && e !== null; e = (e as { originalError?: unknown }).originalError) {
    const id = requestOfError.get(e);
    if (id) return ` (request ${id})`;
  }
  return '';
}

/**
 * One mapping from whatever was thrown to what a client sees: a stable code, a clear
 * message, never a stack trace; unknown errors are logged with their path and hidden.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainException) {
    const reason = original.publicReason;
    return {
      ...base,
      message: original.message,
      extensions: { code: codeOfKind(original.kind), ...(reason ? { reason } : {}) },
    };
  }
  const fault = databaseFaultOf(original);
  if (fault) {
    logger.warn(
      `database fault at ${formatted.path?.join('.') ?? '(request)'}${inRequest(error)}: ${fault}: ${(original as Error).message}`,
    );
    return {
      ...base,
      message: DATABASE_FAULT_MESSAGES[fault],
      extensions: { code: SERVICE_UNAVAILABLE, reason: fault },
    };
  }
  const code = formatted.extensions?.code;
  // Refused in the context function, before execution (authenticateOrRefuse).
  if (code === SERVICE_UNAVAILABLE) {
    return { ...base, extensions: { code, reason: formatted.extensions?.reason } };
  }
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  }
  if (typeof code === 'string' && ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'].includes(code)) {
    return { ...base, extensions: { code } };
  }
  const status = (original as { status?: number; getStatus?: () => number })?.getStatus?.();
  if (status === 400) return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  logger.error(
    `unexpected error at ${formatted.path?.join('.') ?? '(request)'}${inRequest(error)}: ${(original as Error)?.stack ?? String(original)}`,
  );
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
