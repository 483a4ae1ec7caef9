import { hash } from 'node:crypto';

/** The record types of a world file that carry a key. */
export type KeyedType = 'organization' | 'user' | 'space' | 'post' | 'comment';

/**
 * The id of a record imported without one: a UUID (version 5 layout) from the SHA-1 of
 * `passerelle:<type>:<key>`. Deterministic, so importing the same file again hits the
 * same rows instead of creating copies.
 */
export function worldId(type: KeyedType | 'membership' | 'reaction' | 'risk', key: string): string {
  const hex = hash('sha1', `passerelle:${type}:${key}`, 'hex');
  // Version 5 in the high nibble of byte 6; RFC 4122 variant (10xx) in byte 8.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The flat key → id map callers get back. A key shared by records of different types is
 * never given bare (which record would it name?): each of them appears as `<type>:<key>`.
 */
export function keyIdMap(records: readonly { type: KeyedType; key: string; id: string }[]): Record<string, string> {
  // The type of each key, or null once a second type uses it.
  const typeOfKey = new Map<string, KeyedType | null>();
  for (const r of records) {
    const seen = typeOfKey.get(r.key);
    if (seen === undefined) typeOfKey.set(r.key, r.type);
    else if (seen !== r.type) typeOfKey.set(r.key, null);
  }
  const prefixed = new Set<string>();
  for (const r of records) if (typeOfKey.get(r.key) === null) prefixed.add(`${r.type}:${r.key}`);
  // A bare key that reads like a prefixed name (a user keyed "post:1" next to post "1")
  // is prefixed too; repeat, since that may expose another such key.
  for (let changed = prefixed.size > 0; changed;) {
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
  for (const r of records) {
    const full = prefixed.size > 0 ? `${r.type}:${r.key}` : '';
    map[prefixed.has(full) ? full : r.key] = r.id;
  }
  return map;
}
