import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../session.service';
import { SamlException } from './saml.exception';

const logger = new Logger('SamlHttp');

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A plain page; no script, nothing from the request but escaped text. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Passerelle</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d2330}h1{font-size:1.4rem}code{color:#667}li{margin:.3rem 0}button{font-size:1rem;padding:.4rem .8rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * A refusal as JSON `{ error: { code, message } }` or a small page, with a 4xx status; an
 * unexpected error becomes a 503 without detail, logged with the request id.
 */
export function sendError(req: Request, res: Response, error: unknown): void {
  let status: number;
  let code: string;
  let message: string;
  if (error instanceof SamlException) {
    status = error.httpStatus;
    code = error.code;
    message = error.message;
  } else {
    logger.error(`unexpected error on ${req.method} ${req.path}: ${(error as Error)?.stack ?? String(error)}`);
    status = 503;
    code = 'TEMPORARILY_UNAVAILABLE';
    message = 'Sign-in is temporarily unavailable. Please try again.';
  }
  res.status(status).setHeader('Cache-Control', 'no-store');
  if (wantsHtml(req)) {
    res.type('html').send(page('Sign-in refused', `<p>${escapeHtml(message)}</p><p><code>${escapeHtml(code)}</code></p><p><a href="/">Back to Passerelle</a></p>`));
  } else {
    res.json({ error: { code, message } });
  }
}

/** The session cookie, whether or not cookie-parser ran. */
export function sessionCookieOf(req: Request): string | undefined {
  const parsed = (req as Request & { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
  if (parsed) return parsed;
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function clientIp(req: Request): string | null {
  return req.ip ?? req.socket?.remoteAddress ?? null;
}

export function requestIdOf(req: Request): string | null {
  const own = (req as Request & { requestId?: string }).requestId;
  if (own) return own;
  const id = req.headers['x-request-id'];
  return typeof id === 'string' ? id.slice(0, 100) : null;
}
