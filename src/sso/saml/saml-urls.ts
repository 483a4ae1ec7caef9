import { parseId } from '../../common/ids';
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

/** The connection id a URL of ours names, if it is one of our SP endpoints (any connection). */
export function connectionIdInSpUrl(config: AppConfig, value: string): string | null {
  const prefix = `${config.publicUrl}${SAML_ROUTE_PREFIX}/`;
  if (!value.startsWith(prefix)) return null;
  const id = value.slice(prefix.length).split('/')[0];
  return parseId(id);
}

/** The longest return path we keep; anything longer falls back (it is not a link a person made). */
export const MAX_RETURN_TO_LENGTH = 2048;

/**
 * The one check for every redirect target a client gave us (login `returnTo`, RelayState
 * after the ACS, logout, SLO, the demo IdP): the candidate is resolved against PUBLIC_URL
 * with the WHATWG URL parser, as a browser would, and only its normalised path, query and
 * fragment are kept, when they are on our origin and cannot be read as another host (a
 * path starting `//` or `/\`, e.g. after `/.//evil` loses its dot segment). Anything else
 * gives the fallback.
 */
export function safeReturnTo(config: AppConfig, candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > MAX_RETURN_TO_LENGTH)
    return fallback;
  const origin = new URL(config.publicUrl).origin;
  let parsed: URL;
  try {
    parsed = new URL(candidate, `${origin}/`);
  } catch {
    return fallback;
  }
  if (parsed.origin !== origin || parsed.username !== '' || parsed.password !== '') return fallback;
  // Only what a person would write: a path, or our own absolute URL.
  const trimmed = candidate.trimStart();
  if (
    !trimmed.startsWith('/') &&
    !trimmed.toLowerCase().startsWith(`${origin.toLowerCase()}/`) &&
    trimmed.toLowerCase() !== origin.toLowerCase()
  ) {
    return fallback;
  }
  const target = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  // The parser percent-encodes controls and spaces; a backslash or a second slash up front
  // would still be read by a browser as the start of another host.
  if (!/^\/(?![/\\])/.test(target) || hasControlSpaceOrBackslash(target) || target.length > MAX_RETURN_TO_LENGTH)
    return fallback;
  return target;
}

/** A control character, a space or a backslash: none belongs in a Location we send. */
export function hasControlSpaceOrBackslash(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return true;
  }
  return false;
}
