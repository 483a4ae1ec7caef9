import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { closeRedis } from '../../common/redis-close';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';

/**
 * What the SP must remember between messages, per connection and shared by every instance:
 * the requests it sent (InResponseTo), the assertions it consumed (replay), the logout
 * requests it received. An entry of one connection is never visible through another.
 */
export enum SamlCacheKind {
  /** An AuthnRequest we sent; its value is the login's server-side state (returnTo). */
  REQUEST = 'request',
  /** An assertion ID already consumed. */
  ASSERTION = 'assertion',
  /** A LogoutRequest we sent, or one we received (replay). */
  LOGOUT = 'logout',
}

export interface SamlCache {
  /** Remembers `key` under this connection until `expiresAt`. */
  remember(kind: SamlCacheKind, connectionId: string, key: string, value: string, expiresAt: Date): Promise<void>;
  /** Takes an entry back, exactly once across all instances: its value, or null if absent or expired. */
  take(kind: SamlCacheKind, connectionId: string, key: string): Promise<string | null>;
  /** Claims `key` until `expiresAt`: false when it is already claimed (a replay), true the first time. */
  claim(kind: SamlCacheKind, connectionId: string, key: string, expiresAt: Date): Promise<boolean>;
  close(): Promise<void>;
}

export const SAML_CACHE = Symbol('SAML_CACHE');

/** The default: rows of `saml_cache_entries`, atomic through the primary key. */
export class DatabaseSamlCache implements SamlCache {
  private lastPurge = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async remember(
    kind: SamlCacheKind,
    connectionId: string,
    key: string,
    value: string,
    expiresAt: Date,
  ): Promise<void> {
    await this.purgeNow();
    await this.dataSource.query(
      `INSERT INTO saml_cache_entries (kind, connection_id, key, value, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, connection_id, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [kind, connectionId, key, value, expiresAt],
    );
  }

  async take(kind: SamlCacheKind, connectionId: string, key: string): Promise<string | null> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM saml_cache_entries WHERE kind = $1 AND connection_id = $2 AND key = $3 RETURNING value, expires_at`,
      [kind, connectionId, key],
    );
    const row = rowsOf<{ value: string; expires_at: Date | string }>(result)[0];
    if (!row) return null;
    return new Date(row.expires_at).getTime() > this.clock.now().getTime() ? row.value : null;
  }

  async claim(kind: SamlCacheKind, connectionId: string, key: string, expiresAt: Date): Promise<boolean> {
    // Inserted, or replacing an entry that has expired: either way this caller is the first.
    const result: unknown = await this.dataSource.query(
      `INSERT INTO saml_cache_entries (kind, connection_id, key, value, expires_at) VALUES ($1, $2, $3, '', $4)
       ON CONFLICT (kind, connection_id, key) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE saml_cache_entries.expires_at <= $5
       RETURNING key`,
      [kind, connectionId, key, expiresAt, this.clock.now()],
    );
    return rowsOf(result).length === 1;
  }

  async close(): Promise<void> {
    // The DataSource belongs to the application.
  }

  /** Drops expired entries at most once a minute. */
  private async purgeNow(): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() - this.lastPurge < 60_000) return;
    this.lastPurge = now.getTime();
    await this.dataSource.query(`DELETE FROM saml_cache_entries WHERE expires_at <= $1`, [now]);
  }
}

/** With REDIS_URL: one key per entry, expiring on its own; SET NX and GETDEL make it atomic. */
export class RedisSamlCache implements SamlCache {
  private readonly logger = new Logger(RedisSamlCache.name);

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
  ) {
    this.redis.on('error', (error: Error) => this.logger.error(`redis: ${error.message}`));
  }

  async remember(
    kind: SamlCacheKind,
    connectionId: string,
    key: string,
    value: string,
    expiresAt: Date,
  ): Promise<void> {
    await this.redis.set(this.key(kind, connectionId, key), value, 'PX', this.ttl(expiresAt));
  }

  async take(kind: SamlCacheKind, connectionId: string, key: string): Promise<string | null> {
    return this.redis.getdel(this.key(kind, connectionId, key));
  }

  async claim(kind: SamlCacheKind, connectionId: string, key: string, expiresAt: Date): Promise<boolean> {
    const r = await this.redis.set(this.key(kind, connectionId, key), '1', 'PX', this.ttl(expiresAt), 'NX');
    return r === 'OK';
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }

  private key(kind: SamlCacheKind, connectionId: string, key: string): string {
    return `passerelle:saml:${kind}:${connectionId}:${key}`;
  }

  private ttl(expiresAt: Date): number {
    return Math.max(1, expiresAt.getTime() - this.clock.now().getTime());
  }
}

export function createSamlCache(redisUrl: string | null, dataSource: DataSource, clock: Clock): SamlCache {
  if (redisUrl) return new RedisSamlCache(new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }), clock);
  return new DatabaseSamlCache(dataSource, clock);
}

/** TypeORM answers DELETE/UPDATE ... RETURNING with [rows, count], INSERT ... RETURNING with rows. */
function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return Array.isArray(result) ? (result as T[]) : [];
}
