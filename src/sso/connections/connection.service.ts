import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AbilityFactory } from '../../access/ability.factory';
import { AccessService } from '../../access/access.service';
import { DenialService } from '../../access/denial.service';
import { Principal } from '../../auth/principal';
import { AppAbility, idpConnectionSubject } from '../../access/subjects';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { ConnectionStatus, OrganizationKind, SsoBinding, UserRole } from '../../common/domain.enums';
import { isUuid } from '../../common/ids';
import { AppConfig } from '../../config/app-config';
import { Organization } from '../../database/entities/organization.entity';
import { AttributeMapping, IdpConnection, MappedAttribute } from '../../database/entities/idp-connection.entity';
import { encryptSecret } from '../../common/secrets';
import { SpEndpoints, spEndpoints } from '../saml/saml-urls';
import { ConnectionErrorCode, ConnectionException } from './connection.exception';
import { ConnectionRepository } from './connection.repository';
import {
  checkCertificate,
  checkUrl,
  fingerprintOf,
  IdpMetadata,
  parseIdpMetadata,
  SkippedCertificate,
} from './idp-metadata.parser';
import { MetadataFetcher, MetadataFetchException } from './metadata-fetcher';
import { SpKeyService } from './sp-key.service';

/**
 * Who manages a connection: a signed-in principal (with the request's ability when there is
 * one), or the command line (trusted operator).
 */
export type ConnectionActor =
  { kind: 'principal'; principal: Principal; ability?: AppAbility; requestId?: string } | { kind: 'cli' };

export interface ConnectionFields {
  name?: string | null;
  /** IdP metadata XML; its fields win over the individual ones below. */
  metadataXml?: string | null;
  /** Fetched now and refreshed on a schedule. */
  metadataUrl?: string | null;
  idpEntityId?: string | null;
  ssoUrl?: string | null;
  ssoBinding?: SsoBinding | null;
  sloUrl?: string | null;
  signingCertificates?: string[] | null;
  attributeMapping?: AttributeMapping | null;
  allowedDomains?: string[] | null;
  allowIdpInitiated?: boolean | null;
  wantAssertionsSigned?: boolean | null;
  wantResponseSigned?: boolean | null;
  status?: ConnectionStatus | null;
}

export interface CreateConnectionFields extends ConnectionFields {
  organizationId: string;
}

const MAPPED: readonly MappedAttribute[] = ['email', 'givenName', 'surname', 'displayName', 'groups'];

/**
 * IdP connections: created and updated from metadata XML, a metadata URL or fields, every
 * change validated and audited. Who may read or change which connection is the caller's
 * ability (AbilityFactory: HOST_ADMIN all, SECURITY_REVIEWER reads, PARTNER_ADMIN its own
 * organisation's without host-role mappings); the CLI acts as a trusted operator. A target
 * the caller cannot see is NOT_FOUND, exactly like a missing one; one they see but may not
 * change is FORBIDDEN. Both are audited, and checked before any input is validated or fetched.
 */
@Injectable()
export class ConnectionService {
  private readonly logger = new Logger(ConnectionService.name);

  constructor(
    private readonly repository: ConnectionRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly abilities: AbilityFactory,
    private readonly access: AccessService,
    private readonly denials: DenialService,
    private readonly metadataFetcher: MetadataFetcher,
    private readonly spKeys: SpKeyService,
  ) {}

  endpoints(connection: IdpConnection): SpEndpoints {
    return spEndpoints(this.config, connection.id);
  }

  async list(actor: ConnectionActor, organizationId: string): Promise<IdpConnection[]> {
    const organization = await this.visibleOrganization(actor, organizationId);
    const qb = this.repository.connectionsOfQuery(organization.id);
    if (actor.kind === 'principal') {
      const ability = this.abilityOf(actor);
      // The organisation is visible: not being allowed its connections reveals nothing.
      if (!ability.can('read', idpConnectionSubject({ organizationId: organization.id }))) {
        throw await this.forbidden(actor, 'Organization', organization.id, 'connection.list', 'not_connection_reader');
      }
      this.access.restrict(qb, ability, 'IdpConnection');
    }
    return qb.orderBy('c.created_at', 'ASC').addOrderBy('c.id', 'ASC').getMany();
  }

