import { OrganizationKind } from '../../common/domain.enums';
import { Principal } from '../../auth/principal';

/** The organisations of testPrincipal: the host, and the partner a principal is of by default. */
export const HOST = 'host-org';
export const ACME = 'acme-org';

/** For the specs of the rules: a partner user u1 of ACME, clearance 2, no roles nor memberships, unless overridden. */
export function testPrincipal(now: Date, overrides: Partial<Principal> = {}): Principal {
  return {
    userId: 'u1',
    organizationId: ACME,
    organizationKind: OrganizationKind.PARTNER,
    hostOrganizationId: HOST,
    email: 'u1@acme.test',
    displayName: 'U1',
    effectiveClearance: 2,
    roles: [],
    isHost: false,
    activeMemberships: [],
    now,
    via: { kind: 'token', id: 't' },
    ...overrides,
  };
}
