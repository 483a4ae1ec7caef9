import { inflateRawSync } from 'node:zlib';
import request from 'supertest';

/** Starts an SP-initiated login and returns the AuthnRequest's ID and the redirect URL. */
export async function startLogin(http: Parameters<typeof request>[0], connectionId: string, returnTo?: string): Promise<{ requestId: string; location: string; xml: string }> {
  const res = await request(http).get(`/auth/saml/${connectionId}/login`).query(returnTo ? { returnTo } : {});
  if (res.status !== 302) throw new Error(`login did not redirect: ${res.status} ${JSON.stringify(res.body)}`);
  const location = res.headers.location as string;
  const xml = inflateRawSync(Buffer.from(new URL(location).searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  const requestId = /\sID="([^"]+)"/.exec(xml)![1];
  return { requestId, location, xml };
}

/** Posts a SAMLResponse to a connection's ACS, as a JSON client would. */
export function postAcs(http: Parameters<typeof request>[0], connectionId: string, samlResponse: string, relayState?: string) {
  return request(http)
    .post(`/auth/saml/${connectionId}/acs`)
    .set('Accept', 'application/json')
    .type('form')
    .send({ SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) });
}

export function sessionCookie(res: { headers: Record<string, unknown> }): string | null {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const c = cookies.find((v) => v.startsWith('passerelle_session='));
  return c ? c.split(';')[0].slice('passerelle_session='.length) : null;
}
