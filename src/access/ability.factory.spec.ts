import { MembershipRole, PartnerVisibility, UserRole } from '../common/domain.enums';
import { AbilityFactory } from './ability.factory';
import { Principal } from '../auth/principal';
import { asSubject, idpConnectionSubject } from './subjects';
import { ACME, HOST, testPrincipal } from './testing/test-principal';

const now = new Date('2026-06-01T00:00:00Z');
const principal = (overrides: Partial<Principal>): Principal => testPrincipal(now, overrides);

const post = (o: object) =>
  asSubject('Post', { spaceId: 's1', label: 1, hidden: false, authorOrganizationId: HOST, ...o });

describe('AbilityFactory', () => {
  const factory = new AbilityFactory();

  it('reads no content without an active membership, whatever the role', () => {
    const admin = factory.createFor(
      principal({ isHost: true, organizationId: HOST, roles: [UserRole.HOST_ADMIN, UserRole.SECURITY_REVIEWER] }),
    );
    expect(admin.can('read', post({}))).toBe(false);
    expect(admin.can('read', asSubject('Space', { id: 's1' }))).toBe(true);
  });

  it('bounds posts by label and hides hidden posts from members but not animators', () => {
    const member = factory.createFor(
      principal({
        activeMemberships: [{ spaceId: 's1', role: MembershipRole.MEMBER, partnerVisibility: PartnerVisibility.OPEN }],
      }),
    );
    expect(member.can('read', post({ label: 2 }))).toBe(true);
    expect(member.can('read', post({ label: 3 }))).toBe(false);
    expect(member.can('read', post({ hidden: true }))).toBe(false);
    const animator = factory.createFor(
      principal({
        isHost: true,
        organizationId: HOST,
        activeMemberships: [
          { spaceId: 's1', role: MembershipRole.ANIMATOR, partnerVisibility: PartnerVisibility.OPEN },
        ],
      }),
    );
    expect(animator.can('read', post({ hidden: true }))).toBe(true);
  });

  it("shows an external member of a HUB space only the host's and their own organisation's work", () => {
    const ability = factory.createFor(
      principal({
        activeMemberships: [{ spaceId: 's1', role: MembershipRole.MEMBER, partnerVisibility: PartnerVisibility.HUB }],
      }),
    );
    expect(ability.can('read', post({ authorOrganizationId: ACME }))).toBe(true);
    expect(ability.can('read', post({ authorOrganizationId: 'rival' }))).toBe(false);
    const comment = (authorOrganizationId: string) =>
      asSubject('Comment', { authorOrganizationId, hidden: false, post: post({}) });
    expect(ability.can('read', comment(HOST))).toBe(true);
    expect(ability.can('read', comment('rival'))).toBe(false);
  });

  it("hides another partner's email behind the inverted field rule", () => {
    // Everyone below shares an active membership of an OPEN space with the caller, so the
    // caller sees them all: only the email of the other partner's member is hidden.
    const ability = factory.createFor(
      principal({
        activeMemberships: [{ spaceId: 's1', role: MembershipRole.MEMBER, partnerVisibility: PartnerVisibility.OPEN }],
      }),
    );
    const membership = asSubject('Membership', {
      spaceId: 's1',
      status: 'ACTIVE',
      activeUntil: new Date('2999-01-01T00:00:00Z'),
      clearanceSufficient: true,
    });
    const user = (organizationId: string) =>
      asSubject('User', {
        id: `u-${organizationId}`,
        organizationId,
        counts: true,
        memberships: [membership],
        posts: [],
        comments: [],
      });
    for (const org of ['rival', ACME, HOST])
      expect({ org, sees: ability.can('read', user(org)) }).toEqual({ org, sees: true });
    expect(ability.relevantRuleFor('read', user('rival'), 'email')?.inverted).toBe(true);
    expect(ability.can('read', user('rival'), 'email')).toBe(false);
    expect(ability.can('read', user(ACME), 'email')).toBe(true);
    expect(ability.can('read', user(HOST), 'email')).toBe(true);
  });

  it('gives IdP connection power by role and side: host roles on the host, PARTNER_ADMIN on its own partner organisation', () => {
    const conn = (organizationId: string, groupRoles?: Record<string, string>) =>
      idpConnectionSubject({ id: 'c', organizationId, attributeMapping: { groupRoles } });
    const hostAdmin = factory.createFor(
      principal({ isHost: true, organizationId: HOST, roles: [UserRole.HOST_ADMIN] }),
    );
    expect(hostAdmin.can('update', conn(HOST, { g: UserRole.HOST_ADMIN }))).toBe(true);
    expect(hostAdmin.can('create', conn(ACME))).toBe(true);
    const reviewer = factory.createFor(
      principal({ isHost: true, organizationId: HOST, roles: [UserRole.SECURITY_REVIEWER] }),
    );
    expect(reviewer.can('read', conn(ACME))).toBe(true);
    expect(reviewer.can('update', conn(ACME))).toBe(false);
    const partnerAdmin = factory.createFor(principal({ roles: [UserRole.PARTNER_ADMIN] }));
    expect(partnerAdmin.can('update', conn(ACME))).toBe(true);
    expect(partnerAdmin.can('update', conn(ACME, { g: UserRole.HOST_ADMIN }))).toBe(false);
    expect(partnerAdmin.can('read', conn(HOST))).toBe(false);
    expect(partnerAdmin.can('read', conn('rival'))).toBe(false);
    // A role held on the wrong side grants nothing, whatever the row says.
    for (const wrongSide of [
      principal({ isHost: true, organizationId: HOST, roles: [UserRole.PARTNER_ADMIN] }),
      principal({ roles: [UserRole.HOST_ADMIN, UserRole.SECURITY_REVIEWER] }),
    ]) {
      const ability = factory.createFor(wrongSide);
      for (const org of [HOST, ACME])
        for (const action of ['read', 'create', 'update'] as const) expect(ability.can(action, conn(org))).toBe(false);
    }
  });

  it('uses one rule per kind of space, not one per space', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      spaceId: `s${i}`,
      role: MembershipRole.MEMBER,
      partnerVisibility: PartnerVisibility.OPEN,
    }));
    const ability = factory.createFor(principal({ activeMemberships: many }));
    expect(ability.rulesFor('read', 'Post')).toHaveLength(1);
  });
});