  /** A connection the caller may read; NOT_FOUND for an invisible one as for a missing one. */
  async get(actor: ConnectionActor, id: string): Promise<IdpConnection> {
    const connection = await this.find(id);
    if (connection && (actor.kind === 'cli' || this.abilityOf(actor).can('read', idpConnectionSubject(connection))))
      return connection;
    throw await this.notFound(actor, 'IdpConnection', id);
  }

  async create(actor: ConnectionActor, input: CreateConnectionFields): Promise<IdpConnection> {
    const organization = await this.visibleOrganization(actor, input.organizationId);
    await this.authorizeChange(
      actor,
      'create',
      { organizationId: organization.id, attributeMapping: input.attributeMapping },
      'connection.create',
      'Organization',
      organization.id,
    );
    const resolved = await this.resolve(input, null, organization);
    const sp = await this.spKeys.newKeyPair(resolved.idpEntityId);
    return this.repository.transaction(async (manager) => {
      await this.refuseDuplicate(manager, organization.id, resolved.idpEntityId, null);
      const connection = manager.create(IdpConnection, {
        ...resolved,
        organizationId: organization.id,
        metadataRefreshedAt: resolved.metadataUrl ? this.clock.now() : null,
        metadataRefreshError: null,
        spCertificate: sp.cert,
        spPrivateKey: encryptSecret(this.config.secretKey, sp.key),
        demoIdpPrivateKey: null,
      });
      await manager.save(connection);
      connection.skippedCertificates = resolved.skippedCertificates;
      await this.audit.record(
        this.event(actor, 'connection.create', connection, {
          idpEntityId: connection.idpEntityId,
          source: input.metadataXml ? 'metadata' : input.metadataUrl ? 'metadata_url' : 'fields',
          ...skippedDetails(resolved.skippedCertificates),
        }),
        manager,
      );
      return connection;
    });
  }

  async update(actor: ConnectionActor, id: string, input: ConnectionFields): Promise<IdpConnection> {
    const existing = await this.changeable(actor, id, 'connection.update');
    // The connection as it would be: a mapping to a host role needs a host administrator.
    await this.authorizeChange(
      actor,
      'update',
      { ...existing, attributeMapping: input.attributeMapping ?? existing.attributeMapping },
      'connection.update',
      'IdpConnection',
      existing.id,
    );
    const organization = (await this.organization(existing.organizationId))!;
    const resolved = await this.resolve(input, existing, organization);
    return this.repository.transaction(async (manager) => {
      await this.refuseDuplicate(manager, organization.id, resolved.idpEntityId, existing.id);
      const changed = Object.keys(resolved).filter(
        (k) =>
          k !== 'skippedCertificates' &&
          JSON.stringify((existing as never)[k]) !== JSON.stringify((resolved as never)[k]),
      );
      Object.assign(existing, resolved);
      if (input.metadataUrl || input.metadataXml) existing.metadataRefreshedAt = this.clock.now();
      await manager.save(existing);
      await this.audit.record(
        this.event(actor, 'connection.update', existing, { changed, ...skippedDetails(resolved.skippedCertificates) }),
        manager,
      );
      return existing;
    });
  }

  /** Adds a certificate beside the current ones: both are accepted until the old one is removed. */
  async addSigningCertificate(actor: ConnectionActor, id: string, pem: string): Promise<IdpConnection> {
    const connection = await this.changeable(actor, id, 'connection.certificate.add');
    const certificate = checkCertificate(pem, this.clock.now());
    const fingerprint = fingerprintOf(certificate);
    // Already pinned: nothing changes, but the request is still recorded.
    if (connection.signingCertificates.some((c) => fingerprintOf(c) === fingerprint))
      return this.saveAudited(actor, connection, 'connection.certificate.add', { fingerprint, unchanged: true });
    connection.signingCertificates = [...connection.signingCertificates, certificate];
    return this.saveAudited(actor, connection, 'connection.certificate.add', { fingerprint });
  }

