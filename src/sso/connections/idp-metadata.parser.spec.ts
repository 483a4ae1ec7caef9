import { X509Certificate } from 'node:crypto';
import { keyPair } from '../../common/testing/saml-keys';
import { demoIdpMetadata } from '../../dev/demo-idp/demo-response.builder';
import { ConnectionErrorCode, ConnectionException } from './connection.exception';
import { parseIdpMetadata } from './idp-metadata.parser';

const DAY = 86_400_000;

function withCertificates(certificates: string[]): string {
  const xml = demoIdpMetadata(
    'https://idp.example',
    'https://idp.example/sso',
    'https://idp.example/slo',
    certificates[0],
  );
  const kd = (pem: string) =>
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return xml.replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, certificates.map(kd).join(''));
}

describe('parseIdpMetadata during a key rollover', () => {
  it('pins every valid certificate and reports the expired ones; refuses only when none is valid', async () => {
    const expired = await keyPair('expired.idp.example', {
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const a = await keyPair('a.idp.example');
    const b = await keyPair('b.idp.example', { notAfter: new Date(Date.now() + 800 * DAY) });
    const parsed = parseIdpMetadata(withCertificates([expired.cert, a.cert, expired.cert, b.cert, a.cert]), new Date());
    expect(parsed.signingCertificates.map((c) => new X509Certificate(c).fingerprint256)).toEqual(
      [a.cert, b.cert].map((c) => new X509Certificate(c).fingerprint256),
    );
    expect(parsed.skippedCertificates).toHaveLength(1);
    expect(parsed.skippedCertificates[0]).toMatchObject({
      fingerprint: new X509Certificate(expired.cert).fingerprint256,
      reason: 'expired',
    });
    expect(parsed.skippedCertificates[0].warning).toMatch(/expired signing certificate CN=expired\.idp\.example/);

    let refusal: unknown;
    try {
      parseIdpMetadata(withCertificates([expired.cert]), new Date());
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConnectionException);
    expect((refusal as ConnectionException).code).toBe(ConnectionErrorCode.CERTIFICATE_EXPIRED);
  });
});
