import { TextDecoder } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import { SamlErrorCode, SamlException } from './saml.exception';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
} as const;

export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const NAME_ID_TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
export const NAME_ID_PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a base64 SAML message and parses it, refusing before any SAML processing what no
 * IdP sends: too many bytes, characters outside base64, bytes that are not UTF-8, a DTD or
 * entity declaration (XXE, billion laughs), and anything that is not well-formed XML.
 */
export function decodeSamlMessage(encoded: unknown, maxBytes: number): { xml: string; doc: Document } {
  if (typeof encoded !== 'string' || encoded.trim() === '')
    throw new SamlException(SamlErrorCode.MISSING_SAML_RESPONSE);
  if (encoded.length > Math.ceil((maxBytes * 4) / 3) + 1024) {
    throw new SamlException(SamlErrorCode.BODY_TOO_LARGE, { encodedLength: encoded.length });
  }
  const compact = encoded.replace(/[\r\n\t ]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new SamlException(SamlErrorCode.NOT_BASE64);
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > maxBytes) throw new SamlException(SamlErrorCode.BODY_TOO_LARGE, { bytes: bytes.length });
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SamlException(SamlErrorCode.NOT_XML, { problem: 'not UTF-8' });
  }
  return { xml, doc: parseXmlStrict(xml) };
}

/**
 * Parses XML with every warning treated as an error; refuses DTDs and entity declarations,
 * and documents deeper or larger than `limits`.
 */
export function parseXmlStrict(xml: string, limits: XmlLimits = XML_LIMITS): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlException(SamlErrorCode.DTD_FORBIDDEN);
  const problems: string[] = [];
  const record = (message: string) => problems.push(String(message).split('\n')[0]);
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ errorHandler: { warning: record, error: record, fatalError: record } }).parseFromString(
      xml,
      'text/xml',
    ) as unknown as Document;
  } catch (error) {
    record((error as Error).message);
  }
  if (!doc || !doc.documentElement || problems.length > 0 || !xml.trimStart().startsWith('<')) {
    throw new SamlException(SamlErrorCode.NOT_XML, { problem: problems[0] ?? 'no document element' });
  }
  checkXmlShape(doc, limits);
  return doc;
}

/**
 * Bounds on attacker XML, checked right after parsing and before anything walks the tree
 * (our checks, xml-crypto's canonicalisation, the SAML library): a real SAML message or
 * metadata document is a few dozen levels deep and a few thousand elements wide at most.
 */
export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
}

export const XML_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 10_000 };

/** Refuses a document deeper or larger than the limits; walks with an explicit stack, never recursion. */
export function checkXmlShape(doc: Document, limits: XmlLimits = XML_LIMITS): void {
  let elements = 0;
  const stack: [Node, number][] = [[doc.documentElement, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limits.maxDepth) throw new SamlException(SamlErrorCode.XML_TOO_DEEP, { maxDepth: limits.maxDepth });
    if (++elements > limits.maxElements)
      throw new SamlException(SamlErrorCode.XML_TOO_LARGE, { maxElements: limits.maxElements });
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === ELEMENT_NODE) stack.push([n, depth + 1]);
    }
  }
}

export function childElements(parent: Node, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== ELEMENT_NODE) continue;
    const e = n as Element;
    if (ns !== undefined && e.namespaceURI !== ns) continue;
    if (localName !== undefined && e.localName !== localName) continue;
    out.push(e);
  }
  return out;
}

export function childElement(parent: Node, ns: string, localName: string): Element | null {
  return childElements(parent, ns, localName)[0] ?? null;
}

export function elementsByName(root: Document | Element, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName) as unknown as ArrayLike<Element>);
}

/**
 * The text of a leaf element: its text and CDATA children only. A leaf holding a child
 * element is refused by callers through `hasOnlyText`.
 */
export function textOf(e: Element | null): string | null {
  if (!e) return null;
  let s = '';
  for (let n = e.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) s += n.nodeValue ?? '';
  }
  return s.trim();
}

/** True when the subtree holds a comment or a processing instruction (an explicit stack, no recursion). */
export function hasCommentOrPi(node: Node): boolean {
  for (const n of descendants(node)) {
    if (n.nodeType === COMMENT_NODE || n.nodeType === PROCESSING_INSTRUCTION_NODE) return true;
  }
  return false;
}

/** Every element under `root`, in document order (an explicit stack, no recursion). */
export function allElements(root: Node): Element[] {
  const out: Element[] = [];
  for (const n of descendants(root)) if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  return out;
}

/** Every node under `root` in document order, without recursion. */
function* descendants(root: Node): Generator<Node> {
  const stack: Node[] = [];
  for (let n = root.lastChild; n; n = n.previousSibling) stack.push(n);
  while (stack.length > 0) {
    const node = stack.pop()!;
    yield node;
    for (let n = node.lastChild; n; n = n.previousSibling) stack.push(n);
  }
}

export function attr(e: Element | null, name: string): string | null {
  if (!e || !e.hasAttribute(name)) return null;
  return e.getAttribute(name);
}
