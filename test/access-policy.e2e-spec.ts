import fc from 'fast-check';
import { AbilityFactory } from '../src/access/ability.factory';
import { ACTIONS, asSubject } from '../src/access/subjects';
import { Principal } from '../src/auth/principal';
import { PrincipalService } from '../src/auth/principal.service';
import { policyCommand } from '../src/cli/policy.command';
import { buildPolicyDocument, canonicalJson } from '../src/policy/policy-document';
import { evaluatePolicy } from '../src/policy/policy-interpreter';
import { POLICY_NOW, POLICY_WORLD } from './fixtures/policy-world';
import { expectData, expectError } from './support/graphql-expect';
import { propertySeed, ReusedGateway } from './support/property-harness';
import { SubjectFactsService, WorldFacts } from './support/subject-facts';
import { TestApp } from './support/test-app';
import { WORLD_BASE_TIME, worldArbitrary } from './support/world.arbitrary';

// Issue 10, item 1: the policy as data. The document is derived from the engine; these tests
// hold the two together on real worlds, check who may read it, and that the CLI prints it.

const POLICY = `{ accessPolicy { version
  symbols { symbol description { fr en } }
  rules { id order action subject inverted fields membershipRoles
    appliesTo { side roles } who { fr en } description { fr en }
    conditions { field operator value text { fr en } conditions { field operator value conditions { field operator value conditions { field operator value } } } } } } }`;

const gateway = new ReusedGateway();
afterAll(() => gateway.close());

/** For every user who counts and every object of the world: the document's verdict is the engine's. */
async function compareOnWorld(t: TestApp, now: Date): Promise<{ checks: number; allowed: number }> {
  const facts = await new SubjectFactsService(t.dataSource).loadAll();
  const principals = t.app.get(PrincipalService);
  const factory = t.app.get(AbilityFactory);
  const document = buildPolicyDocument(factory);
  let checks = 0;
  let allowed = 0;
  for (const user of facts.User) {
    const principal = await principals.load(user.id as string, now, { kind: 'token', id: 'test' });
    if (!principal) continue;
    const ability = factory.createFor(principal);
    for (const type of Object.keys(facts) as (keyof WorldFacts)[]) {
      for (const object of facts[type]) {
        for (const action of ACTIONS.filter((a) => a !== 'manage')) {
          for (const field of type === 'User' ? [undefined, 'email', 'locale', 'jobTitle'] : [undefined]) {
            const engine = ability.can(action, asSubject(type, object), field);
            const verdict = evaluatePolicy(document, principal, action, type, object, field);
            checks++;
            if (engine) allowed++;
            if (engine !== verdict.allowed) {
              throw new Error(
                `${principal.email} ${action} ${type} ${String(object.id)}${field ? `.${field}` : ''}: engine ${engine}, document ${verdict.allowed} (${verdict.deciding?.id ?? 'no rule'})`,
              );
            }
          }
        }
      }
    }
  }
  return { checks, allowed };
}

