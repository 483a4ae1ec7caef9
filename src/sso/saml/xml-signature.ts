import { createHash, createPublicKey, createVerify, constants, KeyObject } from 'node:crypto';
import { C14nCanonicalization, ExclusiveCanonicalization, findAncestorNs, SignedXml } from 'xml-crypto';
import { SamlErrorCode, SamlException } from './saml.exception';
import { attr, childElement, childElements, NS, parseXmlStrict, textOf } from './saml-xml';

/**
 * XML-DSig verification of one enveloped signature on the DOM the validator already parsed:
 * no second parse of the message, no XPath scan of the document, the digest computed once
 * whatever the number of pinned certificates, and each certificate's public key parsed once
 * per process. Canonicalisation is xml-crypto's own (C14nCanonicalization,
 * ExclusiveCanonicalization); the reference processing around it follows
 * `SignedXml.checkSignature`, restricted to what SAML allows (SAML core 5.4.4: an enveloped
 * signature, then at most one canonicalisation).
 */

export const SIGNATURE_ALGORITHMS = {
  allowed: new Set([
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
    'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1',
  ]),
};
export const DIGEST_ALGORITHMS = {
  allowed: new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512']),
};
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const CANONICALIZATIONS = new Set([EXC_C14N, C14N]);

const HASHES: Record<string, string> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const VERIFIERS: Record<string, { hash: string; pss: boolean }> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'RSA-SHA256', pss: false },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'RSA-SHA512', pss: false },
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1': { hash: 'RSA-SHA256', pss: true },
};
/** The only element attributes xml-crypto dereferences a same-document URI by (any namespace). */
const ID_ATTRIBUTES = new Set(['Id', 'ID', 'id']);
const ELEMENT_NODE = 1;

/** What one SignedInfo says, once its shape is known to be one SAML allows. */
export interface SignedInfoShape {
  canonicalization: string;
  signatureAlgorithm: string;
  digestAlgorithm: string;
  digestValue: string;
  /** The reference's transforms, the implicit final C14N included when none is listed. */
  transforms: string[];
  inclusiveNamespaces: string[];
}

/**
 * Checks the SignedInfo of a signature on `parent` before any cryptography: allowed
 * canonicalisation and algorithms, exactly one Reference, to the parent's own ID, with an
 * enveloped-signature transform followed by at most one canonicalisation.
 */
