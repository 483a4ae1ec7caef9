import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppConfig } from './app-config';

type Directives = Record<string, string[]>;

/** A route whose page needs more than the default policy: extra sources per directive. */
export interface CspRoute {
  method: string;
  path: string;
  extra: Directives;
}

/**
 * The one place where the Content-Security-Policy is written. The default suits a React/Vite
 * portal served from our origin (no inline script or style, API and subscriptions on the
 * same origin); SAML pages post forms with a served script (/auth/assets/autosubmit.js).
 */
export function baseDirectives(config: AppConfig): Directives {
  const url = new URL(config.publicUrl);
  const ws = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ws],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    ...(url.protocol === 'https:' ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/** Apollo Sandbox (GET /graphql, outside production) loads its page from Apollo's CDN. */
export const APOLLO_SANDBOX_CSP: CspRoute = {
  method: 'GET',
  path: '/graphql',
  extra: {
    'script-src': ["'unsafe-inline'", 'https://embeddable-sandbox.cdn.apollographql.com'],
    'style-src': ["'unsafe-inline'", 'https://fonts.googleapis.com'],
    'font-src': ['https://fonts.gstatic.com'],
    'img-src': ['https://apollo-server-landing-page.cdn.apollographql.com'],
    'manifest-src': ['https://apollo-server-landing-page.cdn.apollographql.com'],
    'frame-src': ['https://sandbox.embed.apollographql.com'],
  },
};

/** The routes with a policy of their own: none in production. */
export function cspRoutes(config: AppConfig): CspRoute[] {
  return config.isProduction ? [] : [APOLLO_SANDBOX_CSP];
}

export function mergeDirectives(base: Directives, extra: Directives): Directives {
  const out: Directives = { ...base };
  for (const [name, sources] of Object.entries(extra)) out[name] = [...(out[name] ?? []), ...sources];
  return out;
}

/** The policy as a header value, for a response that must widen it (e.g. a form posted to an IdP). */
export function contentSecurityPolicy(config: AppConfig, extra: Directives = {}): string {
  return Object.entries(mergeDirectives(baseDirectives(config), extra))
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

function helmetFor(config: AppConfig, directives: Directives): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only where the public URL is https: a plain-http development host must stay reachable.
    strictTransportSecurity: config.publicUrl.startsWith('https:')
      ? { maxAge: 31_536_000, includeSubDomains: true }
      : false,
    frameguard: { action: 'deny' },
  }) as RequestHandler;
}

/** Helmet's security headers on every response, with the per-route policies of `routes`. */
export function securityHeaders(config: AppConfig, routes: CspRoute[] = cspRoutes(config)): RequestHandler {
  const base = baseDirectives(config);
  const byDefault = helmetFor(config, base);
  const special = routes.map((route) => ({ route, handler: helmetFor(config, mergeDirectives(base, route.extra)) }));
  return (req, res, next) => {
    const match = special.find((s) => s.route.method === req.method && s.route.path === req.path);
    (match?.handler ?? byDefault)(req, res, next);
  };
}
