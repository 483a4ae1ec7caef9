import request from 'supertest';
import { AuditEvent } from '../../src/database/entities/audit-event.entity';
import { OrganizationKind } from '../../src/common/domain.enums';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { spEndpoints } from '../../src/sso/saml/saml-urls';
import { startSamlApp, SamlTestApp } from '../support/saml-app';
import { b64, forgeResponse } from '../../src/common/testing/saml-forge';
import { LOGIN_STATE_COOKIE, postAcs, sessionCookie, startLogin } from '../support/saml-http';
import { KeyPair, keyPair } from '../../src/common/testing/saml-keys';
import { seedConnection, seedOrganization } from '../support/saml-world';
import { createTestDatabase } from '../support/test-database';

// Login CSRF: an attacker starts a sign-in in their own browser, gets their IdP's answer,
// and makes the victim's browser post it (an auto-submitting form on any site). The answer
// is accepted only from the browser that started the request.
jest.setTimeout(300_000);

describe('sign-in bound to the browser that started it', () => {
  let t: SamlTestApp;
  let https: SamlTestApp;
  let drop: () => Promise<void>;
  let idp: KeyPair;
  let conn: IdpConnection;
  let n = 0;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    t = await startSamlApp({ env: db.env });
    https = await startSamlApp({
      env: { ...db.env, PUBLIC_URL: 'https://sp.passerelle.test' },
      shareDataSource: db.env.DATABASE_URL ? undefined : t.dataSource,
    });
    idp = await keyPair('idp.csrf.example');
    const org = await seedOrganization(t.dataSource, {
      name: 'Csrf Co',
      kind: OrganizationKind.PARTNER,
      domains: ['csrf.example'],
    });
    conn = await seedConnection(t.dataSource, t.config, {
      organization: org,
      idpEntityId: 'https://idp.csrf.example/saml',
      certificates: [idp.cert],
    });
  }, 300_000);

  afterAll(async () => {
    await https?.close();
    await t?.close();
    await drop?.();
  });

  /** The IdP's signed answer to a request, for the attacker's own account. */
  function answer(requestId: string, who = `attacker-${++n}`): string {
    const sp = spEndpoints(t.config, conn.id);
    return b64(
      forgeResponse(
        {
          issuer: conn.idpEntityId,
          destination: sp.acsUrl,
          recipient: sp.acsUrl,
          audience: sp.entityId,
          inResponseTo: requestId,
          nameId: who,
          attributes: { email: [`${who}@csrf.example`] },
        },
        { signAssertion: { signer: idp } },
      ),
    );
  }

  async function refusals(): Promise<number> {
    return t.dataSource
      .getRepository(AuditEvent)
      .count({ where: { action: 'auth.login', outcome: 'FAILURE', reason: 'login_state_mismatch' } });
  }

  async function expectMismatch(res: request.Response, before: number): Promise<void> {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 401, code: 'LOGIN_STATE_MISMATCH' });
    expect(sessionCookie(res)).toBeNull();
    expect(await refusals()).toBe(before + 1);
  }

  it('gives /login a short-lived HttpOnly login cookie, SameSite=Lax over plain http', async () => {
    const res = await request(t.http).get(`/auth/saml/${conn.id}/login`);
    expect(res.status).toBe(302);
    const cookie = ((res.headers['set-cookie'] as unknown as string[]) ?? []).find((c) =>
      c.startsWith(`${LOGIN_STATE_COOKIE}=`),
    );
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; Path=\/auth\/saml(;|$)/);
    expect(cookie).toMatch(/; Max-Age=900(;|$)/);
    expect(cookie).toMatch(/; SameSite=Lax/i);
  });

  it("makes it SameSite=None; Secure when PUBLIC_URL is https, so the IdP's cross-site POST carries it", async () => {
    const res = await request(https.http).get(`/auth/saml/${conn.id}/login`);
    expect(res.status).toBe(302);
    const cookie = ((res.headers['set-cookie'] as unknown as string[]) ?? []).find((c) =>
      c.startsWith(`${LOGIN_STATE_COOKIE}=`),
    )!;
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; SameSite=None/i);
    expect(cookie).toMatch(/; HttpOnly/i);
  });

  it('signs in the browser that started the request (the control)', async () => {
    const login = await startLogin(t.http, conn.id);
    expect(login.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await postAcs(t.http, conn.id, answer(login.requestId, 'owner-1'), undefined, {
      loginCookie: login.cookie,
    });
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toMatch(/^pss_/);
  });

  it("refuses the attacker's answer posted by a victim browser without a login cookie", async () => {
    const attacker = await startLogin(t.http, conn.id);
    const before = await refusals();
    await expectMismatch(
      await postAcs(t.http, conn.id, answer(attacker.requestId), undefined, { loginCookie: null }),
      before,
    );
  });

  it("refuses the attacker's answer posted by a victim browser holding its own login cookie", async () => {
    const victim = await startLogin(t.http, conn.id);
    const attacker = await startLogin(t.http, conn.id);
    expect(victim.cookie).not.toBe(attacker.cookie);
    const before = await refusals();
    await expectMismatch(
      await postAcs(t.http, conn.id, answer(attacker.requestId), undefined, { loginCookie: victim.cookie }),
      before,
    );
    // The victim's own sign-in still completes.
    expect(
      (await postAcs(t.http, conn.id, answer(victim.requestId, 'victim-1'), undefined, { loginCookie: victim.cookie }))
        .status,
    ).toBe(200);
  });

  it.each([['x'], ['A'.repeat(43)], ['A'.repeat(44)], ['%00'], ['undefined']])(
    'refuses a made-up login cookie %j',
    async (value) => {
      const attacker = await startLogin(t.http, conn.id);
      const before = await refusals();
      await expectMismatch(
        await postAcs(t.http, conn.id, answer(attacker.requestId), undefined, { loginCookie: value }),
        before,
      );
    },
  );

  it('refuses in an HTML flow too, with a page and no session', async () => {
    const attacker = await startLogin(t.http, conn.id);
    const before = await refusals();
    const res = await postAcs(t.http, conn.id, answer(attacker.requestId), undefined, {
      loginCookie: null,
      accept: 'text/html',
    });
    expect(res.status).toBe(401);
    expect(res.text).toContain('LOGIN_STATE_MISMATCH');
    expect(sessionCookie(res)).toBeNull();
    expect(await refusals()).toBe(before + 1);
  });

  it('lets one browser complete sign-ins started in two tabs', async () => {
    const first = await startLogin(t.http, conn.id);
    const second = await startLogin(t.http, conn.id, undefined, { cookie: first.cookie! });
    expect(second.cookie).toBe(first.cookie);
    expect(
      (await postAcs(t.http, conn.id, answer(second.requestId, 'tabs-1'), undefined, { loginCookie: first.cookie }))
        .status,
    ).toBe(200);
    expect(
      (await postAcs(t.http, conn.id, answer(first.requestId, 'tabs-1'), undefined, { loginCookie: first.cookie }))
        .status,
    ).toBe(200);
  });
});
