import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generate } from 'selfsigned';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, hasRole } from '../../access/principal';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { ConnectionStatus, SsoBinding, UserRole } from '../../common/domain.enums';
import { AppConfig } from '../../config/app-config';
import { Organization } from '../../organizations/organization.entity';
import { AttributeMapping, IdpConnection, MappedAttribute } from '../idp-connection.entity';
import { encryptSecret } from '../secrets';
import { SpEndpoints, spEndpoints } from '../saml/saml-urls';
import { ConnectionErrorCode, ConnectionException } from './connection.exception';
import { checkCertificate, checkUrl, fingerprintOf, IdpMetadata, parseIdpMetadata, SkippedCertificate } from './idp-metadata.parser';
import { MetadataFetcher, MetadataFetchException } from './metadata-fetcher';

/** Who manages a connection: a signed-in principal, or the command line (trusted operator). */
export type ConnectionActor = { kind: 'principal'; principal: Principal } | { kind: 'cli' };

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
 * change validated and audited. HOST_ADMIN manages any organisation's, PARTNER_ADMIN its
 * own organisation's; the CLI acts as a trusted operator.
 */
@Injectable()
export class ConnectionService {
  private readonly logger = new Logger(ConnectionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly metadataFetcher: MetadataFetcher,
  ) {}

  endpoints(connection: IdpConnection): SpEndpoints {
    return spEndpoints(this.config, connection.id);
  }

