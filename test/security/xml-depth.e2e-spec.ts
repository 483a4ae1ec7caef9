import { deflateRawSync } from 'node:zlib';
import request from 'supertest';
import { AuditEvent } from '../../src/database/entities/audit-event.entity';
import { OrganizationKind } from '../../src/common/domain.enums';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { SamlServiceProvider } from '../../src/sso/saml/saml-service-provider';
import { spEndpoints } from '../../src/sso/saml/saml-urls';
import { startSamlApp, SamlTestApp } from '../support/saml-app';
import { b64, forgeResponse, ResponseFields } from '../../src/common/testing/saml-forge';
import { postAcs, startLogin } from '../support/saml-http';
import { KeyPair, keyPair } from '../../src/common/testing/saml-keys';
import { seedConnection, seedOrganization } from '../support/saml-world';
import { createTestDatabase } from '../support/test-database';

// Attacker XML is walked without recursion: documents nested tens of thousands of levels
// deep (or very wide) are refused with a reason of their own, audited, never a 5xx.
jest.setTimeout(180_000);

const nested = (levels: number, inner = '') => `${'<a>'.repeat(levels)}${inner}${'</a>'.repeat(levels)}`;

describe('deeply nested and oversized XML', () => {
  let t: SamlTestApp;
  let drop: () => Promise<void>;
  let idp: KeyPair;
  let conn: IdpConnection;
  let n = 0;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    // Room for 100,000 levels: the depth limit, not the size limit, must be what refuses them.
    t = await startSamlApp({ env: { ...db.env, SAML_MAX_BODY_BYTES: String(2 * 1024 * 1024) } });
    idp = await keyPair('idp.deep.example');
    const org = await seedOrganization(t.dataSource, {
      name: 'Deep Co',
      kind: OrganizationKind.PARTNER,
      domains: ['deep.example'],
    });
    conn = await seedConnection(t.dataSource, t.config, {
      organization: org,
      idpEntityId: 'https://idp.deep.example/saml',
      certificates: [idp.cert],
      sloUrl: 'https://idp.deep.example/slo',
    });
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    await drop?.();
  });

  async function fields(): Promise<ResponseFields> {
    const sp = spEndpoints(t.config, conn.id);
    const { requestId } = await startLogin(t.http, conn.id);
    n++;
    return {
      issuer: conn.idpEntityId,
      destination: sp.acsUrl,
      recipient: sp.acsUrl,
      audience: sp.entityId,
      inResponseTo: requestId,
      nameId: `deep-${n}`,
      attributes: { email: [`deep${n}@deep.example`] },
    };
  }

  async function audits(action: string, reason: string): Promise<number> {
    return t.dataSource.getRepository(AuditEvent).count({ where: { action, reason, outcome: 'FAILURE' } });
  }

  async function expectRefusedAcs(xml: string, code: string): Promise<void> {
    const before = await audits('auth.login', code.toLowerCase());
    const res = await postAcs(t.http, conn.id, Buffer.from(xml, 'utf8').toString('base64'));
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 400, code });
    expect(JSON.stringify(res.body)).not.toMatch(/RangeError|stack|at .*\.[jt]s/i);
    expect(await audits('auth.login', code.toLowerCase())).toBe(before + 1);
  }

  it('accepts the ordinary signed response these cases start from (the control)', async () => {
    const res = await postAcs(t.http, conn.id, b64(forgeResponse(await fields(), { signAssertion: { signer: idp } })));
    expect(res.status).toBe(200);
  });

  it.each([[28_000], [100_000]])('refuses a response nested %i levels deep as XML_TOO_DEEP', async (levels) => {
    await expectRefusedAcs(nested(levels), 'XML_TOO_DEEP');
  });

  it('refuses deep nesting inside a signed assertion before any signature or comment check', async () => {
    const signed = forgeResponse(await fields(), { signAssertion: { signer: idp } });
    const deep = signed.replace(
      '</saml:AttributeStatement>',
      `<saml:Attribute Name="x"><saml:AttributeValue>${nested(28_000, '<!--c-->')}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>`,
    );
    expect(deep).not.toBe(signed);
    await expectRefusedAcs(deep, 'XML_TOO_DEEP');
  });

  it('refuses deep nesting in a Response wrapper and in Extensions', async () => {
    const signed = forgeResponse(await fields(), { signAssertion: { signer: idp } });
    await expectRefusedAcs(
      signed.replace('<samlp:Status>', `<samlp:Extensions>${nested(5_000)}</samlp:Extensions><samlp:Status>`),
      'XML_TOO_DEEP',
    );
  });

  it('refuses a very wide response as XML_TOO_LARGE', async () => {
    const signed = forgeResponse(await fields(), { signAssertion: { signer: idp } });
    await expectRefusedAcs(
      signed.replace('<samlp:Status>', `<samlp:Extensions>${'<a/>'.repeat(200_000)}</samlp:Extensions><samlp:Status>`),
      'XML_TOO_LARGE',
    );
  });

  it('refuses a deep SLO message (POST and Redirect bindings), audited', async () => {
    const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0">${nested(28_000)}</samlp:LogoutRequest>`;
    const before = await audits('auth.slo', 'xml_too_deep');
    const posted = await request(t.http)
      .post(`/auth/saml/${conn.id}/slo`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ SAMLRequest: Buffer.from(xml).toString('base64') });
    expect({ status: posted.status, code: posted.body?.error?.code }).toEqual({ status: 400, code: 'XML_TOO_DEEP' });
    const redirected = await request(t.http)
      .get(`/auth/saml/${conn.id}/slo`)
      .set('Accept', 'application/json')
      .query({
        SAMLRequest: deflateRawSync(Buffer.from(xml)).toString('base64'),
        SigAlg: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        Signature: 'AAAA',
      });
    expect({ status: redirected.status, code: redirected.body?.error?.code }).toEqual({
      status: 400,
      code: 'XML_TOO_DEEP',
    });
    expect(await audits('auth.slo', 'xml_too_deep')).toBe(before + 2);
  });

  it('answers an unexpected error with a 500, a generic message and a request id, audited', async () => {
    const provider = t.app.get(SamlServiceProvider);
    const spy = jest
      .spyOn(provider, 'validateLoginResponse')
      .mockRejectedValueOnce(new Error('library exploded at /secret/path.js:1'));
    try {
      const before = await audits('auth.login', 'unexpected_error');
      const res = await postAcs(
        t.http,
        conn.id,
        b64(forgeResponse(await fields(), { signAssertion: { signer: idp } })),
      );
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
      expect(res.body.error.requestId).toEqual(expect.any(String));
      expect(JSON.stringify(res.body)).not.toMatch(/exploded|secret|stack/);
      expect(await audits('auth.login', 'unexpected_error')).toBe(before + 1);
    } finally {
      spy.mockRestore();
    }
  });
});
