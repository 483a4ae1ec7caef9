import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { errorBody, httpErrorOf, requestIdOf as sharedRequestIdOf } from '../../common/http-exception.filter';
import { frenchMessageOf, SamlErrorCode } from './saml.exception';

const FRENCH_FALLBACK = 'La demande a été refusée.';

function isSamlCode(code: string): code is SamlErrorCode {
  return Object.prototype.hasOwnProperty.call(SamlErrorCode, code);
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Where the SAML pages' stylesheet and auto-submit script are served: no inline style or script (CSP). */
export const SAML_ASSETS = { stylesheet: '/auth/assets/page.css', autosubmit: '/auth/assets/autosubmit.js' } as const;

export const PAGE_CSS =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d2330}h1{font-size:1.4rem}code{color:#667}li{margin:.3rem 0}button{font-size:1rem;padding:.4rem .8rem}\n';

/** Submits the form marked `data-autosubmit` (SAML POST binding); the button stays for browsers without script. */
export const AUTOSUBMIT_JS =
  "document.querySelectorAll('form[data-autosubmit]').forEach(function (f) { f.submit(); });\n";

/** A plain page; nothing from the request but escaped text, no inline style or script. */
export function page(title: string, body: string, scripts: string[] = []): string {
  const tags = scripts.map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Passerelle</title>
<link rel="stylesheet" href="${SAML_ASSETS.stylesheet}">${tags}
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** A page that posts `fields` to `action` (the SAML POST binding), by the served script or by hand. */
export function autoPostPage(title: string, action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return page(
    title,
    `<form method="post" action="${escapeHtml(action)}" data-autosubmit>${inputs}<button>Continue</button></form>`,
    [SAML_ASSETS.autosubmit],
  );
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
  if (answer.retryAfterSeconds) res.setHeader('Retry-After', String(answer.retryAfterSeconds));
  if (wantsHtml(req)) {
    // French first (our users are French enterprises), then English; the code and reference are the same in both.
    const french = isSamlCode(answer.code)
      ? frenchMessageOf(answer.code)
      : answer.status === 503
        ? 'Le service est momentanément indisponible. Réessayez dans quelques instants.'
        : FRENCH_FALLBACK;
    const reference = answer.requestId
      ? `<p>Référence / Reference : <code>${escapeHtml(answer.requestId)}</code></p>`
      : '';
    res
      .type('html')
      .send(
        page(
          'Connexion refusée · Sign-in refused',
          `<div lang="fr"><p>${escapeHtml(french)}</p></div><div lang="en"><p>${escapeHtml(answer.message)}</p></div>` +
            `<p><code>${escapeHtml(answer.code)}</code></p>${reference}<p><a href="/">Retour à Passerelle · Back to Passerelle</a></p>`,
        ),
      );
  } else {
    res.json(errorBody(answer));
  }
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
