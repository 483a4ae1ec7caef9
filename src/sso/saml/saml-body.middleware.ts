import { Injectable, NestMiddleware } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../../audit/audit.service';
import { clientIp, requestIdOf, sendError } from './saml-http';
import { SamlErrorCode, SamlException } from './saml.exception';

/**
 * Parses the form an IdP posts to the ACS and SLO endpoints with a limit of our own, so an
 * oversized body is a clean, audited 413 rather than whatever a global parser does.
 */
@Injectable()
export class SamlBodyMiddleware implements NestMiddleware {
  private readonly parse: express.RequestHandler;
  private readonly rawLimit: number;

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {
    // Base64 adds a third, form-encoding of `+`, `/` and `=` a little more: the exact limit is
    // enforced on the decoded message by the validator.
    this.rawLimit = Math.ceil((config.samlMaxBodyBytes * 4) / 3) * 2 + 8192;
    this.parse = express.urlencoded({ extended: false, limit: this.rawLimit, parameterLimit: 10 });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.rawLimit) {
      this.refuse(req, res, new SamlException(SamlErrorCode.BODY_TOO_LARGE, { contentLength: declared }));
      return;
    }
    this.parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const e = error as { type?: string; status?: number };
      const code =
        e.type === 'entity.too.large' || e.status === 413
          ? SamlErrorCode.BODY_TOO_LARGE
          : SamlErrorCode.MISSING_SAML_RESPONSE;
      this.refuse(req, res, new SamlException(code, { parser: e.type ?? 'unknown' }));
    });
  }

  private refuse(req: Request, res: Response, error: SamlException): void {
    // The body was not read: close the connection rather than drain it.
    res.setHeader('Connection', 'close');
    void this.audit
      .recordQuietly({
        action: req.path.endsWith('/slo') ? 'auth.slo' : 'auth.login',
        outcome: 'FAILURE',
        subjectType: 'IdpConnection',
        subjectId: /\/auth\/saml\/([0-9a-f-]{36})\//i.exec(req.originalUrl)?.[1] ?? null,
        reason: error.reason,
        details: { code: error.code, ...error.details },
        ip: clientIp(req),
        requestId: requestIdOf(req),
      })
      .finally(() => sendError(req, res, error));
  }
}
