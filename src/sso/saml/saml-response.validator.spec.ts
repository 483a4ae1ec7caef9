import {
  ALG,
  b64,
  buildAssertion,
  forgeResponse,
  ResponseFields,
  samlId,
  signElement,
  wrapResponse,
} from '../../common/testing/saml-forge';
import { KeyPair, keyPair } from '../../common/testing/saml-keys';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { mapAttributes } from './jit-provisioning.service';
import { SamlResponseValidator, ValidatedConnection } from './saml-response.validator';
import { safeReturnTo, spEndpoints } from './saml-urls';
import { SamlErrorCode, SamlException } from './saml.exception';

// The validator alone, without the SAML library behind it: each check is shown to be ours.
describe('SamlResponseValidator', () => {
  const config = new AppConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'https://passerelle.example',
    SECRET_KEY: '5a'.repeat(32),
  });
  const clock = new Clock();
  const validator = new SamlResponseValidator(config, clock);
  const connection: ValidatedConnection = {
    id: '11111111-2222-4333-8444-555555555555',
    idpEntityId: 'https://idp.example/saml',
    signingCertificates: [],
    wantAssertionsSigned: true,
    wantResponseSigned: false,
  };
  const sp = spEndpoints(config, connection.id);
  let idp: KeyPair;
  let other: KeyPair;

  beforeAll(async () => {
    [idp, other] = await Promise.all([keyPair('unit-idp'), keyPair('unit-other')]);
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
  const signed = (f: ResponseFields) => b64(forgeResponse(f, { signAssertion: { signer: idp } }));
  const codeOf = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof SamlException) return error.code;
      throw error;
    }
    return 'ACCEPTED';
  };

  it('accepts a correct response and reads it from the signed bytes', () => {
    const v = validator.validate(connection, signed(fields({ sessionIndex: '_s1' })));
    expect(v).toMatchObject({
      nameId: 'user-1',
      inResponseTo: '_req1',
      sessionIndex: '_s1',
      issuer: connection.idpEntityId,
      signed: { assertion: true, response: false },
    });
    expect(v.attributes.email).toEqual(['a@example.com']);
  });

  it.each<[string, () => string, SamlErrorCode]>([
    ['an unsigned assertion', () => b64(forgeResponse(fields(), {})), SamlErrorCode.ASSERTION_UNSIGNED],
    [
      'another key',
      () => b64(forgeResponse(fields(), { signAssertion: { signer: other } })),
      SamlErrorCode.SIGNATURE_UNTRUSTED,
    ],
    [
      'another key in KeyInfo',
      () => b64(forgeResponse(fields(), { signAssertion: { signer: other, keyInfo: true } })),
      SamlErrorCode.SIGNATURE_UNTRUSTED,
    ],
    [
      'altered content',
      () => b64(forgeResponse(fields(), { signAssertion: { signer: idp } }).replace('a@example.com', 'b@example.com')),
      SamlErrorCode.DIGEST_MISMATCH,
    ],
    [
      'a wrong audience',
      () => signed(fields({ audience: 'https://elsewhere.example' })),
      SamlErrorCode.AUDIENCE_MISMATCH,
    ],
    [
      'a wrong destination',
      () => signed(fields({ destination: 'https://elsewhere.example/acs' })),
      SamlErrorCode.DESTINATION_MISMATCH,
    ],
    [
      'a wrong recipient',
      () => signed(fields({ recipient: 'https://elsewhere.example/acs' })),
      SamlErrorCode.RECIPIENT_MISMATCH,
    ],
    [
      'another connection of ours',
      () => signed(fields({ destination: spEndpoints(config, '99999999-2222-4333-8444-555555555555').acsUrl })),
      SamlErrorCode.WRONG_CONNECTION,
    ],
    ['a wrong issuer', () => signed(fields({ issuer: 'https://evil.example' })), SamlErrorCode.ISSUER_MISMATCH],
    [
      'a wrong response issuer',
      () => signed(fields({ responseIssuer: 'https://evil.example' })),
      SamlErrorCode.ISSUER_MISMATCH,
    ],
    [
      'an expired assertion',
      () => signed(fields({ notOnOrAfter: new Date(Date.now() - 3_600_000), now: new Date(Date.now() - 7_200_000) })),
      SamlErrorCode.ASSERTION_EXPIRED,
    ],
    [
      'an expired bearer confirmation',
      () => signed(fields({ subjectNotOnOrAfter: new Date(Date.now() - 3_600_000) })),
      SamlErrorCode.ASSERTION_EXPIRED,
    ],
    [
      'a future assertion',
      () => signed(fields({ notBefore: new Date(Date.now() + 3_600_000) })),
      SamlErrorCode.ASSERTION_NOT_YET_VALID,
    ],
    [
      'a mismatched InResponseTo',
      () => signed(fields({ subjectInResponseTo: '_other' })),
      SamlErrorCode.IN_RESPONSE_TO_MISMATCH,
    ],
    [
      'a SHA-1 signature',
      () => b64(forgeResponse(fields(), { signAssertion: { signer: idp, signatureAlgorithm: ALG.rsaSha1 } })),
      SamlErrorCode.WEAK_SIGNATURE_ALGORITHM,
    ],
    [
      'a SHA-1 digest',
      () => b64(forgeResponse(fields(), { signAssertion: { signer: idp, digestAlgorithm: ALG.sha1 } })),
      SamlErrorCode.WEAK_DIGEST_ALGORITHM,
    ],
    [
      'a failed status',
      () =>
        b64(
          forgeResponse(fields({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }), {
            signAssertion: { signer: idp },
          }),
        ),
      SamlErrorCode.STATUS_NOT_SUCCESS,
    ],
    [
      'a comment in the NameID',
      () =>
        b64(forgeResponse(fields({ nameId: 'ab' }), { signAssertion: { signer: idp } }).replace('>ab<', '>a<!---->b<')),
      SamlErrorCode.COMMENT_IN_ASSERTION,
    ],
    [
      'a DTD',
      () => b64(`<!DOCTYPE x>${forgeResponse(fields(), { signAssertion: { signer: idp } })}`),
      SamlErrorCode.DTD_FORBIDDEN,
    ],
    ['not base64', () => '%%%', SamlErrorCode.NOT_BASE64],
    ['not XML', () => b64('plain text'), SamlErrorCode.NOT_XML],
    [
      'a second assertion',
      () =>
        b64(
          forgeResponse(fields(), { signAssertion: { signer: idp } }).replace(
            '</samlp:Response>',
            `${buildAssertion(fields())}</samlp:Response>`,
          ),
        ),
      SamlErrorCode.ASSERTION_COUNT,
    ],
    ['no assertion', () => b64(wrapResponse(fields(), '')), SamlErrorCode.ASSERTION_COUNT],
    [
      'a duplicate ID',
      () => {
        const id = samlId();
        const xml = forgeResponse(fields({ assertionId: id }), { signAssertion: { signer: idp } });
        return b64(xml.replace('<samlp:Status>', `<samlp:Extensions><x ID="${id}"/></samlp:Extensions><samlp:Status>`));
      },
      SamlErrorCode.DUPLICATE_ID,
    ],
    [
      'an encrypted assertion',
      () => b64(wrapResponse(fields(), '<saml:EncryptedAssertion/>')),
      SamlErrorCode.ENCRYPTED_ASSERTION_UNSUPPORTED,
    ],
  ])('refuses %s', (_label, make, code) => {
    expect(codeOf(() => validator.validate(connection, make()))).toBe(code);
  });

  it('refuses an oversized message before decoding it', () => {
    expect(codeOf(() => validator.validate(connection, 'A'.repeat(config.samlMaxBodyBytes * 2)))).toBe(
      SamlErrorCode.BODY_TOO_LARGE,
    );
  });

  it('requires the signatures the connection asks for', () => {
    const responseOnly = b64(forgeResponse(fields(), { signResponse: { signer: idp } }));
    expect(codeOf(() => validator.validate(connection, responseOnly))).toBe(SamlErrorCode.ASSERTION_UNSIGNED);
    const shibboleth = { ...connection, wantAssertionsSigned: false, wantResponseSigned: true };
    expect(codeOf(() => validator.validate(shibboleth, responseOnly))).toBe('ACCEPTED');
    expect(codeOf(() => validator.validate(shibboleth, signed(fields())))).toBe(SamlErrorCode.RESPONSE_UNSIGNED);
    const either = { ...connection, wantAssertionsSigned: false, wantResponseSigned: false };
    expect(codeOf(() => validator.validate(either, b64(forgeResponse(fields(), {}))))).toBe(
      SamlErrorCode.ASSERTION_UNSIGNED,
    );
  });

  it('accepts any pinned certificate during a rotation', () => {
    const rotating = { ...connection, signingCertificates: [other.cert, idp.cert] };
    expect(codeOf(() => validator.validate(rotating, signed(fields())))).toBe('ACCEPTED');
  });

  it('reads the signed element, not a look-alike: a signature wrapped around a moved original is refused', () => {
    const f = fields();
    const original = signElement(wrapResponse(f, buildAssertion(f)), 'Assertion', { signer: idp }).match(
      /<saml:Assertion[\s\S]*<\/saml:Assertion>/,
    )![0];
    const evil = buildAssertion({ ...f, nameId: 'victim' });
    expect(
      codeOf(() =>
        validator.validate(
          connection,
          b64(
            wrapResponse(f, evil).replace(
              '<samlp:Status>',
              `<samlp:Extensions>${original}</samlp:Extensions><samlp:Status>`,
            ),
          ),
        ),
      ),
    ).toBe(SamlErrorCode.ASSERTION_COUNT);
  });
});

