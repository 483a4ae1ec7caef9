import { rulesToAST } from '@casl/ability/extra';
import {
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  PartnerVisibility,
  UserRole,
} from '../common/domain.enums';
import { Principal } from '../auth/principal';
import { AbilityFactory } from './ability.factory';
import { abilitySql } from './access.service';
import { INSTANT } from './instant-ability';
import { conditionToSql } from './sql/condition-to-sql';
import { ACTIONS, asSubject, SubjectName } from './subjects';
import { ACME, HOST, testPrincipal } from './testing/test-principal';

// A cached principal's requests share one ability built with INSTANT for `now` (instant-ability.ts).
// Each request's view must answer, in memory and in SQL, exactly what an ability built for that
// request's principal answers: these tests compare the two, never the view with itself.

const T0 = new Date('2026-06-01T00:00:00Z');

function principal(overrides: Partial<Principal>): Principal {
  return testPrincipal(T0, {
    activeMemberships: [
      { spaceId: 's-open', role: MembershipRole.MEMBER, partnerVisibility: PartnerVisibility.OPEN },
      { spaceId: 's-hub', role: MembershipRole.OBSERVER, partnerVisibility: PartnerVisibility.HUB },
      { spaceId: 's-led', role: MembershipRole.OWNER, partnerVisibility: PartnerVisibility.OPEN },
    ],
    ...overrides,
  });
}

const CALLERS: Record<string, Principal> = {
  partner: principal({}),
  'partner admin': principal({ roles: [UserRole.PARTNER_ADMIN] }),
  host: principal({ organizationId: HOST, organizationKind: OrganizationKind.HOST, isHost: true }),
  'host admin': principal({
    organizationId: HOST,
    organizationKind: OrganizationKind.HOST,
    isHost: true,
    roles: [UserRole.HOST_ADMIN],
  }),
  reviewer: principal({
    organizationId: HOST,
    organizationKind: OrganizationKind.HOST,
    isHost: true,
    roles: [UserRole.SECURITY_REVIEWER],
    activeMemberships: [],
  }),
};

const SUBJECTS: SubjectName[] = ['Organization', 'User', 'Space', 'Membership', 'Post', 'Comment', 'Reaction'];
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A rule's conditions with the instant written as a marker: anything else time-dependent stays a Date. */
function withoutInstant(value: unknown, now: Date): unknown {
  if (value === now) return '<now>';
  if (Array.isArray(value)) return value.map((v) => withoutInstant(v, now));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutInstant(v, now)]));
  }
  return value;
}

function datesIn(value: unknown): Date[] {
  if (value instanceof Date) return [value];
  if (Array.isArray(value)) return value.flatMap(datesIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(datesIn);
  return [];
}

/** What a translation gives: its fragment, or the refusal of a rule SQL cannot say (write rules, some). */
function outcome<T>(translate: () => T): T | { refused: string } {
  try {
    return translate();
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

describe('a shared ability read at an instant', () => {
  const factory = new AbilityFactory();

  it.each(Object.keys(CALLERS))('depends on the instant only through now itself (%s)', (who) => {
    const p = CALLERS[who];
    const [a, b] = [at(0), at(86_400_000)].map((now) => ({ now, rules: factory.createFor({ ...p, now }).rules }));
    // Every date in the rules is the request's instant: none is derived from it (a shifted
    // date could not be stood for by INSTANT).
    for (const { now, rules } of [a, b]) for (const d of datesIn(rules)) expect(d).toBe(now);
    expect(withoutInstant(a.rules, a.now)).toEqual(withoutInstant(b.rules, b.now));
    // The instant is in the rules at all (else this test proves nothing about it).
    expect(datesIn(a.rules).length).toBeGreaterThan(0);
    // Between calls the instant is no time at all, so a comparison with it fails: that
    // refuses only while no inverted rule (a `cannot`) compares with it.
    expect(a.rules.filter((r) => r.inverted).flatMap((r) => datesIn(r.conditions))).toEqual([]);
  });

  it.each(Object.keys(CALLERS))('answers in memory what an ability built at that instant answers (%s)', (who) => {
    const p = CALLERS[who];
    const expiries = [at(-1), at(0), at(1), new Date('9999-12-31T00:00:00Z')];
    const memberships = expiries.flatMap((activeUntil) =>
      ['s-open', 's-hub', 's-led', 's-other'].flatMap((spaceId) =>
        [ACME, HOST, 'bolt-org'].map((userOrganizationId) => ({
          status: MembershipStatus.ACTIVE,
          activeUntil,
          clearanceSufficient: true,
          memberCounts: true,
          spaceId,
          userOrganizationId,
        })),
      ),
    );
    const users = memberships.map((m, i) => ({
      id: `v${i}`,
      organizationId: m.userOrganizationId,
      counts: true,
      memberships: [m],
      posts: [],
      comments: [],
    }));
    const organizations = users.map((u) => ({ id: `o-${u.id}`, users: [u] }));
    // One shared ability, read by requests at several instants, in turn.
    for (const now of [at(-1), at(0), at(1), at(0)]) {
      const view = factory.createAt(p, now);
      const built = factory.createFor({ ...p, now });
      const answers = (ability: typeof view) => [
        memberships.map((m) => ability.can('read', asSubject('Membership', m))),
        users.map((u) => ability.can('read', asSubject('User', u))),
        organizations.map((o) => ability.can('read', asSubject('Organization', o))),
      ];
      const expected = answers(built);
      expect(answers(view)).toEqual(expected);
      // Both answers occur, so the comparison can tell them apart.
      expect(expected[0]).toContain(true);
      expect(expected[0]).toContain(false);
    }
    // Between calls the marker holds no time: a comparison made outside a view finds nothing active.
    expect(Number.isNaN(INSTANT.getTime())).toBe(true);
  });

  it.each(Object.keys(CALLERS))(
    'gives the SQL an ability built at that instant gives, for every action and subject (%s)',
    (who) => {
      const p = CALLERS[who];
      for (const now of [at(0), at(60_000), at(0)]) {
        const view = factory.createAt(p, now);
        const built = factory.createFor({ ...p, now });
        for (const action of ACTIONS) {
          for (const subject of SUBJECTS) {
            // Twice: the second answer comes from the translation kept for the shared ability.
            for (let round = 0; round < 2; round++) {
              expect([
                action,
                subject,
                outcome(() => abilitySql(view, action, subject, 'x', 'x_casl', { post: 'p' })),
              ]).toEqual([
                action,
                subject,
                outcome(() =>
                  conditionToSql(rulesToAST(built, action, subject), subject, 'x', 'x_casl', { post: 'p' }),
                ),
              ]);
            }
          }
        }
      }
    },
  );

  it('binds the instant of each request into the parameters of the one translation', () => {
    const p = CALLERS.partner;
    const first = abilitySql(factory.createAt(p, at(0)), 'read', 'Membership', 'm', 'm_casl');
    const second = abilitySql(factory.createAt(p, at(5_000)), 'read', 'Membership', 'm', 'm_casl');
    expect(second.sql).toBe(first.sql);
    expect(Object.values(first.params)).toContainEqual(at(0));
    expect(Object.values(second.params)).toContainEqual(at(5_000));
    expect(Object.values(second.params)).not.toContainEqual(at(0));
    for (const fragment of [first, second]) expect(Object.values(fragment.params)).not.toContain(INSTANT);
  });
});