  /** Removes a certificate by its SHA-256 fingerprint or PEM; the last one is never removed. */
  async removeSigningCertificate(
    actor: ConnectionActor,
    id: string,
    certificateOrFingerprint: string,
  ): Promise<IdpConnection> {
    const connection = await this.changeable(actor, id, 'connection.certificate.remove');
    const wanted =
      certificateOrFingerprint.includes('CERTIFICATE') || certificateOrFingerprint.length > 200
        ? fingerprintOf(certificateOrFingerprint)
        : certificateOrFingerprint.trim().toUpperCase();
    const remaining = connection.signingCertificates.filter((c) => fingerprintOf(c) !== wanted);
    if (remaining.length === connection.signingCertificates.length)
      throw ConnectionException.invalid('No such signing certificate on this connection.', { fingerprint: wanted });
    if (remaining.length === 0)
      throw new ConnectionException(
        ConnectionErrorCode.LAST_CERTIFICATE,
        'The last signing certificate cannot be removed: add its successor first.',
      );
    connection.signingCertificates = remaining;
    return this.saveAudited(actor, connection, 'connection.certificate.remove', { fingerprint: wanted });
  }

  async setStatus(actor: ConnectionActor, id: string, status: ConnectionStatus): Promise<IdpConnection> {
    const connection = await this.changeable(actor, id, 'connection.status');
    if (!Object.values(ConnectionStatus).includes(status))
      throw ConnectionException.invalid('status must be ACTIVE or DISABLED.');
    connection.status = status;
    return this.saveAudited(actor, connection, 'connection.status', { status });
  }

  /** Re-reads a connection's metadata URL; a failure is recorded on the connection and audited, never thrown. */
  async refreshMetadata(id: string): Promise<IdpConnection | null> {
    const connection = await this.find(id);
    if (!connection?.metadataUrl) return connection;
    try {
      const xml = await this.metadataFetcher.fetch(connection.metadataUrl, {
        purpose: 'refresh',
        organizationId: connection.organizationId,
        connectionId: connection.id,
      });
      const parsed = parseIdpMetadata(xml, this.clock.now());
      if (parsed.entityId !== connection.idpEntityId)
        throw ConnectionException.invalid(`The metadata now names another entityID (${parsed.entityId}).`);
      const changed =
        JSON.stringify(parsed.signingCertificates) !== JSON.stringify(connection.signingCertificates) ||
        parsed.ssoUrl !== connection.ssoUrl ||
        parsed.sloUrl !== connection.sloUrl;
      Object.assign(connection, {
        ssoUrl: parsed.ssoUrl,
        ssoBinding: parsed.ssoBinding,
        sloUrl: parsed.sloUrl,
        signingCertificates: parsed.signingCertificates,
        metadataXml: xml,
        metadataRefreshedAt: this.clock.now(),
        metadataRefreshError: null,
      });
      await this.repository.transaction(async (manager) => {
        await manager.save(connection);
        await this.audit.record(
          {
            action: 'connection.metadata.refresh',
            outcome: 'SUCCESS',
            subjectType: 'IdpConnection',
            subjectId: connection.id,
            actorOrganizationId: null,
            details: { changed, ...skippedDetails(parsed.skippedCertificates) },
          },
          manager,
        );
      });
      for (const skipped of parsed.skippedCertificates)
        this.logger.warn(`metadata refresh of connection ${connection.id}: ${skipped.warning}`);
    } catch (error) {
      const message = (error as Error).message.slice(0, 500);
      await this.repository.recordRefreshError(connection.id, message);
      await this.audit.recordQuietly({
        action: 'connection.metadata.refresh',
        outcome: 'FAILURE',
        subjectType: 'IdpConnection',
        subjectId: connection.id,
        reason:
          error instanceof MetadataFetchException
            ? error.reason
            : error instanceof ConnectionException
              ? error.code.toLowerCase()
              : 'metadata_fetch_failed',
        details: { message },
      });
      this.logger.warn(`metadata refresh failed for connection ${connection.id}: ${message}`);
    }
    return this.find(id);
  }

