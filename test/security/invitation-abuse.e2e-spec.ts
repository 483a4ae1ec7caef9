import { INVITATION_WORLD } from '../fixtures/invitation-world';
import { expectData, expectError } from '../support/graphql-expect';
import { startTestApp, TestApp } from '../support/test-app';

// Invitations are the only way in for an outsider: every trick to get an invitation for an
// address or organisation one does not own, or to accept one meant for someone else, is
// refused with its own reason and audited, while the honest request of the same shape passes.

const INVITE = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { id email status } }`;
const ACCEPT = `mutation($id: ID!) { acceptInvitation(id: $id) { id status } }`;
const MINE = `{ myInvitations(first: 100) { edges { node { id } } } }`;

describe('invitation abuse', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let honest = 0;
  const as = async (key: string, query: string, variables?: Record<string, unknown>) =>
    t.gql(await t.tokenFor(ids[key]), query, variables);
  const invite = (key: string, input: Record<string, unknown>) =>
    as(key, INVITE, { input: { role: 'MEMBER', spaceId: ids.lab, ...input } });
  const reasonOf = (errors: { extensions: unknown }[]) => (errors[0].extensions as { reason?: string }).reason;
  const audited = async (action: string, actor: string, reason: string) =>
    Number(
      (
        await t.dataSource.query(
          `SELECT count(*) AS n FROM audit_events WHERE action = $1 AND actor_id = $2 AND outcome = 'DENIED' AND reason = $3`,
          [action, ids[actor], reason],
        )
      )[0].n,
    );

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(INVITATION_WORLD);
  }, 60_000);
  afterAll(() => t.close());

  it.each([
    ['a look-alike domain (Cyrillic e)', 'x@acme.t\u0435st', 'INVALID_INPUT'],
    ['a trailing dot', 'x@acme.test.', 'INVALID_INPUT'],
    ['a second @', 'x@evil.test@acme.test', 'INVALID_INPUT'],
    ['a tab in the address', 'x\t@acme.test', 'INVALID_INPUT'],
    ['a subdomain of a registered domain', 'x@evil.acme.test', 'UNKNOWN_DOMAIN'],
    ['a registered domain as a prefix', 'x@acme.test.evil', 'UNKNOWN_DOMAIN'],
  ])('refuses %s (no open links)', async (_what, email, reason) => {
    const before = await audited('invitation.create', 'owner', reason.toLowerCase());
    expect(reasonOf(expectError(await invite('owner', { email }), 'BAD_USER_INPUT'))).toBe(reason);
    expect(await audited('invitation.create', 'owner', reason.toLowerCase())).toBe(before + 1);
    // The honest address of the same shape goes through.
    expectData(await invite('owner', { email: `honest.${++honest}@acme.test` }));
  });

  it('a partner cannot invite, even into a space she belongs to', async () => {
    const studioInvite = expectData(
      await invite('owner', { spaceId: ids.studio, email: 'alice@acme.test' }),
    ).inviteToSpace;
    expect(expectData(await as('alice', ACCEPT, { id: studioInvite.id })).acceptInvitation.status).toBe('ACCEPTED');
    const errors = expectError(await invite('alice', { spaceId: ids.studio, email: 'friend@acme.test' }), 'FORBIDDEN');
    expect(reasonOf(errors)).toBe('ROLE_REQUIRED');
    expectError(await invite('alice', { spaceId: ids.vault, email: 'friend@acme.test' }), 'NOT_FOUND');
  });

  it('an address with a tag is another address: its invitation is not the owner of the plain one', async () => {
    const tagged = expectData(await invite('owner', { email: 'amy+lab@acme.test' })).inviteToSpace;
    expect(expectData(await as('amy', MINE)).myInvitations.edges.map((e: any) => e.node.id)).not.toContain(tagged.id);
    const before = await audited('invitation.accept', 'amy', 'wrong_email');
    expectError(await as('amy', ACCEPT, { id: tagged.id }), 'NOT_FOUND');
    expect(await audited('invitation.accept', 'amy', 'wrong_email')).toBe(before + 1);
  });

  it("another organisation's invitations never show up, and cannot be accepted", async () => {
    const forAcme = expectData(await invite('owner', { organizationId: ids.acme })).inviteToSpace;
    // Arno is already in the lab: only Amy may accept it.
    expect(expectData(await as('amy', MINE)).myInvitations.edges.map((e: any) => e.node.id)).toContain(forAcme.id);
    expect(expectData(await as('arno', MINE)).myInvitations.edges.map((e: any) => e.node.id)).not.toContain(forAcme.id);
    expect(expectData(await as('bob', MINE)).myInvitations.edges.map((e: any) => e.node.id)).not.toContain(forAcme.id);
    const before = await audited('invitation.accept', 'bob', 'wrong_organization');
    expectError(await as('bob', ACCEPT, { id: forAcme.id }), 'NOT_FOUND');
    expect(await audited('invitation.accept', 'bob', 'wrong_organization')).toBe(before + 1);
  });

  it('an organisation that gave up the domain can no longer accept invitations to it', async () => {
    const inv = expectData(await invite('owner', { email: 'amy@acme.test' })).inviteToSpace;
    await t.dataSource.query(`UPDATE organizations SET domains = '{acme.example}' WHERE id = $1`, [ids.acme]);
    try {
      const errors = expectError(await as('amy', ACCEPT, { id: inv.id }), 'FORBIDDEN');
      expect(reasonOf(errors)).toBe('EMAIL_DOMAIN_NOT_OWNED');
      const members = await t.dataSource.query(`SELECT 1 FROM memberships WHERE user_id = $1 AND space_id = $2`, [
        ids.amy,
        ids.lab,
      ]);
      expect(members).toEqual([]);
    } finally {
      await t.dataSource.query(`UPDATE organizations SET domains = '{acme.test}' WHERE id = $1`, [ids.acme]);
    }
    expect(expectData(await as('amy', ACCEPT, { id: inv.id })).acceptInvitation.status).toBe('ACCEPTED');
  });
});
