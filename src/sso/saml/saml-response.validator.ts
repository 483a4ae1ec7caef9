import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { SamlErrorCode, SamlException } from './saml.exception';
import { connectionIdInSpUrl, SpEndpoints, spEndpoints } from './saml-urls';
import {
  allElements,
  attr,
  BEARER,
  childElement,
  childElements,
  decodeSamlMessage,
  elementsByName,
  hasCommentOrPi,
  NS,
  parseXmlStrict,
  STATUS_SUCCESS,
  textOf,
} from './saml-xml';
import { verifyEnvelopedSignature } from './xml-signature';

export { DIGEST_ALGORITHMS, SIGNATURE_ALGORITHMS } from './xml-signature';

/** What the validator needs to know of a connection. */
export interface ValidatedConnection {
  id: string;
  idpEntityId: string;
  signingCertificates: string[];
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
}

/** A response that passed every check, read from the signed bytes only. */
export interface ValidatedResponse {
  responseId: string;
  /** The request this answers, or null for an IdP-initiated response. */
  inResponseTo: string | null;
  assertionId: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  /** Values by attribute Name and, when given, by FriendlyName too. */
  attributes: Record<string, string[]>;
  /** Until when the assertion could be presented again: the replay cache keeps its ID that long. */
  replayableUntil: Date;
  signed: { response: boolean; assertion: boolean };
}

/**
 * Checks a SAML Response against one connection, every item of DESIGN.md section 3, by
 * code of our own: the SAML library is a second opinion, never the only one.
 *
 * Order matters only for which reason a message that is wrong in several ways gets:
 * bytes, then structure, then signatures, then what the signed assertion says.
 */
@Injectable()
export class SamlResponseValidator {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  validate(connection: ValidatedConnection, samlResponse: unknown): ValidatedResponse {
    const sp = spEndpoints(this.config, connection.id);
    const { doc } = decodeSamlMessage(samlResponse, this.config.samlMaxBodyBytes);
    const root = doc.documentElement;

    // Structure: one Response, 2.0, with an ID.
    if (
      root.namespaceURI !== NS.protocol ||
      root.localName !== 'Response' ||
      attr(root, 'Version') !== '2.0' ||
      !attr(root, 'ID')
    ) {
      throw new SamlException(SamlErrorCode.NOT_A_RESPONSE, { root: root.localName });
    }
    this.refuseDuplicateIds(root);
    // A failed status never signs anyone in, whatever assertion comes with it.
    const status = this.statusOf(root);
    if (status.code !== STATUS_SUCCESS) throw new SamlException(SamlErrorCode.STATUS_NOT_SUCCESS, status);
    if (
      elementsByName(doc, NS.assertion, 'EncryptedAssertion').length > 0 ||
      elementsByName(doc, NS.assertion, 'EncryptedID').length > 0
    ) {
      throw new SamlException(SamlErrorCode.ENCRYPTED_ASSERTION_UNSUPPORTED);
    }
    // Exactly one Assertion in the whole document, child of the Response: wrapping attacks
    // hide a second one (in Extensions, an Object, a nested Response...).
    const assertions = elementsByName(doc, NS.assertion, 'Assertion');
    if (assertions.length !== 1 || assertions[0].parentNode !== root) {
      throw new SamlException(SamlErrorCode.ASSERTION_COUNT, { assertions: assertions.length });
    }
    const assertion = assertions[0];
    if (!attr(assertion, 'ID'))
      throw new SamlException(SamlErrorCode.ASSERTION_COUNT, { problem: 'assertion without ID' });
    // Canonicalization drops comments, so `a@x.com<!---->.evil` still verifies: refuse them outright.
    if (hasCommentOrPi(assertion)) throw new SamlException(SamlErrorCode.COMMENT_IN_ASSERTION);

    const signed = this.verifySignatures(doc, root, assertion, connection.signingCertificates);
    if (connection.wantResponseSigned && !signed.response) throw new SamlException(SamlErrorCode.RESPONSE_UNSIGNED);
    if (connection.wantAssertionsSigned && !signed.assertion) throw new SamlException(SamlErrorCode.ASSERTION_UNSIGNED);
    if (!signed.response && !signed.assertion) throw new SamlException(SamlErrorCode.ASSERTION_UNSIGNED);

    // From here on, read only what was signed.
    const signedResponse = signed.response ? parseXmlStrict(signed.response).documentElement : null;
    const signedAssertion = signed.assertion
      ? parseXmlStrict(signed.assertion).documentElement
      : childElement(signedResponse!, NS.assertion, 'Assertion');
    if (
      !signedAssertion ||
      signedAssertion.localName !== 'Assertion' ||
      signedAssertion.namespaceURI !== NS.assertion
    ) {
      throw new SamlException(SamlErrorCode.SIGNATURE_REFERENCE_INVALID, {
        problem: 'signed content is not the assertion',
      });
    }
    // Response attributes come from the signed response when there is one.
    const responseView = signedResponse ?? root;
    return this.checkClaims(connection, sp, responseView, signedAssertion, signed);
  }

