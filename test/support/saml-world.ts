import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import {
  ConnectionStatus,
  OrganizationKind,
  OrganizationStatus,
  SsoBinding,
  UserStatus,
} from '../../src/common/domain.enums';
import { AttributeMapping, IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { encryptSecret } from '../../src/common/secrets';
import { Organization } from '../../src/database/entities/organization.entity';
import { User } from '../../src/database/entities/user.entity';
import { keyPair } from '../../src/common/testing/saml-keys';

export async function seedOrganization(
  ds: DataSource,
  o: { name: string; kind: OrganizationKind; domains: string[]; status?: OrganizationStatus },
): Promise<Organization> {
  const repo = ds.getRepository(Organization);
  return repo.save(
    repo.create({
      name: o.name,
      kind: o.kind,
      domains: o.domains,
      clearanceCap: o.kind === OrganizationKind.HOST ? 4 : 1,
      status: o.status ?? OrganizationStatus.ACTIVE,
      sponsorId: null,
    }),
  );
}

export async function seedUser(
  ds: DataSource,
  u: { organizationId: string; email: string; status?: UserStatus },
): Promise<User> {
  const repo = ds.getRepository(User);
  return repo.save(
    repo.create({
      organizationId: u.organizationId,
      email: u.email,
      displayName: u.email,
      jobTitle: null,
      skills: [],
      clearance: 0,
      status: u.status ?? UserStatus.ACTIVE,
      roles: [],
      lastLoginAt: null,
    }),
  );
}

export interface ConnectionSeed {
  organization: Organization;
  idpEntityId: string;
  certificates: string[];
  ssoUrl?: string;
  sloUrl?: string | null;
  allowedDomains?: string[];
  allowIdpInitiated?: boolean;
  wantAssertionsSigned?: boolean;
  wantResponseSigned?: boolean;
  attributeMapping?: AttributeMapping;
  status?: ConnectionStatus;
}

/** A connection row as the connection service would store it, with an encrypted SP key. */
export async function seedConnection(ds: DataSource, config: AppConfig, c: ConnectionSeed): Promise<IdpConnection> {
  const sp = await keyPair('sp.passerelle.test');
  const repo = ds.getRepository(IdpConnection);
  return repo.save(
    repo.create({
      organizationId: c.organization.id,
      name: `${c.organization.name} IdP`,
      idpEntityId: c.idpEntityId,
      ssoUrl: c.ssoUrl ?? `${c.idpEntityId}/sso`,
      ssoBinding: SsoBinding.REDIRECT,
      sloUrl: c.sloUrl ?? null,
      signingCertificates: c.certificates,
      metadataUrl: null,
      metadataRefreshedAt: null,
      metadataRefreshError: null,
      metadataXml: null,
      attributeMapping: c.attributeMapping ?? {},
      allowedDomains: c.allowedDomains ?? c.organization.domains,
      allowIdpInitiated: c.allowIdpInitiated ?? false,
      wantAssertionsSigned: c.wantAssertionsSigned ?? true,
      wantResponseSigned: c.wantResponseSigned ?? false,
      status: c.status ?? ConnectionStatus.ACTIVE,
      spCertificate: sp.cert,
      spPrivateKey: encryptSecret(config.secretKey, sp.key),
      demoIdpPrivateKey: null,
    }),
  );
}