export function readSignedInfo(signedInfo: Element, parent: Element): SignedInfoShape {
  const canonicalization = attr(childElement(signedInfo, NS.dsig, 'CanonicalizationMethod'), 'Algorithm');
  if (!canonicalization || !CANONICALIZATIONS.has(canonicalization))
    throw new SamlException(SamlErrorCode.UNSUPPORTED_TRANSFORM, { canonicalization });
  const signatureAlgorithm = attr(childElement(signedInfo, NS.dsig, 'SignatureMethod'), 'Algorithm');
  if (!signatureAlgorithm || !SIGNATURE_ALGORITHMS.allowed.has(signatureAlgorithm))
    throw new SamlException(SamlErrorCode.WEAK_SIGNATURE_ALGORITHM, { algorithm: signatureAlgorithm });
  const references = childElements(signedInfo, NS.dsig, 'Reference');
  if (references.length !== 1 || attr(references[0], 'URI') !== `#${attr(parent, 'ID')}`) {
    throw new SamlException(SamlErrorCode.SIGNATURE_REFERENCE_INVALID, {
      references: references.map((r) => attr(r, 'URI')),
      expected: attr(parent, 'ID'),
    });
  }
  const reference = references[0];
  const digestAlgorithm = attr(childElement(reference, NS.dsig, 'DigestMethod'), 'Algorithm');
  if (!digestAlgorithm || !DIGEST_ALGORITHMS.allowed.has(digestAlgorithm))
    throw new SamlException(SamlErrorCode.WEAK_DIGEST_ALGORITHM, { algorithm: digestAlgorithm });
  const transformsElement = childElement(reference, NS.dsig, 'Transforms');
  const transformElements = transformsElement ? childElements(transformsElement, NS.dsig, 'Transform') : [];
  const transforms = transformElements.map((t) => attr(t, 'Algorithm') ?? '');
  // Enveloped first, then at most one canonicalisation: what every IdP sends, and no chain in
  // which a canonicalisation's output would have to be parsed again.
  if (
    transforms[0] !== ENVELOPED ||
    transforms.length > 2 ||
    (transforms.length === 2 && !CANONICALIZATIONS.has(transforms[1]))
  ) {
    throw new SamlException(SamlErrorCode.UNSUPPORTED_TRANSFORM, { transforms });
  }
  const digestValues = childElements(reference, NS.dsig, 'DigestValue');
  const digestValue = digestValues.length === 1 ? textOf(digestValues[0]) : null;
  if (!digestValue)
    throw new SamlException(SamlErrorCode.SIGNATURE_REFERENCE_INVALID, { problem: 'DigestValue missing or repeated' });
  // As xml-crypto: InclusiveNamespaces of the last transform; C14N when none follows the enveloped one.
  const last = transformElements[transformElements.length - 1];
  const inclusiveNamespaces = childElements(last)
    .filter((e) => e.localName === 'InclusiveNamespaces')
    .flatMap((e) => (e.getAttribute('PrefixList') ?? '').split(' '))
    .filter((p) => p.length > 0);
  return {
    canonicalization,
    signatureAlgorithm,
    digestAlgorithm,
    digestValue,
    transforms: transforms.length === 1 ? [ENVELOPED, C14N] : transforms,
    inclusiveNamespaces,
  };
}

/**
 * Verifies the enveloped `signature` on `parent` against the pinned certificates only
 * (KeyInfo is never read) and returns the canonical bytes it signed. The SignedInfo that is
 * verified is the canonical one, parsed again: the reference, digest and algorithms used are
 * read from the signed bytes, not from the document around them.
 */
export function verifyEnvelopedSignature(
  doc: Document,
  parent: Element,
  signature: Element,
  certificates: string[],
): string {
  if (certificates.length === 0)
    throw new SamlException(SamlErrorCode.SIGNATURE_UNTRUSTED, { problem: 'no pinned certificate' });
  const signedInfos = childElements(signature, NS.dsig, 'SignedInfo');
  if (signedInfos.length !== 1)
    throw new SamlException(SamlErrorCode.SIGNATURE_REFERENCE_INVALID, { problem: 'SignedInfo count' });
  const outer = readSignedInfo(signedInfos[0], parent);

  // Stage A: the canonical SignedInfo, and what it says.
  const signedInfoCanon = canonicalize(outer.canonicalization, signedInfos[0].cloneNode(true) as Element, {
    ancestorNamespaces: ancestorNamespaces(signedInfos[0]),
  });
  const shape = readSignedInfo(parseXmlStrict(signedInfoCanon).documentElement, parent);

  // Stage B: the referenced element is the parent, and no other element carries its ID.
  const id = attr(parent, 'ID')!;
  const holders = countIdHolders(doc.documentElement, id);
  if (holders !== 1)
    throw new SamlException(SamlErrorCode.SIGNATURE_REFERENCE_INVALID, {
      problem: 'the referenced ID is carried by several elements',
    });
  const signedBytes = canonicalReference(parent, signature, shape);
  const digest = createHash(HASHES[shape.digestAlgorithm]).update(signedBytes, 'utf8').digest();
  // References are checked before the key: a mismatch means the signed content was altered.
  if (!digest.equals(Buffer.from(shape.digestValue, 'base64'))) throw new SamlException(SamlErrorCode.DIGEST_MISMATCH);

  // Stage C: the signature value over the canonical SignedInfo, by one of the pinned keys.
  const signatureValues = childElements(signature, NS.dsig, 'SignatureValue');
  const signatureValue = signatureValues.length === 1 ? textOf(signatureValues[0]) : null;
  if (!signatureValue)
    throw new SamlException(SamlErrorCode.SIGNATURE_REFERENCE_INVALID, {
      problem: 'SignatureValue missing or repeated',
    });
  const value = Buffer.from(signatureValue.replace(/\s+/g, ''), 'base64');
  const verifier = VERIFIERS[shape.signatureAlgorithm];
  for (const certificate of certificates) {
    const key = publicKeyOf(certificate);
    // An unusable pinned certificate verifies nothing: try the next one (rotation).
    if (!key) continue;
    const verify = createVerify(verifier.hash);
    verify.update(signedInfoCanon, 'utf8');
    const ok = verifier.pss
      ? verify.verify(
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
          value,
        )
      : verify.verify(key, value);
    if (ok) return signedBytes;
  }
  throw new SamlException(SamlErrorCode.SIGNATURE_UNTRUSTED);
}

