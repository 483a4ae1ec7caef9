import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendError } from './saml-http';

/**
 * Every error on the SAML routes, answered as JSON or as a small page with the status the
 * whole gateway gives it (httpErrorOf): a refusal keeps its 4xx, anything unexpected is a
 * generic 500 with a request id. The refusal is already audited by the service that threw it.
 */
@Catch()
export class SamlExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<Request>(), http.getResponse<Response>(), exception);
  }
}
