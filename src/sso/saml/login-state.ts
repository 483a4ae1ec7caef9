import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request } from 'express';
import { AppConfig } from '../../config/app-config';
import { sha256Hex } from '../../common/secrets';
import { SAML_ROUTE_PREFIX } from './saml-urls';

/**
 * Binds each SP-initiated sign-in to the browser that started it (login CSRF): /login gives
 * the browser a random value in an HttpOnly cookie and stores its hash with the request ID;
 * the ACS accepts the answer only from a browser holding that value. One value per browser,
 * reused while it lives, so sign-ins started in several tabs all complete.
 */
export const LOGIN_STATE_COOKIE = 'passerelle_login';

/** As long as an AuthnRequest may wait for its answer. */
export const LOGIN_STATE_TTL_MS = 15 * 60_000;

const FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function newLoginState(): string {
  return randomBytes(32).toString('base64url');
}

/** The browser's login state, when it sent a well-formed one. */
export function loginStateOf(req: Request): string | undefined {
  const parsed = (req as Request & { cookies?: Record<string, unknown> }).cookies?.[LOGIN_STATE_COOKIE];
  let value = typeof parsed === 'string' ? parsed : undefined;
  if (value === undefined) {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === LOGIN_STATE_COOKIE) value = rest.join('=');
    }
  }
  return value !== undefined && FORMAT.test(value) ? value : undefined;
}

export function loginStateHash(value: string): string {
  return sha256Hex(`login-state:${value}`);
}

export function sameLoginState(expectedHash: unknown, value: string | undefined): boolean {
  if (typeof expectedHash !== 'string' || value === undefined) return false;
  const a = Buffer.from(expectedHash, 'utf8');
  const b = Buffer.from(loginStateHash(value), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The cookie must come back on the IdP's cross-site POST to the ACS: over https it is
 * `SameSite=None; Secure`. Over plain http (local development) browsers refuse
 * `SameSite=None` without `Secure`, so it is `Lax`: sent when the IdP is on the same site
 * (the demo IdPs), not on a cross-site POST from a real IdP, which then needs https.
 */
export function loginStateCookieOptions(config: AppConfig): CookieOptions {
  const https = config.publicUrl.startsWith('https:');
  return {
    httpOnly: true,
    secure: https || config.secureCookies,
    sameSite: https ? 'none' : 'lax',
    path: `${new URL(config.publicUrl).pathname.replace(/\/+$/, '')}${SAML_ROUTE_PREFIX}`,
    maxAge: LOGIN_STATE_TTL_MS,
  };
}
