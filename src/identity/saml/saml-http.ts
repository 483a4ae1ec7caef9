import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../session.service';
import { errorBody, httpErrorOf, requestIdOf as sharedRequestIdOf } from '../../common/http-exception.filter';

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
 * A refusal as JSON `{ error: { code, message } }` or a small page, with the status the whole
 * gateway gives it (http-exception.filter.ts): a 4xx for a refusal, a generic 500 with a
 * request id for anything unexpected (logged there, once).
 */
export function sendError(req: Request, res: Response, error: unknown): void {
  const answer = httpErrorOf(error, req);
  if (res.headersSent) return;
  res.status(answer.status).setHeader('Cache-Control', 'no-store');
  if (wantsHtml(req)) {
    const reference = answer.requestId ? `<p>Reference: <code>${escapeHtml(answer.requestId)}</code></p>` : '';
    res.type('html').send(page('Sign-in refused', `<p>${escapeHtml(answer.message)}</p><p><code>${escapeHtml(answer.code)}</code></p>${reference}<p><a href="/">Back to Passerelle</a></p>`));
  } else {
    res.json(errorBody(answer));
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

/** This request's id: the gateway's, else one given now and kept, so the audit and the answer agree. */
export function requestIdOf(req: Request): string {
  const known = sharedRequestIdOf(req);
  if (known) return known;
  const id = randomUUID();
  (req as Request & { requestId?: string }).requestId = id;
  return id;
}
