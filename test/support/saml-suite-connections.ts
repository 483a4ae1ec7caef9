import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { AccessErrorCode, AccessException } from '../../src/access/access.exception';
import { Principal } from '../../src/auth/principal';
import { AuditEvent } from '../../src/database/entities/audit-event.entity';
import { connectionCommand, runConnectionAdd } from '../../src/cli/connection.command';
import { ConnectionStatus, OrganizationKind, UserRole } from '../../src/common/domain.enums';
import { ConnectionErrorCode, ConnectionException } from '../../src/sso/connections/connection.exception';
import { ConnectionService } from '../../src/sso/connections/connection.service';
import { MetadataFetcher } from '../../src/sso/connections/metadata-fetcher';
import { demoIdpMetadata } from '../../src/dev/demo-idp/demo-response.builder';
import { Organization } from '../../src/database/entities/organization.entity';
import { SamlTestApp } from './saml-app';
import { SharedInstances } from './saml-shared';
import { keyPair, KeyPair } from '../../src/common/testing/saml-keys';
import { seedOrganization } from './saml-world';

function principal(org: Organization, roles: UserRole[]): Principal {
  return {
    userId: '00000000-0000-4000-8000-0000000000aa',
    organizationId: org.id,
    organizationKind: org.kind,
    hostOrganizationId: org.id,
    email: 'someone@example.test',
    displayName: 'Someone',
    effectiveClearance: 0,
    roles,
    isHost: org.kind === OrganizationKind.HOST,
    activeMemberships: [],
    now: new Date(),
    via: { kind: 'session', id: 'x' },
  };
}

function metadata(entityId: string, cert: string, options: { binding?: string; use?: string } = {}): string {
  const xml = demoIdpMetadata(entityId, `${entityId}/sso`, `${entityId}/slo`, cert);
  return options.binding
    ? xml.replace(
        /urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="[^"]+\/sso"/,
        `${options.binding}" Location="${entityId}/sso"`,
      )
    : xml;
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ConnectionException || error instanceof AccessException)
      return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

