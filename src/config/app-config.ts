import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirError, prepareDataDir } from './data-dir';

/** A configuration value is wrong or missing; the message is one line naming the setting. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export type NodeEnv = 'development' | 'production' | 'test';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export type LogLevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The validated configuration. Built once from the environment (or from overrides in
 * tests); everything else, the DataSource included, is built from it.
 */
export class AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly host: string;
  /** The origin clients and IdPs reach us at; SP entity IDs and consumer URLs derive from it. */
  readonly publicUrl: string;
  /** Where publicUrl comes from, for tools that print URLs: the setting, PORT, or the defaults. */
  readonly publicUrlSource: 'PUBLIC_URL' | 'PORT' | 'default';
  /** PostgreSQL server; when absent the embedded PGlite database is used. */
  readonly databaseUrl: string | null;
  /** PGlite data folder (and, outside production without SECRET_KEY, the key file), or null for memory. */
  readonly dataDir: string | null;
  readonly migrationsRun: boolean;
  /** Connections of the PostgreSQL pool, per instance. */
  readonly databasePoolSize: number;
  /** How long a request waits for a pool connection (or for PostgreSQL to accept one) before a 503. */
  readonly databaseConnectTimeoutMs: number;
  /** PostgreSQL cancels any statement of the gateway running longer (migrations excepted). */
  readonly databaseStatementTimeoutMs: number;
  /** The pool closes a connection left idle this long (its session's prepared plans go with it). */
  readonly databaseIdleTimeoutMs: number;
  /** Load the demo world into an empty embedded database on first start. */
  readonly demoSeed: boolean;
  /** Serve the built-in demo IdPs (never in production). */
  readonly demoIdp: boolean;
  readonly redisUrl: string | null;
  /** Key that encrypts secrets at rest (32 bytes, base64 or hex); secret. */
  readonly secretKey: Buffer;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  readonly samlClockSkewSeconds: number;
  readonly samlMaxBodyBytes: number;
  readonly graphqlMaxDepth: number;
  readonly graphqlMaxComplexity: number;
  /** Lexical tokens a GraphQL document may hold: parsing stops there. */
  readonly graphqlMaxTokens: number;
  /** Bytes of a GraphQL request body (query and variables). */
  readonly graphqlMaxBodyBytes: number;
  /** Aliases per operation, fragments expanded. */
  readonly graphqlMaxAliases: number;
  /** Root fields per operation, fragments expanded. */
  readonly graphqlMaxRootFields: number;
  readonly logSql: boolean;
  /** pino level of the JSON logs: `silent` under NODE_ENV=test unless LOG_LEVEL says otherwise. */
  readonly logLevel: LogLevelName;
  /** On SIGTERM/SIGINT: how long in-flight requests and the closing of pools may take before a non-zero exit. */
  readonly shutdownTimeoutMs: number;
  /** Serve Prometheus counters at GET /metrics (public: keep it off the internet). */
  readonly metricsEnabled: boolean;
  /** Express `trust proxy`: the proxies whose X-Forwarded-For is believed (a list, a hop count, or false). */
  readonly trustProxy: string[] | number | false;
  readonly rateLimitEnabled: boolean;
  /** Requests per minute per client IP without a valid credential (sign-in routes aside). */
  readonly rateLimitAnonymousPerMinute: number;
  /** Requests per minute per client IP on the sign-in routes (/auth/..., /demo-idp/...). */
  readonly rateLimitSignInPerMinute: number;
  /** GraphQL requests per minute per signed-in user, across all their sessions and tokens. */
  readonly rateLimitGraphqlPerMinute: number;
  /** Prefix of the rate-limit counters in Redis (instances that share counters share it). */
  readonly rateLimitRedisPrefix: string;
  /** Hosts whose metadata URLs may resolve to internal addresses (lower-case names or IPs). */
  readonly metadataFetchAllowHosts: string[];
  /** Total time limit of one metadata fetch, redirects included. */
  readonly metadataFetchTimeoutSeconds: number;
  /** Days an invitation waits for an answer before it expires. */
  readonly invitationTtlDays: number;
  /** Days before an external grant expires when its sponsor is asked to renew it. */
  readonly renewalNoticeDays: number;
  /** Days without a post, comment or reaction after which an access review flags an external grant STALE. */
  readonly accessReviewStaleDays: number;
  /** SMTP server for outgoing mail (smtp: or smtps:); without it mail goes to the log (and DATA_DIR in development). */
  readonly smtpUrl: string | null;
  /** The From address of outgoing mail. */
  readonly mailFrom: string;
  /** Run the scheduled jobs (reminders, lapses, invitation expiry, mail retries) in this instance. */
  readonly jobsEnabled: boolean;
  /**
   * Processes serving the port (node:cluster): one by default; more use more cores of one
   * machine, as as many instances would, so they need what instances share (PostgreSQL, Redis).
   */
  readonly workers: number;
  /** How often every open subscription socket re-checks its credential (besides at each event). */
  readonly subscriptionRecheckMs: number;
  /** Redis channel of the subscription events (instances that serve the same clients share it). */
  readonly realtimeRedisChannel: string;

  constructor(env: Record<string, string | undefined>) {
    this.nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'], 'development') as NodeEnv;
    this.port = int(env, 'PORT', 3000, 0, 65535);
    this.host = str(env, 'HOST', '127.0.0.1');
    this.publicUrl = url(env, 'PUBLIC_URL', `http://localhost:${this.port}`).replace(/\/+$/, '');
    this.publicUrlSource =
      raw(env, 'PUBLIC_URL') !== undefined ? 'PUBLIC_URL' : raw(env, 'PORT') !== undefined ? 'PORT' : 'default';
    this.databaseUrl = optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
    checkEmbeddedDatabase(env, this.nodeEnv, this.databaseUrl);
    const dataDir = str(env, 'DATA_DIR', this.nodeEnv === 'test' ? 'memory' : './data/pglite');
    this.dataDir = dataDir === 'memory' ? null : dataDir;
    this.migrationsRun = bool(env, 'MIGRATIONS_RUN', true);
    this.databasePoolSize = int(env, 'DATABASE_POOL_SIZE', 20, 1, 1000);
    this.databaseConnectTimeoutMs = int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5_000, 100, 120_000);
    this.databaseStatementTimeoutMs = int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000);
    this.databaseIdleTimeoutMs = int(env, 'DATABASE_IDLE_TIMEOUT_MS', 300_000, 1_000, 86_400_000);
    // Never on its own in production, even on an embedded database asked for there.
    this.demoSeed = bool(env, 'DEMO_SEED', this.databaseUrl === null && this.nodeEnv === 'development');
    // Anyone can sign in as anyone at a demo IdP: on by default only for a local trial.
    this.demoIdp = bool(env, 'DEMO_IDP', this.nodeEnv === 'development' && this.databaseUrl === null);
    if (this.demoIdp && this.nodeEnv === 'production') {
      throw new ConfigError('DEMO_IDP', 'the demo identity providers cannot run in production');
    }
    this.redisUrl = optionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
    this.workers = int(env, 'WORKERS', 1, 1, 64);
    if (this.workers > 1 && (this.databaseUrl === null || this.redisUrl === null)) {
      throw new ConfigError(
        'WORKERS',
        'more than one worker needs DATABASE_URL (the embedded database lives in one process) and REDIS_URL (workers share the SAML replay cache, rate limits and subscription events through it, as instances do)',
      );
    }
    // Fails here, in one line naming DATA_DIR, rather than later in the database driver.
    if (this.dataDir !== null && this.databaseUrl === null) usableDataDir(this.dataDir);
    this.secretKey = secretKey(env, this.nodeEnv, this.dataDir);
    this.sessionIdleMinutes = int(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60);
    this.sessionAbsoluteHours = int(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30);
    this.samlClockSkewSeconds = int(env, 'SAML_CLOCK_SKEW_SECONDS', 120, 0, 600);
    this.samlMaxBodyBytes = int(env, 'SAML_MAX_BODY_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024);
    this.graphqlMaxDepth = int(env, 'GRAPHQL_MAX_DEPTH', 10, 2, 50);
    this.graphqlMaxComplexity = int(env, 'GRAPHQL_MAX_COMPLEXITY', 5000, 10, 1_000_000);
    this.graphqlMaxTokens = int(env, 'GRAPHQL_MAX_TOKENS', 3000, 100, 100_000);
    this.graphqlMaxBodyBytes = int(env, 'GRAPHQL_MAX_BODY_BYTES', 256 * 1024, 1024, 10 * 1024 * 1024);
    this.graphqlMaxAliases = int(env, 'GRAPHQL_MAX_ALIASES', 50, 0, 10_000);
    this.graphqlMaxRootFields = int(env, 'GRAPHQL_MAX_ROOT_FIELDS', 20, 1, 1_000);
    this.logSql = bool(env, 'LOG_SQL', false);
    this.logLevel = oneOf(env, 'LOG_LEVEL', LOG_LEVELS, this.nodeEnv === 'test' ? 'silent' : 'info') as LogLevelName;
    this.shutdownTimeoutMs = int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000);
    this.metricsEnabled = bool(env, 'METRICS_ENABLED', false);
    this.trustProxy = trustProxy(env);
    this.rateLimitEnabled = bool(env, 'RATE_LIMIT_ENABLED', true);
    this.rateLimitAnonymousPerMinute = int(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', 120, 1, 10_000_000);
    this.rateLimitSignInPerMinute = int(env, 'RATE_LIMIT_SIGNIN_PER_MINUTE', 60, 1, 10_000_000);
    this.rateLimitGraphqlPerMinute = int(env, 'RATE_LIMIT_GRAPHQL_PER_MINUTE', 600, 1, 10_000_000);
    this.rateLimitRedisPrefix = str(env, 'RATE_LIMIT_REDIS_PREFIX', 'passerelle:ratelimit:');
    this.invitationTtlDays = int(env, 'INVITATION_TTL_DAYS', 14, 1, 365);
    this.renewalNoticeDays = int(env, 'RENEWAL_NOTICE_DAYS', 14, 1, 180);
    this.accessReviewStaleDays = int(env, 'ACCESS_REVIEW_STALE_DAYS', 60, 1, 3650);
    this.smtpUrl = optionalUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']);
    this.mailFrom = str(env, 'MAIL_FROM', 'Passerelle <no-reply@passerelle.invalid>');
    this.jobsEnabled = bool(env, 'JOBS_ENABLED', this.nodeEnv !== 'test');
    this.subscriptionRecheckMs = int(env, 'SUBSCRIPTION_RECHECK_MS', 5000, 50, 600_000);
    this.realtimeRedisChannel = str(env, 'REALTIME_REDIS_CHANNEL', 'passerelle:realtime');
    this.metadataFetchAllowHosts = (raw(env, 'METADATA_FETCH_ALLOW_HOSTS') ?? '')
      .split(',')
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, '')
          .replace(/\.$/, ''),
      )
      .filter(Boolean);
    this.metadataFetchTimeoutSeconds = int(env, 'METADATA_FETCH_TIMEOUT_SECONDS', 10, 1, 120);
  }

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  get embedded(): boolean {
    return this.databaseUrl === null;
  }

  /** Cookies are Secure except when served over plain HTTP for local development. */
  get secureCookies(): boolean {
    return this.isProduction || this.publicUrl.startsWith('https:');
  }

  static fromEnv(overrides: Record<string, string | undefined> = {}): AppConfig {
    return new AppConfig({ ...process.env, ...overrides });
  }
}

