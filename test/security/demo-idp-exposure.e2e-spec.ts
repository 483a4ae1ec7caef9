import request from 'supertest';
import { AppConfig } from '../../src/config/app-config';
import { DemoIdpService } from '../../src/dev/demo-idp/demo-idp.service';
import { startTestApp, TestApp } from '../support/test-app';

// At a demo IdP anyone signs in as anyone and sees every person's email: it must be
// asked for, or be a local trial (embedded database, development), and never production.

const KEY = '11'.repeat(32);
const PG = 'postgres://postgres@127.0.0.1:5432/passerelle';

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 1 },
  ],
  users: [
    {
      key: 'hana',
      organization: 'host',
      email: 'hana@host.test',
      displayName: 'Hana Host',
      clearance: 4,
      roles: ['HOST_ADMIN'],
    },
    { key: 'bob', organization: 'acme', email: 'bob@acme.test', displayName: 'Bob Acme', clearance: 1 },
  ],
};

describe('demo IdP exposure', () => {
  describe('who gets it (configuration)', () => {
    it.each([
      ['development on the embedded database', true, { NODE_ENV: 'development', DATA_DIR: 'memory' }],
      ['DATABASE_URL without NODE_ENV', false, { DATABASE_URL: PG, SECRET_KEY: KEY }],
      ['DATABASE_URL in development', false, { NODE_ENV: 'development', DATABASE_URL: PG, SECRET_KEY: KEY }],
      ['DEMO_IDP=true with DATABASE_URL', true, { DATABASE_URL: PG, SECRET_KEY: KEY, DEMO_IDP: 'true' }],
      [
        'DEMO_IDP=false on the embedded database',
        false,
        { NODE_ENV: 'development', DATA_DIR: 'memory', DEMO_IDP: 'false' },
      ],
      ['production', false, { NODE_ENV: 'production', DATABASE_URL: PG, SECRET_KEY: KEY }],
      ['tests', false, { NODE_ENV: 'test' }],
    ])('%s → served: %s', (_case, served, env) => {
      expect(new AppConfig(env).demoIdp).toBe(served);
    });

    it('refuses DEMO_IDP=true in production at start', () => {
      expect(
        () => new AppConfig({ NODE_ENV: 'production', DATABASE_URL: PG, SECRET_KEY: KEY, DEMO_IDP: 'true' }),
      ).toThrow(/^DEMO_IDP: the demo identity providers cannot run in production$/);
    });
  });

  describe('off: every demo route is a 404', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ DEMO_IDP: 'false' });
      await t.importWorld(WORLD);
    });
    afterAll(() => t?.close());

    it.each([
      '/demo-idp',
      '/demo-idp/00000000-0000-4000-8000-000000000000/sso',
      '/demo-idp/00000000-0000-4000-8000-000000000000/metadata',
    ])('GET %s', async (path) => {
      const res = await request(t.http).get(path);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('@');
    });
  });

  describe('on: a GET never writes', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ DEMO_IDP: 'true' });
      await t.importWorld({ organizations: [WORLD.organizations[0]], users: [WORLD.users[0]] });
      await t.app.get(DemoIdpService).ensureDemoConnections();
      // A partner imported while the gateway runs has no demo IdP until a start-up makes it.
      await t.importWorld(WORLD);
    });
    afterAll(() => t?.close());

    async function rows(): Promise<Record<string, number>> {
      const [counts] = await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM idp_connections) AS connections,
                (SELECT count(*)::int FROM external_identities) AS identities,
                (SELECT count(*)::int FROM audit_events) AS audit`,
      );
      return counts;
    }

    it('GET /demo-idp lists the demo IdPs and creates none', async () => {
      const before = await rows();
      const res = await request(t.http).get('/demo-idp');
      expect(res.status).toBe(200);
      expect(res.text).toContain('>Host</a>');
      expect(await rows()).toEqual(before);
      expect(res.text).not.toContain('>Acme</a>');
    });

    it('GET of the person picker writes nothing either', async () => {
      const [connection] = await t.app.get(DemoIdpService).demoConnections();
      const before = await rows();
      const res = await request(t.http).get(`/demo-idp/${connection.id}/sso`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('hana@host.test');
      expect(await rows()).toEqual(before);
    });

    it('the next start-up makes the missing demo IdP', async () => {
      expect(await t.app.get(DemoIdpService).ensureDemoConnections()).toBe(1);
      const res = await request(t.http).get('/demo-idp');
      expect(res.status).toBe(200);
      expect(res.text).toContain('>Acme</a>');
    });
  });
});