/** The reference's octets: the parent without this signature, through its canonicalisation. */
function canonicalReference(parent: Element, signature: Element, shape: SignedInfoShape): string {
  const copy = parent.cloneNode(true) as Element;
  // The enveloped-signature transform: the copy of this very signature, found at its place.
  let index = 0;
  for (let n = parent.firstChild; n && n !== signature; n = n.nextSibling) index++;
  const signatureCopy = copy.childNodes.item(index);
  if (
    !signatureCopy ||
    signatureCopy.parentNode !== copy ||
    signature.parentNode !== parent ||
    signatureCopy.nodeType !== ELEMENT_NODE ||
    (signatureCopy as Element).localName !== 'Signature' ||
    (signatureCopy as Element).namespaceURI !== NS.dsig
  )
    throw new SamlException(SamlErrorCode.SIGNATURE_REFERENCE_INVALID, { problem: 'signature not enveloped' });
  copy.removeChild(signatureCopy);
  return canonicalize(shape.transforms[1], copy, {
    ancestorNamespaces: ancestorNamespaces(parent),
    inclusiveNamespacesPrefixList: shape.inclusiveNamespaces,
  });
}

function canonicalize(
  algorithm: string,
  node: Element,
  options: { ancestorNamespaces: ReturnType<typeof findAncestorNs>; inclusiveNamespacesPrefixList?: string[] },
): string {
  const canonicalizer = algorithm === EXC_C14N ? new ExclusiveCanonicalization() : new C14nCanonicalization();
  return String(
    canonicalizer.process(node, { ...options, defaultNsForPrefix: SignedXml.defaultNsForPrefix, signatureNode: null }),
  );
}

/** The namespaces in scope from the element's ancestors, as xml-crypto hands them to C14N. */
function ancestorNamespaces(element: Element): ReturnType<typeof findAncestorNs> {
  // '.' from the element selects the element itself: no scan of the document.
  return findAncestorNs(element as unknown as Document, '.');
}

/** How many ID-like attributes (Id, ID or id, in any namespace) in the document hold this value. */
function countIdHolders(root: Element, id: string): number {
  let count = 0;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const element = node as Element;
    const attributes = element.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes.item(i)!;
      if (a.value === id && ID_ATTRIBUTES.has(a.localName ?? a.name)) count++;
    }
    for (let n = node.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) stack.push(n);
  }
  return count;
}

const MAX_KEYS = 256;
/** Public keys by certificate text: a changed certificate is another entry, never a stale one. */
const keys = new Map<string, KeyObject | null>();

function publicKeyOf(certificate: string): KeyObject | null {
  let key = keys.get(certificate);
  if (key === undefined) {
    try {
      key = createPublicKey(certificate);
    } catch {
      key = null;
    }
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(certificate, key);
  }
  return key;
}
