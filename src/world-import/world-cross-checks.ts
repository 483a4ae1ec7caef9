import { OrganizationKind } from '../common/domain.enums';
import { Problems, RecordReader, show } from './world-records';
import { ValidOrganization } from './world.types';

/**
 * The rules that span records: ids unique across the world, one HOST, a domain and an email
 * claimed once, one membership per user and space, an email within its organisation's domains.
 * Section validators call them as they read, so problems keep the order of the file.
 */
export class CrossChecks {
  /** Ids are unique across the whole world: `node(id)` resolves any type. */
  private readonly idOwners = new Map<string, string>();
  private readonly domainOwners = new Map<string, ValidOrganization>();
  private readonly emailOwners = new Map<string, string>();
  private readonly membershipOwners = new Map<string, string>();
  /** Emails outside their organisation's domains: accepted, told after the other warnings. */
  readonly emailWarnings: string[] = [];

  constructor(private readonly problems: Problems) {}

  claimId(id: string, path: string): void {
    const other = this.idOwners.get(id);
    if (other) this.problems.add(`${path}: id "${id}" is already used by ${other}`);
    else this.idOwners.set(id, path);
  }

  singleHost(organizations: readonly ValidOrganization[]): void {
    const hosts = organizations.filter((o) => o.kind === OrganizationKind.HOST);
    if (hosts.length > 1) {
      this.problems.add(
        `organizations: there is exactly one HOST organisation, the file has ${hosts.length} (${hosts.map((h) => show(h.key)).join(', ')})`,
      );
    }
  }

  domainsClaimedOnce(organizations: readonly ValidOrganization[]): void {
    for (const org of organizations) {
      for (const d of org.domains) {
        const owner = this.domainOwners.get(d);
        if (owner) this.problems.add(`${org.path}: domain "${d}" is already claimed by ${owner.path}`);
        else this.domainOwners.set(d, org);
      }
    }
  }

  claimEmail(r: RecordReader, email: string): void {
    const other = this.emailOwners.get(email);
    if (other) r.problem(`email ${show(email)} is already used by ${other}`);
    else this.emailOwners.set(email, r.path);
  }

  emailInDomains(r: RecordReader, org: ValidOrganization, emailDomain: string): void {
    if (!org.domains.includes(emailDomain)) {
      this.emailWarnings.push(
        `${r.path}: email domain "${emailDomain}" is not one of the domains of organization ${show(org.key)} (${org.domains.join(', ') || 'none'})`,
      );
    }
  }

  /** One membership per user and space; `pair` is `userId/spaceId`. */
  claimMembership(r: RecordReader, pair: string, userKey: string, spaceKey: string): void {
    const other = this.membershipOwners.get(pair);
    if (other) r.problem(`${show(userKey)} is already a member of ${show(spaceKey)} in ${other}`);
    this.membershipOwners.set(pair, r.path);
  }
}
