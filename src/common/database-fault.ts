/**
 * Errors that mean "the database (or the shared cache) is not answering", as opposed to a bug or a refused value:
 * the server is down, restarting or out of connections, a connection broke, no pooled
 * connection came in time, or a statement ran past its timeout. They become a clear 503 for
 * the caller (never a 500), and the pool replaces broken connections on its own.
 */
export type DatabaseFault = 'DATABASE_UNAVAILABLE' | 'DATABASE_TIMEOUT' | 'CACHE_UNAVAILABLE';

// SQLSTATEs: 08xxx connection exceptions; 57P01-57P03 shutdown, crash, starting up;
// 53300 too many connections; 57014 statement timeout (query_canceled); 55P03 lock timeout.
const UNAVAILABLE_STATES = /^(08...|57P01|57P02|57P03|53300)$/;
const TIMEOUT_STATES = /^(57014|55P03)$/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);
// node-postgres speaks in messages for what happens on its side of the socket.
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
  /^Cannot use a pool after calling end on the pool/,
];

// ioredis, once its few retries per command are spent or the connection is gone. Only the
// SAML replay and request caches wait for Redis; the rate limiter counts in memory meanwhile.
const CACHE_ERRORS = new Set(['MaxRetriesPerRequestError']);
const CACHE_MESSAGES = [/^Connection is closed\.?$/, /^Stream isn't writeable/];

export function databaseFaultOf(error: unknown): DatabaseFault | null {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (
    (typeof name === 'string' && CACHE_ERRORS.has(name)) ||
    (typeof message === 'string' && CACHE_MESSAGES.some((m) => m.test(message)))
  )
    return 'CACHE_UNAVAILABLE';
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (TIMEOUT_STATES.test(code)) return 'DATABASE_TIMEOUT';
      if (UNAVAILABLE_STATES.test(code) || NETWORK_CODES.has(code)) return 'DATABASE_UNAVAILABLE';
    }
    if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => m.test(message))) {
      return /timeout/i.test(message) && !/connect/.test(message) ? 'DATABASE_TIMEOUT' : 'DATABASE_UNAVAILABLE';
    }
    // TypeORM wraps the driver's error (QueryFailedError.driverError). Not `cause`: a failed
    // fetch of IdP metadata carries ECONNREFUSED there, and is not about the database.
    e = (e as { driverError?: unknown }).driverError;
  }
  return null;
}

export const DATABASE_FAULT_MESSAGES: Record<DatabaseFault, string> = {
  DATABASE_UNAVAILABLE: 'The service is temporarily unavailable: the database cannot be reached. Try again shortly.',
  DATABASE_TIMEOUT: 'The service is temporarily unavailable: the database did not answer in time. Try again shortly.',
  CACHE_UNAVAILABLE: 'The service is temporarily unavailable: its shared cache cannot be reached. Try again shortly.',
};

/** Seconds a client should wait before trying again. */
export const DATABASE_FAULT_RETRY_AFTER_SECONDS = 5;
