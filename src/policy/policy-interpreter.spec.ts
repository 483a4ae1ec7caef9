import fc from 'fast-check';
import { AbilityFactory } from '../access/ability.factory';
import { ACTIONS, asSubject, SUBJECT_NAMES } from '../access/subjects';
import { Principal } from '../auth/principal';
import { MembershipRole, OrganizationKind, PartnerVisibility, UserRole } from '../common/domain.enums';
import { buildPolicyDocument } from './policy-document';
import { evaluatePolicy } from './policy-interpreter';

const HOST = 'org-host';
const ORGS = [HOST, 'org-a', 'org-b'];
const USERS = ['u1', 'u2', 'u3'];
const SPACES = ['s1', 's2', 's3', 's4'];
const NOW = new Date('2027-01-04T09:00:00.000Z');
const FIELDS = [undefined, 'email', 'locale', 'jobTitle', 'displayName'];

const principalArb: fc.Arbitrary<Principal> = fc
  .record({
    user: fc.constantFrom(...USERS),
    org: fc.constantFrom(...ORGS),
    clearance: fc.integer({ min: 0, max: 4 }),
    roles: fc.subarray([UserRole.HOST_ADMIN, UserRole.SECURITY_REVIEWER, UserRole.PARTNER_ADMIN]),
    memberships: fc.array(
      fc.record({
        spaceId: fc.constantFrom(...SPACES),
        role: fc.constantFrom(...Object.values(MembershipRole)),
        partnerVisibility: fc.constantFrom(PartnerVisibility.OPEN, PartnerVisibility.HUB),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ user, org, clearance, roles, memberships }) => {
    const isHost = org === HOST;
    return {
      userId: user,
      organizationId: org,
      organizationKind: isHost ? OrganizationKind.HOST : OrganizationKind.PARTNER,
      hostOrganizationId: HOST,
      email: `${user}@example.org`,
      displayName: user,
      effectiveClearance: clearance,
      roles: roles.filter((r) => isHost || r === UserRole.PARTNER_ADMIN),
      isHost,
      activeMemberships: memberships,
      now: NOW,
      via: { kind: 'token' as const, id: 't' },
    };
  });

const dateArb = fc.constantFrom(new Date(NOW.getTime() - 1000), NOW, new Date(NOW.getTime() + 1000));
const postArb = fc.record({
  id: fc.constantFrom('p1', 'p2'),
  spaceId: fc.constantFrom(...SPACES),
  label: fc.integer({ min: 0, max: 4 }),
  hidden: fc.boolean(),
  authorId: fc.constantFrom(...USERS),
  authorOrganizationId: fc.constantFrom(...ORGS),
});
const membershipArb = fc.record({
  id: fc.constantFrom('m1', 'm2'),
  userId: fc.constantFrom(...USERS),
  spaceId: fc.constantFrom(...SPACES),
  userOrganizationId: fc.constantFrom(...ORGS),
  status: fc.constantFrom('ACTIVE', 'SUSPENDED'),
  activeUntil: dateArb,
  memberCounts: fc.boolean(),
  clearanceSufficient: fc.boolean(),
  role: fc.constantFrom(...Object.values(MembershipRole)),
  sponsorId: fc.constantFrom(...USERS, null),
});
const commentArb = fc.record({
  id: fc.constantFrom('c1'),
  hidden: fc.boolean(),
  authorId: fc.constantFrom(...USERS),
  spaceId: fc.constantFrom(...SPACES),
  authorOrganizationId: fc.constantFrom(...ORGS),
  post: postArb,
});
const userArb = fc.record({
  id: fc.constantFrom(...USERS),
  organizationId: fc.constantFrom(...ORGS),
  counts: fc.boolean(),
  sponsorIds: fc.subarray(USERS),
  memberships: fc.array(membershipArb, { maxLength: 2 }),
  posts: fc.array(postArb, { maxLength: 2 }),
  comments: fc.array(commentArb, { maxLength: 2 }),
});
/** Every fact any rule reads, on one object: each subject type takes what it needs. */
const factsArb = fc.record({
  post: postArb,
  membership: membershipArb,
  comment: commentArb,
  user: userArb,
  users: fc.array(userArb, { maxLength: 2 }),
  kind: fc.constantFrom('HOST', 'PARTNER'),
  classification: fc.integer({ min: 0, max: 4 }),
  email: fc.constantFrom('u1@example.org', 'x@example.org', null),
  wholeOrganization: fc.boolean(),
  invitedById: fc.constantFrom(...USERS),
  grantsHostRoles: fc.boolean(),
  targetHidden: fc.boolean(),
  targetAuthorOrganizationId: fc.constantFrom(...ORGS),
  aboutOrganizationId: fc.constantFrom(...ORGS, null),
});

describe('the policy document read back by its interpreter', () => {
  const factory = new AbilityFactory();
  const document = buildPolicyDocument(factory);

  it('decides as ability.can for random principals, subjects, actions and fields', () => {
    let allowed = 0;
    let checks = 0;
    fc.assert(
      fc.property(principalArb, factsArb, (p, f) => {
        const ability = factory.createFor(p);
        for (const type of SUBJECT_NAMES) {
          const facts: Record<string, unknown> = {
            ...f,
            ...f.post,
            ...(type === 'Comment' ? f.comment : {}),
            ...(type === 'Membership' ? f.membership : {}),
            ...(type === 'User' || type === 'Organization' ? f.user : {}),
            ...(type === 'Organization' ? { users: f.users, id: f.user.organizationId } : {}),
          };
          for (const action of ACTIONS.filter((a) => a !== 'manage')) {
            for (const field of FIELDS) {
              const engine = ability.can(action, asSubject(type, facts), field);
              const verdict = evaluatePolicy(document, p, action, type, facts, field);
              checks++;
              if (engine) allowed++;
              if (engine !== verdict.allowed) {
                throw new Error(
                  `${action} ${type}${field ? `.${field}` : ''}: engine ${engine}, document ${verdict.allowed} (${verdict.deciding?.id ?? 'no rule'})`,
                );
              }
            }
          }
        }
      }),
      // A case costs microseconds: PROPERTY_RUNS (which CI lowers to keep its database worlds few)
      // may raise the count for a nightly run, never lower it below what the proportion check needs.
      { numRuns: Math.max(100, Number(process.env.PROPERTY_RUNS ?? 0)) },
    );
    // Both answers occur, or the comparison proves nothing.
    expect(allowed).toBeGreaterThan(checks / 100);
    expect(allowed).toBeLessThan(checks);
  });

  it('changes its version when a rule changes, and only then', () => {
    expect(buildPolicyDocument(factory).version).toBe(document.version);
    class Wider extends AbilityFactory {
      override createFor(p: Principal) {
        const ability = super.createFor(p);
        // Posts of any label for a MEMBER: one condition dropped.
        ability.update(
          ability.rules.map((r) =>
            r.subject === 'Post' && r.action === 'read'
              ? { ...r, conditions: { ...(r.conditions as object), label: { $lte: 4 } } }
              : r,
          ),
        );
        return ability;
      }
    }
    expect(buildPolicyDocument(new Wider()).version).not.toBe(document.version);
  });
});