  private checkClaims(
    connection: ValidatedConnection,
    sp: SpEndpoints,
    response: Element,
    assertion: Element,
    signed: { response: string | null; assertion: string | null },
  ): ValidatedResponse {
    const now = this.clock.now().getTime();
    const skew = this.config.samlClockSkewSeconds * 1000;

    // Issuer: the connection's IdP, on the response (when given) and on the assertion.
    const responseIssuer = textOf(childElement(response, NS.assertion, 'Issuer'));
    const issuer = textOf(childElement(assertion, NS.assertion, 'Issuer'));
    if ((responseIssuer !== null && responseIssuer !== connection.idpEntityId) || issuer !== connection.idpEntityId) {
      throw new SamlException(SamlErrorCode.ISSUER_MISMATCH, { issuer: issuer ?? responseIssuer });
    }

    // Destination: this connection's consumer URL, never another connection's.
    const destination = attr(response, 'Destination');
    if (destination !== sp.acsUrl) {
      throw new SamlException(
        this.otherConnection(connection, destination)
          ? SamlErrorCode.WRONG_CONNECTION
          : SamlErrorCode.DESTINATION_MISMATCH,
        { destination },
      );
    }

    // Audience: every AudienceRestriction must name this connection's SP.
    const conditions = childElements(assertion, NS.assertion, 'Conditions');
    if (conditions.length !== 1)
      throw new SamlException(SamlErrorCode.AUDIENCE_MISMATCH, { problem: 'conditions missing or repeated' });
    const restrictions = childElements(conditions[0], NS.assertion, 'AudienceRestriction');
    if (restrictions.length === 0)
      throw new SamlException(SamlErrorCode.AUDIENCE_MISMATCH, { problem: 'no audience restriction' });
    for (const restriction of restrictions) {
      const audiences = childElements(restriction, NS.assertion, 'Audience').map((a) => textOf(a) ?? '');
      if (!audiences.includes(sp.entityId)) {
        const other = audiences.some((a) => this.otherConnection(connection, a));
        throw new SamlException(other ? SamlErrorCode.WRONG_CONNECTION : SamlErrorCode.AUDIENCE_MISMATCH, {
          audiences,
        });
      }
    }

    // Time window, with bounded skew.
    const notBefore = this.instant(attr(conditions[0], 'NotBefore'));
    const notOnOrAfter = this.instant(attr(conditions[0], 'NotOnOrAfter'));
    if (notBefore !== null && now + skew < notBefore)
      throw new SamlException(SamlErrorCode.ASSERTION_NOT_YET_VALID, { notBefore: iso(notBefore) });
    if (notOnOrAfter !== null && now - skew >= notOnOrAfter)
      throw new SamlException(SamlErrorCode.ASSERTION_EXPIRED, { notOnOrAfter: iso(notOnOrAfter) });
    const issueInstant = this.instant(attr(assertion, 'IssueInstant'));
    if (issueInstant === null)
      throw new SamlException(SamlErrorCode.NOT_A_RESPONSE, { problem: 'assertion IssueInstant missing' });
    if (now + skew < issueInstant)
      throw new SamlException(SamlErrorCode.ASSERTION_NOT_YET_VALID, { issueInstant: iso(issueInstant) });

    // Subject: one NameID, and bearer confirmations all addressed to this consumer URL.
    const subject = childElement(assertion, NS.assertion, 'Subject');
    const nameIdElement = subject ? childElement(subject, NS.assertion, 'NameID') : null;
    const nameId = textOf(nameIdElement);
    if (!nameIdElement || !nameId || childElements(nameIdElement).length > 0)
      throw new SamlException(SamlErrorCode.NAME_ID_MISSING);
    const bearers = childElements(subject!, NS.assertion, 'SubjectConfirmation').filter(
      (c) => attr(c, 'Method') === BEARER,
    );
    if (bearers.length === 0) throw new SamlException(SamlErrorCode.NO_BEARER_CONFIRMATION);
    const inResponseTo = attr(response, 'InResponseTo');
    let replayableUntil = notOnOrAfter ?? 0;
    for (const bearer of bearers) {
      const data = childElement(bearer, NS.assertion, 'SubjectConfirmationData');
      const recipient = attr(data, 'Recipient');
      if (recipient !== sp.acsUrl) {
        throw new SamlException(
          this.otherConnection(connection, recipient)
            ? SamlErrorCode.WRONG_CONNECTION
            : SamlErrorCode.RECIPIENT_MISMATCH,
          { recipient },
        );
      }
      const until = this.instant(attr(data, 'NotOnOrAfter'));
      if (until === null)
        throw new SamlException(SamlErrorCode.ASSERTION_EXPIRED, {
          problem: 'bearer confirmation without NotOnOrAfter',
        });
      if (now - skew >= until)
        throw new SamlException(SamlErrorCode.ASSERTION_EXPIRED, { subjectNotOnOrAfter: iso(until) });
      const from = this.instant(attr(data, 'NotBefore'));
      if (from !== null && now + skew < from)
        throw new SamlException(SamlErrorCode.ASSERTION_NOT_YET_VALID, { subjectNotBefore: iso(from) });
      // The signed assertion names the request it answers; the response must agree.
      if ((attr(data, 'InResponseTo') ?? null) !== (inResponseTo ?? null)) {
        throw new SamlException(SamlErrorCode.IN_RESPONSE_TO_MISMATCH, {
          response: inResponseTo,
          assertion: attr(data, 'InResponseTo'),
        });
      }
      replayableUntil = Math.max(replayableUntil, until);
    }

    const authn = childElement(assertion, NS.assertion, 'AuthnStatement');
    return {
      responseId: attr(response, 'ID')!,
      inResponseTo: inResponseTo || null,
      assertionId: attr(assertion, 'ID')!,
      issuer,
      nameId,
      nameIdFormat: attr(nameIdElement, 'Format'),
      sessionIndex: attr(authn, 'SessionIndex'),
      attributes: this.attributesOf(assertion),
      replayableUntil: new Date(replayableUntil + skew),
      signed: { response: signed.response !== null, assertion: signed.assertion !== null },
    };
  }