// Connection management: who may, what metadata is refused and why, and the CLI.
export function describeConnectionManagement(shared: SharedInstances): void {
  describe('IdP connection management', () => {
    let t: SamlTestApp;
    let service: ConnectionService;
    let host: Organization;
    let acme: Organization;
    let globex: Organization;
    let idp: KeyPair;
    let expired: KeyPair;

    beforeAll(async () => {
      t = shared.one;
      service = t.app.get(ConnectionService);
      host = shared.host;
      acme = await seedOrganization(t.dataSource, {
        name: 'Acme',
        kind: OrganizationKind.PARTNER,
        domains: ['acme-mgmt.example'],
      });
      globex = await seedOrganization(t.dataSource, {
        name: 'Globex',
        kind: OrganizationKind.PARTNER,
        domains: ['globex-mgmt.example'],
      });
      idp = await keyPair('idp.conn.example');
      expired = await keyPair('old.conn.example', {
        notBefore: new Date(Date.now() - 400 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      });
    }, 60_000);

    it('lets a HOST_ADMIN create a connection for any organisation, audited', async () => {
      const c = await service.create(
        { kind: 'principal', principal: principal(host, [UserRole.HOST_ADMIN]) },
        { organizationId: acme.id, metadataXml: metadata('https://idp.acme-mgmt.example', idp.cert) },
      );
      expect(c.organizationId).toBe(acme.id);
      expect(c.spPrivateKey).toMatch(/^v1:/);
      expect(c.allowedDomains).toEqual(['acme-mgmt.example']);
      const event = await t.dataSource
        .getRepository(AuditEvent)
        .findOneBy({ action: 'connection.create', subjectId: c.id });
      expect(event?.outcome).toBe('SUCCESS');
    });

    it('lets a PARTNER_ADMIN manage its own organisation only', async () => {
      const admin = { kind: 'principal' as const, principal: principal(globex, [UserRole.PARTNER_ADMIN]) };
      const own = await service.create(admin, {
        organizationId: globex.id,
        idpEntityId: 'https://idp.globex-mgmt.example',
        ssoUrl: 'https://idp.globex-mgmt.example/sso',
        signingCertificates: [idp.cert],
      });
      expect((await service.list(admin, globex.id)).map((c) => c.id)).toEqual([own.id]);
      const acmeConnection = (await service.list({ kind: 'cli' }, acme.id))[0];
      expect((await refusal(service.get(admin, acmeConnection.id))).code).toBe(ConnectionErrorCode.NOT_FOUND);
      expect((await refusal(service.setStatus(admin, acmeConnection.id, ConnectionStatus.DISABLED))).code).toBe(
        ConnectionErrorCode.NOT_FOUND,
      );
      // Acme is invisible to Globex's administrator: NOT_FOUND, as for a missing organisation.
      expect(
        await refusal(
          service.create(admin, { organizationId: acme.id, metadataXml: metadata('https://x.example', idp.cert) }),
        ),
      ).toEqual({ code: AccessErrorCode.NOT_FOUND, message: 'Not found' });
      const denied = await t.dataSource
        .getRepository(AuditEvent)
        .countBy({ action: 'authz.denied', actorOrganizationId: globex.id });
      expect(denied).toBeGreaterThanOrEqual(3);
    });

    it('refuses everyone else', async () => {
      const member = { kind: 'principal' as const, principal: principal(acme, []) };
      expect((await refusal(service.list(member, acme.id))).code).toBe(ConnectionErrorCode.FORBIDDEN);
      const reviewer = { kind: 'principal' as const, principal: principal(host, [UserRole.SECURITY_REVIEWER]) };
      expect(
        (
          await refusal(
            service.create(reviewer, { organizationId: acme.id, metadataXml: metadata('https://y.example', idp.cert) }),
          )
        ).code,
      ).toBe(ConnectionErrorCode.FORBIDDEN);
    });

    it.each([
      ['not XML', () => 'this is not xml', ConnectionErrorCode.METADATA_NOT_XML, /not well-formed XML/],
      [
        'a DTD',
        () => `<!DOCTYPE x [<!ENTITY a "b">]>${metadata('https://dtd.example', idp.cert)}`,
        ConnectionErrorCode.METADATA_NOT_XML,
        /DTD/,
      ],
      [
        'no IdP role',
        () => '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
        ConnectionErrorCode.METADATA_NOT_IDP,
        /no SAML 2.0 identity provider/,
      ],
      [
        'no signing certificate',
        () => metadata('https://nocert.example', idp.cert).replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, ''),
        ConnectionErrorCode.METADATA_NO_SIGNING_CERTIFICATE,
        /no signing certificate/,
      ],
      [
        'an expired certificate',
        () => metadata('https://expired.example', expired.cert),
        ConnectionErrorCode.CERTIFICATE_EXPIRED,
        /expired on/,
      ],
      [
        'an unknown binding',
        () => metadata('https://soap.example', idp.cert, { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP' }),
        ConnectionErrorCode.METADATA_UNKNOWN_BINDING,
        /HTTP-Redirect or HTTP-POST/,
      ],
    ])('refuses metadata with %s, with a clear message', async (_label, xml, code, message) => {
      const r = await refusal(
        service.create({ kind: 'cli' }, { organizationId: globex.id, metadataXml: (xml as () => string)() }),
      );
      expect(r.code).toBe(code);
      expect(r.message).toMatch(message as RegExp);
    });

    it('refuses email domains the organisation has not verified, and removing the last certificate', async () => {
      const r = await refusal(
        service.create(
          { kind: 'cli' },
          {
            organizationId: acme.id,
            metadataXml: metadata('https://idp2.acme-mgmt.example', idp.cert),
            allowedDomains: ['globex-mgmt.example'],
          },
        ),
      );
      expect(r.code).toBe(ConnectionErrorCode.DOMAIN_NOT_VERIFIED);
      const c = (await service.list({ kind: 'cli' }, acme.id))[0];
      const only = new X509Certificate(c.signingCertificates[0]).fingerprint256;
      expect((await refusal(service.removeSigningCertificate({ kind: 'cli' }, c.id, only))).code).toBe(
        ConnectionErrorCode.LAST_CERTIFICATE,
      );
    });

    it('refreshes a connection from its metadata URL, recording failures on the connection', async () => {
      const rotatedKeys = await keyPair('idp.refresh.example-new');
      let served = metadata('https://idp.refresh.example', idp.cert);
      // The fetcher's own defences are tested in test/security/metadata-ssrf.e2e-spec.ts.
      const fetch = jest.spyOn(t.app.get(MetadataFetcher), 'fetch').mockImplementation(async () => served);
      try {
        const c = await service.create(
          { kind: 'cli' },
          { organizationId: host.id, metadataUrl: 'https://idp.refresh.example/metadata' },
        );
        expect(c.metadataRefreshedAt).not.toBeNull();
        served = metadata('https://idp.refresh.example', rotatedKeys.cert);
        const refreshed = await service.refreshMetadata(c.id);
        expect(refreshed!.signingCertificates).toEqual([rotatedKeys.cert.trim().replace(/\r\n/g, '\n')]);
        served = 'garbage';
        const failed = await service.refreshMetadata(c.id);
        expect(failed!.metadataRefreshError).toMatch(/not well-formed/);
        expect(failed!.signingCertificates).toHaveLength(1);
      } finally {
        fetch.mockRestore();
      }
    });

    it('adds a connection from the CLI and prints its id and SP endpoints (--json too)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'saml-cli-'));
      const file = join(dir, 'idp.xml');
      writeFileSync(file, metadata('https://idp.cli.example', idp.cert));
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      await connectionCommand.run({
        args: ['add'],
        flags: { org: 'globex-mgmt.example', metadata: file },
        io,
        app: async () => t.app,
      });
      const c = (await service.list({ kind: 'cli' }, globex.id)).find(
        (x) => x.idpEntityId === 'https://idp.cli.example',
      )!;
      expect(lines[0]).toBe(c.id);
      expect(lines.join('\n')).toContain(`${t.config.publicUrl}/auth/saml/${c.id}/metadata`);
      expect(lines.join('\n')).toContain(`${t.config.publicUrl}/auth/saml/${c.id}/acs`);
      expect(lines.join('\n')).toContain(`${t.config.publicUrl}/auth/saml/${c.id}/login`);
      const json: string[] = [];
      const d = await runConnectionAdd(
        t.app,
        {
          org: globex.id,
          metadataXml: metadata('https://idp.cli2.example', idp.cert),
          metadataUrl: null,
          allowIdpInitiated: true,
          json: true,
        },
        { out: (l) => json.push(l), err: () => undefined },
      );
      const parsed = JSON.parse(json[0]);
      expect(parsed).toMatchObject({
        id: d.id,
        organizationId: globex.id,
        spEntityId: `${t.config.publicUrl}/auth/saml/${d.id}/metadata`,
        acsUrl: `${t.config.publicUrl}/auth/saml/${d.id}/acs`,
      });
      expect(parsed.spMetadata).toContain('AssertionConsumerService');
      expect(
        (await t.dataSource.getRepository(AuditEvent).findOneBy({ action: 'connection.create', subjectId: d.id }))
          ?.details,
      ).toMatchObject({ via: 'cli' });
    });
  });
}
