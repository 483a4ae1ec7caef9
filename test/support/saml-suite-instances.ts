import { beforeAll, describe, expect, it } from '@jest/globals';
import Redis from 'ioredis';
import { OrganizationKind } from '../../src/common/domain.enums';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { DatabaseSamlCache, RedisSamlCache, SAML_CACHE, SamlCache } from '../../src/sso/saml/saml-cache';
import { spEndpoints } from '../../src/sso/saml/saml-urls';
import { SamlTestApp } from './saml-app';
import { SharedInstances } from './saml-shared';
import { b64, forgeResponse, ResponseFields } from '../../src/common/testing/saml-forge';
import { postAcs, startLogin } from './saml-http';
import { KeyPair, keyPair } from '../../src/common/testing/saml-keys';
import { seedConnection, seedOrganization } from './saml-world';

// Two gateway instances share the database (and Redis when REDIS_URL is set): a login
// started on one completes on the other, and a response replayed on the other is refused.
export function describeInstances(shared: SharedInstances): void {
  describe('SAML across two gateway instances', () => {
    let one: SamlTestApp;
    let two: SamlTestApp;
    let idp: KeyPair;
    let connection: IdpConnection;
    const redisUrl = process.env.REDIS_URL;
    const prefix = `t${process.pid}${Date.now()}`;

    beforeAll(async () => {
      one = shared.one;
      two = shared.two;
      idp = await keyPair('idp.initech.example');
      const org = await seedOrganization(one.dataSource, {
        name: `Initech ${prefix}`,
        kind: OrganizationKind.PARTNER,
        domains: ['initech.example'],
      });
      connection = await seedConnection(one.dataSource, one.config, {
        organization: org,
        idpEntityId: 'https://idp.initech.example',
        certificates: [idp.cert],
      });
    });

    function response(requestId: string | null, n: number): string {
      const sp = spEndpoints(one.config, connection.id);
      const f: ResponseFields = {
        issuer: connection.idpEntityId,
        destination: sp.acsUrl,
        recipient: sp.acsUrl,
        audience: sp.entityId,
        inResponseTo: requestId,
        nameId: `initech-${n}`,
        attributes: { mail: [`peter${n}@initech.example`] },
      };
      return b64(forgeResponse(f, { signAssertion: { signer: idp } }));
    }

    it('uses the shared cache chosen by the configuration', () => {
      const cache = one.app.get<SamlCache>(SAML_CACHE);
      expect(cache).toBeInstanceOf(redisUrl ? RedisSamlCache : DatabaseSamlCache);
    });

    it('completes on instance two a login started on instance one', async () => {
      const { requestId } = await startLogin(one.http, connection.id, '/from-one');
      const res = await postAcs(two.http, connection.id, response(requestId, 1));
      expect(res.status).toBe(200);
      expect(res.body.returnTo).toBe('/from-one');
    });

    it('refuses on instance two a response already consumed on instance one', async () => {
      const { requestId } = await startLogin(two.http, connection.id);
      const body = response(requestId, 2);
      expect((await postAcs(one.http, connection.id, body)).status).toBe(200);
      const replay = await postAcs(two.http, connection.id, body);
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('ASSERTION_REPLAYED');
    });

    it('lets exactly one of two concurrent posts of the same response through', async () => {
      const { requestId } = await startLogin(one.http, connection.id);
      const body = response(requestId, 3);
      const results = await Promise.all([
        postAcs(one.http, connection.id, body),
        postAcs(two.http, connection.id, body),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('spends a request ID once across instances', async () => {
      const { requestId } = await startLogin(one.http, connection.id);
      expect((await postAcs(two.http, connection.id, response(requestId, 4))).status).toBe(200);
      // A new assertion answering the same, already answered request.
      const again = await postAcs(one.http, connection.id, response(requestId, 5));
      expect(again.body.error.code).toBe('IN_RESPONSE_TO_UNKNOWN');
    });

    (redisUrl ? it : it.skip)('keeps its Redis entries per connection and expiring', async () => {
      const redis = new Redis(redisUrl!);
      try {
        const { requestId } = await startLogin(one.http, connection.id);
        const key = `passerelle:saml:request:${connection.id}:${requestId}`;
        expect(await redis.exists(key)).toBe(1);
        expect(await redis.pttl(key)).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });
  });
}
