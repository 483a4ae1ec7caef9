import { SignedXml } from 'xml-crypto';
import {
  ALG,
  b64,
  buildAssertion,
  forgeResponse,
  ResponseFields,
  samlId,
  wrapResponse,
} from '../../common/testing/saml-forge';
import { KeyPair, keyPair } from '../../common/testing/saml-keys';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { SamlResponseValidator, ValidatedConnection } from './saml-response.validator';
import { spEndpoints } from './saml-urls';
import { SamlErrorCode, SamlException } from './saml.exception';

// The signature check runs on the validator's own DOM (xml-signature.ts): the algorithms,
// canonicalisations and transform chains it accepts, and what it refuses.
describe('enveloped signature verification', () => {
  const config = new AppConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'https://passerelle.example',
    SECRET_KEY: '5a'.repeat(32),
  });
  const validator = new SamlResponseValidator(config, new Clock());
  const connection: ValidatedConnection = {
    id: '11111111-2222-4333-8444-666666666666',
    idpEntityId: 'https://idp.example/saml',
    signingCertificates: [],
    wantAssertionsSigned: true,
    wantResponseSigned: false,
  };
  const sp = spEndpoints(config, connection.id);
  let idp: KeyPair;
  let other: KeyPair;

  beforeAll(async () => {
    [idp, other] = await Promise.all([keyPair('sig-idp'), keyPair('sig-other')]);
    connection.signingCertificates = [idp.cert];
  }, 30_000);

  const fields = (o: Partial<ResponseFields> = {}): ResponseFields => ({
    issuer: connection.idpEntityId,
    destination: sp.acsUrl,
    recipient: sp.acsUrl,
    audience: sp.entityId,
    inResponseTo: '_req1',
    nameId: 'user-1',
    attributes: { email: ['a@example.com'] },
    ...o,
  });

  /** Signs the assertion with the given algorithms and transforms, as an IdP could. */
  const signAssertion = (
    xml: string,
    o: {
      signatureAlgorithm?: string;
      digestAlgorithm?: string;
      canonicalization?: string;
      transforms?: string[];
      inclusiveNamespaces?: string[];
      signer?: KeyPair;
    } = {},
  ): string => {
    const sig = new SignedXml({
      privateKey: (o.signer ?? idp).key,
      signatureAlgorithm: o.signatureAlgorithm ?? ALG.rsaSha256,
      canonicalizationAlgorithm: o.canonicalization ?? ALG.excC14n,
    });
    sig.addReference({
      xpath: "//*[local-name(.)='Assertion']",
      digestAlgorithm: o.digestAlgorithm ?? ALG.sha256,
      transforms: o.transforms ?? [ALG.enveloped, ALG.excC14n],
      inclusiveNamespacesPrefixList: o.inclusiveNamespaces ?? [],
    });
    sig.computeSignature(xml, {
      prefix: 'ds',
      location: { reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
    });
    return sig.getSignedXml();
  };
  const unsigned = (f = fields()) => wrapResponse(f, buildAssertion(f));
  const outcome = (xml: string, c: ValidatedConnection = connection): string => {
    try {
      const v = validator.validate(c, b64(xml));
      return `ACCEPTED ${v.nameId}`;
    } catch (error) {
      if (error instanceof SamlException) return error.code;
      throw error;
    }
  };

  it.each<[string, Parameters<typeof signAssertion>[1]]>([
    ['RSA-SHA256, exclusive C14N', {}],
    [
      'RSA-SHA512 with a SHA-512 digest',
      {
        signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
        digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha512',
      },
    ],
    ['RSA-PSS (SHA-256 MGF1)', { signatureAlgorithm: 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1' }],
    [
      'inclusive C14N 1.0 throughout',
      {
        canonicalization: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
        transforms: [ALG.enveloped, 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'],
      },
    ],
    ['the enveloped transform alone (C14N 1.0 implied)', { transforms: [ALG.enveloped] }],
  ])('accepts %s', (_label, options) => {
    expect(outcome(signAssertion(unsigned(), options))).toBe('ACCEPTED user-1');
  });

  it('accepts an InclusiveNamespaces prefix list declared on an ancestor (as Shibboleth signs)', () => {
    const f = fields();
    const assertion = buildAssertion(f).replace(
      '<saml:AttributeValue>a@example.com',
      '<saml:AttributeValue xsi:type="xs:string">a@example.com',
    );
    const xml = wrapResponse(f, assertion).replace(
      '<samlp:Response ',
      '<samlp:Response xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ',
    );
    expect(outcome(signAssertion(xml, { inclusiveNamespaces: ['xs'] }))).toBe('ACCEPTED user-1');
    // The prefix list is part of what is signed: the same assertion signed without it, then
    // claimed with it, no longer matches its digest.
    const withoutList = signAssertion(xml);
    const claimed = withoutList.replace(
      `<ds:Transform Algorithm="${ALG.excC14n}"/>`,
      `<ds:Transform Algorithm="${ALG.excC14n}"><ec:InclusiveNamespaces xmlns:ec="${ALG.excC14n}" PrefixList="xs"/></ds:Transform>`,
    );
    expect(claimed).not.toBe(withoutList);
    expect(outcome(claimed)).toBe(SamlErrorCode.DIGEST_MISMATCH);
  });

  it.each<[string, string[]]>([
    ['canonicalisation before the enveloped transform', [ALG.excC14n, ALG.enveloped]],
    ['two canonicalisations', [ALG.enveloped, ALG.excC14n, 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315']],
    ['no enveloped transform', [ALG.excC14n]],
  ])('refuses %s', (_label, transforms) => {
    expect(outcome(signAssertion(unsigned(), { transforms }))).toBe(SamlErrorCode.UNSUPPORTED_TRANSFORM);
  });

  it('refuses a second element carrying the signed ID under a prefixed attribute', () => {
    const id = samlId();
    const f = fields({ assertionId: id });
    const signed = forgeResponse(f, { signAssertion: { signer: idp } });
    // An unprefixed duplicate is refused earlier (DUPLICATE_ID); a namespaced one is what
    // xml-crypto's dereferencing would count too.
    const wrapped = signed.replace(
      '<samlp:Status>',
      `<samlp:Extensions><x xmlns:w="urn:x" w:ID="${id}"/></samlp:Extensions><samlp:Status>`,
    );
    expect(outcome(signed)).toBe('ACCEPTED user-1');
    expect(outcome(wrapped)).toBe(SamlErrorCode.SIGNATURE_REFERENCE_INVALID);
  });

  it('refuses a signature whose SignatureValue was tampered with, whatever the certificates', () => {
    const signed = forgeResponse(fields(), { signAssertion: { signer: idp } });
    const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1];
    const flipped = `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`;
    const tampered = signed.replace(value, flipped);
    expect(outcome(signed, { ...connection, signingCertificates: [other.cert, idp.cert] })).toBe('ACCEPTED user-1');
    expect(outcome(tampered, { ...connection, signingCertificates: [other.cert, idp.cert] })).toBe(
      SamlErrorCode.SIGNATURE_UNTRUSTED,
    );
  });

  it('never verifies with a certificate the connection no longer pins (keys are cached by certificate)', () => {
    const signed = forgeResponse(fields(), { signAssertion: { signer: idp } });
    const rotating = { ...connection, signingCertificates: [idp.cert] };
    expect(outcome(signed, rotating)).toBe('ACCEPTED user-1');
    rotating.signingCertificates = [other.cert];
    expect(outcome(signed, rotating)).toBe(SamlErrorCode.SIGNATURE_UNTRUSTED);
    rotating.signingCertificates = ['-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----'];
    expect(outcome(signed, rotating)).toBe(SamlErrorCode.SIGNATURE_UNTRUSTED);
    rotating.signingCertificates = [idp.cert];
    expect(outcome(signed, rotating)).toBe('ACCEPTED user-1');
  });
});
