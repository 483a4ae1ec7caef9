import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import {
  HOST_ONLY_USER_ROLES,
  OrganizationKind,
  PARTNER_ONLY_USER_ROLES,
  UserRole,
  UserStatus,
} from '../../common/domain.enums';
import { Organization } from '../../database/entities/organization.entity';
import { User } from '../../database/entities/user.entity';
import { ExternalIdentity } from '../../database/entities/external-identity.entity';
import { AttributeMapping, IdpConnection, MappedAttribute } from '../../database/entities/idp-connection.entity';
import { SamlErrorCode, SamlException } from './saml.exception';
import { NAME_ID_TRANSIENT } from './saml-xml';

/** Where each attribute is looked for when a connection's mapping does not say: friendly names, OIDs, claim URIs. */
export const DEFAULT_ATTRIBUTE_NAMES: Record<MappedAttribute, string[]> = {
  email: [
    'email',
    'mail',
    'emailAddress',
    'urn:oid:0.9.2342.19200300.100.1.3',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  ],
  givenName: [
    'givenName',
    'firstName',
    'urn:oid:2.5.4.42',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  ],
  surname: [
    'sn',
    'surname',
    'lastName',
    'urn:oid:2.5.4.4',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  ],
  displayName: [
    'displayName',
    'urn:oid:2.16.840.1.113730.3.1.241',
    'http://schemas.microsoft.com/identity/claims/displayname',
  ],
  groups: [
    'groups',
    'memberOf',
    'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
    'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  ],
};

const HOST_MAPPABLE_ROLES: readonly string[] = HOST_ONLY_USER_ROLES;

/** Host roles for host users, partner roles for everyone else (DESIGN.md section 1). */
function rolesAllowedIn(organization: Organization): readonly string[] {
  return organization.kind === OrganizationKind.HOST ? HOST_ONLY_USER_ROLES : PARTNER_ONLY_USER_ROLES;
}
const EMAIL = /^[^\s@]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

export interface MappedProfile {
  email: string;
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  groups: string[];
}

export interface ProvisionedUser {
  user: User;
  created: boolean;
  /** Roles granted or withdrawn by the IdP's groups (host connections only). */
  rolesChanged: boolean;
}

/** Reads a profile out of asserted attributes through a connection's mapping; refuses what the mapping requires and is missing. */
export function mapAttributes(mapping: AttributeMapping, attributes: Record<string, string[]>): MappedProfile {
  const values = (key: MappedAttribute): string[] => {
    for (const name of mapping[key]?.length ? mapping[key]! : DEFAULT_ATTRIBUTE_NAMES[key]) {
      const found = attributes[name];
      if (found && found.length > 0) return found;
    }
    return [];
  };
  const required = new Set<MappedAttribute>(['email', ...(mapping.required ?? [])]);
  for (const key of required) {
    if (values(key).length === 0) throw new SamlException(SamlErrorCode.ATTRIBUTE_MISSING, { attribute: key });
  }
  const email = values('email')[0].trim().toLowerCase();
  if (!EMAIL.test(email))
    throw new SamlException(SamlErrorCode.ATTRIBUTE_MISSING, { attribute: 'email', problem: 'not an email address' });
  const one = (key: MappedAttribute) => values(key)[0]?.trim() || null;
  return {
    email,
    givenName: one('givenName'),
    surname: one('surname'),
    displayName: one('displayName'),
    groups: values('groups'),
  };
}

/**
 * Just-in-time provisioning into the connection's organisation. A person is found by
 * (connection, NameID) only: never by email, and the NameID is never taken for an email.
 */
@Injectable()
export class JitProvisioningService {
  constructor(private readonly clock: Clock) {}

  async provision(
    manager: EntityManager,
    connection: IdpConnection,
    organization: Organization,
    subject: { nameId: string; nameIdFormat: string | null; attributes: Record<string, string[]> },
  ): Promise<ProvisionedUser> {
    const profile = mapAttributes(connection.attributeMapping ?? {}, subject.attributes);
    const domain = profile.email.slice(profile.email.lastIndexOf('@') + 1);
    // One partner's IdP never signs in a user of another organisation.
    if (!connection.allowedDomains.includes(domain) || !organization.domains.includes(domain)) {
      throw new SamlException(SamlErrorCode.EMAIL_DOMAIN_NOT_ALLOWED, { domain });
    }
    // A transient NameID changes at every sign-in: nothing can be linked to it.
    if (subject.nameIdFormat === NAME_ID_TRANSIENT) throw new SamlException(SamlErrorCode.NAME_ID_TRANSIENT);

    const now = this.clock.now();
    const roles = this.mappedRoles(connection, organization, profile.groups);
    const identity = await manager.findOne(ExternalIdentity, {
      where: { connectionId: connection.id, nameId: subject.nameId },
      relations: { user: true },
    });

    if (identity?.user) {
      const user = identity.user;
      if (user.organizationId !== connection.organizationId)
        throw new SamlException(SamlErrorCode.ACCOUNT_NOT_LINKED, { problem: 'linked user in another organisation' });
      if (user.status !== UserStatus.ACTIVE) throw new SamlException(SamlErrorCode.USER_DISABLED, { userId: user.id });
      if (user.email !== profile.email) {
        const holder = await manager.findOne(User, { where: { email: profile.email } });
        if (holder && holder.id !== user.id) throw new SamlException(SamlErrorCode.EMAIL_CONFLICT, { userId: user.id });
        user.email = profile.email;
      }
      user.displayName = this.displayNameOf(profile) ?? user.displayName;
      // The IdP's groups decide host roles (when the connection maps them); a role the
      // user's kind of organisation cannot hold never survives a sign-in.
      const kept =
        roles === null ? user.roles : [...roles, ...user.roles.filter((r) => !HOST_MAPPABLE_ROLES.includes(r))];
      const next = [...new Set(kept.filter((r) => rolesAllowedIn(organization).includes(r)))].sort() as UserRole[];
      const rolesChanged = next.join(',') !== [...user.roles].sort().join(',');
      user.roles = next;
      user.lastLoginAt = now;
      await manager.save(User, user);
      return { user, created: false, rolesChanged };
    }

    const existing = await manager.findOne(User, { where: { email: profile.email } });
    if (existing) {
      // Never auto-link an account by email alone: an administrator links it.
      throw new SamlException(SamlErrorCode.ACCOUNT_NOT_LINKED, {
        userId: existing.id,
        sameOrganization: existing.organizationId === organization.id,
      });
    }
    const user = manager.create(User, {
      organizationId: organization.id,
      email: profile.email,
      displayName: this.displayNameOf(profile) ?? profile.email.slice(0, profile.email.indexOf('@')),
      jobTitle: null,
      skills: [],
      // Least privilege: an administrator raises clearance.
      clearance: 0,
      status: UserStatus.ACTIVE,
      roles: (roles ?? []).filter((r) => rolesAllowedIn(organization).includes(r)) as UserRole[],
      lastLoginAt: now,
    });
    await manager.save(User, user);
    await manager.save(
      ExternalIdentity,
      manager.create(ExternalIdentity, {
        userId: user.id,
        connectionId: connection.id,
        nameId: subject.nameId,
        nameIdFormat: subject.nameIdFormat,
      }),
    );
    return { user, created: true, rolesChanged: (roles ?? []).length > 0 };
  }

  /** Host roles from groups, for the host organisation's connections with a group mapping; null when roles are not the IdP's to decide. */
  private mappedRoles(connection: IdpConnection, organization: Organization, groups: string[]): string[] | null {
    const mapping = connection.attributeMapping?.groupRoles;
    if (organization.kind !== OrganizationKind.HOST || !mapping || Object.keys(mapping).length === 0) return null;
    const roles = new Set<string>();
    for (const group of groups) {
      const role = mapping[group];
      if (role && HOST_MAPPABLE_ROLES.includes(role)) roles.add(role);
    }
    return [...roles].sort();
  }

  private displayNameOf(profile: MappedProfile): string | null {
    if (profile.displayName) return profile.displayName;
    const full = [profile.givenName, profile.surname].filter(Boolean).join(' ').trim();
    return full || null;
  }
}
