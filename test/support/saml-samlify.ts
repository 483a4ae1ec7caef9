import * as samlify from 'samlify';
import { KeyPair } from '../../src/common/testing/saml-keys';

// samlify acting as a third-party IdP: an implementation this project did not write.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
};

export type SamlifyIdp = ReturnType<typeof samlify.IdentityProvider>;
export type SamlifySp = ReturnType<typeof samlify.ServiceProvider>;

export function samlifyIdp(entityId: string, keys: KeyPair): SamlifyIdp {
  return samlify.IdentityProvider({
    entityID: entityId,
    signingCert: keys.cert,
    privateKey: keys.key,
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
    singleSignOnService: [{ Binding: BINDING.redirect, Location: `${entityId}/sso` }],
    singleLogoutService: [{ Binding: BINDING.redirect, Location: `${entityId}/slo` }],
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  } as never);
}

/** Our SP as samlify sees it; `signLogout` false makes samlify send unsigned LogoutRequests. */
export function samlifySp(metadataXml: string, signLogout = true): SamlifySp {
  return samlify.ServiceProvider({ metadata: metadataXml, wantLogoutRequestSigned: signLogout } as never);
}

/** The query and octet string of a Redirect-binding URL, as samlify's parsers want them. */
export function redirectParts(url: string): { query: Record<string, string>; octetString: string } {
  const u = new URL(url);
  const query = Object.fromEntries(u.searchParams.entries());
  const raw = u.search.slice(1).split('&');
  const octetString = ['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg']
    .map((k) => raw.find((p) => p.startsWith(`${k}=`)))
    .filter(Boolean)
    .join('&');
  return { query, octetString };
}

export interface SamlifyUser {
  nameId: string;
  email: string;
  givenName?: string;
  surname?: string;
  groups?: string[];
  sessionIndex?: string;
}

/**
 * A login response from samlify (signed by samlify, per the SP metadata's
 * WantAssertionsSigned), with an AttributeStatement and an AuthnStatement added to its
 * template before signing. `requestId` null makes it IdP-initiated.
 */
export async function samlifyLoginResponse(
  idp: SamlifyIdp,
  sp: SamlifySp,
  requestId: string | null,
  user: SamlifyUser,
): Promise<string> {
  const requestInfo = requestId ? { extract: { request: { id: requestId } } } : {};
  const result = await idp.createLoginResponse(sp, requestInfo as never, 'post', { email: user.nameId }, {
    customTagReplacement: (template: string) => {
      const now = new Date();
      const later = new Date(now.getTime() + 5 * 60_000);
      const id = `_${Math.random().toString(16).slice(2)}${Date.now()}`;
      const acs = (
        sp.entityMeta as unknown as { getAssertionConsumerService(b: string): string }
      ).getAssertionConsumerService('post');
      let xml = samlify.SamlLib.replaceTagsByValue(template, {
        ID: id,
        AssertionID: `${id}a`,
        Destination: acs,
        Audience: sp.entityMeta.getEntityID(),
        SubjectRecipient: acs,
        Issuer: idp.entityMeta.getEntityID(),
        IssueInstant: now.toISOString(),
        StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        ConditionsNotBefore: now.toISOString(),
        ConditionsNotOnOrAfter: later.toISOString(),
        SubjectConfirmationDataNotOnOrAfter: later.toISOString(),
        NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        NameID: user.nameId,
        InResponseTo: requestId ?? '',
        AuthnStatement: '',
        AttributeStatement: '',
      });
      if (!requestId) xml = xml.replace(/ InResponseTo=""/g, '');
      const attr = (name: string, values: string[]) =>
        `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
      const statements =
        `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${user.sessionIndex ?? `${id}s`}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
        `<saml:AttributeStatement>${attr('urn:oid:0.9.2342.19200300.100.1.3', [user.email])}${attr('urn:oid:2.5.4.42', [user.givenName ?? 'Grace'])}${attr('urn:oid:2.5.4.4', [user.surname ?? 'Hopper'])}${user.groups ? attr('groups', user.groups) : ''}</saml:AttributeStatement>`;
      xml = xml.replace('</saml:Assertion>', `${statements}</saml:Assertion>`);
      return { id, context: xml };
    },
  } as never);
  return (result as { context: string }).context;
}
