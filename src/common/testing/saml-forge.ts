import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { KeyPair } from './saml-keys';

// A hand-made IdP for forged and broken responses: templates we control byte by byte,
// signed with xml-crypto and real keys. Interoperability is shown with samlify instead.

export const ALG = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
};

export interface ResponseFields {
  responseId?: string;
  assertionId?: string;
  issuer: string;
  /** Issuer on the Response; defaults to `issuer`. */
  responseIssuer?: string;
  destination: string;
  recipient: string;
  audience: string;
  inResponseTo?: string | null;
  /** InResponseTo inside SubjectConfirmationData; defaults to `inResponseTo`. */
  subjectInResponseTo?: string | null;
  nameId: string;
  nameIdFormat?: string;
  attributes?: Record<string, string[]>;
  /** Attribute names given with NameFormat uri and this FriendlyName. */
  friendlyNames?: Record<string, string>;
  sessionIndex?: string;
  now?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  subjectNotOnOrAfter?: Date;
  status?: string;
}

export function samlId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function buildAssertion(f: ResponseFields): string {
  const now = f.now ?? new Date();
  const notBefore = f.notBefore ?? new Date(now.getTime() - 60_000);
  const notOnOrAfter = f.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const subjectNotOnOrAfter = f.subjectNotOnOrAfter ?? notOnOrAfter;
  const subjectIrt = f.subjectInResponseTo === undefined ? f.inResponseTo : f.subjectInResponseTo;
  const attrs = Object.entries(f.attributes ?? {})
    .map(([name, values]) => {
      const friendly = f.friendlyNames?.[name]
        ? ` FriendlyName="${esc(f.friendlyNames[name])}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"`
        : '';
      return `<saml:Attribute Name="${esc(name)}"${friendly}>${values.map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
    })
    .join('');
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${f.assertionId ?? samlId()}" Version="2.0" IssueInstant="${now.toISOString()}">` +
    `<saml:Issuer>${esc(f.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${f.nameIdFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'}">${esc(f.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${subjectNotOnOrAfter.toISOString()}" Recipient="${esc(f.recipient)}"${subjectIrt ? ` InResponseTo="${esc(subjectIrt)}"` : ''}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore.toISOString()}" NotOnOrAfter="${notOnOrAfter.toISOString()}"><saml:AudienceRestriction><saml:Audience>${esc(f.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${esc(f.sessionIndex ?? samlId())}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`
  );
}

export function wrapResponse(f: ResponseFields, assertionXml: string): string {
  const now = f.now ?? new Date();
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${f.responseId ?? samlId()}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${esc(f.destination)}"${f.inResponseTo ? ` InResponseTo="${esc(f.inResponseTo)}"` : ''}>` +
    `<saml:Issuer>${esc(f.responseIssuer ?? f.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${f.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    assertionXml +
    `</samlp:Response>`
  );
}

export interface SignOptions {
  signer: KeyPair;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  /** Put the signer's certificate in KeyInfo. */
  keyInfo?: boolean;
}

/** Signs the element with the given local name (Assertion or Response), signature after its Issuer. */
export function signElement(xml: string, element: 'Assertion' | 'Response', o: SignOptions): string {
  const sig = new SignedXml({
    privateKey: o.signer.key,
    publicCert: o.keyInfo ? o.signer.cert : undefined,
    signatureAlgorithm: o.signatureAlgorithm ?? ALG.rsaSha256,
    canonicalizationAlgorithm: ALG.excC14n,
  });
  const xpath = element === 'Assertion' ? "//*[local-name(.)='Assertion']" : "/*[local-name(.)='Response']";
  sig.addReference({
    xpath,
    digestAlgorithm: o.digestAlgorithm ?? ALG.sha256,
    transforms: [ALG.enveloped, ALG.excC14n],
  });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${xpath}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

export interface ForgeOptions {
  signAssertion?: SignOptions | null;
  signResponse?: SignOptions | null;
}

/** A complete response: assertion signed (by default), then optionally the response. */
export function forgeResponse(f: ResponseFields, o: ForgeOptions): string {
  let xml = wrapResponse(f, buildAssertion(f));
  if (o.signAssertion) xml = signElement(xml, 'Assertion', o.signAssertion);
  if (o.signResponse) xml = signElement(xml, 'Response', o.signResponse);
  return xml;
}

export function b64(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}
