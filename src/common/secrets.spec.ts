import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, opensSecret, SecretKeyMismatchError } from './secrets';

describe('secrets at rest', () => {
  const key = randomBytes(32);
  const sealed = encryptSecret(key, '-----BEGIN PRIVATE KEY-----');

  it('opens with the key that sealed it', () => {
    expect(decryptSecret(key, sealed)).toBe('-----BEGIN PRIVATE KEY-----');
    expect(opensSecret(key, sealed)).toBe(true);
  });

  it('names SECRET_KEY, in one line, when another key is used', () => {
    const other = randomBytes(32);
    expect(() => decryptSecret(other, sealed)).toThrow(SecretKeyMismatchError);
    expect(() => decryptSecret(other, sealed)).toThrow(
      /^SECRET_KEY: a stored secret cannot be decrypted with this key; [^\n]+$/,
    );
    expect(opensSecret(other, sealed)).toBe(false);
  });
});
