import request from 'supertest';
import { OrganizationKind } from '../../src/common/domain.enums';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { spEndpoints } from '../../src/sso/saml/saml-urls';
import { OPEN_REDIRECT_PAYLOADS } from '../../src/common/testing/open-redirect-payloads';
import { startSamlApp, SamlTestApp, TEST_PUBLIC_URL } from '../support/saml-app';
import { b64, forgeResponse, ResponseFields } from '../../src/common/testing/saml-forge';
import { postAcs, sessionCookie, startLogin } from '../support/saml-http';
import { KeyPair, keyPair } from '../../src/common/testing/saml-keys';
import { seedConnection, seedOrganization } from '../support/saml-world';
import { createTestDatabase } from '../support/test-database';

// Every redirect target a client can give (login returnTo, RelayState of an IdP-initiated
// response) comes back as a Location on our own origin, whatever bypass it tries.
jest.setTimeout(120_000);

const ORIGIN = new URL(TEST_PUBLIC_URL).origin;

/** A Location a browser would follow to our origin only: a single-slash path, or our own URL. */
function expectOnOurOrigin(location: unknown): void {
  expect(typeof location).toBe('string');
  const value = location as string;
  expect(value).not.toMatch(/^\s*[/\\]{2}/);
  expect(value).not.toMatch(/^\/\\/);
  expect([...value].filter((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f || c === '\\')).toEqual([]);
  const resolved = new URL(value, `${ORIGIN}/`);
  expect(resolved.origin).toBe(ORIGIN);
  expect(resolved.username + resolved.password).toBe('');
}

describe('open redirects', () => {
  let t: SamlTestApp;
  let drop: () => Promise<void>;
  let idp: KeyPair;
  let spInitiated: IdpConnection;
  let idpInitiated: IdpConnection;
  let n = 0;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    t = await startSamlApp({ env: db.env });
    idp = await keyPair('idp.redirect.example');
    const org = await seedOrganization(t.dataSource, {
      name: 'Redirect Co',
      kind: OrganizationKind.PARTNER,
      domains: ['redirect.example'],
    });
    spInitiated = await seedConnection(t.dataSource, t.config, {
      organization: org,
      idpEntityId: 'https://idp.redirect.example/sp',
      certificates: [idp.cert],
    });
    idpInitiated = await seedConnection(t.dataSource, t.config, {
      organization: org,
      idpEntityId: 'https://idp.redirect.example/idp',
      certificates: [idp.cert],
      allowIdpInitiated: true,
    });
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    await drop?.();
  });

  function response(c: IdpConnection, inResponseTo: string | null): string {
    const sp = spEndpoints(t.config, c.id);
    n++;
    const f: ResponseFields = {
      issuer: c.idpEntityId,
      destination: sp.acsUrl,
      recipient: sp.acsUrl,
      audience: sp.entityId,
      inResponseTo,
      nameId: `redirect-${n}`,
      attributes: { email: [`user${n}@redirect.example`] },
    };
    return b64(forgeResponse(f, { signAssertion: { signer: idp } }));
  }

  it('follows a same-origin returnTo after an SP-initiated sign-in (the control)', async () => {
    const login = await startLogin(t.http, spInitiated.id, '/spaces/1?tab=mine#top');
    const res = await postAcs(t.http, spInitiated.id, response(spInitiated, login.requestId), undefined, {
      accept: 'text/html',
    });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).toMatch(/^pss_/);
    expect(res.headers.location).toBe('/spaces/1?tab=mine#top');
  });

  it.each(OPEN_REDIRECT_PAYLOADS.map((p) => [p]))('keeps returnTo %j on our origin', async (payload) => {
    const login = await startLogin(t.http, spInitiated.id, payload);
    const res = await postAcs(t.http, spInitiated.id, response(spInitiated, login.requestId), undefined, {
      accept: 'text/html',
    });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).toMatch(/^pss_/);
    expectOnOurOrigin(res.headers.location);
  });

  it.each(OPEN_REDIRECT_PAYLOADS.map((p) => [p]))('keeps RelayState %j on our origin', async (payload) => {
    const res = await postAcs(t.http, idpInitiated.id, response(idpInitiated, null), payload, { accept: 'text/html' });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).toMatch(/^pss_/);
    expectOnOurOrigin(res.headers.location);
  });

  it('keeps a RelayState in JSON answers to our origin too', async () => {
    const res = await postAcs(t.http, idpInitiated.id, response(idpInitiated, null), '/a/..//evil.example/x');
    expect(res.status).toBe(200);
    expectOnOurOrigin(res.body.returnTo);
  });

  it('sends a browser home after logout and after an SLO answer, never elsewhere', async () => {
    const res = await postAcs(t.http, idpInitiated.id, response(idpInitiated, null), '/.//evil.example/x', {
      accept: 'text/html',
    });
    const logout = await request(t.http)
      .post('/auth/logout')
      .set('Cookie', `passerelle_session=${sessionCookie(res)}`)
      .set('Accept', 'text/html');
    expect(logout.status).toBe(303);
    expectOnOurOrigin(logout.headers.location);
  });
});
