import request from 'supertest';
import { OrganizationKind, OrganizationStatus, UserStatus } from '../src/common/domain.enums';
import { AuditEvent } from '../src/database/entities/audit-event.entity';
import { IdpConnection } from '../src/database/entities/idp-connection.entity';
import { spEndpoints } from '../src/sso/saml/saml-urls';
import { Organization } from '../src/database/entities/organization.entity';
import { User } from '../src/database/entities/user.entity';
import { startSamlApp, SamlTestApp } from './support/saml-app';
import {
  ALG,
  b64,
  buildAssertion,
  forgeResponse,
  ResponseFields,
  samlId,
  signElement,
  wrapResponse,
} from '../src/common/testing/saml-forge';
import { postAcs, sessionCookie, startLogin } from './support/saml-http';
import { KeyPair, keyPair } from '../src/common/testing/saml-keys';
import { seedConnection, seedOrganization, seedUser } from './support/saml-world';
import { createTestDatabase } from './support/test-database';

// Forged and broken responses, each refused with its own reason and audited. Every case
// starts from a response that is accepted (the first test) and breaks one thing.
jest.setTimeout(60_000);

describe('SAML assertion consumer: forged and broken responses', () => {
  let t: SamlTestApp;
  let drop: () => Promise<void>;
  let idp: KeyPair;
  let attacker: KeyPair;
  let acme: Organization;
  let conn: IdpConnection;
  let other: IdpConnection;
  let shib: IdpConnection;
  let unsolicitedOk: IdpConnection;
  const IDP = 'https://idp.acme.example/saml';
  let n = 0;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    t = await startSamlApp({ env: db.env });
    [idp, attacker] = await Promise.all([keyPair('idp.acme.example'), keyPair('attacker.example')]);
    acme = await seedOrganization(t.dataSource, {
      name: 'Acme',
      kind: OrganizationKind.PARTNER,
      domains: ['acme.example', 'acme-labs.example'],
    });
    conn = await seedConnection(t.dataSource, t.config, {
      organization: acme,
      idpEntityId: IDP,
      certificates: [idp.cert],
      allowedDomains: ['acme.example'],
    });
    // The same IdP registered a second time (another entityID): its responses are valid for it only.
    other = await seedConnection(t.dataSource, t.config, {
      organization: acme,
      idpEntityId: `${IDP}/second`,
      certificates: [idp.cert],
    });
    // Shibboleth by default signs the response only.
    shib = await seedConnection(t.dataSource, t.config, {
      organization: acme,
      idpEntityId: `${IDP}/shib`,
      certificates: [idp.cert],
      wantAssertionsSigned: false,
      wantResponseSigned: true,
    });
    unsolicitedOk = await seedConnection(t.dataSource, t.config, {
      organization: acme,
      idpEntityId: `${IDP}/idp-init`,
      certificates: [idp.cert],
      allowIdpInitiated: true,
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await drop?.();
  });

  /** A correct response for `c` answering a fresh AuthnRequest, with overrides. */
  async function fields(c: IdpConnection, overrides: Partial<ResponseFields> = {}): Promise<ResponseFields> {
    const sp = spEndpoints(t.config, c.id);
    const { requestId } = await startLogin(t.http, c.id);
    n++;
    return {
      issuer: c.idpEntityId,
      destination: sp.acsUrl,
      recipient: sp.acsUrl,
      audience: sp.entityId,
      inResponseTo: requestId,
      nameId: `acme-user-${n}`,
      attributes: { email: [`user${n}@acme.example`], givenName: ['Ada'], sn: ['Lovelace'] },
      ...overrides,
    };
  }

  const signed = { signer: undefined as unknown as KeyPair };
  function signedBy(k: KeyPair = idp) {
    return { ...signed, signer: k };
  }

  async function expectRefused(connectionId: string, samlResponse: string, code: string, status = 401): Promise<void> {
    const before = await t.dataSource
      .getRepository(AuditEvent)
      .count({ where: { action: 'auth.login', reason: code.toLowerCase() } });
    const res = await postAcs(t.http, connectionId, samlResponse);
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(sessionCookie(res)).toBeNull();
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|stack/i);
    const after = await t.dataSource
      .getRepository(AuditEvent)
      .count({ where: { action: 'auth.login', reason: code.toLowerCase(), outcome: 'FAILURE' } });
    expect(after).toBe(before + 1);
  }

  it('accepts a correct SP-initiated response, creates the user and a session, and audits it', async () => {
    const f = await fields(conn);
    const res = await postAcs(t.http, conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })));
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(f.attributes!.email[0]);
    expect(res.body.user.displayName).toBe('Ada Lovelace');
    const cookie = res.headers['set-cookie'][0] as string;
    expect(cookie).toMatch(/passerelle_session=pss_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const audit = await t.dataSource
      .getRepository(AuditEvent)
      .findOne({ where: { action: 'auth.login', outcome: 'SUCCESS', actorId: res.body.user.id } });
    expect(audit?.reason).toBe('sp_initiated');
  });

  it('links by (connection, NameID): a second sign-in finds the same user, even with a new email', async () => {
    const f = await fields(conn, { nameId: 'stable-id-1', attributes: { email: ['stable@acme.example'] } });
    const first = await postAcs(t.http, conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })));
    const g = await fields(conn, { nameId: 'stable-id-1', attributes: { email: ['renamed@acme.example'] } });
    const second = await postAcs(t.http, conn.id, b64(forgeResponse(g, { signAssertion: signedBy() })));
    expect(second.status).toBe(200);
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(second.body.user.email).toBe('renamed@acme.example');
    expect(second.body.created).toBe(false);
  });

  describe('XML signature wrapping', () => {
    it('refuses a second, unsigned assertion beside the signed one', async () => {
      const f = await fields(conn);
      const xml = forgeResponse(f, { signAssertion: signedBy() });
      const evil = buildAssertion({ ...f, nameId: 'victim', attributes: { email: ['ceo@acme.example'] } });
      await expectRefused(
        conn.id,
        b64(xml.replace('</samlp:Response>', `${evil}</samlp:Response>`)),
        'ASSERTION_COUNT',
      );
    });

    it('refuses an evil assertion with the signed original hidden in Extensions', async () => {
      const f = await fields(conn);
      const signedAssertion = signElement(wrapResponse(f, buildAssertion(f)), 'Assertion', signedBy()).match(
        /<saml:Assertion[\s\S]*<\/saml:Assertion>/,
      )![0];
      const evil = buildAssertion({ ...f, nameId: 'victim', attributes: { email: ['ceo@acme.example'] } });
      const xml = wrapResponse(f, evil).replace(
        '<samlp:Status>',
        `<samlp:Extensions>${signedAssertion}</samlp:Extensions><samlp:Status>`,
      );
      await expectRefused(conn.id, b64(xml), 'ASSERTION_COUNT');
    });

    it('refuses an evil assertion carrying the original signature (reference to another ID)', async () => {
      const f = await fields(conn);
      const signedXml = forgeResponse(f, { signAssertion: signedBy() });
      const signature = signedXml.match(/<ds:Signature[\s\S]*<\/ds:Signature>/)![0];
      const evil = buildAssertion({ ...f, nameId: 'victim', attributes: { email: ['ceo@acme.example'] } }).replace(
        '</saml:Issuer>',
        `</saml:Issuer>${signature}`,
      );
      await expectRefused(conn.id, b64(wrapResponse(f, evil)), 'SIGNATURE_REFERENCE_INVALID');
    });

    it('refuses an evil assertion that reuses the signed ID, the original tucked inside the signature', async () => {
      const f = await fields(conn, { assertionId: samlId() });
      const signedXml = forgeResponse(f, { signAssertion: signedBy() });
      const original = signedXml.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
      const signature = original.match(/<ds:Signature[\s\S]*<\/ds:Signature>/)![0];
      const withObject = signature.replace(
        '</ds:Signature>',
        `<ds:Object>${original.replace(signature, '')}</ds:Object></ds:Signature>`,
      );
      const evil = buildAssertion({ ...f, nameId: 'victim', attributes: { email: ['ceo@acme.example'] } }).replace(
        '</saml:Issuer>',
        `</saml:Issuer>${withObject}`,
      );
      await expectRefused(conn.id, b64(wrapResponse(f, evil)), 'DUPLICATE_ID');
    });

    it('refuses a signature moved from the assertion to the response', async () => {
      const f = await fields(conn);
      const signedXml = forgeResponse(f, { signAssertion: signedBy() });
      const signature = signedXml.match(/<ds:Signature[\s\S]*<\/ds:Signature>/)![0];
      const evil = buildAssertion({ ...f, nameId: 'victim', attributes: { email: ['ceo@acme.example'] } });
      const xml = wrapResponse(f, evil).replace(
        '</saml:Issuer><samlp:Status>',
        `</saml:Issuer>${signature}<samlp:Status>`,
      );
      await expectRefused(conn.id, b64(xml), 'SIGNATURE_REFERENCE_INVALID');
    });

    it('refuses a signed response wrapped inside a forged one', async () => {
      const f = await fields(shib);
      const original = forgeResponse(f, { signResponse: signedBy() });
      const evil = buildAssertion({ ...f, nameId: 'victim', attributes: { email: ['ceo@acme.example'] } });
      const xml = wrapResponse(f, evil).replace(
        '<samlp:Status>',
        `<samlp:Extensions>${original}</samlp:Extensions><samlp:Status>`,
      );
      await expectRefused(shib.id, b64(xml), 'ASSERTION_COUNT');
    });

    it('refuses a signature placed anywhere else than on the response or the assertion', async () => {
      const f = await fields(conn);
      const signedXml = forgeResponse(f, { signAssertion: signedBy() });
      const signature = signedXml.match(/<ds:Signature[\s\S]*<\/ds:Signature>/)![0];
      const xml = signedXml.replace(
        '<samlp:Status>',
        `<samlp:Extensions>${signature.replace(/URI="#[^"]+"/, 'URI=""')}</samlp:Extensions><samlp:Status>`,
      );
      await expectRefused(conn.id, b64(xml), 'UNEXPECTED_SIGNATURE');
    });
  });

  it('refuses a comment inside the NameID (signature still valid after canonicalization)', async () => {
    const f = await fields(conn, { nameId: 'admin@acme.example.evil.test' });
    const xml = forgeResponse(f, { signAssertion: signedBy() }).replace(
      'admin@acme.example.evil.test',
      'admin@acme.example<!---->.evil.test',
    );
    await expectRefused(conn.id, b64(xml), 'COMMENT_IN_ASSERTION');
  });

  it('refuses an unsigned assertion', async () => {
    const f = await fields(conn);
    await expectRefused(conn.id, b64(forgeResponse(f, {})), 'ASSERTION_UNSIGNED');
  });

  it('refuses a response-only signature where the connection wants the assertion signed', async () => {
    const f = await fields(conn);
    await expectRefused(conn.id, b64(forgeResponse(f, { signResponse: signedBy() })), 'ASSERTION_UNSIGNED');
  });

  it('refuses an unsigned response where the connection wants the response signed, and accepts it signed', async () => {
    const f = await fields(shib);
    await expectRefused(shib.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'RESPONSE_UNSIGNED');
    const g = await fields(shib);
    const ok = await postAcs(t.http, shib.id, b64(forgeResponse(g, { signResponse: signedBy() })));
    expect(ok.status).toBe(200);
  });

  it('refuses a signature by another key', async () => {
    const f = await fields(conn);
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy(attacker) })), 'SIGNATURE_UNTRUSTED');
  });

  it('refuses a signature by another key carried in KeyInfo', async () => {
    const f = await fields(conn);
    const xml = forgeResponse(f, { signAssertion: { signer: attacker, keyInfo: true } });
    expect(xml).toContain('<ds:X509Certificate>');
    await expectRefused(conn.id, b64(xml), 'SIGNATURE_UNTRUSTED');
  });

  it('refuses content altered after signing', async () => {
    const f = await fields(conn);
    const xml = forgeResponse(f, { signAssertion: signedBy() }).replace(f.attributes!.email[0], 'ceo@acme.example');
    await expectRefused(conn.id, b64(xml), 'DIGEST_MISMATCH');
  });

  it('refuses a wrong audience', async () => {
    const f = await fields(conn, { audience: 'https://some-other-sp.example/metadata' });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'AUDIENCE_MISMATCH');
  });

  it('refuses a wrong destination', async () => {
    const f = await fields(conn, { destination: 'https://some-other-sp.example/acs' });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'DESTINATION_MISMATCH');
  });

  it('refuses a bearer confirmation for another recipient', async () => {
    const f = await fields(conn, { recipient: 'https://some-other-sp.example/acs' });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'RECIPIENT_MISMATCH');
  });

  it('refuses a response made for another connection', async () => {
    const sp = spEndpoints(t.config, other.id);
    const f = await fields(conn, {
      destination: sp.acsUrl,
      recipient: sp.acsUrl,
      audience: sp.entityId,
      issuer: other.idpEntityId,
    });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'ISSUER_MISMATCH');
    const g = await fields(conn, { destination: sp.acsUrl, recipient: sp.acsUrl, audience: sp.entityId });
    await expectRefused(conn.id, b64(forgeResponse(g, { signAssertion: signedBy() })), 'WRONG_CONNECTION');
  });

  it('refuses a wrong issuer', async () => {
    const f = await fields(conn, { issuer: 'https://idp.evil.example/saml' });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'ISSUER_MISMATCH');
  });

  it('refuses an expired assertion, beyond the allowed clock skew', async () => {
    const skew = t.config.samlClockSkewSeconds * 1000;
    const past = new Date(Date.now() - skew - 10 * 60_000);
    const f = await fields(conn, { now: past, notOnOrAfter: new Date(Date.now() - skew - 1000) });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'ASSERTION_EXPIRED');
  });

  it('refuses an assertion not yet valid, and accepts one within the skew', async () => {
    const skew = t.config.samlClockSkewSeconds * 1000;
    const f = await fields(conn, { notBefore: new Date(Date.now() + skew + 60_000) });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'ASSERTION_NOT_YET_VALID');
    const g = await fields(conn, { notBefore: new Date(Date.now() + skew / 2) });
    expect((await postAcs(t.http, conn.id, b64(forgeResponse(g, { signAssertion: signedBy() })))).status).toBe(200);
  });

  it('refuses a replayed response', async () => {
    const f = await fields(unsolicitedOk, { inResponseTo: null });
    const body = b64(forgeResponse(f, { signAssertion: signedBy() }));
    expect((await postAcs(t.http, unsolicitedOk.id, body)).status).toBe(200);
    await expectRefused(unsolicitedOk.id, body, 'ASSERTION_REPLAYED');
  });

  it('refuses a replayed SP-initiated response for its assertion ID, before its spent request', async () => {
    const f = await fields(conn);
    const body = b64(forgeResponse(f, { signAssertion: signedBy() }));
    expect((await postAcs(t.http, conn.id, body)).status).toBe(200);
    await expectRefused(conn.id, body, 'ASSERTION_REPLAYED');
  });

  it('refuses an unsolicited response unless the connection allows IdP-initiated sign-in', async () => {
    const f = await fields(conn, { inResponseTo: null });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'UNSOLICITED_RESPONSE');
    const g = await fields(unsolicitedOk, { inResponseTo: null });
    const ok = await postAcs(
      t.http,
      unsolicitedOk.id,
      b64(forgeResponse(g, { signAssertion: signedBy() })),
      '/spaces/42',
    );
    expect(ok.status).toBe(200);
    expect(ok.body.returnTo).toBe('/spaces/42');
  });

  it('refuses an InResponseTo this connection never sent', async () => {
    const f = await fields(conn, { inResponseTo: samlId() });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'IN_RESPONSE_TO_UNKNOWN');
  });

  it('refuses a request made through another connection answered through this one', async () => {
    const { requestId } = await startLogin(t.http, other.id);
    const f = await fields(conn, { inResponseTo: requestId });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'IN_RESPONSE_TO_UNKNOWN');
  });

  it('refuses an assertion whose InResponseTo differs from the response', async () => {
    const f = await fields(conn);
    const { requestId: another } = await startLogin(t.http, conn.id);
    await expectRefused(
      conn.id,
      b64(forgeResponse({ ...f, subjectInResponseTo: another }, { signAssertion: signedBy() })),
      'IN_RESPONSE_TO_MISMATCH',
    );
  });

  it('refuses a SHA-1 signature', async () => {
    const f = await fields(conn);
    await expectRefused(
      conn.id,
      b64(forgeResponse(f, { signAssertion: { signer: idp, signatureAlgorithm: ALG.rsaSha1 } })),
      'WEAK_SIGNATURE_ALGORITHM',
    );
  });

  it('refuses a SHA-1 digest', async () => {
    const f = await fields(conn);
    await expectRefused(
      conn.id,
      b64(forgeResponse(f, { signAssertion: { signer: idp, digestAlgorithm: ALG.sha1 } })),
      'WEAK_DIGEST_ALGORITHM',
    );
  });

  it('refuses a DTD, and an entity declaration', async () => {
    const f = await fields(conn);
    const xml = forgeResponse(f, { signAssertion: signedBy() });
    await expectRefused(
      conn.id,
      b64(`<?xml version="1.0"?><!DOCTYPE samlp:Response [<!ELEMENT samlp:Response ANY>]>${xml}`),
      'DTD_FORBIDDEN',
      400,
    );
    await expectRefused(
      conn.id,
      b64(`<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>${xml.replace('acme-user', '&b;')}`),
      'DTD_FORBIDDEN',
      400,
    );
  });

  it('refuses an oversized body with 413', async () => {
    const huge = 'A'.repeat(t.config.samlMaxBodyBytes * 3);
    await expectRefused(conn.id, huge, 'BODY_TOO_LARGE', 413);
    // Within the form limit but over the decoded limit.
    const f = await fields(conn, {
      attributes: { email: ['big@acme.example'], pad: ['x'.repeat(t.config.samlMaxBodyBytes)] },
    });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'BODY_TOO_LARGE', 413);
  });

  it('refuses a body that is not base64, and one that is not XML', async () => {
    await expectRefused(conn.id, 'this is not base64!', 'NOT_BASE64', 400);
    await expectRefused(conn.id, b64('hello, I am not XML'), 'NOT_XML', 400);
    await expectRefused(conn.id, b64('<samlp:Response><unclosed></samlp:Response>'), 'NOT_XML', 400);
  });

  it('refuses a POST without SAMLResponse', async () => {
    const res = await request(t.http)
      .post(`/auth/saml/${conn.id}/acs`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ foo: 'bar' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MISSING_SAML_RESPONSE');
  });

  it('refuses an email of a domain the connection may not assert', async () => {
    const other = await fields(conn, { attributes: { email: ['boss@host.example'] } });
    await expectRefused(
      conn.id,
      b64(forgeResponse(other, { signAssertion: signedBy() })),
      'EMAIL_DOMAIN_NOT_ALLOWED',
      403,
    );
    // A domain of the organisation, but not one this connection may assert.
    const labs = await fields(conn, { attributes: { email: ['someone@acme-labs.example'] } });
    await expectRefused(
      conn.id,
      b64(forgeResponse(labs, { signAssertion: signedBy() })),
      'EMAIL_DOMAIN_NOT_ALLOWED',
      403,
    );
  });

  it('never signs anyone in on a non-Success status, even with a valid signed assertion', async () => {
    const f = await fields(conn, { status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' });
    await expectRefused(
      conn.id,
      b64(forgeResponse(f, { signAssertion: signedBy(), signResponse: signedBy() })),
      'STATUS_NOT_SUCCESS',
    );
  });

  it('refuses a sign-in without the attributes the mapping requires', async () => {
    const f = await fields(conn, { attributes: { givenName: ['No'], sn: ['Email'] } });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'ATTRIBUTE_MISSING');
  });

  it('refuses a transient NameID', async () => {
    const f = await fields(conn, { nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'NAME_ID_TRANSIENT');
  });

  it('never links an existing account by email alone', async () => {
    await seedUser(t.dataSource, { organizationId: acme.id, email: 'existing@acme.example' });
    const f = await fields(conn, { attributes: { email: ['existing@acme.example'] } });
    await expectRefused(conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })), 'ACCOUNT_NOT_LINKED', 403);
  });

  it('refuses a disabled user, a suspended organisation and a disabled connection', async () => {
    const f = await fields(conn, { nameId: 'to-disable', attributes: { email: ['disable-me@acme.example'] } });
    const ok = await postAcs(t.http, conn.id, b64(forgeResponse(f, { signAssertion: signedBy() })));
    // Signed in once, so the refusals below come from the status changes and nothing else.
    expect(ok.status).toBe(200);
    expect(sessionCookie(ok)).toMatch(/^pss_/);
    await t.dataSource.getRepository(User).update(ok.body.user.id, { status: UserStatus.DISABLED });
    const g = await fields(conn, { nameId: 'to-disable', attributes: { email: ['disable-me@acme.example'] } });
    await expectRefused(conn.id, b64(forgeResponse(g, { signAssertion: signedBy() })), 'USER_DISABLED', 403);

    const h = await fields(conn);
    await t.dataSource.getRepository(Organization).update(acme.id, { status: OrganizationStatus.SUSPENDED });
    try {
      await expectRefused(conn.id, b64(forgeResponse(h, { signAssertion: signedBy() })), 'ORGANIZATION_SUSPENDED', 403);
    } finally {
      await t.dataSource.getRepository(Organization).update(acme.id, { status: OrganizationStatus.ACTIVE });
    }
    const i = await fields(conn);
    await t.dataSource.getRepository(IdpConnection).update(conn.id, { status: 'DISABLED' as never });
    try {
      await expectRefused(conn.id, b64(forgeResponse(i, { signAssertion: signedBy() })), 'CONNECTION_DISABLED', 403);
    } finally {
      await t.dataSource.getRepository(IdpConnection).update(conn.id, { status: 'ACTIVE' as never });
    }
  });

  it('answers an unknown connection with 404, and an HTML page to a browser', async () => {
    const res = await request(t.http)
      .post(`/auth/saml/00000000-0000-4000-8000-000000000000/acs`)
      .set('Accept', 'text/html')
      .type('form')
      .send({ SAMLResponse: 'x' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(res.text).toContain('CONNECTION_NOT_FOUND');
    const bad = await request(t.http).get('/auth/saml/not-a-uuid/metadata').set('Accept', 'application/json');
    expect(bad.status).toBe(404);
    expect(bad.body.error.code).toBe('CONNECTION_NOT_FOUND');
  });
});
