import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AbilityFactory } from '../src/access/ability.factory';
import { AccessService } from '../src/access/access.service';
import { SUBJECT_SQL } from '../src/access/sql/subject-sql-schema';
import { SubjectName } from '../src/access/subjects';
import { Principal } from '../src/auth/principal';
import { PrincipalService } from '../src/auth/principal.service';
import { OrganizationKind, UserRole } from '../src/common/domain.enums';
import { ExplainService } from '../src/policy/explain.service';
import { POLICY_NOW, POLICY_WORLD } from './fixtures/policy-world';
import { expectData, expectError } from './support/graphql-expect';
import { propertySeed, ReusedGateway } from './support/property-harness';
import { GqlResponse, TestApp } from './support/test-app';
import { WORLD_BASE_TIME, worldArbitrary } from './support/world.arbitrary';

// Issue 10, item 2: explainAccess. Targeted tests for each fact on a small world, then a
// property: on random worlds, for every user (counting or not) and every object, the
// explanation's decision is the one the engine's SQL scope makes.

const EXPLAIN = `query($u: ID!, $a: String!, $t: String!, $s: ID!) {
  explainAccess(userId: $u, action: $a, subjectType: $t, subjectId: $s) {
    allowed readable action policyVersion evaluatedAt
    decidingRule { id inverted action subject description { fr en } }
    ruleChecks { rule { id } matched failedConditions { field operator } }
    reasons { code text { fr en } }
    user { id status organizationStatus counts isHost clearance organizationCap effectiveClearance roles overseer }
    grant { id role status expiresAt expired clearedForSpace active }
    subject { type id found spaceId label spaceClassification spaceVisibility hidden authorSide hubRuleApplies name }
    witnesses { type id label spaceId } } }`;

const gateway = new ReusedGateway();
afterAll(() => gateway.close());

