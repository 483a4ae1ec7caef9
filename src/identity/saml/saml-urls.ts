import { AppConfig } from '../../config/app-config';

/** The SP endpoints of one connection, all built from the configured public URL. */
export interface SpEndpoints {
  /** The SP entityID is the metadata URL: unique per connection and resolvable. */
  entityId: string;
  metadataUrl: string;
  loginUrl: string;
  acsUrl: string;
  sloUrl: string;
}

export const SAML_ROUTE_PREFIX = '/auth/saml';

export function spEndpoints(config: AppConfig, connectionId: string): SpEndpoints {
  const base = `${config.publicUrl}${SAML_ROUTE_PREFIX}/${connectionId}`;
  return {
    entityId: `${base}/metadata`,
    metadataUrl: `${base}/metadata`,
    loginUrl: `${base}/login`,
    acsUrl: `${base}/acs`,
    sloUrl: `${base}/slo`,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The connection id a URL of ours names, if it is one of our SP endpoints (any connection). */
export function connectionIdInSpUrl(config: AppConfig, value: string): string | null {
  const prefix = `${config.publicUrl}${SAML_ROUTE_PREFIX}/`;
  if (!value.startsWith(prefix)) return null;
  const id = value.slice(prefix.length).split('/')[0];
  return isUuid(id) ? id.toLowerCase() : null;
}

/**
 * A same-origin path to return to after sign-in, or the default. Only a path on our own
 * origin is kept: absolute URLs elsewhere, protocol-relative `//host`, backslashes and
 * control characters all fall back to the default.
 */
export function safeReturnTo(config: AppConfig, candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 2048) return fallback;
  if ([...candidate].some((c) => c.charCodeAt(0) < 0x20 || c === '\\')) return fallback;
  const origin = new URL(config.publicUrl).origin;
  let parsed: URL;
  try {
    parsed = new URL(candidate, origin + '/');
  } catch {
    return fallback;
  }
  if (parsed.origin !== origin) return fallback;
  if (!candidate.startsWith('/') && !candidate.startsWith(origin + '/') && candidate !== origin) return fallback;
  if (candidate.startsWith('//')) return fallback;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
