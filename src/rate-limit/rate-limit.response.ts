import type { Request, Response } from 'express';

function message(seconds: number): string {
  return `Too many requests: retry in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

/**
 * The 429 answer, with Retry-After: a GraphQL error body (code RATE_LIMITED) on /graphql,
 * a page for a browser (French first, then English), JSON `{ error }` for anything else.
 */
export function sendRateLimited(req: Request, res: Response, routeIsGraphql: boolean, retryAfterSeconds: number): void {
  res.status(429);
  res.setHeader('Retry-After', String(retryAfterSeconds));
  res.setHeader('Cache-Control', 'no-store');
  if (routeIsGraphql) {
    res.json({
      errors: [{ message: message(retryAfterSeconds), extensions: { code: 'RATE_LIMITED', retryAfterSeconds } }],
    });
  } else if (req.accepts(['json', 'html']) === 'html') {
    res.type('html').send(page(retryAfterSeconds));
  } else {
    res.json({ error: { code: 'RATE_LIMITED', message: message(retryAfterSeconds), retryAfterSeconds } });
  }
}

function page(seconds: number): string {
  // Nothing from the request goes into the page.
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trop de requêtes · Passerelle</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d2330}h1{font-size:1.4rem}</style>
</head><body>
<h1>Trop de requêtes</h1><p>Trop de requêtes sont venues de votre adresse en peu de temps. Réessayez dans ${seconds} seconde${seconds === 1 ? '' : 's'}.</p>
<div lang="en"><h2>Too many requests</h2><p>Too many requests came from your address in a short time. Please try again in ${seconds} second${seconds === 1 ? '' : 's'}.</p></div>
<p><a href="/">Passerelle</a></p>
</body></html>`;
}
