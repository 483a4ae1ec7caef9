import { randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generate } from 'selfsigned';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { isUuid } from '../../common/ids';
import { ConnectionStatus, OrganizationKind, SsoBinding, UserRole } from '../../common/domain.enums';
import { AppConfig } from '../../config/app-config';
import { Organization } from '../../database/entities/organization.entity';
import { User } from '../../database/entities/user.entity';
import { IdpConnection } from '../../database/entities/idp-connection.entity';
import { decryptSecret, encryptSecret, opensSecret } from '../../common/secrets';
import { spEndpoints } from '../../sso/saml/saml-urls';
import { attr, NS, parseXmlStrict } from '../../sso/saml/saml-xml';
import { buildDemoResponse, demoId, demoIdpMetadata } from './demo-response.builder';

export const DEMO_IDP_PREFIX = '/demo-idp';

export interface DemoIdpEndpoints {
  entityId: string;
  ssoUrl: string;
  sloUrl: string;
  metadataUrl: string;
}

export function demoIdpEndpoints(config: AppConfig, connectionId: string): DemoIdpEndpoints {
  const base = `${config.publicUrl}${DEMO_IDP_PREFIX}/${connectionId}`;
  return {
    entityId: `${base}/metadata`,
    ssoUrl: `${base}/sso`,
    sloUrl: `${base}/slo`,
    metadataUrl: `${base}/metadata`,
  };
}

/**
 * The built-in demo IdPs, for local use only: one per organisation that has no connection,
 * each signing real assertions with its own key (generated here, stored encrypted). The
 * sign-in it starts goes through the whole SAML path of the SP like any other IdP.
 */
@Injectable()
export class DemoIdpService {
  private readonly logger = new Logger(DemoIdpService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  assertAllowed(): void {
    if (this.config.isProduction)
      throw new Error('The demo identity providers cannot run in production (DEMO_IDP must be off).');
  }

  /** Creates a demo connection for each organisation that has none; returns how many were made. */
  async ensureDemoConnections(): Promise<number> {
    this.assertAllowed();
    const orgs: { id: string }[] = await this.dataSource.query(
      `SELECT o.id FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM idp_connections c WHERE c.organization_id = o.id) ORDER BY o.name`,
    );
    let made = 0;
    for (const { id } of orgs) {
      const organization = await this.dataSource.getRepository(Organization).findOneByOrFail({ id });
      if (organization.domains.length === 0) continue;
      await this.createDemoConnection(organization);
      made++;
    }
    if (made > 0) this.logger.log(`created ${made} demo IdP connection(s)`);
    return made;
  }

  async createDemoConnection(organization: Organization): Promise<IdpConnection> {
    const id = randomUUID();
    const idp = demoIdpEndpoints(this.config, id);
    const { idpKeys, spKeys } = await this.newKeys(organization);
    const isHost = organization.kind === OrganizationKind.HOST;
    const repo = this.dataSource.getRepository(IdpConnection);
    const connection = repo.create({
      id,
      organizationId: organization.id,
      name: `${organization.name} demo IdP`,
      idpEntityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      ssoBinding: SsoBinding.REDIRECT,
      sloUrl: idp.sloUrl,
      signingCertificates: [idpKeys.cert],
      metadataUrl: null,
      metadataRefreshedAt: null,
      metadataRefreshError: null,
      metadataXml: demoIdpMetadata(idp.entityId, idp.ssoUrl, idp.sloUrl, idpKeys.cert),
      attributeMapping: isHost
        ? { groupRoles: { HOST_ADMIN: UserRole.HOST_ADMIN, SECURITY_REVIEWER: UserRole.SECURITY_REVIEWER } }
        : {},
      allowedDomains: organization.domains,
      allowIdpInitiated: false,
      wantAssertionsSigned: true,
      wantResponseSigned: false,
      status: ConnectionStatus.ACTIVE,
      spCertificate: spKeys.cert,
      spPrivateKey: encryptSecret(this.config.secretKey, spKeys.private),
      demoIdpPrivateKey: encryptSecret(this.config.secretKey, idpKeys.private),
    });
    await this.dataSource.transaction(async (manager) => {
      await manager.save(connection);
      await manager.query(
        `INSERT INTO external_identities (user_id, connection_id, name_id, name_id_format)
         SELECT u.id, $1, u.id::text, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' FROM users u WHERE u.organization_id = $2
         ON CONFLICT DO NOTHING`,
        [id, organization.id],
      );
      await this.audit.record(
        {
          action: 'connection.create',
          outcome: 'SUCCESS',
          subjectType: 'IdpConnection',
          subjectId: id,
          details: { organizationId: organization.id, via: 'demo_idp' },
        },
        manager,
      );
    });
    return connection;
  }

  /**
   * Gives new keys to the demo connections whose stored keys the SECRET_KEY in use cannot
   * open (a lost key file): demo material only, the IdP and SP being both ours. Audited.
   */
  async renewUnreadableKeys(actor: { via: string }): Promise<IdpConnection[]> {
    this.assertAllowed();
    const renewed: IdpConnection[] = [];
    for (const connection of await this.demoConnections()) {
      const sealed = [connection.spPrivateKey, connection.demoIdpPrivateKey].filter((s): s is string => s !== null);
      if (sealed.every((s) => opensSecret(this.config.secretKey, s))) continue;
      const { idpKeys, spKeys } = await this.newKeys(connection.organization!);
      const changes = {
        signingCertificates: [idpKeys.cert],
        metadataXml: demoIdpMetadata(connection.idpEntityId, connection.ssoUrl, connection.sloUrl ?? '', idpKeys.cert),
        spCertificate: spKeys.cert,
        spPrivateKey: encryptSecret(this.config.secretKey, spKeys.private),
        demoIdpPrivateKey: encryptSecret(this.config.secretKey, idpKeys.private),
      };
      await this.dataSource.transaction(async (manager) => {
        await manager.update(IdpConnection, { id: connection.id }, changes);
        await this.audit.record(
          {
            action: 'connection.update',
            outcome: 'SUCCESS',
            subjectType: 'IdpConnection',
            subjectId: connection.id,
            details: { organizationId: connection.organizationId, via: actor.via, change: 'demo_keys_renewed' },
          },
          manager,
        );
      });
      renewed.push(Object.assign(connection, changes));
    }
    return renewed;
  }

  private async newKeys(
    organization: Organization,
  ): Promise<{ idpKeys: { cert: string; private: string }; spKeys: { cert: string; private: string } }> {
    const now = this.clock.now();
    const validity = {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 3_600_000),
      notAfterDate: new Date(now.getTime() + 5 * 365 * 86_400_000),
    };
    const [idpKeys, spKeys] = await Promise.all([
      generate([{ name: 'commonName', value: `Demo IdP ${organization.name}`.slice(0, 64) }], validity),
      generate([{ name: 'commonName', value: `Passerelle SP ${organization.name}`.slice(0, 64) }], validity),
    ]);
    return { idpKeys, spKeys };
  }

