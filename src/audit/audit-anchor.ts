import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an anchor states: the chain's head at an instant. */
export interface AnchorFields {
  id: string;
  seq: number;
  hash: string;
  anchoredAt: Date;
}

// A key of its own, derived from SECRET_KEY: an anchor's signature is good for nothing else.
function anchorKey(secretKey: Buffer): Buffer {
  return createHmac('sha256', secretKey).update('passerelle:audit-anchor:v1').digest();
}

/** HMAC-SHA256 (hex) of the anchor's fields. */
export function signAnchor(secretKey: Buffer, a: AnchorFields): string {
  return createHmac('sha256', anchorKey(secretKey))
    .update(`${a.id}|${a.seq}|${a.hash}|${a.anchoredAt.toISOString()}`)
    .digest('hex');
}

export function anchorSignatureValid(secretKey: Buffer, a: AnchorFields, signature: string): boolean {
  const expected = Buffer.from(signAnchor(secretKey, a), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/i.test(signature) ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
