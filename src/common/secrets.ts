import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A random secret for a cookie or token; only its SHA-256 is ever stored. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** AES-256-GCM for secrets at rest (IdP and SP private keys); `v1:` + iv + tag + ciphertext. */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
}

/** A secret stored encrypted cannot be opened with the SECRET_KEY in use. */
export class SecretKeyMismatchError extends Error {
  constructor() {
    super('SECRET_KEY: a stored secret cannot be decrypted with this key; start with the SECRET_KEY that encrypted it');
    this.name = 'SecretKeyMismatchError';
  }
}

export function decryptSecret(key: Buffer, sealed: string): string {
  if (!sealed.startsWith('v1:')) throw new Error('unknown secret format');
  const raw = Buffer.from(sealed.slice(3), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    // GCM's tag check: another key (or damaged bytes); never a partial plaintext.
    throw new SecretKeyMismatchError();
  }
}

/** Whether `key` opens a sealed secret. */
export function opensSecret(key: Buffer, sealed: string): boolean {
  try {
    decryptSecret(key, sealed);
    return true;
  } catch {
    return false;
  }
}
