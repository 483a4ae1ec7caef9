import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import cookieParser from 'cookie-parser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { AuditEvent } from '../src/database/entities/audit-event.entity';
import { AppConfig } from '../src/config/app-config';
import { OrganizationKind, UserRole } from '../src/common/domain.enums';
import { ConnectionsModule } from '../src/sso/connections/connections.module';
import { demoIdpMetadata } from '../src/dev/demo-idp/demo-response.builder';
import { DemoIdpModule } from '../src/dev/demo-idp/demo-idp.module';
import { DemoIdpService } from '../src/dev/demo-idp/demo-idp.service';
import { IdpConnection } from '../src/database/entities/idp-connection.entity';
import { SamlModule } from '../src/sso/saml/saml.module';
import { Clock } from '../src/common/clock';
import { spEndpoints } from '../src/sso/saml/saml-urls';
import { TokenService } from '../src/auth/token.service';
import { Organization } from '../src/database/entities/organization.entity';
import { User } from '../src/database/entities/user.entity';
import { SamlTestApp, TEST_PUBLIC_URL, TEST_SECRET_KEY } from './support/saml-app';
import { b64, forgeResponse } from '../src/common/testing/saml-forge';
import { postAcs, sessionCookie, startLogin } from './support/saml-http';
import { keyPair, KeyPair } from '../src/common/testing/saml-keys';
import { seedOrganization, seedUser } from './support/saml-world';
import { createTestDatabase } from './support/test-database';
import { TestClock } from './support/test-clock';

const CONNECTION_FIELDS =
  'id organizationId name idpEntityId status allowedDomains signingCertificates { fingerprint notAfter } serviceProvider { entityId acsUrl loginUrl }';

// The whole gateway with the SAML modules: the GraphQL face of connections (who may list,
// create, rotate and disable), a SAML session authenticating GraphQL, and the demo IdPs
// driven as a browser would.
jest.setTimeout(60_000);

let app: INestApplication;
const t = {} as SamlTestApp;

let host: Organization;
let hostAdmin: User;

let drop: () => Promise<void>;
afterAll(async () => {
  await app?.close();
  await drop?.();
});

let ds: DataSource;
let acme: Organization;
let globex: Organization;
const tokens: Record<string, string> = {};
let idp: KeyPair;
let rotated: KeyPair;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  const config = new AppConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: TEST_PUBLIC_URL,
    SECRET_KEY: TEST_SECRET_KEY,
    DEMO_SEED: 'false',
    DEMO_IDP: 'true',
    ...db.env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config), SamlModule, ConnectionsModule, DemoIdpModule],
  })
    .overrideProvider(Clock)
    .useClass(TestClock)
    .compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  app.use(cookieParser());
  await app.init();
  ds = app.get(DataSource);
  Object.assign(t, {
    app,
    http: app.getHttpServer(),
    dataSource: ds,
    config,
    clock: app.get(Clock),
    close: () => app.close(),
  });
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
    if (key === 'hostAdmin') hostAdmin = { ...user, roles, displayName: 'Harriet Admin' };
    if (key === 'hostAdmin') await ds.getRepository(User).update(user.id, { displayName: 'Harriet Admin' });
    tokens[key] = (await app.get(TokenService).mint(user.id, { ttlSeconds: 3600 })).token;
  }
}, 90_000);

