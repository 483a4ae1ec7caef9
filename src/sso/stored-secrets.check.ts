import { DataSource } from 'typeorm';
import { opensSecret } from '../common/secrets';

export interface UnreadableSecrets {
  /** Connections whose stored private keys this SECRET_KEY cannot open. */
  connections: { id: string; name: string; demo: boolean }[];
}

/**
 * Tries the SECRET_KEY in use on every private key stored encrypted. A different key
 * (a lost key file, a changed SECRET_KEY) would otherwise surface at the first sign-in.
 */
export async function findUnreadableSecrets(dataSource: DataSource, key: Buffer): Promise<UnreadableSecrets> {
  const rows: { id: string; name: string; sp_private_key: string | null; demo_idp_private_key: string | null }[] =
    await dataSource.query(
      `SELECT id, name, sp_private_key, demo_idp_private_key FROM idp_connections
      WHERE sp_private_key IS NOT NULL OR demo_idp_private_key IS NOT NULL ORDER BY name`,
    );
  const unreadable = rows.filter((r) =>
    [r.sp_private_key, r.demo_idp_private_key].some((sealed) => sealed !== null && !opensSecret(key, sealed)),
  );
  return { connections: unreadable.map((r) => ({ id: r.id, name: r.name, demo: r.demo_idp_private_key !== null })) };
}

/** One line naming SECRET_KEY, and the way out. */
export function describeUnreadableSecrets({ connections }: UnreadableSecrets): string {
  const demoOnly = connections.every((c) => c.demo);
  const way = demoOnly
    ? 'start with the SECRET_KEY that encrypted them, or give the demo IdPs new keys: npm run -s cli -- demo-keys'
    : 'start with the SECRET_KEY that encrypted them (a lost key cannot be recovered: the connections need new SP keys)';
  return `SECRET_KEY: the private keys stored for ${connections.length} IdP connection(s) (${connections
    .map((c) => c.name)
    .slice(0, 3)
    .join(', ')}${connections.length > 3 ? ', …' : ''}) cannot be decrypted with this key; ${way}`;
}