describe('explainAccess on a small world: each fact', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await gateway.emptied();
    t.clock.set(POLICY_NOW);
    ids = await t.importWorld(POLICY_WORLD);
    for (const u of POLICY_WORLD.users) if (u.status === 'ACTIVE') tokens[u.key] = await t.tokenFor(ids[u.key]);
  });
  afterEach(() => t.clock.set(POLICY_NOW));

  const ask = (caller: string, user: string, action: string, type: string, subject: string) =>
    t.gql(tokens[caller], EXPLAIN, { u: ids[user] ?? user, a: action, t: type, s: ids[subject] ?? subject });
  const explain = async (user: string, action: string, type: string, subject: string, caller = 'reviewer') =>
    expectData(await ask(caller, user, action, type, subject)).explainAccess;
  const codes = (e: { reasons: { code: string }[] }) => e.reasons.map((r) => r.code);

  it('names the rule that allowed a read, and the active grant behind it', async () => {
    const e = await explain('member', 'read', 'Post', 'open');
    expect(e).toMatchObject({ allowed: true, readable: true, reasons: [] });
    expect(e.decidingRule).toMatchObject({ action: 'read', subject: 'Post', inverted: false });
    expect(e.decidingRule.id).toMatch(/^read\.Post\./);
    expect(e.grant).toMatchObject({
      role: 'MEMBER',
      status: 'ACTIVE',
      expired: false,
      clearedForSpace: true,
      active: true,
    });
    expect(e.user).toMatchObject({ counts: true, isHost: true, effectiveClearance: 4, overseer: false });
    expect(e.subject).toMatchObject({ type: 'Post', found: true, label: 0, spaceId: ids.lab, name: 'Title of open' });
    const policy = expectData(await t.gql(tokens.reviewer, '{ accessPolicy { version } }')).accessPolicy;
    expect(e.policyVersion).toBe(policy.version);
  });

  it('gives a title only within the reviewer’s own clearance, and never a body', async () => {
    // The reviewer's clearance is 2; the post is labelled 3 and its reader is cleared for it.
    const e = await explain('member', 'read', 'Post', 'secret');
    expect(e).toMatchObject({ allowed: true, subject: { label: 3, name: null } });
    const byAdmin = await explain('member', 'read', 'Post', 'secret', 'admin');
    expect(byAdmin.subject).toMatchObject({ label: 3, name: 'Title of secret' });
    expect(JSON.stringify([e, byAdmin])).not.toContain('Body of');
    expectError(
      await t.gql(
        tokens.reviewer,
        `{ explainAccess(userId: "${ids.member}", action: "read", subjectType: "Post", subjectId: "${ids.secret}") { subject { body } } }`,
      ),
      'BAD_USER_INPUT',
    );
  });

  it('label above the effective clearance (the organisation’s cap)', async () => {
    const e = await explain('alice', 'read', 'Post', 'secret');
    expect(e).toMatchObject({
      allowed: false,
      decidingRule: null,
      user: { clearance: 2, organizationCap: 2, effectiveClearance: 2 },
    });
    expect(codes(e)).toEqual(['LABEL_ABOVE_CLEARANCE']);
    expect(e.reasons[0].text.fr).toContain('habilitation effective');
    // The rules of alice's shape were tried: the label condition is the one that failed.
    const failed = e.ruleChecks.flatMap((c: { failedConditions: { field: string }[] }) =>
      c.failedConditions.map((f) => f.field),
    );
    expect(failed).toContain('label');
  });

  it('hidden: refused to a MEMBER, read by the OWNER', async () => {
    expect(codes(await explain('member', 'read', 'Post', 'hiddenpost'))).toEqual(['HIDDEN']);
    expect(await explain('owner', 'read', 'Post', 'hiddenpost')).toMatchObject({
      allowed: true,
      grant: { role: 'OWNER' },
    });
  });

  it('the HUB rule: another partner’s post and membership, but the host’s post', async () => {
    const other = await explain('alice', 'read', 'Post', 'boltpost');
    expect(other).toMatchObject({
      allowed: false,
      subject: { spaceVisibility: 'HUB', hubRuleApplies: true, authorSide: 'OTHER_ORGANIZATION' },
    });
    expect(codes(other)).toEqual(['HUB_OTHER_ORGANIZATION']);
    const host = await explain('alice', 'read', 'Post', 'hostpost');
    expect(host).toMatchObject({ allowed: true, subject: { authorSide: 'HOST', hubRuleApplies: true } });
    const [bobGrant] = await t.dataSource.query(`SELECT id FROM memberships WHERE user_id = $1`, [ids.bob]);
    const membership = await explain('alice', 'read', 'Membership', bobGrant.id);
    expect(codes(membership)).toEqual(['HUB_OTHER_ORGANIZATION']);
    // The host's member sees every member of the HUB space.
    expect((await explain('owner', 'read', 'Membership', bobGrant.id)).allowed).toBe(true);
  });

  it('an expired membership, from the instant of its expiry', async () => {
    expect((await explain('late', 'read', 'Post', 'open')).allowed).toBe(true);
    t.clock.set(new Date('2026-07-01T00:00:00Z'));
    tokens.reviewerLater = await t.tokenFor(ids.reviewer);
    const e = await explain('late', 'read', 'Post', 'open', 'reviewerLater');
    expect(e).toMatchObject({ allowed: false, grant: { expired: true, active: false, status: 'ACTIVE' } });
    expect(codes(e)).toEqual(['MEMBERSHIP_EXPIRED']);
    expect(e.evaluatedAt).toBe('2026-07-01T00:00:00.000Z');
  });

  it('a clearance below the space’s classification', async () => {
    const e = await explain('low', 'read', 'Post', 'vaultpost');
    expect(e).toMatchObject({
      allowed: false,
      grant: { clearedForSpace: false, active: false },
      subject: { spaceClassification: 1 },
    });
    expect(codes(e)).toEqual(expect.arrayContaining(['CLEARANCE_BELOW_CLASSIFICATION']));
  });

  it('a user who does not count: disabled, or their organisation suspended', async () => {
    const dis = await explain('dis', 'read', 'Post', 'open');
    expect(dis).toMatchObject({ allowed: false, user: { status: 'DISABLED', counts: false } });
    expect(codes(dis)).toEqual(['USER_DOES_NOT_COUNT']);
    expect(dis.reasons[0].text.en).toContain('DISABLED');
    const ghost = await explain('ghost', 'read', 'Space', 'lab');
    expect(ghost).toMatchObject({
      allowed: false,
      user: { status: 'ACTIVE', organizationStatus: 'SUSPENDED', counts: false },
    });
    expect(codes(ghost)).toEqual(['USER_DOES_NOT_COUNT']);
    expect(ghost.reasons[0].text.fr).toContain('suspendue');
  });

  it('no membership; and overseers see every space without one', async () => {
    expect(codes(await explain('bob', 'read', 'Space', 'lab'))).toEqual(['NO_MEMBERSHIP']);
    const admin = await explain('admin', 'read', 'Space', 'lab');
    expect(admin).toMatchObject({ allowed: true, grant: null, user: { overseer: true } });
    // ...but no content.
    expect(codes(await explain('admin', 'read', 'Post', 'open'))).toEqual(['NO_MEMBERSHIP']);
  });

  it('writes: comment, moderate, invite, post', async () => {
    expect(await explain('member', 'comment', 'Post', 'open')).toMatchObject({
      allowed: true,
      decidingRule: { action: 'comment' },
    });
    expect(codes(await explain('alice', 'moderate', 'Post', 'open'))).toEqual(['ROLE_REQUIRED']);
    expect(await explain('owner', 'moderate', 'Post', 'open')).toMatchObject({ allowed: true });
    expect(await explain('owner', 'invite', 'Space', 'lab')).toMatchObject({ allowed: true });
    expect(codes(await explain('member', 'invite', 'Space', 'lab'))).toEqual(['ROLE_REQUIRED']);
    const bob = await explain('bob', 'post', 'Space', 'lab');
    expect(bob).toMatchObject({ allowed: false, readable: false });
    expect(codes(bob)).toEqual(expect.arrayContaining(['NO_MEMBERSHIP', 'NOT_READABLE']));
  });

  it('people and organisations: a shared space, or nothing that relates them', async () => {
    expect(await explain('member', 'read', 'User', 'alice')).toMatchObject({
      allowed: true,
      subject: { name: 'Alice' },
    });
    expect(codes(await explain('alice', 'read', 'User', 'bob'))).toEqual(['NOT_RELATED']);
    const acme = await explain('member', 'read', 'Organization', 'acme');
    expect(acme.allowed).toBe(true);
    expect(acme.witnesses[0]).toMatchObject({ type: 'User' });
    expect(codes(await explain('alice', 'read', 'Organization', 'bolt'))).toEqual(['NOT_RELATED']);
    // A person seen only through what they wrote (they no longer count): the witness is named by id and label.
    const byPost = await explain('member', 'read', 'User', 'ghost');
    expect(byPost).toMatchObject({ allowed: true, subject: { authorSide: 'OTHER_ORGANIZATION' } });
    expect(byPost.witnesses).toEqual([{ type: 'Post', id: ids.ghostpost, label: 0, spaceId: ids.lab }]);
    expect(byPost.decidingRule.description.en).toContain('at least one of posts written');
  });

  it('a missing subject is named by its id only', async () => {
    const id = randomUUID();
    const e = await explain('member', 'read', 'Post', id);
    expect(e).toMatchObject({ allowed: false, subject: { id, found: false, label: null, name: null } });
    expect(codes(e)).toEqual(['SUBJECT_NOT_FOUND']);
  });

  it('is refused to anyone but the overseers, and an invisible user answers like a missing one', async () => {
    for (const who of ['alice', 'member', 'owner']) {
      const [error] = expectError(await ask(who, who, 'read', 'Space', 'lab'), 'FORBIDDEN');
      expect(error.extensions.reason).toBe('ROLE_REQUIRED');
    }
    // A PARTNER_ADMIN sees their own people, and may still not explain their access.
    expect(expectError(await ask('pat', 'alice', 'read', 'Space', 'lab'), 'FORBIDDEN')[0].extensions.reason).toBe(
      'ROLE_REQUIRED',
    );
    const hidden: GqlResponse = await ask('pat', 'bob', 'read', 'Space', 'lab');
    const missing: GqlResponse = await ask('pat', randomUUID(), 'read', 'Space', 'lab');
    expectError(hidden, 'NOT_FOUND');
    expect(hidden.body).toEqual(missing.body);
    expectError(await ask('bob', 'admin', 'read', 'Space', 'lab'), 'NOT_FOUND');
    const denied = await t.dataSource.query(
      `SELECT actor_id FROM audit_events WHERE action = 'authz.denied' AND details->>'attempted' = 'review.explain'`,
    );
    expect(denied.map((r: { actor_id: string }) => r.actor_id)).toEqual(
      expect.arrayContaining([ids.alice, ids.member, ids.owner, ids.pat]),
    );
    const notFound = await t.dataSource.query(
      `SELECT 1 FROM audit_events WHERE action = 'authz.denied' AND actor_id = $1 AND subject_id = $2`,
      [ids.pat, ids.bob],
    );
    expect(notFound.length).toBe(1);
  });

  it('refuses bad arguments with a reason', async () => {
    const reason = async (action: string, type: string) =>
      expectError(await ask('reviewer', 'member', action, type, 'lab'), 'BAD_USER_INPUT')[0].extensions.reason;
    expect(await reason('fly', 'Space')).toBe('UNKNOWN_ACTION');
    expect(await reason('read', 'Invitation')).toBe('UNSUPPORTED_SUBJECT_TYPE');
    expect(await reason('post', 'Comment')).toBe('UNSUPPORTED_ACTION');
  });

  it('audits every explanation', async () => {
    const before = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'review.explain' AND outcome = 'SUCCESS'`,
    );
    await explain('alice', 'read', 'Post', 'secret');
    const rows = await t.dataSource.query(
      `SELECT actor_id, subject_type, subject_id, details FROM audit_events WHERE action = 'review.explain' AND outcome = 'SUCCESS' ORDER BY seq`,
    );
    expect(rows.length).toBe(before[0].n + 1);
    expect(rows[rows.length - 1]).toMatchObject({
      actor_id: ids.reviewer,
      subject_type: 'User',
      subject_id: ids.alice,
      details: {
        action: 'read',
        subjectType: 'Post',
        subjectId: ids.secret,
        allowed: false,
        reasons: ['LABEL_ABOVE_CLEARANCE'],
      },
    });
  });
});

const TYPES: SubjectName[] = ['Post', 'Comment', 'Space', 'User', 'Organization', 'Membership'];

describe('explainAccess agrees with the engine on random worlds', () => {
  it('for every user, counting or not, and every object', async () => {
    // Two worlds at least: one alone may hold no user who does not count, and every side of
    // the checks must occur (see the end).
    const runs = Math.max(2, Number(process.env.PROPERTY_RUNS ?? 2));
    const seed = propertySeed(2020);
    process.stdout.write(`explainAccess agreement: seed ${seed}, ${runs} worlds\n`);
    const tally = { allowed: 0, denied: 0, notCounting: 0, titled: 0, untitled: 0 };
    await fc.assert(
      fc.asyncProperty(
        worldArbitrary({ maxUsers: 7, maxPosts: 8, maxComments: 10, maxMemberships: 14 }),
        fc.integer({ min: -40, max: 120 }),
        fc.integer({ min: 0, max: 4 }),
        async (world, dayOffset, reviewerClearance) => {
          const t = await gateway.emptied();
          await t.importWorld(world);
          const now = new Date(WORLD_BASE_TIME.getTime() + dayOffset * 86_400_000);
          t.clock.set(now);
          const [host] = await t.dataSource.query(`SELECT id FROM organizations WHERE kind = 'HOST'`);
          const factory = t.app.get(AbilityFactory);
          const reviewer: Principal = {
            userId: randomUUID(),
            organizationId: host.id,
            organizationKind: OrganizationKind.HOST,
            hostOrganizationId: host.id,
            email: 'reviewer@host.test',
            displayName: 'Reviewer',
            effectiveClearance: reviewerClearance,
            roles: [UserRole.SECURITY_REVIEWER],
            isHost: true,
            activeMemberships: [],
            now,
            via: { kind: 'token', id: 'test' },
          };
          const reviewerAbility = factory.createFor(reviewer);
          const explainer = t.app.get(ExplainService);
          const access = t.app.get(AccessService);
          const principals = t.app.get(PrincipalService);
          const objects = new Map<SubjectName, { id: string; label?: number }[]>();
          for (const type of TYPES) {
            const label = type === 'Post' ? ', x.label AS label' : '';
            objects.set(type, await t.dataSource.query(`SELECT x.id${label} FROM ${SUBJECT_SQL[type].table} x`));
          }
          const users: { id: string }[] = await t.dataSource.query(`SELECT id FROM users`);
          for (const { id: userId } of users) {
            const principal = await principals.load(userId, now, { kind: 'token', id: 'test' });
            const ability = principal ? factory.createFor(principal) : null;
            for (const type of TYPES) {
              let readable = new Set<string>();
              if (ability) {
                const scope = access.scope(ability, type, 'x');
                const rows: { id: string }[] = await t.dataSource
                  .createQueryBuilder()
                  .select('x.id', 'id')
                  .from(SUBJECT_SQL[type].table, 'x')
                  .where(scope.sql, scope.params)
                  .getRawMany();
                readable = new Set(rows.map((r) => r.id));
              }
              for (const object of objects.get(type)!) {
                const e = await explainer.explain(reviewer, reviewerAbility, {
                  userId,
                  action: 'read',
                  subjectType: type,
                  subjectId: object.id,
                });
                const expected = readable.has(object.id);
                if (e.allowed !== expected) {
                  throw new Error(
                    `${type} ${object.id} for user ${userId}: explained ${e.allowed}, engine's SQL ${expected} (${JSON.stringify(e.reasons.map((r) => r.code))})`,
                  );
                }
                if (e.allowed) {
                  tally.allowed++;
                  expect(e.decidingRule?.inverted).toBe(false);
                  expect(e.reasons).toEqual([]);
                } else {
                  tally.denied++;
                  expect(e.reasons.length).toBeGreaterThan(0);
                }
                if (!principal) {
                  tally.notCounting++;
                  expect(e.reasons.map((r) => r.code)).toEqual(['USER_DOES_NOT_COUNT']);
                }
                if (type === 'Post') {
                  // A title only within the reviewer's own clearance.
                  const withinClearance = (object.label as number) <= reviewerClearance;
                  expect(e.subject.name !== null).toBe(withinClearance);
                  if (withinClearance) tally.titled++;
                  else tally.untitled++;
                }
              }
            }
          }
        },
      ),
      { numRuns: runs, seed, endOnFailure: true },
    );
    process.stdout.write(`explainAccess agreement: ${JSON.stringify(tally)}\n`);
    // Each side of every check occurred, or the property proves little.
    expect(tally.allowed).toBeGreaterThan(0);
    expect(tally.denied).toBeGreaterThan(0);
    expect(tally.notCounting).toBeGreaterThan(0);
  });
});
