import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DATABASE_FAULT_MESSAGES, DATABASE_FAULT_RETRY_AFTER_SECONDS, databaseFaultOf } from './database-fault';
import { DomainException } from './domain.exception';

/** What a REST caller receives for an error: a status and `{ error: { code, message, requestId? } }`. */
export interface HttpError {
  status: number;
  code: string;
  message: string;
  /** Set for unexpected errors, so a person reporting one can be matched with the log line. */
  requestId?: string;
  /** True when nothing expected it: logged (once, here) and answered with a generic 500. */
  unexpected: boolean;
  /** For a 503: seconds before trying again (the Retry-After header). */
  retryAfterSeconds?: number;
}

export const UNEXPECTED_ERROR_MESSAGE = 'Internal server error';

const logger = new Logger('HTTP');

/** The request id the gateway gave this request (or the caller's, bounded), else a fresh one. */
export function requestIdOf(req: Request | undefined): string | null {
  const own = (req as (Request & { requestId?: string }) | undefined)?.requestId;
  if (own) return own;
  const id = req?.headers?.['x-request-id'];
  return typeof id === 'string' && /^[\w.:-]{1,100}$/.test(id) ? id : null;
}

/**
 * The one mapping from an error to an HTTP answer, for the global filter and for the
 * controllers that render their own errors (SAML pages): refusals keep their 4xx, an
 * unknown error is a 500 with a generic message and a request id, and is logged once.
 */
export function httpErrorOf(exception: unknown, req?: Request): HttpError {
  if (exception instanceof DomainException) {
    return { status: exception.httpStatus, code: exception.publicCode, message: exception.message, unexpected: false };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const raw =
      typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
    const code =
      status === 404
        ? 'NOT_FOUND'
        : status === 401
          ? 'UNAUTHENTICATED'
          : status === 403
            ? 'FORBIDDEN'
            : 'BAD_USER_INPUT';
    return { status, code, message: Array.isArray(raw) ? raw.join('; ') : raw, unexpected: false };
  }
  const type = (exception as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large')
    return { status: 413, code: 'BAD_USER_INPUT', message: 'Request body too large', unexpected: false };
  if (type === 'entity.parse.failed')
    return { status: 400, code: 'BAD_USER_INPUT', message: 'Malformed request body', unexpected: false };
  const fault = databaseFaultOf(exception);
  if (fault) {
    const request = requestIdOf(req);
    logger.warn(
      `database fault on ${req ? `${req.method} ${req.path}` : 'request'}${request ? ` (request ${request})` : ''}: ${fault}: ${(exception as Error).message}`,
    );
    return {
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: DATABASE_FAULT_MESSAGES[fault],
      unexpected: false,
      retryAfterSeconds: DATABASE_FAULT_RETRY_AFTER_SECONDS,
    };
  }
  const requestId = requestIdOf(req) ?? randomUUID();
  const where = req ? `${req.method} ${req.path}` : 'request';
  logger.error(
    `unexpected error on ${where} (request ${requestId}): ${(exception as Error)?.stack ?? String(exception)}`,
  );
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: UNEXPECTED_ERROR_MESSAGE, requestId, unexpected: true };
}

export function errorBody(error: HttpError): { error: { code: string; message: string; requestId?: string } } {
  return {
    error: { code: error.code, message: error.message, ...(error.requestId ? { requestId: error.requestId } : {}) },
  };
}

/**
 * REST routes answer `{ error: { code, message } }` with a 4xx status, never a stack trace;
 * anything unexpected is logged and becomes a generic 500. GraphQL errors are formatted
 * by Apollo (graphql-error.formatter.ts) and pass through untouched.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') throw exception;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const error = httpErrorOf(exception, http.getRequest<Request>());
    if (res.headersSent) return;
    if (error.retryAfterSeconds) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    return res.status(error.status).json(errorBody(error));
  }
}
