import { createHash } from 'node:crypto';

/** The record types of a world file that carry a key. */
export type KeyedType = 'organization' | 'user' | 'space' | 'post' | 'comment';

/**
 * The id of a record imported without one: a UUID (version 5 layout) from the SHA-1 of
 * `passerelle:<type>:<key>`. Deterministic, so importing the same file again hits the
 * same rows instead of creating copies.
 */
export function worldId(type: KeyedType | 'membership', key: string): string {
  const bytes = createHash('sha1').update(`passerelle:${type}:${key}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The flat key → id map callers get back. A key shared by records of different types is
 * never given bare (which record would it name?): each of them appears as `<type>:<key>`.
 */
export function keyIdMap(records: readonly { type: KeyedType; key: string; id: string }[]): Record<string, string> {
  const typesByKey = new Map<string, Set<KeyedType>>();
  for (const r of records) {
    const types = typesByKey.get(r.key) ?? new Set<KeyedType>();
    types.add(r.type);
    typesByKey.set(r.key, types);
  }
  const prefixed = new Set(records.filter((r) => (typesByKey.get(r.key)?.size ?? 0) > 1).map((r) => `${r.type}:${r.key}`));
  // A bare key that reads like a prefixed name (a user keyed "post:1" next to post "1")
  // is prefixed too; repeat, since that may expose another such key.
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of records) {
      const full = `${r.type}:${r.key}`;
      if (!prefixed.has(full) && prefixed.has(r.key)) {
        prefixed.add(full);
        changed = true;
      }
    }
  }
  const map: Record<string, string> = {};
  for (const r of records) map[nameOf(r, prefixed)] = r.id;
  return map;
}

function nameOf(r: { type: KeyedType; key: string }, prefixed: ReadonlySet<string>): string {
  const full = `${r.type}:${r.key}`;
  return prefixed.has(full) ? full : r.key;
}