function raw(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function str(env: Record<string, string | undefined>, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

function oneOf(env: Record<string, string | undefined>, name: string, values: string[], fallback: string): string {
  const value = raw(env, name) ?? fallback;
  if (!values.includes(value)) throw new ConfigError(name, `must be one of ${values.join(', ')} (got "${value}")`);
  return value;
}

function int(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(name, `must be a whole number (got "${value}")`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${n})`);
  return n;
}

function bool(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false (got "${value}")`);
}

function url(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const value = raw(env, name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL (got "${value}")`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL (got "${value}")`);
  }
  return value;
}

function optionalUrl(env: Record<string, string | undefined>, name: string, protocols: string[]): string | null {
  const value = raw(env, name);
  if (value === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, 'must be a URL such as ' + protocols[0] + '//host:port/...');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.join(' or ')}//`);
  }
  return value;
}

const NAMED_PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Whom to believe about the client's address: `loopback` by default; a comma-separated
 * list of addresses, CIDR ranges or loopback/linklocal/uniquelocal; a number of proxy
 * hops; or false. `true` (believe anyone) is refused: any client could pick its address.
 */
function trustProxy(env: Record<string, string | undefined>): string[] | number | false {
  const value = str(env, 'TRUST_PROXY', 'loopback').toLowerCase();
  if (['false', 'none', 'off', '0'].includes(value)) return false;
  if (['true', 'yes', 'on', '*'].includes(value)) {
    throw new ConfigError(
      'TRUST_PROXY',
      'trusting every peer lets any client choose its address: list the proxies (addresses, CIDR ranges, loopback) or give a hop count',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError('TRUST_PROXY', `a hop count must be between 0 and 10 (got ${hops})`);
    return hops;
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    if (NAMED_PROXY_RANGES.includes(entry)) continue;
    const [address, bits, ...rest] = entry.split('/');
    const version = isIP(address);
    const maxBits = version === 4 ? 32 : 128;
    const badBits = bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > maxBits);
    if (version === 0 || badBits || rest.length > 0) {
      throw new ConfigError(
        'TRUST_PROXY',
        `"${entry}" is not an address, a CIDR range, loopback, linklocal or uniquelocal`,
      );
    }
  }
  if (entries.length === 0) throw new ConfigError('TRUST_PROXY', 'must list at least one proxy, or be false');
  return entries;
}

