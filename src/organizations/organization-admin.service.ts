import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessService } from '../access/access.service';
import { asSubject } from '../access/subjects';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { Clock } from '../common/clock';
import { MAX_LEVEL, OrganizationKind, OrganizationStatus, UserStatus } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Organization } from '../database/entities/organization.entity';
import { User } from '../database/entities/user.entity';
import {
  ReevaluatedMembership,
  recordReevaluation,
  reevaluateMemberships,
} from '../memberships/membership-reevaluation';
import { NotificationsService } from '../notifications/notifications.service';
import { CreateOrganizationInput } from './dto/create-organization.input';
import { UpdateOrganizationInput } from './dto/update-organization.input';

export const ORGANIZATION_NAME_MAX = 200;
export const DEFAULT_PARTNER_CLEARANCE_CAP = 1;
/** Serialises the domain checks of concurrent creations and changes (no two owners of a domain). */
const DOMAINS_LOCK = 'passerelle:organizations.domains';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A verified email domain as stored: trimmed, lower-case, a DNS name of two labels or more
 * (letters, digits, inner hyphens, 63 characters a label, 253 in all), not an IP address;
 * null when it is not one.
 */
export function normalizeDomain(raw: string): string | null {
  const domain = raw.trim().toLowerCase();
  if (domain.length === 0 || domain.length > 253) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return null;
  return domain;
}

/**
 * Partner and client organisations (issue 8, item 7): HOST_ADMIN creates them and changes
 * their name, domains, clearance cap and sponsor. Not the kill switch (suspend/reactivate).
 * A cap change re-evaluates the memberships of the organisation's people in the same
 * transaction, and tells the people whose grants it suspended or restored.
 */
