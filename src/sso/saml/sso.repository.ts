import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { InvitationStatus } from '../../common/domain.enums';
import { sha256Hex } from '../../common/secrets';
import { IdpConnection } from '../../database/entities/idp-connection.entity';
import { Session } from '../../database/entities/session.entity';
import { User } from '../../database/entities/user.entity';
import { PendingInvitation } from './saml.types';

/** The SQL behind sign-in, logout and discovery, one named query each; the services never touch the driver. */
@Injectable()
export class SsoRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction: the user, the session and the audit row land together or not at all. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  connectionWithOrganization(id: string): Promise<IdpConnection | null> {
    return this.dataSource.getRepository(IdpConnection).findOne({ where: { id }, relations: { organization: true } });
  }

  connection(id: string): Promise<IdpConnection | null> {
    return this.dataSource.getRepository(IdpConnection).findOne({ where: { id } });
  }

  /** The unrevoked session behind a cookie value (its secret is stored hashed). */
  unrevokedSessionOf(cookieValue: string): Promise<Session | null> {
    return this.dataSource
      .getRepository(Session)
      .findOne({ where: { secretHash: sha256Hex(cookieValue), revokedAt: IsNull() } });
  }

  userWithOrganization(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: { id }, relations: { organization: true } });
  }

  /** Active connections of active organisations that may assert this email domain, oldest first. */
  discoverableConnections(domain: string): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query(
      `SELECT c.id, c.name FROM idp_connections c JOIN organizations o ON o.id = c.organization_id
        WHERE c.status = 'ACTIVE' AND o.status = 'ACTIVE' AND $1 = ANY(c.allowed_domains) AND $1 = ANY(o.domains)
        ORDER BY c.created_at, c.id`,
      [domain],
    );
  }

  /** Revokes the live sessions a connection opened for a NameID (and a SessionIndex when given); returns how many. */
  async revokeFederatedSessions(
    now: Date,
    connectionId: string,
    nameId: string,
    sessionIndex: string | null,
  ): Promise<number> {
    const params: unknown[] = [now, connectionId, nameId];
    let sql = `UPDATE sessions SET revoked_at = $1, revoked_reason = 'saml_slo' WHERE revoked_at IS NULL AND connection_id = $2 AND name_id = $3`;
    if (sessionIndex) {
      params.push(sessionIndex);
      sql += ` AND session_index = $4`;
    }
    const result: unknown = await this.dataSource.query(`${sql} RETURNING id`, params);
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as unknown[]) : [];
    return rows.length;
  }

  /**
   * The invitations still waiting for a user at `now`: to their address in their own
   * organisation, or to their whole organisation and not yet answered by them.
   */
  async pendingInvitations(
    user: { id: string; email: string; organizationId: string },
    now: Date,
  ): Promise<PendingInvitation[]> {
    const rows: { id: string; space_id: string; space_name: string; role: string; expires_at: Date }[] =
      await this.dataSource.query(
        `SELECT i.id, i.space_id, s.name AS space_name, i.role, i.expires_at
         FROM invitations i JOIN spaces s ON s.id = i.space_id
        WHERE i.organization_id = $2 AND i.status = $3 AND i.expires_at > $4
          AND (i.email = $1
               OR (i.whole_organization
                   AND NOT EXISTS (SELECT 1 FROM invitation_answers a WHERE a.invitation_id = i.id AND a.user_id = $5)))
        ORDER BY i.created_at, i.id`,
        [user.email, user.organizationId, InvitationStatus.PENDING, now, user.id],
      );
    return rows.map((r) => ({
      id: r.id,
      spaceId: r.space_id,
      spaceName: r.space_name,
      role: r.role,
      expiresAt: new Date(r.expires_at),
    }));
  }
}