describe('IdP connections over GraphQL', () => {
  async function gql(who: string | null, query: string, variables: Record<string, unknown> = {}, cookie?: string) {
    const req = request(app.getHttpServer()).post('/graphql').set('Content-Type', 'application/json');
    if (who) req.set('Authorization', `Bearer ${tokens[who]}`);
    if (cookie) req.set('Cookie', `passerelle_session=${cookie}`);
    const res = await req.send({ query, variables });
    return res.body as { data?: Record<string, any>; errors?: { extensions: { code: string }; message: string }[] };
  }

  const create = (who: string, organizationId: string, entity: string) =>
    gql(
      who,
      `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { ${CONNECTION_FIELDS} } }`,
      {
        input: { organizationId, metadataXml: demoIdpMetadata(entity, `${entity}/sso`, `${entity}/slo`, idp.cert) },
      },
    );

  it('lets a HOST_ADMIN create a connection for a partner from metadata', async () => {
    const res = await create('hostAdmin', acme.id, 'https://idp.acme.example');
    expect(res.errors).toBeUndefined();
    const c = res.data!.createIdpConnection;
    expect(c).toMatchObject({
      organizationId: acme.id,
      idpEntityId: 'https://idp.acme.example',
      status: 'ACTIVE',
      allowedDomains: ['acme.example'],
    });
    expect(c.serviceProvider.acsUrl).toBe(spEndpoints(app.get(AppConfig), c.id).acsUrl);
  });

  it('lets a PARTNER_ADMIN list and manage its own organisation’s connections only', async () => {
    const list = await gql(
      'acmeAdmin',
      `query($o: ID!) { idpConnections(organizationId: $o) { ${CONNECTION_FIELDS} } }`,
      { o: acme.id },
    );
    expect(list.data!.idpConnections).toHaveLength(1);
    const id = list.data!.idpConnections[0].id;
    // Globex is invisible to Acme's admin: refused as if it did not exist (no existence oracle).
    const other = await create('acmeAdmin', globex.id, 'https://idp.globex.example');
    expect(other.errors![0].extensions.code).toBe('NOT_FOUND');
    const globexOwn = await create('hostAdmin', globex.id, 'https://idp.globex.example');
    const peek = await gql('acmeAdmin', `query($id: ID!) { idpConnection(id: $id) { id } }`, {
      id: globexOwn.data!.createIdpConnection.id,
    });
    const missing = await gql('acmeAdmin', `query($id: ID!) { idpConnection(id: $id) { id } }`, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    // Another organisation's connection and a missing one look the same.
    expect(peek.errors![0]).toEqual(missing.errors![0]);
    expect(peek.errors![0].extensions.code).toBe('NOT_FOUND');

    // Rotation and status through the mutations, all audited.
    const added = await gql(
      'acmeAdmin',
      `mutation($id: ID!, $c: String!) { addIdpSigningCertificate(id: $id, certificate: $c) { signingCertificates { fingerprint } } }`,
      { id, c: rotated.cert },
    );
    const fingerprints = added.data!.addIdpSigningCertificate.signingCertificates.map(
      (s: { fingerprint: string }) => s.fingerprint,
    );
    expect(fingerprints).toHaveLength(2);
    const removed = await gql(
      'acmeAdmin',
      `mutation($id: ID!, $f: String!) { removeIdpSigningCertificate(id: $id, fingerprint: $f) { signingCertificates { fingerprint } } }`,
      { id, f: fingerprints[0] },
    );
    expect(removed.data!.removeIdpSigningCertificate.signingCertificates).toEqual([{ fingerprint: fingerprints[1] }]);
    const last = await gql(
      'acmeAdmin',
      `mutation($id: ID!, $f: String!) { removeIdpSigningCertificate(id: $id, fingerprint: $f) { id } }`,
      { id, f: fingerprints[1] },
    );
    expect(last.errors![0].extensions.code).toBe('CONFLICT');
    const disabled = await gql(
      'acmeAdmin',
      `mutation($id: ID!) { setIdpConnectionStatus(id: $id, status: DISABLED) { status } }`,
      { id },
    );
    expect(disabled.data!.setIdpConnectionStatus.status).toBe('DISABLED');
    const updated = await gql(
      'acmeAdmin',
      `mutation($id: ID!) { updateIdpConnection(id: $id, input: { name: "Acme SSO", status: ACTIVE, allowIdpInitiated: true }) { name status } }`,
      { id },
    );
    expect(updated.data!.updateIdpConnection).toEqual({ name: 'Acme SSO', status: 'ACTIVE' });
    const actions = (await ds.getRepository(AuditEvent).find({ where: { subjectId: id } })).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'connection.create',
        'connection.certificate.add',
        'connection.certificate.remove',
        'connection.status',
        'connection.update',
      ]),
    );
  });

  it('refuses members, reviewers and anonymous callers', async () => {
    const q = `query($o: ID!) { idpConnections(organizationId: $o) { id } }`;
    expect((await gql('acmeMember', q, { o: acme.id })).errors![0].extensions.code).toBe('FORBIDDEN');
    expect((await create('reviewer', acme.id, 'https://idp2.acme.example')).errors![0].extensions.code).toBe(
      'FORBIDDEN',
    );
    expect((await gql(null, q, { o: acme.id })).errors![0].extensions.code).toBe('UNAUTHENTICATED');
    const bad = await gql(
      'hostAdmin',
      `mutation($input: CreateIdpConnectionInput!) { createIdpConnection(input: $input) { id } }`,
      { input: { organizationId: globex.id, metadataXml: 'not xml' } },
    );
    expect(bad.errors![0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: 'The metadata is not well-formed XML.',
    });
  });

  it('accepts the session cookie of a SAML sign-in on the GraphQL API, until logout', async () => {
    const connection = (
      await gql('hostAdmin', `query($o: ID!) { idpConnections(organizationId: $o) { id idpEntityId } }`, { o: acme.id })
    ).data!.idpConnections[0];
    const sp = spEndpoints(app.get(AppConfig), connection.id);
    const { requestId } = await startLogin(app.getHttpServer(), connection.id);
    const res = await postAcs(
      app.getHttpServer(),
      connection.id,
      b64(
        forgeResponse(
          {
            issuer: connection.idpEntityId,
            destination: sp.acsUrl,
            recipient: sp.acsUrl,
            audience: sp.entityId,
            inResponseTo: requestId,
            nameId: 'acme-77',
            attributes: { email: ['wile@acme.example'] },
          },
          { signAssertion: { signer: rotated } },
        ),
      ),
    );
    expect(res.status).toBe(200);
    const cookie = sessionCookie(res)!;
    const me = await gql(null, '{ me { id } }', {}, cookie);
    expect(me.data?.me.id).toBe(res.body.user.id);
    await request(app.getHttpServer())
      .post('/auth/logout')
      .set('Cookie', `passerelle_session=${cookie}`)
      .set('Accept', 'application/json');
    expect((await gql(null, '{ me { id } }', {}, cookie)).errors![0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]] = m[2]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return out;
}

// The demo IdP, driven as a browser would: pick an organisation, pick a person, and the
// signed response is posted to the ACS through the full SAML path.

describe('demo identity providers', () => {
  let admin: User;
  let partnerUser: User;

  beforeAll(async () => {
    // The organisations of the GraphQL suite have connections already; the host and a new partner do not.
    admin = hostAdmin;
    const partner = await seedOrganization(t.dataSource, {
      name: 'Partner Co',
      kind: OrganizationKind.PARTNER,
      domains: ['partner.example'],
    });
    partnerUser = await seedUser(t.dataSource, { organizationId: partner.id, email: 'pat@partner.example' });
    // As a start-up would: a GET of the demo IdP pages writes nothing.
    await t.app.get(DemoIdpService).ensureDemoConnections();
  });

  async function signInThroughDemo(orgName: string, user: User): Promise<request.Response> {
    // One browser: it keeps the login cookie /login gives it and shows it to the ACS.
    const browser = request.agent(t.http);
    const index = await browser.get('/demo-idp');
    expect(index.status).toBe(200);
    const link = new RegExp(`<a href="([^"]+)">${orgName}</a>`).exec(index.text)![1];
    const login = await browser.get(new URL(link).pathname);
    expect(login.status).toBe(302);
    const sso = new URL(login.headers.location);
    expect(sso.pathname).toMatch(/^\/demo-idp\/[0-9a-f-]{36}\/sso$/);
    const picker = await browser.get(`${sso.pathname}${sso.search}`);
    expect(picker.status).toBe(200);
    const form = picker.text.split('<li>').find((li) => li.includes(user.email))!;
    const fields = hiddenInputs(form);
    expect(fields.inResponseTo).toMatch(/^_/);
    const posted = await browser.post(sso.pathname).type('form').send(fields);
    expect(posted.status).toBe(200);
    const auto = hiddenInputs(posted.text);
    const acs = new URL(/action="([^"]+)"/.exec(posted.text)![1]);
    return browser.post(acs.pathname).set('Accept', 'text/html').type('form').send(auto);
  }

  it('creates one demo connection per organisation, each with its own encrypted key', async () => {
    await request(t.http).get('/demo-idp');
    const connections = (await t.dataSource.getRepository(IdpConnection).find()).filter((c) => c.demoIdpPrivateKey);
    expect(connections.map((c) => c.organizationId)).toEqual(
      expect.arrayContaining([host.id, partnerUser.organizationId]),
    );
    for (const c of connections) {
      expect(c.demoIdpPrivateKey).toMatch(/^v1:/);
      expect(c.spPrivateKey).toMatch(/^v1:/);
      expect(c.demoIdpPrivateKey).not.toContain('PRIVATE KEY');
    }
    expect(new Set(connections.map((c) => c.signingCertificates[0])).size).toBe(connections.length);
    expect(await t.app.get(DemoIdpService).ensureDemoConnections()).toBe(0);
  });

  it('signs a host employee in through the full SAML path, keeping their host role', async () => {
    const res = await signInThroughDemo('Host', admin);
    expect(res.status).toBe(303);
    const cookie = (res.headers['set-cookie'][0] as string).split(';')[0];
    const me = await request(t.http).get('/auth/welcome').set('Cookie', cookie).set('Accept', 'text/html');
    expect(me.text).toContain('Welcome, Harriet Admin');
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: admin.id })).roles).toEqual([
      UserRole.HOST_ADMIN,
    ]);
  });

  it('signs a partner in, and serves its IdP metadata', async () => {
    const res = await signInThroughDemo('Partner Co', partnerUser);
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie'][0]).toMatch(/passerelle_session=pss_/);
    const connection = await t.dataSource
      .getRepository(IdpConnection)
      .findOneByOrFail({ organizationId: partnerUser.organizationId });
    const metadata = await request(t.http).get(`/demo-idp/${connection.id}/metadata`);
    expect(metadata.text).toContain(`entityID="${connection.idpEntityId}"`);
  });

  it('never runs in production', async () => {
    expect(
      () =>
        new AppConfig({
          NODE_ENV: 'production',
          DEMO_IDP: 'true',
          SECRET_KEY: '11'.repeat(32),
          DATABASE_URL: 'postgres://db/x',
        }),
    ).toThrow(/demo identity providers cannot run in production/);
    const prod = new AppConfig({
      NODE_ENV: 'production',
      SECRET_KEY: '11'.repeat(32),
      DATABASE_URL: 'postgres://db/x',
    });
    expect(prod.demoIdp).toBe(false);
    const service = new DemoIdpService(t.dataSource, prod, t.clock, undefined as never);
    await expect(service.ensureDemoConnections()).rejects.toThrow(/cannot run in production/);
  });
});