  /**
   * Verifies every signature against the pinned certificates only (KeyInfo is ignored) and
   * returns the canonical bytes each one signed. A signature may sit only on the Response or
   * the Assertion, must reference exactly its parent, and must use SHA-256 or better; one
   * that is present but does not verify refuses the whole message. Each is verified once, on
   * the DOM parsed above (`verifyEnvelopedSignature`).
   */
  private verifySignatures(
    doc: Document,
    root: Element,
    assertion: Element,
    certificates: string[],
  ): { response: string | null; assertion: string | null } {
    const found: { response: string | null; assertion: string | null } = { response: null, assertion: null };
    const signatures = elementsByName(doc, NS.dsig, 'Signature');
    const parents = new Set<Node>();
    for (const signature of signatures) {
      const parent = signature.parentNode;
      if ((parent !== root && parent !== assertion) || parents.has(parent)) {
        throw new SamlException(SamlErrorCode.UNEXPECTED_SIGNATURE, {
          parent: (parent as Element | null)?.localName ?? null,
        });
      }
      parents.add(parent);
    }
    for (const signature of signatures) {
      const parent = signature.parentNode as Element;
      const signedBytes = verifyEnvelopedSignature(doc, parent, signature, certificates);
      if (parent === root) found.response = signedBytes;
      else found.assertion = signedBytes;
    }
    return found;
  }

  private refuseDuplicateIds(root: Element): void {
    const seen = new Set<string>();
    for (const e of [root, ...allElements(root)]) {
      for (const name of ['ID', 'Id', 'id']) {
        const value = attr(e, name);
        if (value === null) continue;
        if (seen.has(value)) throw new SamlException(SamlErrorCode.DUPLICATE_ID, { id: value });
        seen.add(value);
      }
    }
  }

  private statusOf(root: Element): { code: string | null; subCode: string | null; message: string | null } {
    const status = childElement(root, NS.protocol, 'Status');
    const code = status ? childElement(status, NS.protocol, 'StatusCode') : null;
    const sub = code ? childElement(code, NS.protocol, 'StatusCode') : null;
    return {
      code: attr(code, 'Value'),
      subCode: attr(sub, 'Value'),
      message: status ? (textOf(childElement(status, NS.protocol, 'StatusMessage'))?.slice(0, 200) ?? null) : null,
    };
  }

  private attributesOf(assertion: Element): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const statement of childElements(assertion, NS.assertion, 'AttributeStatement')) {
      for (const attribute of childElements(statement, NS.assertion, 'Attribute')) {
        const values = childElements(attribute, NS.assertion, 'AttributeValue')
          .filter((v) => childElements(v).length === 0)
          .map((v) => textOf(v) ?? '')
          .filter((v) => v !== '');
        for (const key of [attr(attribute, 'Name'), attr(attribute, 'FriendlyName')]) {
          if (key) out[key] = [...(out[key] ?? []), ...values];
        }
      }
    }
    return out;
  }

  private otherConnection(connection: ValidatedConnection, url: string | null): boolean {
    if (!url) return false;
    const id = connectionIdInSpUrl(this.config, url);
    return id !== null && id !== connection.id.toLowerCase();
  }

  private instant(value: string | null): number | null {
    if (value === null) return null;
    // xs:dateTime in UTC, as SAML requires; anything else is not a time we trust.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) {
      throw new SamlException(SamlErrorCode.NOT_A_RESPONSE, { problem: `bad instant ${value.slice(0, 40)}` });
    }
    return Date.parse(value);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
