import request from 'supertest';
import { AppConfig } from '../src/config/app-config';
import { OrganizationKind, UserRole } from '../src/common/domain.enums';
import { DemoIdpModule } from '../src/identity/demo-idp/demo-idp.module';
import { DemoIdpService } from '../src/identity/demo-idp/demo-idp.service';
import { IdpConnection } from '../src/identity/idp-connection.entity';
import { User } from '../src/users/user.entity';
import { startSamlApp, SamlTestApp } from './support/saml-app';
import { seedOrganization, seedUser } from './support/saml-world';
import { createTestDatabase } from './support/test-database';

function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return out;
}

// The demo IdP, driven as a browser would: pick an organisation, pick a person, and the
// signed response is posted to the ACS through the full SAML path.
jest.setTimeout(60_000);

describe('demo identity providers', () => {
  let t: SamlTestApp;
  let drop: () => Promise<void>;
  let admin: User;
  let partnerUser: User;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    t = await startSamlApp({ env: { ...db.env, DEMO_IDP: 'true' }, modules: [DemoIdpModule] });
    const host = await seedOrganization(t.dataSource, { name: 'Host Co', kind: OrganizationKind.HOST, domains: ['host.example'] });
    const partner = await seedOrganization(t.dataSource, { name: 'Partner Co', kind: OrganizationKind.PARTNER, domains: ['partner.example'] });
    admin = await seedUser(t.dataSource, { organizationId: host.id, email: 'admin@host.example' });
    await t.dataSource.getRepository(User).update(admin.id, { roles: [UserRole.HOST_ADMIN], displayName: 'Harriet Admin' });
    partnerUser = await seedUser(t.dataSource, { organizationId: partner.id, email: 'pat@partner.example' });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await drop?.();
  });

  async function signInThroughDemo(orgName: string, user: User): Promise<request.Response> {
    const index = await request(t.http).get('/demo-idp');
    expect(index.status).toBe(200);
    const link = new RegExp(`<a href="([^"]+)">${orgName}</a>`).exec(index.text)![1];
    const login = await request(t.http).get(new URL(link).pathname);
    expect(login.status).toBe(302);
    const sso = new URL(login.headers.location);
    expect(sso.pathname).toMatch(/^\/demo-idp\/[0-9a-f-]{36}\/sso$/);
    const picker = await request(t.http).get(`${sso.pathname}${sso.search}`);
    expect(picker.status).toBe(200);
    const form = picker.text.split('<li>').find((li) => li.includes(user.email))!;
    const fields = hiddenInputs(form);
    expect(fields.inResponseTo).toMatch(/^_/);
    const posted = await request(t.http).post(sso.pathname).type('form').send(fields);
    expect(posted.status).toBe(200);
    const auto = hiddenInputs(posted.text);
    const acs = new URL(/action="([^"]+)"/.exec(posted.text)![1]);
    return request(t.http).post(acs.pathname).set('Accept', 'text/html').type('form').send(auto);
  }

  it('creates one demo connection per organisation, each with its own encrypted key', async () => {
    await request(t.http).get('/demo-idp');
    const connections = await t.dataSource.getRepository(IdpConnection).find();
    expect(connections).toHaveLength(2);
    for (const c of connections) {
      expect(c.demoIdpPrivateKey).toMatch(/^v1:/);
      expect(c.spPrivateKey).toMatch(/^v1:/);
      expect(c.demoIdpPrivateKey).not.toContain('PRIVATE KEY');
    }
    expect(new Set(connections.map((c) => c.signingCertificates[0])).size).toBe(2);
    expect(await t.app.get(DemoIdpService).ensureDemoConnections()).toBe(0);
  });

  it('signs a host employee in through the full SAML path, keeping their host role', async () => {
    const res = await signInThroughDemo('Host Co', admin);
    expect(res.status).toBe(303);
    const cookie = (res.headers['set-cookie'][0] as string).split(';')[0];
    const me = await request(t.http).get('/auth/welcome').set('Cookie', cookie).set('Accept', 'text/html');
    expect(me.text).toContain('Welcome, Harriet Admin');
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: admin.id })).roles).toEqual([UserRole.HOST_ADMIN]);
  });

  it('signs a partner in, and serves its IdP metadata', async () => {
    const res = await signInThroughDemo('Partner Co', partnerUser);
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie'][0]).toMatch(/passerelle_session=pss_/);
    const connection = await t.dataSource.getRepository(IdpConnection).findOneByOrFail({ organizationId: partnerUser.organizationId });
    const metadata = await request(t.http).get(`/demo-idp/${connection.id}/metadata`);
    expect(metadata.text).toContain(`entityID="${connection.idpEntityId}"`);
  });

  it('never runs in production', async () => {
    expect(() => new AppConfig({ NODE_ENV: 'production', DEMO_IDP: 'true', SECRET_KEY: '11'.repeat(32) })).toThrow(/demo identity providers cannot run in production/);
    const prod = new AppConfig({ NODE_ENV: 'production', SECRET_KEY: '11'.repeat(32) });
    expect(prod.demoIdp).toBe(false);
    const service = new DemoIdpService(t.dataSource, prod, t.clock, undefined as never);
    await expect(service.ensureDemoConnections()).rejects.toThrow(/cannot run in production/);
  });
});