describe('attribute mapping', () => {
  it('finds friendly names, urn:oid: names and claim URIs, single or multi-valued', () => {
    expect(mapAttributes({}, { mail: ['A@X.example'] }).email).toBe('a@x.example');
    expect(
      mapAttributes({}, { 'urn:oid:0.9.2342.19200300.100.1.3': ['b@x.example'], 'urn:oid:2.5.4.42': ['Bo'] }),
    ).toMatchObject({ email: 'b@x.example', givenName: 'Bo' });
    expect(
      mapAttributes(
        {},
        { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': ['c@x.example'], groups: ['g1', 'g2'] },
      ),
    ).toMatchObject({ email: 'c@x.example', groups: ['g1', 'g2'] });
    expect(
      mapAttributes({ email: ['customMail'] }, { customMail: ['d@x.example'], email: ['ignored@x.example'] }).email,
    ).toBe('d@x.example');
  });

  it('refuses a sign-in without what the mapping requires', () => {
    expect(() => mapAttributes({}, {})).toThrow(SamlException);
    expect(() => mapAttributes({ required: ['groups'] }, { mail: ['a@x.example'] })).toThrow(/attributes/);
    expect(() => mapAttributes({}, { mail: ['not-an-email'] })).toThrow(SamlException);
  });
});

describe('safeReturnTo', () => {
  const config = new AppConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://passerelle.example' });
  it.each([
    ['/spaces/1?tab=x#y', '/spaces/1?tab=x#y'],
    ['https://passerelle.example/feed', '/feed'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['', '/'],
    [undefined, '/'],
  ])('%s -> %s', (input, expected) => {
    expect(safeReturnTo(config, input)).toBe(expected);
  });
});
