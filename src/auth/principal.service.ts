import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MembershipRole, OrganizationKind, PartnerVisibility, UserRole } from '../common/domain.enums';
import { clearedForSql, effectiveClearanceSql, membershipActiveSql, userCountsSql } from './membership-rules';
import { Principal } from './principal';

interface PrincipalRow {
  user_id: string;
  organization_id: string;
  organization_kind: OrganizationKind;
  email: string;
  display_name: string;
  effective_clearance: number;
  roles: UserRole[];
  host_id: string;
  memberships: { spaceId: string; role: MembershipRole; partnerVisibility: PartnerVisibility }[] | null;
}

/**
 * Loads a principal in one query. A user who does not count (disabled, or organisation
 * suspended) yields null: their sessions and tokens no longer authenticate.
 */
@Injectable()
export class PrincipalService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `db` is the data source, or a transaction's manager to load the principal as that
   * transaction sees the data (the security review's dry runs).
   */
  async load(
    userId: string,
    now: Date,
    via: Principal['via'],
    db: Pick<EntityManager, 'query'> = this.dataSource,
  ): Promise<Principal | null> {
    const rows: PrincipalRow[] = await db.query(
      `SELECT u.id AS user_id, u.organization_id, o.kind AS organization_kind, u.email, u.display_name,
              ${effectiveClearanceSql('u', 'o')}::int AS effective_clearance, u.roles,
              (SELECT h.id FROM organizations h WHERE h.kind = 'HOST') AS host_id,
              (SELECT json_agg(json_build_object('spaceId', s.id, 'role', m.role, 'partnerVisibility', s.partner_visibility))
                 FROM memberships m JOIN spaces s ON s.id = m.space_id
                WHERE m.user_id = u.id AND ${membershipActiveSql('m', '$2')}
                  AND ${clearedForSql(effectiveClearanceSql('u', 'o'), 's')}) AS memberships
         FROM users u JOIN organizations o ON o.id = u.organization_id
        WHERE u.id = $1 AND ${userCountsSql('u', 'o')}`,
      [userId, now],
    );
    const row = rows[0];
    if (!row) return null;
    const isHost = row.organization_kind === OrganizationKind.HOST;
    return {
      userId: row.user_id,
      organizationId: row.organization_id,
      organizationKind: row.organization_kind,
      hostOrganizationId: row.host_id,
      email: row.email,
      displayName: row.display_name,
      effectiveClearance: Number(row.effective_clearance),
      // Host roles count only for host users, whatever the row says.
      roles: row.roles.filter((r) => isHost || r === UserRole.PARTNER_ADMIN),
      isHost,
      activeMemberships: row.memberships ?? [],
      now,
      via,
    };
  }
}