@Injectable()
export class OrganizationAdminService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly access: AccessService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  create(actor: WriteActor, input: CreateOrganizationInput): Promise<Organization> {
    return this.runner.run(actor, 'organization.create', { type: 'Organization' }, async (tx) => {
      const sponsor = input.sponsorId ? await this.visibleUser(tx, actor, input.sponsorId) : null;
      if (!actor.ability.can('create', 'Organization')) {
        throw new WriteException(WriteErrorCode.ROLE_REQUIRED, 'Only HOST_ADMIN creates organisations');
      }
      const name = organizationName(input.name);
      if (input.kind === OrganizationKind.HOST) {
        throw new WriteException(
          WriteErrorCode.INVALID_INPUT,
          'There is exactly one HOST organisation: a new one is PARTNER or CLIENT',
          { field: 'kind', value: input.kind },
        );
      }
      const domains = domainList(input.domains);
      const clearanceCap = cap(input.clearanceCap ?? DEFAULT_PARTNER_CLEARANCE_CAP);
      if (sponsor) validSponsor(sponsor, await this.hostId(tx.manager));
      await this.domainsFree(tx.manager, domains, null);
      const organization = await tx.manager.save(
        tx.manager.create(Organization, {
          name,
          kind: input.kind,
          domains,
          clearanceCap,
          status: OrganizationStatus.ACTIVE,
          sponsorId: sponsor?.id ?? null,
        }),
      );
      tx.audit({
        subjectType: 'Organization',
        subjectId: organization.id,
        details: { name, kind: input.kind, domains, clearanceCap, sponsorId: organization.sponsorId },
      });
      return organization;
    });
  }

  update(actor: WriteActor, id: string, input: UpdateOrganizationInput): Promise<Organization> {
    return this.runner.run(actor, 'organization.update', { type: 'Organization', id }, async (tx) => {
      const organization = await this.lockVisible(tx, actor, id);
      const sponsor = input.sponsorId ? await this.visibleUser(tx, actor, input.sponsorId) : null;
      const facts = {
        id: organization.id,
        kind: organization.kind,
        sponsorIds: await this.sponsorIds(tx, organization),
      };
      if (!actor.ability.can('update', asSubject('Organization', facts))) {
        throw new WriteException(WriteErrorCode.ROLE_REQUIRED, 'Only HOST_ADMIN changes an organisation', {
          subjectType: 'Organization',
          subjectId: organization.id,
        });
      }
      const host = organization.kind === OrganizationKind.HOST;
      const changes: Partial<Organization> = {};
      if (input.name !== undefined && input.name !== null) changes.name = organizationName(input.name);
      if (input.domains !== undefined && input.domains !== null) changes.domains = domainList(input.domains);
      if (input.clearanceCap !== undefined && input.clearanceCap !== null) {
        changes.clearanceCap = cap(input.clearanceCap);
        if (host && changes.clearanceCap !== organization.clearanceCap) {
          throw new WriteException(
            WriteErrorCode.HOST_ORGANIZATION,
            "The host's clearance cap is not changed here: it caps every internal grant",
            { subjectType: 'Organization', subjectId: organization.id },
          );
        }
      }
      if (input.sponsorId !== undefined) {
        if (host && input.sponsorId !== null) {
          throw new WriteException(WriteErrorCode.HOST_ORGANIZATION, 'The host organisation has no sponsor', {
            subjectType: 'Organization',
            subjectId: organization.id,
          });
        }
        if (sponsor) validSponsor(sponsor, await this.hostId(tx.manager));
        changes.sponsorId = sponsor?.id ?? null;
      }
      if (Object.keys(changes).length === 0) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Nothing to change: give at least one field');
      }
      const domains = changes.domains;
      if (domains) {
        await this.domainsFree(tx.manager, domains, organization.id);
        const removed = organization.domains.filter((d) => !domains.includes(d));
        await this.noConnectionAsserts(tx.manager, organization.id, removed);
      }

      const changed = Object.fromEntries(
        (Object.keys(changes) as (keyof Organization)[])
          .filter((k) => JSON.stringify(changes[k]) !== JSON.stringify(organization[k]))
          .map((k) => [k, { from: organization[k], to: changes[k] }]),
      );
      const capBefore = organization.clearanceCap;
      Object.assign(organization, changes);
      const saved = await tx.manager.save(organization);

      let suspended: ReevaluatedMembership[] = [];
      let restored: ReevaluatedMembership[] = [];
      if (saved.clearanceCap !== capBefore) {
        const reason = saved.clearanceCap < capBefore ? 'organization.cap_lowered' : 'organization.cap_raised';
        ({ suspended, restored } = await reevaluateMemberships(
          tx.manager,
          { organizationId: saved.id },
          this.clock.now(),
          reason,
        ));
        await recordReevaluation(tx, this.notifications, { suspended, restored }, { clearanceCap: saved.clearanceCap });
      }
      tx.audit({
        subjectType: 'Organization',
        subjectId: saved.id,
        details: {
          changed,
          suspendedMembershipIds: suspended.map((m) => m.id),
          restoredMembershipIds: restored.map((m) => m.id),
        },
      });
      return saved;
    });
  }

  /** The organisation if the caller sees it, locked for the transaction; NOT_FOUND otherwise. */
  private async lockVisible(tx: WriteTx, { ability }: WriteActor, rawId: string): Promise<Organization> {
    const id = parseId(rawId);
    const visible =
      id &&
      (await this.access
        .restrict(
          tx.manager.createQueryBuilder(Organization, 'o').select('o.id').where('o.id = :id', { id }),
          ability,
          'Organization',
        )
        .getOne());
    if (!id || !visible) throw WriteException.notFound('Organization', rawId);
    const locked = await tx.manager
      .createQueryBuilder(Organization, 'o')
      .where('o.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    if (!locked) throw WriteException.notFound('Organization', rawId);
    return locked;
  }

  /** A user named in the input (a sponsor), if the caller sees them; NOT_FOUND otherwise. */
  private async visibleUser(tx: WriteTx, { ability }: WriteActor, rawId: string): Promise<User> {
    const id = parseId(rawId);
    const user =
      id &&
      (await this.access
        .restrict(tx.manager.createQueryBuilder(User, 'u').where('u.id = :id', { id }), ability, 'User')
        .getOne());
    if (!id || !user) throw WriteException.notFound('User', rawId);
    return user;
  }

  private async hostId(manager: EntityManager): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(`SELECT id FROM organizations WHERE kind = 'HOST'`);
    return rows[0]?.id ?? null;
  }

  /** Users sponsoring a grant of the organisation's people (the kill switch rule's fact). */
  private async sponsorIds(tx: WriteTx, organization: Organization): Promise<string[]> {
    const rows: { id: string }[] = await tx.manager.query(
      `SELECT DISTINCT m.sponsor_id AS id FROM memberships m
        WHERE m.user_organization_id = $1 AND m.sponsor_id IS NOT NULL`,
      [organization.id],
    );
    return rows.map((r) => r.id);
  }

  /** No other organisation holds any of these domains (checked under a lock held to commit). */
  private async domainsFree(manager: EntityManager, domains: string[], self: string | null): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [DOMAINS_LOCK]);
    const rows: { id: string; domains: string[] }[] = await manager.query(
      `SELECT id, domains FROM organizations WHERE domains && $1::text[] AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [domains, self],
    );
    if (rows.length) {
      const taken = domains.filter((d) => rows.some((r) => r.domains.includes(d)));
      throw new WriteException(
        WriteErrorCode.DOMAIN_TAKEN,
        `Already verified by another organisation: ${taken.join(', ')}`,
        { domains: taken },
      );
    }
  }

  /** An IdP connection may assert only its organisation's domains: none of them may go while asserted. */
  private async noConnectionAsserts(manager: EntityManager, organizationId: string, removed: string[]): Promise<void> {
    if (removed.length === 0) return;
    const rows: { id: string; name: string; allowed_domains: string[] }[] = await manager.query(
      `SELECT id, name, allowed_domains FROM idp_connections
        WHERE organization_id = $1 AND allowed_domains && $2::text[] ORDER BY name, id FOR SHARE`,
      [organizationId, removed],
    );
    if (rows.length) {
      const asserted = removed.filter((d) => rows.some((r) => r.allowed_domains.includes(d)));
      throw new WriteException(
        WriteErrorCode.INVALID_INPUT,
        `Cannot remove ${asserted.join(', ')}: still asserted by the IdP connection(s) ${rows
          .map((r) => `"${r.name}"`)
          .join(', ')}; remove it from their allowed domains first`,
        { field: 'domains', domains: asserted, connectionIds: rows.map((r) => r.id) },
      );
    }
  }
}

function validSponsor(user: User, hostId: string | null): void {
  if (user.organizationId !== hostId || user.status !== UserStatus.ACTIVE) {
    throw new WriteException(WriteErrorCode.SPONSOR_INVALID, 'A sponsor is an active user of the host organisation', {
      field: 'sponsorId',
      sponsorId: user.id,
    });
  }
}

function organizationName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > ORGANIZATION_NAME_MAX) {
    throw new WriteException(
      WriteErrorCode.INVALID_INPUT,
      `An organisation's name has 1 to ${ORGANIZATION_NAME_MAX} characters`,
      { field: 'name' },
    );
  }
  return name;
}

function domainList(raw: string[]): string[] {
  const domains: string[] = [];
  for (const value of raw) {
    const domain = normalizeDomain(value);
    if (!domain) {
      throw new WriteException(WriteErrorCode.DOMAIN_INVALID, `"${value.slice(0, 100)}" is not a domain name`, {
        field: 'domains',
        value: value.slice(0, 100),
      });
    }
    if (!domains.includes(domain)) domains.push(domain);
  }
  if (domains.length === 0) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, 'An organisation has at least one email domain', {
      field: 'domains',
    });
  }
  return domains;
}

function cap(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_LEVEL) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `A clearance cap is a level from 0 to ${MAX_LEVEL}`, {
      field: 'clearanceCap',
      value,
    });
  }
  return value;
}
