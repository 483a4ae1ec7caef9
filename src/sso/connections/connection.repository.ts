import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { isUuid } from '../../common/ids';
import { IdpConnection } from '../../database/entities/idp-connection.entity';
import { Organization } from '../../database/entities/organization.entity';

/** The SQL behind connection management, one named query each; services never touch the driver. */
@Injectable()
export class ConnectionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction: a change and its audit row land together or not at all. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async connection(id: string): Promise<IdpConnection | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(IdpConnection).findOne({ where: { id } });
  }

  async organization(id: string): Promise<Organization | null> {
    if (!isUuid(id)) return null;
    return this.dataSource.getRepository(Organization).findOne({ where: { id } });
  }

  /** One organisation by id, as a query the caller's ability can still restrict. */
  organizationQuery(id: string): SelectQueryBuilder<Organization> {
    return this.dataSource
      .getRepository(Organization)
      .createQueryBuilder('o')
      .where('o.id = :id', { id: id.toLowerCase() });
  }

  /** An organisation's connections, as a query the caller's ability can still restrict. */
  connectionsOfQuery(organizationId: string): SelectQueryBuilder<IdpConnection> {
    return this.dataSource
      .getRepository(IdpConnection)
      .createQueryBuilder('c')
      .where('c.organization_id = :organizationId', { organizationId });
  }

  /** The connection of an organisation to an IdP entityID, if any (one per pair). */
  sameEntityId(manager: EntityManager, organizationId: string, idpEntityId: string): Promise<IdpConnection | null> {
    return manager.findOne(IdpConnection, { where: { organizationId, idpEntityId } });
  }

  async idsWithMetadataUrl(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM idp_connections WHERE metadata_url IS NOT NULL ORDER BY id`,
    );
    return rows.map((r) => r.id);
  }

  async recordRefreshError(id: string, message: string): Promise<void> {
    await this.dataSource.getRepository(IdpConnection).update(id, { metadataRefreshError: message });
  }

  /** The command line names an organisation by id or by one of its domains. */
  async organizationByIdOrDomain(idOrDomain: string): Promise<Organization | null> {
    if (/^[0-9a-f-]{36}$/i.test(idOrDomain))
      return this.dataSource.getRepository(Organization).findOne({ where: { id: idOrDomain } });
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM organizations WHERE $1 = ANY(domains)`, [
      idOrDomain.trim().toLowerCase(),
    ]);
    return rows[0] ? this.organization(rows[0].id) : null;
  }
}
