import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import cookieParser from 'cookie-parser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { AppConfig } from '../src/config/app-config';
import { OrganizationKind, UserRole } from '../src/common/domain.enums';
import { ConnectionsModule } from '../src/identity/connections/connections.module';
import { demoIdpMetadata } from '../src/identity/demo-idp/demo-response.builder';
import { SamlModule } from '../src/identity/saml/saml.module';
import { spEndpoints } from '../src/identity/saml/saml-urls';
import { TokenService } from '../src/identity/token.service';
import { Organization } from '../src/organizations/organization.entity';
import { User } from '../src/users/user.entity';
import { TEST_PUBLIC_URL, TEST_SECRET_KEY } from './support/saml-app';
import { b64, forgeResponse } from './support/saml-forge';
import { postAcs, sessionCookie, startLogin } from './support/saml-http';
import { keyPair, KeyPair } from './support/saml-keys';
import { seedOrganization, seedUser } from './support/saml-world';
import { createTestDatabase } from './support/test-database';

const CONNECTION_FIELDS = 'id organizationId name idpEntityId status allowedDomains signingCertificates { fingerprint notAfter } serviceProvider { entityId acsUrl loginUrl }';

// The GraphQL face of connections, in the whole gateway: who may list, create, rotate and
// disable; and a session made by a SAML sign-in authenticates GraphQL like a bearer token.
jest.setTimeout(60_000);