/** In production a forgotten DATABASE_URL must not quietly start on an embedded database. */
function checkEmbeddedDatabase(
  env: Record<string, string | undefined>,
  nodeEnv: NodeEnv,
  databaseUrl: string | null,
): void {
  const asked = bool(env, 'EMBEDDED_DATABASE', databaseUrl === null && nodeEnv !== 'production');
  if (asked && databaseUrl !== null)
    throw new ConfigError('EMBEDDED_DATABASE', 'cannot be true when DATABASE_URL is set');
  if (!asked && databaseUrl === null) {
    throw new ConfigError(
      'DATABASE_URL',
      nodeEnv === 'production'
        ? 'is required in production (or set EMBEDDED_DATABASE=true to use the embedded database)'
        : 'is required when EMBEDDED_DATABASE is false',
    );
  }
}

/** The file, in DATA_DIR, that keeps the key generated outside production when SECRET_KEY is not set. */
export const SECRET_KEY_FILE = 'secret.key';

function secretKey(env: Record<string, string | undefined>, nodeEnv: NodeEnv, dataDir: string | null): Buffer {
  const value = raw(env, 'SECRET_KEY');
  if (value === undefined) {
    if (nodeEnv === 'production')
      throw new ConfigError('SECRET_KEY', 'is required in production (32 random bytes, base64 or hex)');
    // In memory nothing outlives the process, so neither need the key. On disk the stored
    // private keys do: the key is generated once and kept beside the data.
    return dataDir === null ? processKey : keptKey(dataDir);
  }
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError('SECRET_KEY', 'must be 32 bytes, given as 64 hex digits or base64');
  return key;
}

/** prepareDataDir, its refusal as a ConfigError naming DATA_DIR. */
export function usableDataDir(dataDir: string): void {
  try {
    prepareDataDir(dataDir);
  } catch (error) {
    if (error instanceof DataDirError) throw new ConfigError('DATA_DIR', error.message);
    throw error;
  }
}

function keptKey(dataDir: string): Buffer {
  usableDataDir(dataDir);
  const file = join(dataDir, SECRET_KEY_FILE);
  try {
    // `wx`: of two processes starting together, one writes and both read the same key.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST')
      throw new ConfigError(
        'DATA_DIR',
        `cannot write the generated key to ${file} (${code ?? (error as Error).message}); set SECRET_KEY or a writable DATA_DIR`,
      );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(
      'DATA_DIR',
      `cannot read the generated key in ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (!/^[0-9a-f]{64}$/i.test(text))
    throw new ConfigError(
      'SECRET_KEY',
      `not set, and ${file} does not hold a key of 64 hex digits (set SECRET_KEY, or restore the file)`,
    );
  return Buffer.from(text, 'hex');
}

const processKey = randomBytes(32);