  async demoConnection(connectionId: string): Promise<IdpConnection | null> {
    if (!isUuid(connectionId)) return null;
    const connection = await this.dataSource
      .getRepository(IdpConnection)
      .findOne({ where: { id: connectionId }, relations: { organization: true } });
    return connection?.demoIdpPrivateKey ? connection : null;
  }

  async demoConnections(): Promise<IdpConnection[]> {
    const all = await this.dataSource
      .getRepository(IdpConnection)
      .find({ relations: { organization: true }, order: { name: 'ASC' } });
    return all.filter((c) => c.demoIdpPrivateKey);
  }

  /** The people the demo IdP offers to sign in as: the organisation's users. */
  async people(connection: IdpConnection): Promise<User[]> {
    return this.dataSource
      .getRepository(User)
      .find({ where: { organizationId: connection.organizationId }, order: { displayName: 'ASC' } });
  }

  /** Reads the AuthnRequest of the Redirect binding: its ID (for InResponseTo). */
  parseAuthnRequest(samlRequest: string | undefined): { id: string | null } {
    if (!samlRequest) return { id: null };
    try {
      const xml = inflateRawSync(Buffer.from(samlRequest, 'base64'), { maxOutputLength: 64 * 1024 }).toString('utf8');
      const root = parseXmlStrict(xml).documentElement;
      if (root.namespaceURI !== NS.protocol || root.localName !== 'AuthnRequest') return { id: null };
      const id = attr(root, 'ID');
      return { id: id && /^[A-Za-z_][\w.-]{0,127}$/.test(id) ? id : null };
    } catch {
      return { id: null };
    }
  }

  /** A signed response for the chosen person, to be auto-posted to the connection's ACS. */
  async respond(
    connection: IdpConnection,
    userId: string,
    inResponseTo: string | null,
  ): Promise<{ acsUrl: string; samlResponse: string } | null> {
    const user = await this.dataSource
      .getRepository(User)
      .findOne({ where: { id: userId, organizationId: connection.organizationId } });
    if (!user) return null;
    // The demo IdP names people by their user id; the link is made here, by the operator's own tool.
    await this.dataSource.query(
      `INSERT INTO external_identities (user_id, connection_id, name_id, name_id_format) VALUES ($1, $2, $3, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent') ON CONFLICT DO NOTHING`,
      [user.id, connection.id, user.id],
    );
    const sp = spEndpoints(this.config, connection.id);
    const [given, ...rest] = user.displayName.split(' ');
    const xml = buildDemoResponse({
      idpEntityId: connection.idpEntityId,
      spEntityId: sp.entityId,
      acsUrl: sp.acsUrl,
      inResponseTo,
      nameId: user.id,
      sessionIndex: demoId(),
      attributes: {
        email: [user.email],
        givenName: [given ?? ''],
        sn: [rest.join(' ')],
        displayName: [user.displayName],
        groups: user.roles,
      },
      now: this.clock.now(),
      privateKey: decryptSecret(this.config.secretKey, connection.demoIdpPrivateKey!),
    });
    return { acsUrl: sp.acsUrl, samlResponse: Buffer.from(xml, 'utf8').toString('base64') };
  }
}
