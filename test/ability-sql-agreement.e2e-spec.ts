import fc from 'fast-check';
import { AbilityFactory } from '../src/access/ability.factory';
import { AccessService } from '../src/access/access.service';
import { PrincipalService } from '../src/auth/principal.service';
import { SubjectFactsService, WorldFacts } from './support/subject-facts';
import { SUBJECT_NAMES, SubjectName } from '../src/access/subjects';
import { SUBJECT_SQL } from '../src/access/sql/subject-sql-schema';
import { startTestApp, TestApp } from './support/test-app';
import { WORLD_BASE_TIME, worldArbitrary } from './support/world.arbitrary';

// Deleting children before parents empties the domain between worlds (the audit log stays).
const TABLES = [
  'reactions',
  'comments',
  'posts',
  'memberships',
  'invitations',
  'risk_entries',
  'sessions',
  'api_tokens',
  'external_identities',
  'idp_connections',
  'users',
  'spaces',
  'organizations',
];

/**
 * The same ability answers single checks in memory and filters lists in SQL. For random
 * worlds, every user and every object of every type: `ability.can` and the SQL filter agree.
 * (A relation missing in memory is false there but could be true in SQL: this catches it.)
 */
describe('in-memory checks and SQL filters agree', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  // The review's own records are not part of a generated world; their tests check their rules.
  const OUTSIDE_WORLDS = new Set<SubjectName>(['AuditEvent', 'RecertificationCampaign']);

  it('for every user and object of random worlds', async () => {
    const runs = Number(process.env.PROPERTY_RUNS ?? 8);
    const seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
    process.stdout.write(`ability/SQL agreement: seed ${seed}, ${runs} worlds\n`);
    await fc.assert(
      fc.asyncProperty(worldArbitrary(), fc.integer({ min: -40, max: 120 }), async (world, dayOffset) => {
        for (const table of TABLES) await t.dataSource.query(`DELETE FROM ${table}`);
        await t.importWorld(world);
        const now = new Date(WORLD_BASE_TIME.getTime() + dayOffset * 86_400_000);
        const facts = await new SubjectFactsService(t.dataSource).loadAll();
        const principals = t.app.get(PrincipalService);
        const abilities = t.app.get(AbilityFactory);
        const access = t.app.get(AccessService);
        for (const user of facts.User) {
          const principal = await principals.load(user.id as string, now, { kind: 'token', id: 'test' });
          if (!principal) continue;
          const ability = abilities.createFor(principal);
          for (const type of SUBJECT_NAMES.filter((name): name is keyof WorldFacts => !OUTSIDE_WORLDS.has(name))) {
            const scope = access.scope(ability, type, 'x');
            const rows: { id: string }[] = await t.dataSource
              .createQueryBuilder()
              .select('x.id', 'id')
              .from(SUBJECT_SQL[type].table, 'x')
              .where(scope.sql, scope.params)
              .getRawMany();
            const inSql = rows.map((r) => r.id).sort();
            const inMemory = facts[type]
              .filter((f) => ability.can('read', f))
              .map((f) => f.id as string)
              .sort();
            if (JSON.stringify(inSql) !== JSON.stringify(inMemory)) {
              throw new Error(
                `${type} for user ${principal.email}: SQL ${JSON.stringify(inSql)} vs memory ${JSON.stringify(inMemory)}`,
              );
            }
          }
        }
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
  });
});
