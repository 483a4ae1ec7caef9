import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainException, httpStatusOf } from './domain.exception';

/**
 * REST routes answer `{ error: { code, message } }` with a 4xx status, never a stack trace;
 * anything unexpected is logged and becomes a generic 500. GraphQL errors are formatted
 * by Apollo (graphql-error.formatter.ts) and pass through untouched.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof DomainException) {
      return res.status(httpStatusOf(exception.kind)).json({ error: { code: exception.kind, message: exception.message } });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? exception.message);
      const code = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR';
      return res.status(status).json({ error: { code, message: Array.isArray(message) ? message.join('; ') : message } });
    }
    const tooLarge = (exception as { type?: string })?.type === 'entity.too.large';
    if (tooLarge) return res.status(413).json({ error: { code: 'BAD_USER_INPUT', message: 'Request body too large' } });
    const malformed = (exception as { type?: string })?.type === 'entity.parse.failed';
    if (malformed) return res.status(400).json({ error: { code: 'BAD_USER_INPUT', message: 'Malformed request body' } });
    this.logger.error((exception as Error)?.stack ?? String(exception));
    return res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
  }
}
