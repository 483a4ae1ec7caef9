import { b64, forgeResponse, ResponseFields } from '../../common/testing/saml-forge';
import { KeyPair, keyPair } from '../../common/testing/saml-keys';
import { ConnectionStatus, SsoBinding } from '../../common/domain.enums';
import { AppConfig } from '../../config/app-config';
import { IdpConnection } from '../../database/entities/idp-connection.entity';
import { PassportSamlServiceProvider } from './passport-saml.service-provider';
import { spEndpoints } from './saml-urls';
import { SamlException } from './saml.exception';

// The library's second opinion keeps one validating instance per connection: it must follow
// every change of the connection at once, never judge with the options it was made from.
describe('PassportSamlServiceProvider.validateLoginResponse', () => {
  const config = new AppConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'https://passerelle.example',
    SECRET_KEY: '5a'.repeat(32),
  });
  const provider = new PassportSamlServiceProvider(config);
  let idp: KeyPair;
  let other: KeyPair;
  let connection: IdpConnection;

  beforeAll(async () => {
    [idp, other] = await Promise.all([keyPair('lib-idp'), keyPair('lib-other')]);
  }, 30_000);

  beforeEach(() => {
    connection = {
      id: '11111111-2222-4333-8444-777777777777',
      idpEntityId: 'https://idp.example/saml',
      signingCertificates: [idp.cert],
      wantAssertionsSigned: true,
      wantResponseSigned: false,
      ssoUrl: 'https://idp.example/sso',
      ssoBinding: SsoBinding.REDIRECT,
      sloUrl: null,
      status: ConnectionStatus.ACTIVE,
      spCertificate: null,
    } as unknown as IdpConnection;
  });

  const ctx = () => ({ connection, endpoints: spEndpoints(config, connection.id), spPrivateKey: null });
  const fields = (o: Partial<ResponseFields> = {}): ResponseFields => {
    const sp = spEndpoints(config, connection.id);
    return {
      issuer: 'https://idp.example/saml',
      destination: sp.acsUrl,
      recipient: sp.acsUrl,
      audience: sp.entityId,
      nameId: 'user-1',
      ...o,
    };
  };
  const verdict = async (response: string): Promise<string> => {
    try {
      return `ACCEPTED ${(await provider.validateLoginResponse(ctx(), response)).nameId}`;
    } catch (error) {
      if (error instanceof SamlException) return error.code;
      throw error;
    }
  };

  it('follows a certificate rotation at once', async () => {
    const byIdp = b64(forgeResponse(fields(), { signAssertion: { signer: idp } }));
    const byOther = b64(forgeResponse(fields(), { signAssertion: { signer: other } }));
    expect(await verdict(byIdp)).toBe('ACCEPTED user-1');
    expect(await verdict(byOther)).toBe('LIBRARY_REJECTED');
    connection.signingCertificates = [other.cert];
    expect(await verdict(byIdp)).toBe('LIBRARY_REJECTED');
    expect(await verdict(byOther)).toBe('ACCEPTED user-1');
  });

  it('follows a change of the signatures required', async () => {
    const assertionSigned = b64(forgeResponse(fields(), { signAssertion: { signer: idp } }));
    const responseSigned = b64(forgeResponse(fields(), { signResponse: { signer: idp } }));
    expect(await verdict(assertionSigned)).toBe('ACCEPTED user-1');
    expect(await verdict(responseSigned)).toBe('LIBRARY_REJECTED');
    connection.wantResponseSigned = true;
    connection.wantAssertionsSigned = false;
    expect(await verdict(assertionSigned)).toBe('LIBRARY_REJECTED');
    expect(await verdict(responseSigned)).toBe('ACCEPTED user-1');
    connection.wantResponseSigned = false;
    connection.wantAssertionsSigned = true;
    expect(await verdict(responseSigned)).toBe('LIBRARY_REJECTED');
  });

  it('refuses what is not a signed login response', async () => {
    expect(await verdict(b64(forgeResponse(fields(), {})))).toBe('LIBRARY_REJECTED');
    expect(await verdict(b64('<nope/>'))).toBe('LIBRARY_REJECTED');
  });
});
