import { Principal } from './principal';

/** A principal loaded for a token, and the text a statement must compute again to use it. */
export interface CachedPrincipal {
  principal: Principal;
  /** What tokenPrincipalTextSql gave when it was loaded. */
  text: string;
  loadedAt: number;
}

/** Tokens remembered, and for how long: a bound on memory, not on staleness (every use is checked). */
export const MAX_ENTRIES = 10_000;
export const MAX_AGE_MS = 5 * 60_000;

/**
 * The principals of recently used API tokens, by token hash, in this process. An entry is a
 * guess: it is only ever used through a PrincipalCheck, which proves it against the database
 * in the statement that uses it, so a revoked right, token or user is never served from here
 * (and several instances need not tell each other anything). Least recently used entries go
 * first.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, CachedPrincipal>();

  get(tokenHash: string, now: number): CachedPrincipal | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    this.entries.delete(tokenHash);
    if (now - entry.loadedAt > MAX_AGE_MS) return undefined;
    this.entries.set(tokenHash, entry);
    return entry;
  }

  set(tokenHash: string, entry: CachedPrincipal): void {
    this.entries.delete(tokenHash);
    // Requests share its arrays: none may change what the next one is given (the check proves the text, not the object).
    for (const membership of entry.principal.activeMemberships) Object.freeze(membership);
    Object.freeze(entry.principal.activeMemberships);
    Object.freeze(entry.principal.roles);
    Object.freeze(entry.principal.via);
    Object.freeze(entry.principal);
    this.entries.set(tokenHash, Object.freeze(entry));
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The cached principal each request's principal was made from. */
const bases = new WeakMap<Principal, Principal>();

/**
 * A request's principal from a cached one: the same facts at the request's instant. Frozen, like
 * the cached one, so that what is shared with it (the ability of cachedBaseOf) stays true of it.
 */
export function principalAt(cached: Principal, now: Date): Principal {
  const principal = Object.freeze({ ...cached, now });
  bases.set(principal, cached);
  return principal;
}

/** The cached principal `principal` was made from by principalAt, if it was. */
export function cachedBaseOf(principal: Principal): Principal | undefined {
  return bases.get(principal);
}
