const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in the API are UUIDs; anything else names nothing. */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/**
 * An id argument as the database stores it, or null when it cannot name anything: callers
 * answer null like a missing object (the same audited NOT_FOUND), never with a SQL error.
 */
export function parseId(id: string): string | null {
  return isUuid(id) ? id.toLowerCase() : null;
}
