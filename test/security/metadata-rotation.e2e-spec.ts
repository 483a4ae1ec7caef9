import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditEvent } from '../../src/database/entities/audit-event.entity';
import { connectionCommand } from '../../src/cli/connection.command';
import { ConnectionService } from '../../src/sso/connections/connection.service';
import { demoIdpMetadata } from '../../src/dev/demo-idp/demo-response.builder';
import { keyPair, KeyPair } from '../../src/common/testing/saml-keys';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2 },
  ],
  users: [
    {
      key: 'acme-admin',
      organization: 'acme',
      email: 'alice@acme.test',
      displayName: 'Alice',
      clearance: 2,
      roles: ['PARTNER_ADMIN'],
    },
  ],
  spaces: [],
  memberships: [],
  posts: [],
  comments: [],
};

/** IdP metadata during a rollover: one KeyDescriptor per certificate, old one first, as IdPs publish it. */
function rolloverMetadata(entityId: string, certificates: string[]): string {
  const single = demoIdpMetadata(entityId, `${entityId}/sso`, `${entityId}/slo`, certificates[0]);
  const keyDescriptor = (pem: string) =>
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return single.replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, certificates.map(keyDescriptor).join(''));
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('IdP metadata during a signing-key rollover', () => {
  let t: TestApp;
  let token: string;
  let acme: string;
  let expired: KeyPair;
  let current: KeyPair;
  let next: KeyPair;
  let server: Server;
  let port: number;
  let served = '';

  beforeAll(async () => {
    expired = await keyPair('old.idp.acme.test', {
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    current = await keyPair('current.idp.acme.test', {
      notBefore: new Date(Date.now() - 300 * DAY),
      notAfter: new Date(Date.now() + 10 * DAY),
    });
    next = await keyPair('next.idp.acme.test', {
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 700 * DAY),
    });
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      res.end(served);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
    t = await startTestApp({ METADATA_FETCH_ALLOW_HOSTS: '127.0.0.1' });
    const ids = await t.importWorld(WORLD);
    acme = ids.acme;
    token = await t.tokenFor(ids['acme-admin']);
  }, 120_000);

  afterAll(async () => {
    t?.clock.set(null);
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
  });

  it('imports metadata holding an expired and a valid certificate: pins the valid one, audits the skipped one', async () => {
    const r = await t.gql(
      token,
      `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { id signingCertificates { fingerprint } } }`,
      {
        input: {
          organizationId: acme,
          metadataXml: rolloverMetadata('https://idp.acme.test', [expired.cert, next.cert]),
        },
      },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.status).toBe(200);
    const created = r.body.data.createIdpConnection;
    expect(created.signingCertificates).toEqual([{ fingerprint: fingerprint(next.cert) }]);
    const event = await t.dataSource
      .getRepository(AuditEvent)
      .findOneByOrFail({ action: 'connection.create', subjectId: created.id });
    expect(event.details).toMatchObject({
      skippedCertificates: [{ fingerprint: fingerprint(expired.cert), reason: 'expired' }],
    });
  });

  it('imports the same rollover metadata from a URL', async () => {
    served = rolloverMetadata('https://idp-url.acme.test', [expired.cert, current.cert, next.cert]);
    const r = await t.gql(
      token,
      `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { id signingCertificates { fingerprint } } }`,
      {
        input: { organizationId: acme, metadataUrl: `http://127.0.0.1:${port}/metadata` },
      },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.createIdpConnection.signingCertificates).toEqual([
      { fingerprint: fingerprint(current.cert) },
      { fingerprint: fingerprint(next.cert) },
    ]);
  });

  it('imports it from the CLI, with a warning on stderr naming the skipped certificate', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rollover-')), 'idp.xml');
    writeFileSync(file, rolloverMetadata('https://idp-cli.acme.test', [expired.cert, next.cert]));
    const out: string[] = [];
    const err: string[] = [];
    await connectionCommand.run({
      args: ['add'],
      flags: { org: 'acme.test', metadata: file },
      io: { out: (l) => out.push(l), err: (l) => err.push(l) },
      app: async () => t.app,
    });
    const connection = await t.app.get(ConnectionService).get({ kind: 'cli' }, out[0]);
    expect(connection.signingCertificates.map(fingerprint)).toEqual([fingerprint(next.cert)]);
    expect(err.join('\n')).toMatch(/^warning: .*expired/m);
    expect(err.join('\n')).toContain(fingerprint(expired.cert));
  });

  it('still refuses metadata whose every certificate has expired', async () => {
    const r = await t.gql(
      token,
      `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { id } }`,
      {
        input: { organizationId: acme, metadataXml: rolloverMetadata('https://idp-dead.acme.test', [expired.cert]) },
      },
    );
    expect(r.status).toBe(200);
    expect(r.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.body.errors?.[0].message).toMatch(/expired/);
  });

  it('the scheduled refresh pins the new certificate when the old one expires during the rollover', async () => {
    const service = t.app.get(ConnectionService);
    served = rolloverMetadata('https://idp-refresh.acme.test', [current.cert]);
    const connection = await service.create(
      { kind: 'cli' },
      { organizationId: acme, metadataUrl: `http://127.0.0.1:${port}/metadata` },
    );
    expect(connection.signingCertificates.map(fingerprint)).toEqual([fingerprint(current.cert)]);

    // The IdP publishes its next key beside the current one; then the current one expires.
    served = rolloverMetadata('https://idp-refresh.acme.test', [current.cert, next.cert]);
    t.clock.set(new Date(Date.now() + 20 * DAY));
    try {
      const refreshed = await service.refreshMetadata(connection.id);
      expect(refreshed!.metadataRefreshError).toBeNull();
      expect(refreshed!.signingCertificates.map(fingerprint)).toEqual([fingerprint(next.cert)]);
      const events = await t.dataSource
        .getRepository(AuditEvent)
        .find({ where: { action: 'connection.metadata.refresh', subjectId: connection.id }, order: { seq: 'DESC' } });
      expect(events[0].outcome).toBe('SUCCESS');
      expect(events[0].details).toMatchObject({
        changed: true,
        skippedCertificates: [{ fingerprint: fingerprint(current.cert), reason: 'expired' }],
      });
    } finally {
      t.clock.set(null);
    }
  });
});
