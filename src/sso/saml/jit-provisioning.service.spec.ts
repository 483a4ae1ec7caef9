import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { OrganizationKind, UserRole, UserStatus } from '../../common/domain.enums';
import { Organization } from '../../database/entities/organization.entity';
import { User } from '../../database/entities/user.entity';
import { ExternalIdentity } from '../../database/entities/external-identity.entity';
import { AttributeMapping, IdpConnection } from '../../database/entities/idp-connection.entity';
import { JitProvisioningService } from './jit-provisioning.service';

const HOST = { id: 'host', kind: OrganizationKind.HOST, domains: ['host.test'] } as Organization;
const ACME = { id: 'acme', kind: OrganizationKind.PARTNER, domains: ['acme.test'] } as Organization;

function connection(org: Organization, attributeMapping: AttributeMapping): IdpConnection {
  return {
    id: `conn-${org.id}`,
    organizationId: org.id,
    allowedDomains: org.domains,
    attributeMapping,
  } as IdpConnection;
}

/** An entity manager holding one linked user (or none), recording what is saved. */
function managerWith(linked: User | null) {
  const saved: User[] = [];
  const manager = {
    findOne: async (entity: unknown) =>
      entity === ExternalIdentity && linked ? ({ user: linked } as ExternalIdentity) : null,
    create: (_: unknown, values: object) => ({ ...values }),
    save: async (entity: unknown, value: User) => {
      if (entity === User) saved.push({ ...value });
      return value;
    },
  } as unknown as EntityManager;
  return { manager, saved };
}

const signIn = (email: string, groups: string[]) => ({
  nameId: 'n-1',
  nameIdFormat: null,
  attributes: { email: [email], groups },
});
const MAPPING: AttributeMapping = {
  groupRoles: { admins: UserRole.HOST_ADMIN, reviewers: UserRole.SECURITY_REVIEWER, partners: UserRole.PARTNER_ADMIN },
};

describe('JitProvisioningService: roles from IdP groups', () => {
  const jit = new JitProvisioningService(new Clock());

  it('never leaves a partner role on a host user, whatever the row or the mapping says', async () => {
    const linked = {
      id: 'u1',
      organizationId: HOST.id,
      email: 'ann@host.test',
      status: UserStatus.ACTIVE,
      roles: [UserRole.PARTNER_ADMIN],
      displayName: 'Ann',
    } as User;
    const { manager, saved } = managerWith(linked);
    const result = await jit.provision(
      manager,
      connection(HOST, MAPPING),
      HOST,
      signIn('ann@host.test', ['admins', 'partners']),
    );
    expect(saved[0].roles).toEqual([UserRole.HOST_ADMIN]);
    expect(result.rolesChanged).toBe(true);
  });

  it('drops a partner role from a host user even when the connection maps no group', async () => {
    const linked = {
      id: 'u1',
      organizationId: HOST.id,
      email: 'ann@host.test',
      status: UserStatus.ACTIVE,
      roles: [UserRole.SECURITY_REVIEWER, UserRole.PARTNER_ADMIN],
      displayName: 'Ann',
    } as User;
    const { manager, saved } = managerWith(linked);
    await jit.provision(manager, connection(HOST, {}), HOST, signIn('ann@host.test', []));
    expect(saved[0].roles).toEqual([UserRole.SECURITY_REVIEWER]);
  });

  it('creates a host user with host roles only', async () => {
    const { manager, saved } = managerWith(null);
    await jit.provision(manager, connection(HOST, MAPPING), HOST, signIn('new@host.test', ['partners', 'reviewers']));
    expect(saved[0].roles).toEqual([UserRole.SECURITY_REVIEWER]);
  });

  it('never grants a host role through a partner connection, and keeps the partner role there', async () => {
    const linked = {
      id: 'u2',
      organizationId: ACME.id,
      email: 'bo@acme.test',
      status: UserStatus.ACTIVE,
      roles: [UserRole.PARTNER_ADMIN],
      displayName: 'Bo',
    } as User;
    const { manager, saved } = managerWith(linked);
    await jit.provision(manager, connection(ACME, MAPPING), ACME, signIn('bo@acme.test', ['admins']));
    expect(saved[0].roles).toEqual([UserRole.PARTNER_ADMIN]);
  });
});