describe('accessPolicy: the policy as data', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await gateway.emptied();
    t.clock.set(POLICY_NOW);
    ids = await t.importWorld(POLICY_WORLD);
    for (const u of POLICY_WORLD.users) if (u.status === 'ACTIVE') tokens[u.key] = await t.tokenFor(ids[u.key]);
  });

  it('is the document derived from the engine, for HOST_ADMIN and SECURITY_REVIEWER, and audited', async () => {
    const document = buildPolicyDocument(t.app.get(AbilityFactory));
    for (const who of ['reviewer', 'admin']) {
      const policy = expectData(await t.gql(tokens[who], POLICY)).accessPolicy;
      expect(policy.version).toBe(document.version);
      expect(policy.version).toMatch(/^[0-9a-f]{64}$/);
      expect(policy.rules.map((r: { id: string }) => r.id)).toEqual(document.rules.map((r) => r.id));
      // The confidentiality rule of posts is there, as data and in words.
      const postRead = policy.rules.filter(
        (r: { action: string; subject: string }) => r.action === 'read' && r.subject === 'Post',
      );
      expect(postRead.length).toBeGreaterThan(0);
      for (const rule of postRead) {
        const label = rule.conditions.find((c: { field: string }) => c.field === 'label');
        expect(label).toMatchObject({ operator: 'lte', value: '{"symbol":"caller.effectiveClearance"}' });
        expect(rule.membershipRoles.length).toBeGreaterThan(0);
        expect(rule.description.en).toMatch(/may read a post when/);
        expect(rule.description.fr).toMatch(/peuvent lire une publication lorsque/);
      }
      // The emails rule: inverted, on a field, for externals.
      const emails = policy.rules.find(
        (r: { inverted: boolean; fields: string[] | null }) => r.inverted && r.fields?.includes('email'),
      );
      expect(emails).toMatchObject({
        action: 'read',
        subject: 'User',
        appliesTo: [
          { side: 'EXTERNAL', roles: [] },
          { side: 'EXTERNAL', roles: ['PARTNER_ADMIN'] },
        ],
      });
      expect(policy.symbols.map((s: { symbol: string }) => s.symbol)).toContain('caller.spaces');
    }
    const audited = await t.dataSource.query(
      `SELECT actor_id FROM audit_events WHERE action = 'review.policy' AND outcome = 'SUCCESS' ORDER BY seq`,
    );
    expect(audited.map((r: { actor_id: string }) => r.actor_id)).toEqual([ids.reviewer, ids.admin]);
  });

  it('is refused to everyone else, FORBIDDEN with ROLE_REQUIRED, and the refusal audited', async () => {
    for (const who of ['alice', 'pat', 'bob', 'member', 'owner']) {
      const [error] = expectError(await t.gql(tokens[who], POLICY), 'FORBIDDEN');
      expect(error.extensions.reason).toBe('ROLE_REQUIRED');
      const denied = await t.dataSource.query(
        `SELECT 1 FROM audit_events WHERE action = 'authz.denied' AND actor_id = $1 AND details->>'attempted' = 'review.policy'`,
        [ids[who]],
      );
      expect(denied.length).toBe(1);
    }
    expectError(await t.gql(null, POLICY), 'UNAUTHENTICATED');
  });

  it('is what `policy export` prints, as JSON and as Markdown', async () => {
    const run = async (format?: string) => {
      const out: string[] = [];
      await policyCommand.run({
        args: ['export'],
        flags: format ? { format } : {},
        io: { out: (line) => out.push(line), err: () => undefined },
        app: () => Promise.reject(new Error('policy export needs no application')),
      });
      return out.join('\n');
    };
    const api = expectData(await t.gql(tokens.reviewer, `{ accessPolicy { version rules { id } } }`)).accessPolicy;
    const json = JSON.parse(await run('json'));
    expect(json.version).toBe(api.version);
    expect(json.rules.map((r: { id: string }) => r.id)).toEqual(api.rules.map((r: { id: string }) => r.id));
    expect(canonicalJson(JSON.parse(await run()))).toBe(canonicalJson(json));
    const markdown = await run('markdown');
    expect(markdown).toContain(`Version: \`${api.version}\``);
    for (const { id } of api.rules) expect(markdown).toContain(`\`${id}\``);
    await expect(run('xml')).rejects.toThrow(/--format json\|markdown/);
  });

  it('changes its version when a rule changes', () => {
    const factory = t.app.get(AbilityFactory);
    const version = buildPolicyDocument(factory).version;
    expect(buildPolicyDocument(factory).version).toBe(version);
    // One condition changed: hidden posts readable by MEMBERs too.
    class Changed extends AbilityFactory {
      override createFor(p: Principal) {
        const ability = super.createFor(p);
        ability.update(
          ability.rules.map((r) => {
            if (r.subject !== 'Post' || r.action !== 'read') return r;
            const { hidden: _hidden, ...rest } = r.conditions as Record<string, unknown>;
            return { ...r, conditions: rest };
          }),
        );
        return ability;
      }
    }
    expect(buildPolicyDocument(new Changed()).version).not.toBe(version);
    // One rule more.
    class Wider extends AbilityFactory {
      override createFor(p: Principal) {
        const ability = super.createFor(p);
        ability.update([...ability.rules, { action: 'read', subject: 'RiskEntry' }]);
        return ability;
      }
    }
    expect(buildPolicyDocument(new Wider()).version).not.toBe(version);
  });

  it('agrees with the engine for every user, object, action and field of this world', async () => {
    const { checks, allowed } = await compareOnWorld(t, POLICY_NOW);
    // Both answers occur, or the comparison proves nothing.
    expect(allowed).toBeGreaterThan(100);
    expect(checks - allowed).toBeGreaterThan(100);
  });

  it('agrees with the engine on random worlds', async () => {
    const runs = Number(process.env.PROPERTY_RUNS ?? 4);
    const seed = propertySeed(1010);
    process.stdout.write(`policy/engine agreement: seed ${seed}, ${runs} worlds\n`);
    let total = 0;
    await fc.assert(
      fc.asyncProperty(
        worldArbitrary({ maxUsers: 8, maxPosts: 10, maxComments: 12, maxMemberships: 16 }),
        fc.integer({ min: -40, max: 120 }),
        async (world, dayOffset) => {
          const app = await gateway.emptied();
          await app.importWorld(world);
          total += (await compareOnWorld(app, new Date(WORLD_BASE_TIME.getTime() + dayOffset * 86_400_000))).checks;
        },
      ),
      { numRuns: runs, seed, endOnFailure: true },
    );
    expect(total).toBeGreaterThan(0);
  });
});