  async list(actor: ConnectionActor, organizationId: string): Promise<IdpConnection[]> {
    await this.authorize(actor, organizationId, 'connection.list');
    return this.dataSource.getRepository(IdpConnection).find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(actor: ConnectionActor, id: string): Promise<IdpConnection> {
    const connection = await this.find(id);
    await this.authorize(actor, connection?.organizationId ?? null, 'connection.read', id);
    return connection!;
  }

  async create(actor: ConnectionActor, input: CreateConnectionFields): Promise<IdpConnection> {
    const organization = await this.organization(input.organizationId);
    await this.authorize(actor, organization?.id ?? null, 'connection.create');
    const resolved = await this.resolve(input, null, organization!);
    const sp = await this.newSpKeyPair(resolved.idpEntityId);
    return this.dataSource.transaction(async (manager) => {
      await this.refuseDuplicate(manager, organization!.id, resolved.idpEntityId, null);
      const connection = manager.create(IdpConnection, {
        ...resolved,
        organizationId: organization!.id,
        metadataRefreshedAt: resolved.metadataUrl ? this.clock.now() : null,
        metadataRefreshError: null,
        spCertificate: sp.cert,
        spPrivateKey: encryptSecret(this.config.secretKey, sp.key),
        demoIdpPrivateKey: null,
      });
      await manager.save(connection);
      connection.skippedCertificates = resolved.skippedCertificates;
      await this.audit.record(this.event(actor, 'connection.create', connection, { idpEntityId: connection.idpEntityId, source: input.metadataXml ? 'metadata' : input.metadataUrl ? 'metadata_url' : 'fields', ...skippedDetails(resolved.skippedCertificates) }), manager);
      return connection;
    });
  }

  async update(actor: ConnectionActor, id: string, input: ConnectionFields): Promise<IdpConnection> {
    const existing = await this.get(actor, id);
    const organization = (await this.organization(existing.organizationId))!;
    const resolved = await this.resolve(input, existing, organization);
    return this.dataSource.transaction(async (manager) => {
      await this.refuseDuplicate(manager, organization.id, resolved.idpEntityId, existing.id);
      const changed = Object.keys(resolved).filter((k) => k !== 'skippedCertificates' && JSON.stringify((existing as never)[k]) !== JSON.stringify((resolved as never)[k]));
      Object.assign(existing, resolved);
      if (input.metadataUrl || input.metadataXml) existing.metadataRefreshedAt = this.clock.now();
      await manager.save(existing);
      await this.audit.record(this.event(actor, 'connection.update', existing, { changed, ...skippedDetails(resolved.skippedCertificates) }), manager);
      return existing;
    });
  }

  /** Adds a certificate beside the current ones: both are accepted until the old one is removed. */
  async addSigningCertificate(actor: ConnectionActor, id: string, pem: string): Promise<IdpConnection> {
    const connection = await this.get(actor, id);
    const certificate = checkCertificate(pem, this.clock.now());
    const fingerprint = fingerprintOf(certificate);
    if (connection.signingCertificates.some((c) => fingerprintOf(c) === fingerprint)) return connection;
    connection.signingCertificates = [...connection.signingCertificates, certificate];
    return this.saveAudited(actor, connection, 'connection.certificate.add', { fingerprint });
  }

  /** Removes a certificate by its SHA-256 fingerprint or PEM; the last one is never removed. */
  async removeSigningCertificate(actor: ConnectionActor, id: string, certificateOrFingerprint: string): Promise<IdpConnection> {
    const connection = await this.get(actor, id);
    const wanted = certificateOrFingerprint.includes('CERTIFICATE') || certificateOrFingerprint.length > 200 ? fingerprintOf(certificateOrFingerprint) : certificateOrFingerprint.trim().toUpperCase();
    const remaining = connection.signingCertificates.filter((c) => fingerprintOf(c) !== wanted);
    if (remaining.length === connection.signingCertificates.length) throw ConnectionException.invalid('No such signing certificate on this connection.', { fingerprint: wanted });
    if (remaining.length === 0) throw new ConnectionException(ConnectionErrorCode.LAST_CERTIFICATE, 'The last signing certificate cannot be removed: add its successor first.');
    connection.signingCertificates = remaining;
    return this.saveAudited(actor, connection, 'connection.certificate.remove', { fingerprint: wanted });
  }

  async setStatus(actor: ConnectionActor, id: string, status: ConnectionStatus): Promise<IdpConnection> {
    const connection = await this.get(actor, id);
    if (!Object.values(ConnectionStatus).includes(status)) throw ConnectionException.invalid('status must be ACTIVE or DISABLED.');
    connection.status = status;
    return this.saveAudited(actor, connection, 'connection.status', { status });
  }

  /** Re-reads a connection's metadata URL; a failure is recorded on the connection and audited, never thrown. */
  async refreshMetadata(id: string): Promise<IdpConnection | null> {
    const connection = await this.find(id);
    if (!connection?.metadataUrl) return connection;
    try {
      const xml = await this.metadataFetcher.fetch(connection.metadataUrl, { purpose: 'refresh', organizationId: connection.organizationId, connectionId: connection.id });
      const parsed = parseIdpMetadata(xml, this.clock.now());
      if (parsed.entityId !== connection.idpEntityId) throw ConnectionException.invalid(`The metadata now names another entityID (${parsed.entityId}).`);
      const changed = JSON.stringify(parsed.signingCertificates) !== JSON.stringify(connection.signingCertificates) || parsed.ssoUrl !== connection.ssoUrl || parsed.sloUrl !== connection.sloUrl;
      Object.assign(connection, { ssoUrl: parsed.ssoUrl, ssoBinding: parsed.ssoBinding, sloUrl: parsed.sloUrl, signingCertificates: parsed.signingCertificates, metadataXml: xml, metadataRefreshedAt: this.clock.now(), metadataRefreshError: null });
      await this.dataSource.transaction(async (manager) => {
        await manager.save(connection);
        await this.audit.record({ action: 'connection.metadata.refresh', outcome: 'SUCCESS', subjectType: 'IdpConnection', subjectId: connection.id, actorOrganizationId: null, details: { changed, ...skippedDetails(parsed.skippedCertificates) } }, manager);
      });
      for (const skipped of parsed.skippedCertificates) this.logger.warn(`metadata refresh of connection ${connection.id}: ${skipped.warning}`);
    } catch (error) {
      const message = (error as Error).message.slice(0, 500);
      await this.dataSource.getRepository(IdpConnection).update(connection.id, { metadataRefreshError: message });
      await this.audit.recordQuietly({ action: 'connection.metadata.refresh', outcome: 'FAILURE', subjectType: 'IdpConnection', subjectId: connection.id, reason: error instanceof MetadataFetchException ? error.reason : error instanceof ConnectionException ? error.code.toLowerCase() : 'metadata_fetch_failed', details: { message } });
      this.logger.warn(`metadata refresh failed for connection ${connection.id}: ${message}`);
    }
    return this.find(id);
  }

  async connectionsWithMetadataUrl(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM idp_connections WHERE metadata_url IS NOT NULL ORDER BY id`);
    return rows.map((r) => r.id);
  }

  /** Finds an organisation by id or by one of its domains (CLI). */
  async findOrganization(idOrDomain: string): Promise<Organization | null> {
    const repo = this.dataSource.getRepository(Organization);
    if (/^[0-9a-f-]{36}$/i.test(idOrDomain)) return repo.findOne({ where: { id: idOrDomain } });
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM organizations WHERE $1 = ANY(domains)`, [idOrDomain.trim().toLowerCase()]);
    return rows[0] ? repo.findOne({ where: { id: rows[0].id } }) : null;
  }