describe('IdP connections over GraphQL', () => {
  let app: INestApplication;
  let ds: DataSource;
  let drop: () => Promise<void>;
  let host: Organization;
  let acme: Organization;
  let globex: Organization;
  const tokens: Record<string, string> = {};
  let idp: KeyPair;
  let rotated: KeyPair;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    const config = new AppConfig({ NODE_ENV: 'test', PUBLIC_URL: TEST_PUBLIC_URL, SECRET_KEY: TEST_SECRET_KEY, DEMO_SEED: 'false', DEMO_IDP: 'false', ...db.env });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config), SamlModule, ConnectionsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.use(cookieParser());
    await app.init();
    ds = app.get(DataSource);
    [idp, rotated] = await Promise.all([keyPair('idp.gql.example'), keyPair('idp.gql.example-2')]);
    host = await seedOrganization(ds, { name: 'Host', kind: OrganizationKind.HOST, domains: ['host.example'] });
    acme = await seedOrganization(ds, { name: 'Acme', kind: OrganizationKind.PARTNER, domains: ['acme.example'] });
    globex = await seedOrganization(ds, { name: 'Globex', kind: OrganizationKind.PARTNER, domains: ['globex.example'] });
    const people: [string, Organization, UserRole[]][] = [
      ['hostAdmin', host, [UserRole.HOST_ADMIN]],
      ['reviewer', host, [UserRole.SECURITY_REVIEWER]],
      ['acmeAdmin', acme, [UserRole.PARTNER_ADMIN]],
      ['acmeMember', acme, []],
    ];
    for (const [key, org, roles] of people) {
      const user = await seedUser(ds, { organizationId: org.id, email: `${key.toLowerCase()}@${org.domains[0]}` });
      await ds.getRepository(User).update(user.id, { roles });
      tokens[key] = (await app.get(TokenService).mint(user.id, { ttlSeconds: 3600 })).token;
    }
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  async function gql(who: string | null, query: string, variables: Record<string, unknown> = {}, cookie?: string) {
    const req = request(app.getHttpServer()).post('/graphql').set('Content-Type', 'application/json');
    if (who) req.set('Authorization', `Bearer ${tokens[who]}`);
    if (cookie) req.set('Cookie', `passerelle_session=${cookie}`);
    const res = await req.send({ query, variables });
    return res.body as { data?: Record<string, any>; errors?: { extensions: { code: string }; message: string }[] };
  }

  const create = (who: string, organizationId: string, entity: string) =>
    gql(who, `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { ${CONNECTION_FIELDS} } }`, {
      input: { organizationId, metadataXml: demoIdpMetadata(entity, `${entity}/sso`, `${entity}/slo`, idp.cert) },
    });

  it('lets a HOST_ADMIN create a connection for a partner from metadata', async () => {
    const res = await create('hostAdmin', acme.id, 'https://idp.acme.example');
    expect(res.errors).toBeUndefined();
    const c = res.data!.createIdpConnection;
    expect(c).toMatchObject({ organizationId: acme.id, idpEntityId: 'https://idp.acme.example', status: 'ACTIVE', allowedDomains: ['acme.example'] });
    expect(c.serviceProvider.acsUrl).toBe(spEndpoints(app.get(AppConfig), c.id).acsUrl);
  });

  it('lets a PARTNER_ADMIN list and manage its own organisation’s connections only', async () => {
    const list = await gql('acmeAdmin', `query($o: ID!) { idpConnections(organizationId: $o) { ${CONNECTION_FIELDS} } }`, { o: acme.id });
    expect(list.data!.idpConnections).toHaveLength(1);
    const id = list.data!.idpConnections[0].id;
    const other = await create('acmeAdmin', globex.id, 'https://idp.globex.example');
    expect(other.errors![0].extensions.code).toBe('FORBIDDEN');
    const globexOwn = await create('hostAdmin', globex.id, 'https://idp.globex.example');
    const peek = await gql('acmeAdmin', `query($id: ID!) { idpConnection(id: $id) { id } }`, { id: globexOwn.data!.createIdpConnection.id });
    const missing = await gql('acmeAdmin', `query($id: ID!) { idpConnection(id: $id) { id } }`, { id: '00000000-0000-4000-8000-000000000000' });
    // Another organisation's connection and a missing one look the same.
    expect(peek.errors![0]).toEqual(missing.errors![0]);
    expect(peek.errors![0].extensions.code).toBe('NOT_FOUND');

    // Rotation and status through the mutations, all audited.
    const added = await gql('acmeAdmin', `mutation($id: ID!, $c: String!) { addIdpSigningCertificate(id: $id, certificate: $c) { signingCertificates { fingerprint } } }`, { id, c: rotated.cert });
    const fingerprints = added.data!.addIdpSigningCertificate.signingCertificates.map((s: { fingerprint: string }) => s.fingerprint);
    expect(fingerprints).toHaveLength(2);
    const removed = await gql('acmeAdmin', `mutation($id: ID!, $f: String!) { removeIdpSigningCertificate(id: $id, fingerprint: $f) { signingCertificates { fingerprint } } }`, { id, f: fingerprints[0] });
    expect(removed.data!.removeIdpSigningCertificate.signingCertificates).toEqual([{ fingerprint: fingerprints[1] }]);
    const last = await gql('acmeAdmin', `mutation($id: ID!, $f: String!) { removeIdpSigningCertificate(id: $id, fingerprint: $f) { id } }`, { id, f: fingerprints[1] });
    expect(last.errors![0].extensions.code).toBe('CONFLICT');
    const disabled = await gql('acmeAdmin', `mutation($id: ID!) { setIdpConnectionStatus(id: $id, status: DISABLED) { status } }`, { id });
    expect(disabled.data!.setIdpConnectionStatus.status).toBe('DISABLED');
    const updated = await gql('acmeAdmin', `mutation($id: ID!) { updateIdpConnection(id: $id, input: { name: "Acme SSO", status: ACTIVE, allowIdpInitiated: true }) { name status } }`, { id });
    expect(updated.data!.updateIdpConnection).toEqual({ name: 'Acme SSO', status: 'ACTIVE' });
    const actions = (await ds.getRepository(AuditEvent).find({ where: { subjectId: id } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['connection.create', 'connection.certificate.add', 'connection.certificate.remove', 'connection.status', 'connection.update']));
  });

  it('refuses members, reviewers and anonymous callers', async () => {
    const q = `query($o: ID!) { idpConnections(organizationId: $o) { id } }`;
    expect((await gql('acmeMember', q, { o: acme.id })).errors![0].extensions.code).toBe('FORBIDDEN');
    expect((await create('reviewer', acme.id, 'https://idp2.acme.example')).errors![0].extensions.code).toBe('FORBIDDEN');
    expect((await gql(null, q, { o: acme.id })).errors![0].extensions.code).toBe('UNAUTHENTICATED');
    const bad = await gql('hostAdmin', `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { id } }`, { input: { organizationId: globex.id, metadataXml: 'not xml' } });
    expect(bad.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: 'The metadata is not well-formed XML.' });
  });

  it('accepts the session cookie of a SAML sign-in on the GraphQL API, until logout', async () => {
    const connection = (await gql('hostAdmin', `query($o: ID!) { idpConnections(organizationId: $o) { id idpEntityId } }`, { o: acme.id })).data!.idpConnections[0];
    const sp = spEndpoints(app.get(AppConfig), connection.id);
    const { requestId } = await startLogin(app.getHttpServer(), connection.id);
    const res = await postAcs(app.getHttpServer(), connection.id, b64(forgeResponse({
      issuer: connection.idpEntityId, destination: sp.acsUrl, recipient: sp.acsUrl, audience: sp.entityId, inResponseTo: requestId,
      nameId: 'acme-77', attributes: { email: ['wile@acme.example'] },
    }, { signAssertion: { signer: rotated } })));
    expect(res.status).toBe(200);
    const cookie = sessionCookie(res)!;
    const me = await gql(null, '{ me { id } }', {}, cookie);
    expect(me.data?.me.id).toBe(res.body.user.id);
    await request(app.getHttpServer()).post('/auth/logout').set('Cookie', `passerelle_session=${cookie}`).set('Accept', 'application/json');
    expect((await gql(null, '{ me { id } }', {}, cookie)).errors![0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
