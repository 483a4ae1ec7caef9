import { X509Certificate } from 'node:crypto';
import { SsoBinding } from '../../common/domain.enums';
import { attr, childElements, elementsByName, NS, parseXmlStrict, textOf } from '../saml/saml-xml';
import { SamlException } from '../saml/saml.exception';
import { ConnectionErrorCode, ConnectionException } from './connection.exception';

export const BINDINGS = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
};

/** What an IdP's metadata tells us. */
export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  ssoBinding: SsoBinding;
  sloUrl: string | null;
  /** The certificates still valid, in document order: all pinned. */
  signingCertificates: string[];
  /** Expired certificates left out (an IdP publishes old and new together during a rollover). */
  skippedCertificates: SkippedCertificate[];
}

export interface SkippedCertificate {
  fingerprint: string;
  subject: string;
  notAfter: string;
  reason: 'expired';
  /** One line for people: logs, CLI warnings. */
  warning: string;
}

/**
 * Reads IdP metadata (an EntityDescriptor, or an EntitiesDescriptor holding exactly one
 * IdP). Refuses with a clear message what cannot make a working, safe connection: not
 * XML, no IdP role, no signing certificate, only expired certificates, no SSO endpoint
 * with a binding we speak. During a key rollover the metadata carries the old and the new
 * certificate: every one still valid is kept, the expired ones are skipped and reported.
 */
export function parseIdpMetadata(xml: string, now: Date): IdpMetadata {
  let doc: Document;
  try {
    doc = parseXmlStrict(xml);
  } catch (error) {
    const reason = error instanceof SamlException ? error.code : 'NOT_XML';
    throw new ConnectionException(
      ConnectionErrorCode.METADATA_NOT_XML,
      reason === 'DTD_FORBIDDEN'
        ? 'The metadata contains a DTD, which is refused.'
        : 'The metadata is not well-formed XML.',
    );
  }
  const idps = elementsByName(doc, NS.metadata, 'EntityDescriptor').filter(
    (e) => childElements(e, NS.metadata, 'IDPSSODescriptor').length > 0,
  );
  if (idps.length !== 1) {
    throw new ConnectionException(
      ConnectionErrorCode.METADATA_NOT_IDP,
      idps.length === 0
        ? 'The metadata describes no SAML 2.0 identity provider (no IDPSSODescriptor).'
        : 'The metadata describes several identity providers; import one EntityDescriptor.',
    );
  }
  const entity = idps[0];
  const entityId = attr(entity, 'entityID')?.trim();
  if (!entityId)
    throw new ConnectionException(ConnectionErrorCode.METADATA_NOT_IDP, 'The EntityDescriptor has no entityID.');
  const idp = childElements(entity, NS.metadata, 'IDPSSODescriptor')[0];

  const pems: string[] = [];
  for (const kd of childElements(idp, NS.metadata, 'KeyDescriptor')) {
    const use = attr(kd, 'use');
    if (use !== null && use !== 'signing') continue;
    for (const c of elementsByName(kd, NS.dsig, 'X509Certificate')) pems.push(toPem(textOf(c) ?? ''));
  }
  if (pems.length === 0)
    throw new ConnectionException(
      ConnectionErrorCode.METADATA_NO_SIGNING_CERTIFICATE,
      'The metadata has no signing certificate (KeyDescriptor use="signing" with an X509Certificate).',
    );
  const signingCertificates: string[] = [];
  const skippedCertificates: SkippedCertificate[] = [];
  let firstRefusal: ConnectionException | null = null;
  for (const pem of pems) {
    try {
      const valid = checkCertificate(pem, now);
      if (!signingCertificates.includes(valid)) signingCertificates.push(valid);
    } catch (error) {
      if (!(error instanceof ConnectionException) || error.code !== ConnectionErrorCode.CERTIFICATE_EXPIRED)
        throw error;
      firstRefusal ??= error;
      const cert = new X509Certificate(toPem(pem));
      if (skippedCertificates.some((c) => c.fingerprint === cert.fingerprint256)) continue;
      const subject = cert.subject.replace(/\n/g, ', ');
      const notAfter = new Date(cert.validTo).toISOString();
      skippedCertificates.push({
        fingerprint: cert.fingerprint256,
        subject,
        notAfter,
        reason: 'expired',
        warning: `skipped the expired signing certificate ${subject} (expired on ${notAfter.slice(0, 10)}, SHA-256 ${cert.fingerprint256})`,
      });
    }
  }
  if (signingCertificates.length === 0) throw firstRefusal!;

  const sso = childElements(idp, NS.metadata, 'SingleSignOnService');
  const redirect = sso.find((s) => attr(s, 'Binding') === BINDINGS.redirect);
  const post = sso.find((s) => attr(s, 'Binding') === BINDINGS.post);
  const chosen = redirect ?? post;
  if (!chosen) {
    throw new ConnectionException(
      ConnectionErrorCode.METADATA_UNKNOWN_BINDING,
      `No SingleSignOnService with the HTTP-Redirect or HTTP-POST binding (found: ${sso.map((s) => attr(s, 'Binding')).join(', ') || 'none'}).`,
    );
  }
  const ssoUrl = checkUrl(attr(chosen, 'Location'), 'SingleSignOnService Location');
  const slo = childElements(idp, NS.metadata, 'SingleLogoutService').find((s) =>
    [BINDINGS.redirect, BINDINGS.post].includes(attr(s, 'Binding') ?? ''),
  );
  return {
    entityId,
    ssoUrl,
    ssoBinding: chosen === redirect ? SsoBinding.REDIRECT : SsoBinding.POST,
    sloUrl: slo ? checkUrl(attr(slo, 'Location'), 'SingleLogoutService Location') : null,
    signingCertificates,
    skippedCertificates,
  };
}

export function toPem(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN CERTIFICATE-----')) return trimmed.replace(/\r\n/g, '\n');
  const body = trimmed.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----`;
}

/** A PEM certificate that parses and is within its validity period; returns it normalised. */
export function checkCertificate(pem: string, now: Date): string {
  let cert: X509Certificate;
  const normalised = toPem(pem);
  try {
    cert = new X509Certificate(normalised);
  } catch {
    throw new ConnectionException(
      ConnectionErrorCode.CERTIFICATE_INVALID,
      'A signing certificate is not a valid X.509 certificate.',
    );
  }
  if (new Date(cert.validTo).getTime() <= now.getTime()) {
    throw new ConnectionException(
      ConnectionErrorCode.CERTIFICATE_EXPIRED,
      `A signing certificate expired on ${new Date(cert.validTo).toISOString().slice(0, 10)} (${cert.subject.replace(/\n/g, ', ')}).`,
      { fingerprint: cert.fingerprint256 },
    );
  }
  return normalised;
}

export function fingerprintOf(pem: string): string {
  return new X509Certificate(toPem(pem)).fingerprint256;
}

export function checkUrl(value: string | null | undefined, field: string): string {
  if (!value) throw ConnectionException.invalid(`${field} is missing.`);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw ConnectionException.invalid(`${field} is not a URL: "${value.slice(0, 100)}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw ConnectionException.invalid(`${field} must be an http(s) URL.`);
  return url.toString();
}
