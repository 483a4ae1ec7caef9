import request from 'supertest';
import { AuditService } from '../src/audit/audit.service';
import { SESSION_COOKIE } from '../src/auth/session.service';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

describe('sessions, kill switch and audit', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(SMALL_WORLD);
  });
  afterAll(() => t.close());

  const me = (cookie: string) =>
    request(t.http)
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .set('Cookie', `${SESSION_COOKIE}=${cookie}`)
      .send({ query: '{ me { displayName } }' });

  it('accepts the session cookie like a bearer token', async () => {
    const cookie = await t.sessionFor(ids.alice);
    const r = await me(cookie);
    expect(r.body.data.me.displayName).toBe('Alice Acme');
  });

  it('ends access at once when a user is disabled or an organisation suspended', async () => {
    const cookie = await t.sessionFor(ids.arno);
    const token = await t.tokenFor(ids.arno);
    expect((await me(cookie)).body.data.me.displayName).toBe('Arno Acme');
    await t.dataSource.query(`UPDATE organizations SET status = 'SUSPENDED' WHERE id = $1`, [ids.acme]);
    expect((await me(cookie)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(token, '{ me { id } }')).body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    await t.dataSource.query(`UPDATE organizations SET status = 'ACTIVE' WHERE id = $1`, [ids.acme]);
    // Back in: the refusal below is the user's status, not a credential spent above.
    expect((await me(cookie)).body.data.me.displayName).toBe('Arno Acme');
    await t.dataSource.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [ids.arno]);
    expect((await me(cookie)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expectError(await t.gql(token, '{ me { id } }'), 'UNAUTHENTICATED');
  });

  it('times out idle sessions', async () => {
    const cookie = await t.sessionFor(ids.alice);
    expect((await me(cookie)).body.data.me.displayName).toBe('Alice Acme');
    t.clock.set(new Date(Date.now() + (t.config.sessionIdleMinutes + 1) * 60_000));
    expect((await me(cookie)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    t.clock.set(null);
  });

  it('audits denials in a hash chain that verifies and detects tampering', async () => {
    const token = await t.tokenFor(ids.bob);
    expectError(await t.gql(token, 'query($id: ID!) { post(id: $id) { id } }', { id: ids['p-open-0'] }), 'NOT_FOUND');
    const denials: { reason: string; subject_id: string }[] = await t.dataSource.query(
      `SELECT reason, subject_id FROM audit_events WHERE action = 'authz.denied' AND actor_id = $1`,
      [ids.bob],
    );
    expect(denials).toContainEqual({ reason: 'not_visible_or_missing', subject_id: ids['p-open-0'] });
    const unauthenticated: unknown[] = await t.dataSource.query(
      `SELECT 1 FROM audit_events WHERE action = 'auth.unauthenticated'`,
    );
    expect(unauthenticated.length).toBeGreaterThan(0);
    const audit = t.app.get(AuditService);
    await expect(audit.verifyChain()).resolves.toMatchObject({ ok: true, brokenAt: null });
    // Tampering needs the trigger out of the way: exactly what an attacker with SQL would do.
    await t.dataSource.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await t.dataSource.query(`UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 2`);
    await t.dataSource.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    await expect(audit.verifyChain()).resolves.toMatchObject({ ok: false, brokenAt: 2 });
  });
});

describe('revoking every session of an organisation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('revokes them all and says how many', async () => {
    const ids = await t.importWorld(SMALL_WORLD);
    const { SessionService } = await import('../src/auth/session.service');
    const sessions = t.app.get(SessionService);
    const cookies = [await t.sessionFor(ids.alice), await t.sessionFor(ids.arno), await t.sessionFor(ids.alice)];
    const other = await t.sessionFor(ids.owner);
    // Every cookie resolves before: null afterwards means revoked, not never valid.
    for (const c of cookies) expect(await sessions.resolve(c)).not.toBeNull();
    expect(await sessions.revokeAllForOrganization(ids.acme, 'organization suspended')).toBe(3);
    expect(cookies).toHaveLength(3);
    for (const c of cookies) expect(await sessions.resolve(c)).toBeNull();
    expect(await sessions.resolve(other)).not.toBeNull();
  });
});
