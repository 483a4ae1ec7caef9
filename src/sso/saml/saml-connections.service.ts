import { Injectable } from '@nestjs/common';
import { ConnectionStatus, OrganizationStatus } from '../../common/domain.enums';
import { decryptSecret } from '../../common/secrets';
import { AppConfig } from '../../config/app-config';
import { IdpConnection } from '../../database/entities/idp-connection.entity';
import { Organization } from '../../database/entities/organization.entity';
import { SpContext } from './saml-service-provider';
import { isUuid } from '../../common/ids';
import { spEndpoints } from './saml-urls';
import { SamlErrorCode, SamlException } from './saml.exception';
import { SsoRepository } from './sso.repository';

/** The connection named in a SAML path, re-checked each time it is used, and its SP context. */
@Injectable()
export class SamlConnectionsService {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: SsoRepository,
  ) {}

  /** Loads a connection named in a path and re-checks it may be used now. */
  async load(
    connectionId: string,
    options: { active: boolean },
  ): Promise<{ connection: IdpConnection; organization: Organization }> {
    if (!isUuid(connectionId)) throw new SamlException(SamlErrorCode.CONNECTION_NOT_FOUND);
    const connection = await this.repository.connectionWithOrganization(connectionId);
    if (!connection || !connection.organization) throw new SamlException(SamlErrorCode.CONNECTION_NOT_FOUND);
    if (options.active) {
      if (connection.status !== ConnectionStatus.ACTIVE) throw new SamlException(SamlErrorCode.CONNECTION_DISABLED);
      if (connection.organization.status !== OrganizationStatus.ACTIVE)
        throw new SamlException(SamlErrorCode.ORGANIZATION_SUSPENDED);
    }
    return { connection, organization: connection.organization };
  }

  /**
   * The connection's SP context. `withPrivateKey: false` where nothing is signed (checking a
   * login response): the SP's private key then stays sealed.
   */
  contextOf(connection: IdpConnection, { withPrivateKey = true }: { withPrivateKey?: boolean } = {}): SpContext {
    return {
      connection,
      endpoints: spEndpoints(this.config, connection.id),
      spPrivateKey:
        withPrivateKey && connection.spPrivateKey
          ? decryptSecret(this.config.secretKey, connection.spPrivateKey)
          : null,
    };
  }
}
