import { normalizeIp } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';

/** The three limits; also the counters' names in Redis, the audit log and /metrics. */
export enum RateLimitName {
  /** Per client IP: requests without a valid credential (sign-in routes aside). */
  ANONYMOUS = 'anonymous',
  /** Per client IP: the sign-in routes, signed in or not. */
  SIGN_IN = 'sign_in',
  /** Per principal: GraphQL requests of a signed-in user, whatever the session or token. */
  GRAPHQL = 'graphql',
}

export const RATE_LIMIT_NAMES: readonly RateLimitName[] = [
  RateLimitName.ANONYMOUS,
  RateLimitName.SIGN_IN,
  RateLimitName.GRAPHQL,
];

/** The window every limit is counted over. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Where a request goes, before routing; the SAML SP and the demo IdPs live under these. */
export type RouteClass = 'sign_in' | 'graphql' | 'other';

const SIGN_IN_PREFIXES = ['/auth', '/demo-idp'];

/**
 * Classifies a request path the way the router matches it (case-insensitively, whatever
 * the repeated slashes), so that no spelling of a sign-in route escapes its limit.
 */
export function routeClassOf(path: string): RouteClass {
  const p = path.toLowerCase().replace(/\/{2,}/g, '/');
  if (SIGN_IN_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`))) return 'sign_in';
  // Apollo is mounted on the prefix: whatever follows /graphql/ reaches it too.
  if (p === '/graphql' || p.startsWith('/graphql/')) return 'graphql';
  return 'other';
}

/** The client address as counted: IPv4 as is (mapped IPv6 included), IPv6 by its /64. */
export function clientKeyOf(ip: string | undefined): string {
  return `ip:${ip ? normalizeIp(ip, 64) : 'unknown'}`;
}

export function limitOf(config: AppConfig, name: RateLimitName): number {
  switch (name) {
    case RateLimitName.ANONYMOUS:
      return config.rateLimitAnonymousPerMinute;
    case RateLimitName.SIGN_IN:
      return config.rateLimitSignInPerMinute;
    case RateLimitName.GRAPHQL:
      return config.rateLimitGraphqlPerMinute;
  }
}
