import { inflateRawSync } from 'node:zlib';
import request from 'supertest';

/** The cookie that binds a sign-in to the browser that started it. */
export const LOGIN_STATE_COOKIE = 'passerelle_login';

// The browser binding each AuthnRequest was given, by request ID: `postAcs` carries it back
// like the browser that started the sign-in would, unless a test says otherwise.
const browserOf = new Map<string, string>();

/** Starts an SP-initiated login and returns the AuthnRequest's ID, the redirect URL and the browser's login cookie. */
export async function startLogin(
  http: Parameters<typeof request>[0],
  connectionId: string,
  returnTo?: string,
  options: { cookie?: string } = {},
): Promise<{ requestId: string; location: string; xml: string; cookie: string | null }> {
  const req = request(http)
    .get(`/auth/saml/${connectionId}/login`)
    .query(returnTo !== undefined ? { returnTo } : {});
  if (options.cookie) req.set('Cookie', `${LOGIN_STATE_COOKIE}=${options.cookie}`);
  const res = await req;
  if (res.status !== 302) throw new Error(`login did not redirect: ${res.status} ${JSON.stringify(res.body)}`);
  const location = res.headers.location as string;
  const xml = inflateRawSync(Buffer.from(new URL(location).searchParams.get('SAMLRequest')!, 'base64')).toString(
    'utf8',
  );
  const requestId = /\sID="([^"]+)"/.exec(xml)![1];
  const cookie = cookieValue(res, LOGIN_STATE_COOKIE) ?? options.cookie ?? null;
  if (cookie) browserOf.set(requestId, cookie);
  return { requestId, location, xml, cookie };
}

/**
 * Posts a SAMLResponse to a connection's ACS, as a JSON client would, from the browser that
 * started the request the response answers (its login cookie), or with `loginCookie`
 * (null: none at all).
 */
export function postAcs(
  http: Parameters<typeof request>[0],
  connectionId: string,
  samlResponse: string,
  relayState?: string,
  options: { loginCookie?: string | null; accept?: string } = {},
) {
  const cookie = options.loginCookie !== undefined ? options.loginCookie : browserCookieFor(samlResponse);
  const req = request(http)
    .post(`/auth/saml/${connectionId}/acs`)
    .set('Accept', options.accept ?? 'application/json')
    .type('form');
  if (cookie) req.set('Cookie', `${LOGIN_STATE_COOKIE}=${cookie}`);
  return req.send({ SAMLResponse: samlResponse, ...(relayState !== undefined ? { RelayState: relayState } : {}) });
}

/** The login cookie of the browser that started the request a response answers, if any. */
export function browserCookieFor(samlResponse: string): string | null {
  let xml: string;
  try {
    xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  } catch {
    return null;
  }
  const inResponseTo = /<[^>]*Response\b[^>]*\sInResponseTo="([^"]+)"/.exec(xml)?.[1];
  return inResponseTo ? (browserOf.get(inResponseTo) ?? null) : null;
}

export function cookieValue(res: { headers: Record<string, unknown> }, name: string): string | null {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const c = cookies.find((v) => v.startsWith(`${name}=`));
  return c ? decodeURIComponent(c.split(';')[0].slice(name.length + 1)) : null;
}

export function sessionCookie(res: { headers: Record<string, unknown> }): string | null {
  return cookieValue(res, 'passerelle_session');
}
