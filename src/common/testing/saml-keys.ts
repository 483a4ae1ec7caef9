import { generate } from 'selfsigned';

export interface KeyPair {
  key: string;
  cert: string;
}

const cache = new Map<string, Promise<KeyPair>>();

/** A real RSA key and self-signed certificate, made once per name and test file. */
export function keyPair(name: string, options: { notBefore?: Date; notAfter?: Date } = {}): Promise<KeyPair> {
  const id = `${name}:${options.notBefore?.toISOString() ?? ''}:${options.notAfter?.toISOString() ?? ''}`;
  let pending = cache.get(id);
  if (!pending) {
    pending = generate([{ name: 'commonName', value: name }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: options.notBefore ?? new Date(Date.now() - 86_400_000),
      notAfterDate: options.notAfter ?? new Date(Date.now() + 365 * 86_400_000),
    }).then((p) => ({ key: p.private, cert: p.cert }));
    cache.set(id, pending);
  }
  return pending;
}
