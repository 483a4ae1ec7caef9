import { afterAll, beforeAll } from '@jest/globals';
import { OrganizationKind } from '../../src/common/domain.enums';
import { ConnectionsModule } from '../../src/sso/connections/connections.module';
import { Organization } from '../../src/database/entities/organization.entity';
import { startSamlApp, SamlTestApp } from './saml-app';
import { seedOrganization } from './saml-world';
import { createTestDatabase } from './test-database';
import { redisNamespace } from './test-app';

/** Two gateway instances on one database (and Redis when REDIS_URL is set), and the host organisation. */
export interface SharedInstances {
  one: SamlTestApp;
  two: SamlTestApp;
  host: Organization;
}

/**
 * Starts the instances once for a whole test file (PGlite takes seconds to start under
 * Jest) and registers their shutdown; suites read them in their own beforeAll.
 */
export function sharedInstances(): SharedInstances {
  const shared = {} as SharedInstances;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    // Files run in parallel against one Redis: both instances share a namespace of their own.
    const redis = process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, ...redisNamespace() } : {};
    const env = { ...db.env, ...redis };
    shared.one = await startSamlApp({ env, modules: [ConnectionsModule] });
    // With DATABASE_URL each instance has its own pool on the shared server; on PGlite the
    // second instance is handed the first one's database, which is what sharing means there.
    shared.two = await startSamlApp({
      env,
      modules: [ConnectionsModule],
      shareDataSource: db.env.DATABASE_URL ? undefined : shared.one.dataSource,
    });
    shared.host = await seedOrganization(shared.one.dataSource, {
      name: 'Host',
      kind: OrganizationKind.HOST,
      domains: ['host.example'],
    });
  }, 90_000);
  afterAll(async () => {
    await shared.two?.close();
    await shared.one?.close();
    await drop?.();
  });
  return shared;
}