  async connectionsWithMetadataUrl(): Promise<string[]> {
    return this.repository.idsWithMetadataUrl();
  }

  /** Merges input over an existing connection (or defaults) and validates the result. */
  private async resolve(
    input: ConnectionFields,
    existing: IdpConnection | null,
    organization: Organization,
  ): Promise<
    Omit<
      IdpConnection,
      | 'id'
      | 'organizationId'
      | 'organization'
      | 'createdAt'
      | 'updatedAt'
      | 'metadataRefreshedAt'
      | 'metadataRefreshError'
      | 'spCertificate'
      | 'spPrivateKey'
      | 'demoIdpPrivateKey'
    >
  > {
    const now = this.clock.now();
    let metadata: IdpMetadata | null = null;
    let metadataXml = existing?.metadataXml ?? null;
    const metadataUrl =
      input.metadataUrl === undefined
        ? (existing?.metadataUrl ?? null)
        : input.metadataUrl
          ? checkUrl(input.metadataUrl, 'metadata URL')
          : null;
    if (input.metadataXml) {
      metadataXml = input.metadataXml;
      metadata = parseIdpMetadata(input.metadataXml, now);
    } else if (input.metadataUrl) {
      metadataXml = await this.metadataFetcher.fetch(input.metadataUrl, {
        purpose: 'import',
        organizationId: organization.id,
        connectionId: existing?.id ?? null,
      });
      metadata = parseIdpMetadata(metadataXml, now);
    }
    for (const skipped of metadata?.skippedCertificates ?? [])
      this.logger.warn(`metadata import for organisation ${organization.id}: ${skipped.warning}`);
    const pick = <T>(
      fromMetadata: T | undefined,
      given: T | null | undefined,
      current: T | undefined,
      fallback?: T,
    ): T | undefined =>
      fromMetadata !== undefined
        ? fromMetadata
        : given !== undefined && given !== null
          ? given
          : current !== undefined
            ? current
            : fallback;

    const idpEntityId = pick(metadata?.entityId, input.idpEntityId?.trim(), existing?.idpEntityId);
    if (!idpEntityId) throw ConnectionException.invalid('idpEntityId is required (or give the IdP metadata).');
    const ssoUrlRaw = pick(metadata?.ssoUrl, input.ssoUrl, existing?.ssoUrl);
    const ssoUrl = checkUrl(ssoUrlRaw, 'ssoUrl');
    if (this.config.isProduction && !ssoUrl.startsWith('https:'))
      throw ConnectionException.invalid('ssoUrl must use https.');
    const ssoBinding = pick(metadata?.ssoBinding, input.ssoBinding, existing?.ssoBinding, SsoBinding.REDIRECT)!;
    if (!Object.values(SsoBinding).includes(ssoBinding))
      throw new ConnectionException(
        ConnectionErrorCode.METADATA_UNKNOWN_BINDING,
        'ssoBinding must be REDIRECT or POST.',
      );
    const sloRaw = metadata ? metadata.sloUrl : input.sloUrl !== undefined ? input.sloUrl : (existing?.sloUrl ?? null);
    const sloUrl = sloRaw ? checkUrl(sloRaw, 'sloUrl') : null;
    const certificates =
      metadata?.signingCertificates ??
      (input.signingCertificates
        ? input.signingCertificates.map((c) => checkCertificate(c, now))
        : existing?.signingCertificates);
    if (!certificates || certificates.length === 0)
      throw new ConnectionException(
        ConnectionErrorCode.METADATA_NO_SIGNING_CERTIFICATE,
        'At least one IdP signing certificate is required.',
      );

    const allowedDomains = (input.allowedDomains ?? existing?.allowedDomains ?? organization.domains).map((d) =>
      d.trim().toLowerCase(),
    );
    const unverified = allowedDomains.filter((d) => !organization.domains.includes(d));
    if (unverified.length > 0)
      throw new ConnectionException(
        ConnectionErrorCode.DOMAIN_NOT_VERIFIED,
        `Not a verified domain of ${organization.name}: ${unverified.join(', ')}.`,
      );
    if (allowedDomains.length === 0)
      throw ConnectionException.invalid('allowedDomains must name at least one of the organisation’s domains.');
    const attributeMapping = this.checkMapping(
      input.attributeMapping ?? existing?.attributeMapping ?? {},
      organization,
    );
    const wantAssertionsSigned = pick(undefined, input.wantAssertionsSigned, existing?.wantAssertionsSigned, true)!;
    const wantResponseSigned = pick(undefined, input.wantResponseSigned, existing?.wantResponseSigned, false)!;
    const name = (input.name ?? existing?.name ?? `${organization.name} (${new URL(ssoUrl).host})`).trim();
    if (!name) throw ConnectionException.invalid('name must not be empty.');
    return {
      name,
      idpEntityId,
      ssoUrl,
      ssoBinding,
      sloUrl,
      signingCertificates: certificates,
      metadataUrl,
      metadataXml,
      attributeMapping,
      allowedDomains: [...new Set(allowedDomains)],
      allowIdpInitiated: pick(undefined, input.allowIdpInitiated, existing?.allowIdpInitiated, false)!,
      wantAssertionsSigned,
      wantResponseSigned,
      status: pick(undefined, input.status, existing?.status, ConnectionStatus.ACTIVE)!,
      skippedCertificates: metadata?.skippedCertificates ?? [],
    };
  }