  /** Merges input over an existing connection (or defaults) and validates the result. */
  private async resolve(input: ConnectionFields, existing: IdpConnection | null, organization: Organization): Promise<Omit<IdpConnection, 'id' | 'organizationId' | 'organization' | 'createdAt' | 'updatedAt' | 'metadataRefreshedAt' | 'metadataRefreshError' | 'spCertificate' | 'spPrivateKey' | 'demoIdpPrivateKey'>> {
    const now = this.clock.now();
    let metadata: IdpMetadata | null = null;
    let metadataXml = existing?.metadataXml ?? null;
    const metadataUrl = input.metadataUrl === undefined ? existing?.metadataUrl ?? null : input.metadataUrl ? checkUrl(input.metadataUrl, 'metadata URL') : null;
    if (input.metadataXml) {
      metadataXml = input.metadataXml;
      metadata = parseIdpMetadata(input.metadataXml, now);
    } else if (input.metadataUrl) {
      metadataXml = await this.metadataFetcher.fetch(input.metadataUrl, { purpose: 'import', organizationId: organization.id, connectionId: existing?.id ?? null });
      metadata = parseIdpMetadata(metadataXml, now);
    }
    for (const skipped of metadata?.skippedCertificates ?? []) this.logger.warn(`metadata import for organisation ${organization.id}: ${skipped.warning}`);
    const pick = <T>(fromMetadata: T | undefined, given: T | null | undefined, current: T | undefined, fallback?: T): T | undefined =>
      fromMetadata !== undefined ? fromMetadata : given !== undefined && given !== null ? given : current !== undefined ? current : fallback;

    const idpEntityId = pick(metadata?.entityId, input.idpEntityId?.trim(), existing?.idpEntityId);
    if (!idpEntityId) throw ConnectionException.invalid('idpEntityId is required (or give the IdP metadata).');
    const ssoUrlRaw = pick(metadata?.ssoUrl, input.ssoUrl, existing?.ssoUrl);
    const ssoUrl = checkUrl(ssoUrlRaw, 'ssoUrl');
    if (this.config.isProduction && !ssoUrl.startsWith('https:')) throw ConnectionException.invalid('ssoUrl must use https.');
    const ssoBinding = pick(metadata?.ssoBinding, input.ssoBinding, existing?.ssoBinding, SsoBinding.REDIRECT)!;
    if (!Object.values(SsoBinding).includes(ssoBinding)) throw new ConnectionException(ConnectionErrorCode.METADATA_UNKNOWN_BINDING, 'ssoBinding must be REDIRECT or POST.');
    const sloRaw = metadata ? metadata.sloUrl : input.sloUrl !== undefined ? input.sloUrl : existing?.sloUrl ?? null;
    const sloUrl = sloRaw ? checkUrl(sloRaw, 'sloUrl') : null;
    const certificates = metadata?.signingCertificates ?? (input.signingCertificates ? input.signingCertificates.map((c) => checkCertificate(c, now)) : existing?.signingCertificates);
    if (!certificates || certificates.length === 0) throw new ConnectionException(ConnectionErrorCode.METADATA_NO_SIGNING_CERTIFICATE, 'At least one IdP signing certificate is required.');

    const allowedDomains = (input.allowedDomains ?? existing?.allowedDomains ?? organization.domains).map((d) => d.trim().toLowerCase());
    const unverified = allowedDomains.filter((d) => !organization.domains.includes(d));
    if (unverified.length > 0) throw new ConnectionException(ConnectionErrorCode.DOMAIN_NOT_VERIFIED, `Not a verified domain of ${organization.name}: ${unverified.join(', ')}.`);
    if (allowedDomains.length === 0) throw ConnectionException.invalid('allowedDomains must name at least one of the organisation’s domains.');
    const attributeMapping = this.checkMapping(input.attributeMapping ?? existing?.attributeMapping ?? {});
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

  private checkMapping(mapping: AttributeMapping): AttributeMapping {
    const out: AttributeMapping = {};
    for (const key of MAPPED) {
      const names = mapping[key];
      if (names === undefined) continue;
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n.trim() === '')) throw ConnectionException.invalid(`attributeMapping.${key} must be a list of attribute names.`);
      out[key] = names.map((n) => n.trim());
    }
    if (mapping.required) {
      const bad = mapping.required.filter((r) => !MAPPED.includes(r));
      if (bad.length) throw ConnectionException.invalid(`attributeMapping.required: unknown attribute ${bad.join(', ')}.`);
      out.required = [...new Set(mapping.required)];
    }
    if (mapping.groupRoles) {
      for (const role of Object.values(mapping.groupRoles)) {
        if (role !== UserRole.HOST_ADMIN && role !== UserRole.SECURITY_REVIEWER) throw ConnectionException.invalid(`attributeMapping.groupRoles may map groups to HOST_ADMIN or SECURITY_REVIEWER only (got ${role}).`);
      }
      out.groupRoles = { ...mapping.groupRoles };
    }
    return out;
  }

  /** HOST_ADMIN: any organisation; PARTNER_ADMIN: its own; anyone else: refused, and audited. */
  private async authorize(actor: ConnectionActor, organizationId: string | null, action: string, subjectId?: string): Promise<void> {
    if (actor.kind === 'cli') {
      if (!organizationId) throw ConnectionException.notFound();
      return;
    }
    const p = actor.principal;
    const hostAdmin = p.isHost && hasRole(p, UserRole.HOST_ADMIN);
    const ownAdmin = hasRole(p, UserRole.PARTNER_ADMIN) && organizationId === p.organizationId;
    if (organizationId && (hostAdmin || ownAdmin)) return;
    const notFound = !organizationId || (!hostAdmin && organizationId !== p.organizationId && subjectId !== undefined);
    await this.audit.recordQuietly({
      action: 'authz.denied',
      outcome: 'DENIED',
      actorId: p.userId,
      actorOrganizationId: p.organizationId,
      subjectType: 'IdpConnection',
      subjectId: subjectId ?? organizationId,
      reason: notFound ? 'not_visible_or_missing' : 'not_connection_admin',
      details: { attempted: action },
    });
    throw notFound ? ConnectionException.notFound() : new ConnectionException(ConnectionErrorCode.FORBIDDEN, 'Only a host administrator, or an administrator of this organisation, manages its identity providers.');
  }

  private async find(id: string): Promise<IdpConnection | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return this.dataSource.getRepository(IdpConnection).findOne({ where: { id } });
  }

  private async organization(id: string): Promise<Organization | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return this.dataSource.getRepository(Organization).findOne({ where: { id } });
  }

  private async refuseDuplicate(manager: EntityManager, organizationId: string, idpEntityId: string, exceptId: string | null): Promise<void> {
    const same = await manager.findOne(IdpConnection, { where: { organizationId, idpEntityId } });
    if (same && same.id !== exceptId) throw new ConnectionException(ConnectionErrorCode.DUPLICATE_ENTITY_ID, 'This organisation already has a connection to that IdP entityID.', { connectionId: same.id });
  }

  private async saveAudited(actor: ConnectionActor, connection: IdpConnection, action: string, details: Record<string, unknown>): Promise<IdpConnection> {
    return this.dataSource.transaction(async (manager) => {
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
      details: { ...details, organizationId: connection.organizationId, via: actor.kind },
    };
  }

  /** The SP's own signing key for this connection (AuthnRequests and LogoutRequests). */
  private async newSpKeyPair(idpEntityId: string): Promise<{ key: string; cert: string }> {
    const now = this.clock.now();
    const pems = await generate([{ name: 'commonName', value: `Passerelle SP for ${idpEntityId}`.slice(0, 64) }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 3_600_000),
      notAfterDate: new Date(now.getTime() + 10 * 365 * 86_400_000),
    });
    return { key: pems.private, cert: pems.cert };
  }
}

/** Audit details for expired certificates a metadata read skipped (none: nothing added). */
function skippedDetails(skipped: SkippedCertificate[] | undefined): { skippedCertificates?: Omit<SkippedCertificate, 'warning'>[] } {
  if (!skipped?.length) return {};
  return { skippedCertificates: skipped.map(({ fingerprint, subject, notAfter, reason }) => ({ fingerprint, subject, notAfter, reason })) };
}
