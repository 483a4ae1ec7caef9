import { beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import request from 'supertest';
import { OrganizationKind } from '../../src/common/domain.enums';
import { AuditEvent } from '../../src/database/entities/audit-event.entity';
import { ConnectionService } from '../../src/sso/connections/connection.service';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { Session } from '../../src/database/entities/session.entity';
import { Organization } from '../../src/database/entities/organization.entity';
import { User } from '../../src/database/entities/user.entity';
import { SamlTestApp } from './saml-app';
import { SharedInstances } from './saml-shared';
import { postAcs, sessionCookie, startLogin } from './saml-http';
import { keyPair, KeyPair } from '../../src/common/testing/saml-keys';
import { redirectParts, samlifyIdp, SamlifyIdp, samlifyLoginResponse, samlifySp, SamlifySp } from './saml-samlify';
import { seedOrganization } from './saml-world';

// End to end over HTTP with samlify as the IdP: metadata exchange both ways, SP-initiated
// and IdP-initiated sign-in, certificate rotation without downtime, and Single Logout.
export function describeSamlify(shared: SharedInstances): void {
  describe('SAML sign-in with samlify as the identity provider', () => {
    let t: SamlTestApp;
    let oldKeys: KeyPair;
    let newKeys: KeyPair;
    let idp: SamlifyIdp;
    let sp: SamlifySp;
    let partner: Organization;
    let host: Organization;
    let connection: IdpConnection;
    const ENTITY = 'https://idp.globex.example';

    beforeAll(async () => {
      t = shared.one;
      [oldKeys, newKeys] = await Promise.all([keyPair('idp.globex.example'), keyPair('idp.globex.example-2027')]);
      idp = samlifyIdp(ENTITY, oldKeys);
      partner = await seedOrganization(t.dataSource, {
        name: 'Globex',
        kind: OrganizationKind.PARTNER,
        domains: ['globex.example'],
      });
      host = shared.host;
      // The connection is made from samlify's own IdP metadata, as an administrator would.
      connection = await t.app
        .get(ConnectionService)
        .create({ kind: 'cli' }, { organizationId: partner.id, metadataXml: idp.getMetadata() });
      const metadata = await request(t.http).get(`/auth/saml/${connection.id}/metadata`);
      expect(metadata.status).toBe(200);
      expect(metadata.headers['content-type']).toMatch(/samlmetadata\+xml/);
      sp = samlifySp(metadata.text);
    }, 60_000);

    it('imports the IdP metadata: entityID, SSO and SLO endpoints, signing certificate', () => {
      expect(connection.idpEntityId).toBe(ENTITY);
      expect(connection.ssoUrl).toBe(`${ENTITY}/sso`);
      expect(connection.sloUrl).toBe(`${ENTITY}/slo`);
      expect(connection.signingCertificates).toHaveLength(1);
      expect(new X509Certificate(connection.signingCertificates[0]).fingerprint256).toBe(
        new X509Certificate(oldKeys.cert).fingerprint256,
      );
    });

    it('signs in SP-initiated: samlify reads our signed AuthnRequest, we accept its response, returnTo kept', async () => {
      const login = await startLogin(t.http, connection.id, '/spaces?tab=mine');
      const parsed = await idp.parseLoginRequest(sp, 'redirect', redirectParts(login.location) as never);
      expect((parsed.extract as { request: { id: string } }).request.id).toBe(login.requestId);
      const response = await samlifyLoginResponse(idp, sp, login.requestId, {
        nameId: 'globex-0001',
        email: 'grace@globex.example',
      });
      const res = await postAcs(t.http, connection.id, response);
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({
        email: 'grace@globex.example',
        displayName: 'Grace Hopper',
        organizationId: partner.id,
      });
      expect(res.body.returnTo).toBe('/spaces?tab=mine');
      expect(sessionCookie(res)).toMatch(/^pss_/);
    });

    it('redirects a browser to returnTo (same origin only) after signing in', async () => {
      const login = await startLogin(t.http, connection.id, 'https://evil.example/steal');
      const response = await samlifyLoginResponse(idp, sp, login.requestId, {
        nameId: 'globex-0001',
        email: 'grace@globex.example',
      });
      const res = await postAcs(t.http, connection.id, response, undefined, { accept: 'text/html' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      const cookie = res.headers['set-cookie'][0] as string;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).not.toMatch(/Secure/); // plain-HTTP public URL in tests; production is always Secure
    });

    it('refuses an IdP-initiated response until the connection allows it, then accepts it', async () => {
      const unsolicited = await samlifyLoginResponse(idp, sp, null, {
        nameId: 'globex-0002',
        email: 'linus@globex.example',
      });
      const refused = await postAcs(t.http, connection.id, unsolicited);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('UNSOLICITED_RESPONSE');
      connection = await t.app
        .get(ConnectionService)
        .update({ kind: 'cli' }, connection.id, { allowIdpInitiated: true });
      const again = await samlifyLoginResponse(idp, sp, null, { nameId: 'globex-0002', email: 'linus@globex.example' });
      const ok = await postAcs(t.http, connection.id, again, '/welcome-back');
      expect(ok.status).toBe(200);
      expect(ok.body.returnTo).toBe('/welcome-back');
      const audit = await t.dataSource
        .getRepository(AuditEvent)
        .findOne({ where: { action: 'auth.login', outcome: 'SUCCESS', actorId: ok.body.user.id } });
      expect(audit?.reason).toBe('idp_initiated');
    });

    it('rotates the IdP certificate without downtime: old and new both accepted until the old one is removed', async () => {
      const connections = t.app.get(ConnectionService);
      const rotated = samlifyIdp(ENTITY, newKeys);
      const signIn = async (signer: SamlifyIdp) => {
        const login = await startLogin(t.http, connection.id);
        return postAcs(
          t.http,
          connection.id,
          await samlifyLoginResponse(signer, sp, login.requestId, {
            nameId: 'globex-0001',
            email: 'grace@globex.example',
          }),
        );
      };
      expect((await signIn(rotated)).body.error.code).toBe('SIGNATURE_UNTRUSTED');
      await connections.addSigningCertificate({ kind: 'cli' }, connection.id, newKeys.cert);
      expect((await signIn(idp)).status).toBe(200);
      expect((await signIn(rotated)).status).toBe(200);
      await connections.removeSigningCertificate(
        { kind: 'cli' },
        connection.id,
        new X509Certificate(oldKeys.cert).fingerprint256,
      );
      expect((await signIn(idp)).body.error.code).toBe('SIGNATURE_UNTRUSTED');
      expect((await signIn(rotated)).status).toBe(200);
      const actions = (await t.dataSource.getRepository(AuditEvent).find({ where: { subjectId: connection.id } })).map(
        (e) => e.action,
      );
      expect(actions).toEqual(expect.arrayContaining(['connection.certificate.add', 'connection.certificate.remove']));
      // Back to the first key for the tests that follow.
      await connections.addSigningCertificate({ kind: 'cli' }, connection.id, oldKeys.cert);
    });

    it('ends the session on an IdP-initiated LogoutRequest (SLO) and answers with a signed LogoutResponse', async () => {
      const login = await startLogin(t.http, connection.id);
      const signedIn = await postAcs(
        t.http,
        connection.id,
        await samlifyLoginResponse(idp, sp, login.requestId, {
          nameId: 'globex-0003',
          email: 'ada@globex.example',
          sessionIndex: '_sess-ada-1',
        }),
      );
      const cookie = sessionCookie(signedIn)!;
      expect(
        (
          await request(t.http)
            .get('/auth/welcome')
            .set('Accept', 'application/json')
            .set('Cookie', `passerelle_session=${cookie}`)
        ).status,
      ).toBe(200);

      const logout = idp.createLogoutRequest(sp, 'post', {
        logoutNameID: 'globex-0003',
        sessionIndex: '_sess-ada-1',
      } as never) as { context: string };
      const res = await request(t.http)
        .post(`/auth/saml/${connection.id}/slo`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ SAMLRequest: logout.context });
      expect(res.status).toBe(302);
      expect(res.headers.location).toMatch(new RegExp(`^${ENTITY}/slo\\?SAMLResponse=`));
      const answer = await idp.parseLogoutResponse(sp, 'redirect', redirectParts(res.headers.location) as never);
      expect((answer.extract as { response: { inResponseTo: string } }).response.inResponseTo).toBeTruthy();
      expect(
        (
          await request(t.http)
            .get('/auth/welcome')
            .set('Accept', 'application/json')
            .set('Cookie', `passerelle_session=${cookie}`)
        ).status,
      ).toBe(401);
      const session = await t.dataSource.getRepository(Session).findOne({ where: { nameId: 'globex-0003' } });
      expect(session?.revokedReason).toBe('saml_slo');

      // The same LogoutRequest again is a replay.
      const replay = await request(t.http)
        .post(`/auth/saml/${connection.id}/slo`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ SAMLRequest: logout.context });
      expect(replay.body.error.code).toBe('ASSERTION_REPLAYED');
    });

    it('refuses a LogoutRequest signed by another key, and an unsigned one', async () => {
      const stranger = samlifyIdp(ENTITY, await keyPair('stranger.example'));
      const forged = stranger.createLogoutRequest(sp, 'post', {
        logoutNameID: 'globex-0001',
        sessionIndex: 'x',
      } as never) as { context: string };
      const unsigned = idp.createLogoutRequest(samlifySp(sp.entityMeta.getMetadata(), false), 'post', {
        logoutNameID: 'globex-0001',
        sessionIndex: 'x',
      } as never) as { context: string };
      expect(Buffer.from(unsigned.context, 'base64').toString()).not.toContain('Signature');
      for (const message of [forged, unsigned]) {
        const res = await request(t.http)
          .post(`/auth/saml/${connection.id}/slo`)
          .set('Accept', 'application/json')
          .type('form')
          .send({ SAMLRequest: message.context });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('LOGOUT_INVALID');
      }
    });

    it('refuses a LogoutRequest addressed to another endpoint, and one with a DTD', async () => {
      const logout = idp.createLogoutRequest(sp, 'post', {
        logoutNameID: 'globex-0001',
        sessionIndex: 'x',
      } as never) as { context: string };
      const xml = Buffer.from(logout.context, 'base64').toString();
      const elsewhere = Buffer.from(
        xml.replace(/Destination="[^"]+"/, 'Destination="https://elsewhere.example/slo"'),
      ).toString('base64');
      const res = await request(t.http)
        .post(`/auth/saml/${connection.id}/slo`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ SAMLRequest: elsewhere });
      expect(res.body.error.code).toBe('DESTINATION_MISMATCH');
      const dtd = Buffer.from(`<!DOCTYPE x>${xml}`).toString('base64');
      const res2 = await request(t.http)
        .post(`/auth/saml/${connection.id}/slo`)
        .set('Accept', 'application/json')
        .type('form')
        .send({ SAMLRequest: dtd });
      expect(res2.body.error.code).toBe('DTD_FORBIDDEN');
      const audited = await t.dataSource
        .getRepository(AuditEvent)
        .countBy({ action: 'auth.slo', outcome: 'FAILURE', reason: 'destination_mismatch' });
      expect(audited).toBe(1);
    });

    it('logs out SP-initiated: ends the session and sends samlify a signed LogoutRequest it accepts', async () => {
      const login = await startLogin(t.http, connection.id);
      const signedIn = await postAcs(
        t.http,
        connection.id,
        await samlifyLoginResponse(idp, sp, login.requestId, { nameId: 'globex-0004', email: 'alan@globex.example' }),
      );
      const cookie = sessionCookie(signedIn)!;
      const res = await request(t.http)
        .post('/auth/logout')
        .set('Accept', 'application/json')
        .set('Cookie', `passerelle_session=${cookie}`);
      expect(res.status).toBe(200);
      expect(res.body.loggedOut).toBe(true);
      expect(res.body.logoutUrl).toMatch(new RegExp(`^${ENTITY}/slo\\?SAMLRequest=`));
      const parsed = await idp.parseLogoutRequest(sp, 'redirect', redirectParts(res.body.logoutUrl) as never);
      expect((parsed.extract as { nameID: string }).nameID).toBe('globex-0004');
      expect(
        (
          await request(t.http)
            .get('/auth/welcome')
            .set('Accept', 'application/json')
            .set('Cookie', `passerelle_session=${cookie}`)
        ).status,
      ).toBe(401);
    });

    it('maps IdP groups to host roles for the host organisation only', async () => {
      const hostIdp = samlifyIdp('https://idp.host.example', await keyPair('idp.host.example'));
      const hostConnection = await t.app.get(ConnectionService).create(
        { kind: 'cli' },
        {
          organizationId: host.id,
          metadataXml: hostIdp.getMetadata(),
          attributeMapping: {
            groups: ['groups'],
            groupRoles: { 'passerelle-admins': 'HOST_ADMIN', auditors: 'SECURITY_REVIEWER' },
          },
        },
      );
      const hostSp = samlifySp((await request(t.http).get(`/auth/saml/${hostConnection.id}/metadata`)).text);
      const login = await startLogin(t.http, hostConnection.id);
      const res = await postAcs(
        t.http,
        hostConnection.id,
        await samlifyLoginResponse(hostIdp, hostSp, login.requestId, {
          nameId: 'emp-1',
          email: 'root@host.example',
          groups: ['passerelle-admins', 'staff'],
        }),
      );
      expect(res.status).toBe(200);
      expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: res.body.user.id })).roles).toEqual([
        'HOST_ADMIN',
      ]);
      // Partner connections cannot map roles at all.
      await expect(
        t.app
          .get(ConnectionService)
          .update({ kind: 'cli' }, connection.id, { attributeMapping: { groupRoles: { x: 'PARTNER_ADMIN' } } }),
      ).rejects.toThrow(/HOST_ADMIN or SECURITY_REVIEWER/);
    });

    it('discovers the connection from an email domain', async () => {
      const res = await request(t.http)
        .get('/auth/discover')
        .query({ email: 'someone@Globex.example' })
        .set('Accept', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body.connections.map((c: { id: string }) => c.id)).toEqual([connection.id]);
      expect(res.body.connections[0].loginUrl).toBe(`${t.config.publicUrl}/auth/saml/${connection.id}/login`);
      const browser = await request(t.http)
        .get('/auth/discover')
        .query({ email: 'someone@globex.example' })
        .set('Accept', 'text/html');
      expect(browser.status).toBe(302);
      const none = await request(t.http)
        .get('/auth/discover')
        .query({ email: 'x@unknown.example' })
        .set('Accept', 'application/json');
      expect(none.status).toBe(404);
      expect(none.body.error.code).toBe('DISCOVERY_NO_MATCH');
      const bad = await request(t.http)
        .get('/auth/discover')
        .query({ email: 'not-an-email' })
        .set('Accept', 'application/json');
      expect(bad.status).toBe(400);
    });
  });
}
