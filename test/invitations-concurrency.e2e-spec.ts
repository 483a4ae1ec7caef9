import { INVITATION_WORLD } from './fixtures/invitation-world';
import { expectData } from './support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

// Concurrent writes on one invitation reach one consistent outcome: every transition locks
// the invitation (parents first) and reads its state after the lock. On PGlite everything is
// serialised anyway; run this file with DATABASE_URL to race on PostgreSQL.

const INVITE = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { id status } }`;
const APPROVE = `mutation($id: ID!) { approveInvitation(id: $id) { id status } }`;
const REVOKE = `mutation($id: ID!) { revokeInvitation(id: $id, reason: "race") { id status } }`;
const ACCEPT = `mutation($id: ID!) { acceptInvitation(id: $id) { id status membership { id } } }`;

/** What one request ended as: ok, or its refusal reason. */
const outcome = (r: GqlResponse): string =>
  r.body.errors?.length
    ? String((r.body.errors[0].extensions as { reason?: string }).reason ?? r.body.errors[0].extensions.code)
    : 'ok';

describe('invitations under concurrency', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(INVITATION_WORLD);
    for (const key of ['owner', 'owner2', 'alice', 'amy']) tokens[key] = await t.tokenFor(ids[key]);
  }, 60_000);
  afterAll(() => t.close());

  const invite = async (input: Record<string, unknown>) =>
    expectData(await t.gql(tokens.owner, INVITE, { input: { role: 'MEMBER', ...input } })).inviteToSpace as {
      id: string;
      status: string;
    };
  const memberships = async (userId: string, spaceId: string) =>
    (await t.dataSource.query(`SELECT id, status FROM memberships WHERE user_id = $1 AND space_id = $2`, [
      userId,
      spaceId,
    ])) as {
      id: string;
      status: string;
    }[];

  it('two acceptances of one email invitation: one membership, one ACCEPTED, one clean refusal', async () => {
    const inv = await invite({ spaceId: ids.lab, email: 'alice@acme.test' });
    const answers = await Promise.all([0, 1, 2, 3, 4].map(() => t.gql(tokens.alice, ACCEPT, { id: inv.id })));
    expect(answers.map(outcome).sort()).toEqual([...Array(4).fill('INVITATION_ANSWERED'), 'ok']);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await memberships(ids.alice, ids.lab)).toEqual([{ id: expect.any(String), status: 'ACTIVE' }]);
    const [row] = await t.dataSource.query(`SELECT status, answered_by_id FROM invitations WHERE id = $1`, [inv.id]);
    expect(row).toEqual({ status: 'ACCEPTED', answered_by_id: ids.alice });
    const granted = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'membership.grant' AND details->>'invitationId' = $1`,
      [inv.id],
    );
    expect(granted[0].n).toBe(1);
  });

  it('two acceptances of one organisation invitation by the same user: one membership, one ALREADY_MEMBER', async () => {
    const inv = await invite({ spaceId: ids.vault, organizationId: ids.acme });
    expect(expectData(await t.gql(tokens.owner2, APPROVE, { id: inv.id })).approveInvitation.status).toBe('PENDING');
    const answers = await Promise.all([0, 1].map(() => t.gql(tokens.amy, ACCEPT, { id: inv.id })));
    expect(answers.map(outcome).sort()).toEqual(['ALREADY_MEMBER', 'ok']);
    expect(await memberships(ids.amy, ids.vault)).toEqual([{ id: expect.any(String), status: 'ACTIVE' }]);
    const answered = await t.dataSource.query(`SELECT answer FROM invitation_answers WHERE invitation_id = $1`, [
      inv.id,
    ]);
    expect(answered).toEqual([{ answer: 'ACCEPTED' }]);
  });

  it('an approval racing a revocation: one consistent outcome, never half-applied', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const inv = await invite({ spaceId: ids.vault, email: `race${i}@acme.test` });
      expect(inv.status).toBe('PENDING_APPROVAL');
      const [approve, revoke] = await Promise.all([
        t.gql(tokens.owner2, APPROVE, { id: inv.id }),
        t.gql(tokens.owner, REVOKE, { id: inv.id }),
      ]);
      const [row] = await t.dataSource.query(
        `SELECT status, approved_by_id, decided_by_id FROM invitations WHERE id = $1`,
        [inv.id],
      );
      const sent: unknown[] = await t.dataSource.query(
        `SELECT 1 FROM mail_messages WHERE template = 'invitation' AND subject_id = $1`,
        [inv.id],
      );
      // The revocation always lands (from PENDING_APPROVAL or from PENDING); the approval
      // either landed before it (approved, mailed) or was refused after it (nothing of it).
      expect(outcome(revoke)).toBe('ok');
      expect(row.status).toBe('REVOKED');
      expect(row.decided_by_id).toBe(ids.owner);
      if (outcome(approve) === 'ok') {
        expect({ approvedBy: row.approved_by_id, mailed: sent.length }).toEqual({ approvedBy: ids.owner2, mailed: 1 });
        seen.add('approved then revoked');
      } else {
        expect(outcome(approve)).toBe('INVITATION_REVOKED');
        expect({ approvedBy: row.approved_by_id, mailed: sent.length }).toEqual({ approvedBy: null, mailed: 0 });
        seen.add('revoked, approval refused');
      }
    }
    expect(seen.size).toBeGreaterThan(0);
  });

  it('two identical invitations at once: one invitation, one ALREADY_INVITED', async () => {
    const input = { role: 'MEMBER', spaceId: ids.lab, email: 'same@acme.test' };
    const answers = await Promise.all([0, 1, 2, 3, 4].map(() => t.gql(tokens.owner, INVITE, { input })));
    expect(answers.map(outcome).sort()).toEqual([
      'ALREADY_INVITED',
      'ALREADY_INVITED',
      'ALREADY_INVITED',
      'ALREADY_INVITED',
      'ok',
    ]);
    const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM invitations WHERE email = 'same@acme.test'`);
    expect(rows[0].n).toBe(1);
  });
});
