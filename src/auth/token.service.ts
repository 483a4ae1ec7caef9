import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Clock } from '../common/clock';
import { ApiToken } from '../database/entities/api-token.entity';
import { newSecret, sha256Hex } from '../common/secrets';

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
export const MAX_TOKEN_TTL_SECONDS = 365 * 24 * 3600;

/** Bearer API tokens: stored hashed, with expiry and revocation. */
@Injectable()
export class TokenService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Mints a token; the plain value is returned once and never stored. */
  async mint(
    userId: string,
    options: { ttlSeconds?: number; name?: string | null } = {},
    manager?: EntityManager,
  ): Promise<{ token: string; apiToken: ApiToken }> {
    const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_TTL_SECONDS) {
      throw new RangeError(`token lifetime must be between 1 second and ${MAX_TOKEN_TTL_SECONDS / 86400} days`);
    }
    const token = newSecret('psl');
    const m = manager ?? this.dataSource.manager;
    const apiToken = m.create(ApiToken, {
      tokenHash: sha256Hex(token),
      userId,
      name: options.name ?? null,
      expiresAt: new Date(this.clock.now().getTime() + ttl * 1000),
      revokedAt: null,
      lastUsedAt: null,
    });
    await m.save(apiToken);
    return { token, apiToken };
  }

  /** The live token behind a bearer value; null when unknown, expired or revoked. */
  async resolve(token: string): Promise<ApiToken | null> {
    const apiToken = await this.dataSource.getRepository(ApiToken).findOne({ where: { tokenHash: sha256Hex(token) } });
    if (!apiToken || apiToken.revokedAt || this.clock.now() >= apiToken.expiresAt) return null;
    return apiToken;
  }

  /** Whether a token still authenticates (known, not expired, not revoked). */
  async isLive(tokenId: string): Promise<boolean> {
    const apiToken = await this.dataSource.getRepository(ApiToken).findOne({ where: { id: tokenId } });
    return !!apiToken && !apiToken.revokedAt && this.clock.now() < apiToken.expiresAt;
  }

  async revoke(tokenId: string, manager?: EntityManager): Promise<boolean> {
    const r = await (manager ?? this.dataSource.manager).update(
      ApiToken,
      { id: tokenId, revokedAt: IsNull() },
      { revokedAt: this.clock.now() },
    );
    return (r.affected ?? 0) > 0;
  }

  /** Parses `30s`, `15m`, `1h`, `7d` into seconds. */
  static parseTtl(text: string): number {
    const m = /^(\d+)\s*([smhd])$/i.exec(text.trim());
    if (!m) throw new RangeError(`"${text}" is not a lifetime such as 30m, 1h or 7d`);
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2].toLowerCase() as 's' | 'm' | 'h' | 'd'];
    return Number(m[1]) * unit;
  }
}
