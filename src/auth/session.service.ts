import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { newSecret, sha256Hex } from '../common/secrets';
import { Session } from '../database/entities/session.entity';

export const SESSION_COOKIE = 'passerelle_session';

export interface NewSessionOptions {
  connectionId?: string | null;
  nameId?: string | null;
  sessionIndex?: string | null;
}

/** Server-side sessions: revocable, with idle and absolute timeouts. */
@Injectable()
export class SessionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Creates a session and returns the cookie value (shown once, stored hashed). */
  async create(
    userId: string,
    options: NewSessionOptions = {},
    manager?: EntityManager,
  ): Promise<{ session: Session; cookieValue: string }> {
    const now = this.clock.now();
    const cookieValue = newSecret('pss');
    const session = (manager ?? this.dataSource.manager).create(Session, {
      secretHash: sha256Hex(cookieValue),
      userId,
      connectionId: options.connectionId ?? null,
      nameId: options.nameId ?? null,
      sessionIndex: options.sessionIndex ?? null,
      lastSeenAt: now,
      idleExpiresAt: this.idleDeadline(now),
      absoluteExpiresAt: new Date(now.getTime() + this.config.sessionAbsoluteHours * 3_600_000),
      revokedAt: null,
      revokedReason: null,
    });
    await (manager ?? this.dataSource.manager).save(session);
    return { session, cookieValue };
  }

  /** The live session behind a cookie value, its idle deadline pushed forward; null otherwise. */
  async resolve(cookieValue: string): Promise<Session | null> {
    const session = await this.dataSource
      .getRepository(Session)
      .findOne({ where: { secretHash: sha256Hex(cookieValue) } });
    const now = this.clock.now();
    if (!session || session.revokedAt || now >= session.idleExpiresAt || now >= session.absoluteExpiresAt) return null;
    // Refresh the idle deadline at most once a minute to keep reads cheap.
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
      await this.dataSource
        .getRepository(Session)
        .update(session.id, { lastSeenAt: now, idleExpiresAt: this.idleDeadline(now) });
    }
    return session;
  }

  /**
   * Whether a session still authenticates, without pushing its idle deadline: an open
   * subscription socket is not activity, so an unattended tab still times out.
   */
  async isLive(sessionId: string): Promise<boolean> {
    const session = await this.dataSource.getRepository(Session).findOne({ where: { id: sessionId } });
    const now = this.clock.now();
    return !!session && !session.revokedAt && now < session.idleExpiresAt && now < session.absoluteExpiresAt;
  }

  async revoke(sessionId: string, reason: string, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).update(
      Session,
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: this.clock.now(), revokedReason: reason },
    );
  }

  async revokeAllForUser(userId: string, reason: string, manager?: EntityManager): Promise<number> {
    const r = await (manager ?? this.dataSource.manager).update(
      Session,
      { userId, revokedAt: IsNull() },
      { revokedAt: this.clock.now(), revokedReason: reason },
    );
    return r.affected ?? 0;
  }

  async revokeAllForOrganization(organizationId: string, reason: string, manager?: EntityManager): Promise<number> {
    const result = await (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: this.clock.now(), revokedReason: reason })
      .where('revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE organization_id = :organizationId)', {
        organizationId,
      })
      .execute();
    return result.affected ?? 0;
  }

  private idleDeadline(now: Date): Date {
    return new Date(now.getTime() + this.config.sessionIdleMinutes * 60_000);
  }
}