  private checkMapping(mapping: AttributeMapping, organization: Organization): AttributeMapping {
    const out: AttributeMapping = {};
    for (const key of MAPPED) {
      const names = mapping[key];
      if (names === undefined) continue;
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n.trim() === ''))
        throw ConnectionException.invalid(`attributeMapping.${key} must be a list of attribute names.`);
      out[key] = names.map((n) => n.trim());
    }
    if (mapping.required) {
      const bad = mapping.required.filter((r) => !MAPPED.includes(r));
      if (bad.length)
        throw ConnectionException.invalid(`attributeMapping.required: unknown attribute ${bad.join(', ')}.`);
      out.required = [...new Set(mapping.required)];
    }
    if (mapping.groupRoles) {
      for (const role of Object.values(mapping.groupRoles)) {
        if (role !== UserRole.HOST_ADMIN && role !== UserRole.SECURITY_REVIEWER)
          throw ConnectionException.invalid(
            `attributeMapping.groupRoles may map groups to HOST_ADMIN or SECURITY_REVIEWER only (got ${role}).`,
          );
      }
      if (Object.keys(mapping.groupRoles).length > 0 && organization.kind !== OrganizationKind.HOST) {
        throw ConnectionException.invalid(
          'attributeMapping.groupRoles: host roles are granted through the host organisation’s connections only.',
        );
      }
      out.groupRoles = { ...mapping.groupRoles };
    }
    return out;
  }

  private abilityOf(actor: { principal: Principal; ability?: AppAbility }): AppAbility {
    return actor.ability ?? this.abilities.createFor(actor.principal);
  }

  /** The organisation if the caller sees it (DESIGN.md section 2); NOT_FOUND for an invisible one as for a missing one. */
  private async visibleOrganization(actor: ConnectionActor, id: string): Promise<Organization> {
    if (isUuid(id)) {
      const qb = this.repository.organizationQuery(id);
      const organization = await (
        actor.kind === 'principal' ? this.access.restrict(qb, this.abilityOf(actor), 'Organization') : qb
      ).getOne();
      if (organization) return organization;
    }
    throw await this.notFound(actor, 'Organization', id);
  }

  /** A connection the caller may read and change; FORBIDDEN when they may only read it. */
  private async changeable(actor: ConnectionActor, id: string, attempted: string): Promise<IdpConnection> {
    const connection = await this.get(actor, id);
    await this.authorizeChange(actor, 'update', connection, attempted, 'IdpConnection', connection.id);
    return connection;
  }

  /** Whether the caller may create or change a connection like this one (its organisation, its mapping). */
  private async authorizeChange(
    actor: ConnectionActor,
    action: 'create' | 'update',
    connection: { organizationId: string; attributeMapping?: AttributeMapping | null },
    attempted: string,
    subjectType: string,
    subjectId: string,
  ): Promise<void> {
    if (actor.kind === 'cli') return;
    const ability = this.abilityOf(actor);
    if (!ability.can(action, idpConnectionSubject({ organizationId: connection.organizationId }))) {
      throw await this.forbidden(actor, subjectType, subjectId, attempted, 'not_connection_admin');
    }
    if (!ability.can(action, idpConnectionSubject(connection))) {
      throw await this.forbidden(actor, subjectType, subjectId, attempted, 'host_role_mapping_needs_host_admin');
    }
  }

  private async notFound(actor: ConnectionActor, subjectType: string, subjectId: string): Promise<Error> {
    if (actor.kind === 'cli') return ConnectionException.notFound();
    return this.denials.notFound(actor.principal, subjectType, subjectId, actor.requestId);
  }

  private async forbidden(
    actor: { principal: Principal; requestId?: string },
    subjectType: string,
    subjectId: string,
    attempted: string,
    reason: string,
  ): Promise<ConnectionException> {
    const p = actor.principal;
    await this.audit.recordQuietly({
      action: 'authz.denied',
      outcome: 'DENIED',
      actorId: p.userId,
      actorOrganizationId: p.organizationId,
      subjectType,
      subjectId,
      reason,
      details: { attempted },
      requestId: actor.requestId ?? null,
    });
    return reason === 'host_role_mapping_needs_host_admin'
      ? new ConnectionException(
          ConnectionErrorCode.FORBIDDEN,
          'Only a host administrator maps IdP groups to host roles.',
        )
      : new ConnectionException(
          ConnectionErrorCode.FORBIDDEN,
          'Only a host administrator, or an administrator of this organisation, manages its identity providers.',
        );
  }

  private find(id: string): Promise<IdpConnection | null> {
    return this.repository.connection(id);
  }

  private organization(id: string): Promise<Organization | null> {
    return this.repository.organization(id);
  }

  private async refuseDuplicate(
    manager: EntityManager,
    organizationId: string,
    idpEntityId: string,
    exceptId: string | null,
  ): Promise<void> {
    const same = await this.repository.sameEntityId(manager, organizationId, idpEntityId);
    if (same && same.id !== exceptId)
      throw new ConnectionException(
        ConnectionErrorCode.DUPLICATE_ENTITY_ID,
        'This organisation already has a connection to that IdP entityID.',
        { connectionId: same.id },
      );
  }

  private async saveAudited(
    actor: ConnectionActor,
    connection: IdpConnection,
    action: string,
    details: Record<string, unknown>,
  ): Promise<IdpConnection> {
    return this.repository.transaction(async (manager) => {
      await manager.save(connection);
      await this.audit.record(this.event(actor, action, connection, details), manager);
      return connection;
    });
  }

  private event(actor: ConnectionActor, action: string, connection: IdpConnection, details: Record<string, unknown>) {
    return {
      action,
      outcome: 'SUCCESS' as const,
      actorId: actor.kind === 'principal' ? actor.principal.userId : null,
      actorOrganizationId: actor.kind === 'principal' ? actor.principal.organizationId : null,
      subjectType: 'IdpConnection',
      subjectId: connection.id,
      requestId: actor.kind === 'principal' ? (actor.requestId ?? null) : null,
      details: { ...details, organizationId: connection.organizationId, via: actor.kind },
    };
  }
}

/** Audit details for expired certificates a metadata read skipped (none: nothing added). */
function skippedDetails(skipped: SkippedCertificate[] | undefined): {
  skippedCertificates?: Omit<SkippedCertificate, 'warning'>[];
} {
  if (!skipped?.length) return {};
  return {
    skippedCertificates: skipped.map(({ fingerprint, subject, notAfter, reason }) => ({
      fingerprint,
      subject,
      notAfter,
      reason,
    })),
  };
}
