import { renderMail } from '../src/mail/mail-templates';
import { MailDispatcher } from '../src/mail/mail.dispatcher';
import { formatDate } from '../src/mail/text-format';
import { Locale } from '../src/common/domain.enums';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SESSION_COOKIE } from '../src/auth/session.service';
import { SessionService } from '../src/auth/session.service';
import { keyPair } from '../src/common/testing/saml-keys';
import { InvitationExpiryJob } from '../src/invitations/invitation-expiry.job';
import { ConnectionService } from '../src/sso/connections/connection.service';
import { INVITATION_WORLD } from './fixtures/invitation-world';
import { expectData, expectError } from './support/graphql-expect';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const days = (n: number) => new Date(NOW.getTime() + n * DAY);

const FIELDS = `id email wholeOrganization role status expiresAt membershipExpiresAt message decisionReason createdAt
  spaceName invitedByName space { id } organization { id } invitedBy { id } sponsor { id } approvedBy { id }
  membership { id role expiresAt }`;
const INVITE = `mutation($input: InviteToSpaceInput!) { inviteToSpace(input: $input) { ${FIELDS} } }`;
const APPROVE = `mutation($id: ID!) { approveInvitation(id: $id) { ${FIELDS} } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectInvitation(id: $id, reason: $reason) { ${FIELDS} } }`;
const REVOKE = `mutation($id: ID!, $reason: String) { revokeInvitation(id: $id, reason: $reason) { ${FIELDS} } }`;
const ACCEPT = `mutation($id: ID!) { acceptInvitation(id: $id) { ${FIELDS} } }`;
const DECLINE = `mutation($id: ID!) { declineInvitation(id: $id) { ${FIELDS} } }`;
const MINE = `{ myInvitations(first: 50) { totalCount edges { node { id spaceName role status invitedByName } } } }`;
const ONE = `query($id: ID!) { invitation(id: $id) { ${FIELDS} mailDeliveries { to template status attempts lastError sentAt } } }`;

type Row = Record<string, unknown>;

describe('invitations', () => {
  let t: TestApp;
  let ids: Record<string, string>;

  const tok = (key: string) => t.tokenFor(ids[key]);
  const as = async (key: string, query: string, variables?: Record<string, unknown>) =>
    t.gql(await tok(key), query, variables);
  const invite = (key: string, input: Record<string, unknown>) =>
    as(key, INVITE, { input: { role: 'MEMBER', ...input } });
  const sql = (query: string, params: unknown[] = []): Promise<Row[]> => t.dataSource.query(query, params);

  /** Everything the write path writes, to prove a refusal wrote none of it. */
  const counts = async () =>
    (
      await sql(`SELECT
        (SELECT count(*) FROM invitations) AS invitations,
        (SELECT count(*) FROM memberships) AS memberships,
        (SELECT count(*) FROM memberships WHERE status = 'ACTIVE') AS active,
        (SELECT count(*) FROM notifications) AS notifications,
        (SELECT count(*) FROM mail_messages) AS mails,
        (SELECT count(*) FROM invitation_answers) AS answers,
        (SELECT count(*) FROM invitations WHERE status <> 'PENDING') AS decided`)
    )[0];
  const denials = async (action: string, actor: string, reason: string) =>
    Number(
      (
        await sql(
          `SELECT count(*) AS n FROM audit_events WHERE action = $1 AND actor_id = $2 AND outcome = 'DENIED' AND reason = $3`,
          [action, ids[actor], reason],
        )
      )[0].n,
    );

  /** A refusal: its kind, its precise reason, its own audit event, and nothing written. */
  const refused = async (
    action: string,
    actor: string,
    run: () => Promise<GqlResponse>,
    code: string,
    reason: string | null,
  ) => {
    const before = await counts();
    const auditReason = (reason ?? 'NOT_FOUND').toLowerCase();
    const audited = await denials(action, actor, auditReason);
    const errors = expectError(await run(), code);
    expect((errors[0].extensions as { reason?: string }).reason).toBe(reason ?? undefined);
    expect(await counts()).toEqual(before);
    expect(await denials(action, actor, auditReason)).toBe(audited + 1);
    return errors;
  };

  const notices = (key: string, kind: string, subjectId: string) =>
    sql(`SELECT data FROM notifications WHERE user_id = $1 AND kind = $2 AND subject_id = $3`, [
      ids[key],
      kind,
      subjectId,
    ]);
  const mails = (template: string, subjectId: string) =>
    sql(
      `SELECT to_address, locale, params FROM mail_messages WHERE template = $1 AND subject_id = $2 ORDER BY to_address`,
      [template, subjectId],
    );

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(INVITATION_WORLD);
    // The ops space carries an open critical risk: four eyes and 30-day grants for externals.
    await sql(
      `INSERT INTO risk_entries (space_id, description, probability, impact, status) VALUES ($1, 'Leak', 2, 3, 'OPEN')`,
      [ids.ops],
    );
  }, 60_000);
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(NOW));

  describe('inviteToSpace', () => {
    it('invites an external by email: PENDING, 90-day grant, sponsored by the inviter, mailed, audited', async () => {
      const { inviteToSpace: inv } = expectData(
        await invite('owner', { spaceId: ids.lab, email: '  NewPerson@ACME.test ', message: 'Bienvenue !' }),
      );
      expect(inv).toMatchObject({
        email: 'newperson@acme.test',
        wholeOrganization: false,
        role: 'MEMBER',
        status: 'PENDING',
        expiresAt: days(14).toISOString(),
        membershipExpiresAt: days(90).toISOString(),
        message: 'Bienvenue !',
        spaceName: 'Lab',
        invitedByName: 'Owner',
        space: { id: ids.lab },
        organization: { id: ids.acme },
        invitedBy: { id: ids.owner },
        sponsor: { id: ids.owner },
        approvedBy: null,
        membership: null,
      });
      // No account yet: a mail to the address (French by default) with a sign-in link, no notice.
      const [mail] = await mails('invitation', inv.id);
      expect(mail).toMatchObject({
        to_address: 'newperson@acme.test',
        locale: 'fr',
        params: {
          spaceName: 'Lab',
          inviterName: 'Owner',
          message: 'Bienvenue !',
          role: 'MEMBER',
          expiresAt: days(90).toISOString(),
          link: `${t.config.publicUrl}/auth/discover?email=newperson%40acme.test`,
        },
      });
      // What the invitee reads: every part of the French template filled in.
      const rendered = renderMail('invitation', Locale.FR, mail.params as Record<string, unknown>);
      expect(rendered.text).toContain('Owner vous invite à rejoindre l’espace « Lab »');
      expect(rendered.text).toContain('Bienvenue !');
      expect(rendered.text).toContain(formatDate(days(90), Locale.FR)!);
      expect(rendered.text).toContain(`${t.config.publicUrl}/auth/discover?email=newperson%40acme.test`);
      const audit = await sql(
        `SELECT outcome, details FROM audit_events WHERE action = 'invitation.create' AND subject_id = $1`,
        [inv.id],
      );
      expect(audit).toEqual([expect.objectContaining({ outcome: 'SUCCESS' })]);
    });

    it('lets only an OWNER invite an OWNER or ANIMATOR, and hosts any role without an expiry', async () => {
      const { inviteToSpace: inv } = expectData(
        await invite('owner', { spaceId: ids.lab, email: 'newcomer@host.test', role: 'ANIMATOR' }),
      );
      expect(inv).toMatchObject({ status: 'PENDING', role: 'ANIMATOR', membershipExpiresAt: null, sponsor: null });
      // The newcomer has an account: told in the app too.
      expect(await notices('newcomer', 'invitation.received', inv.id)).toHaveLength(1);
      await refused(
        'invitation.create',
        'anim',
        () => invite('anim', { spaceId: ids.lab, email: 'someone@host.test', role: 'OWNER' }),
        'FORBIDDEN',
        'ROLE_REQUIRED',
      );
    });

    it('refuses, each with its own code and audit event, and writes nothing', async () => {
      const cases: [string, string, Record<string, unknown>, string, string | null][] = [
        // Visibility first: a space the caller does not see is NOT_FOUND like a missing one.
        ['an outsider', 'bob', { spaceId: ids.lab, email: 'x@acme.test' }, 'NOT_FOUND', null],
        ['a missing space', 'owner', { spaceId: randomUUID(), email: 'x@acme.test' }, 'NOT_FOUND', null],
        ['a member (wrong role)', 'staff', { spaceId: ids.lab, email: 'x@acme.test' }, 'FORBIDDEN', 'ROLE_REQUIRED'],
        [
          'an external as OWNER',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', role: 'OWNER' },
          'BAD_USER_INPUT',
          'EXTERNAL_ROLE',
        ],
        [
          'an external as ANIMATOR',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', role: 'ANIMATOR' },
          'BAD_USER_INPUT',
          'EXTERNAL_ROLE',
        ],
        [
          'an expiry past 365 days',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', expiresAt: days(366) },
          'BAD_USER_INPUT',
          'EXPIRY_TOO_LATE',
        ],
        [
          'an expiry past 30 days under a critical risk',
          'owner2',
          { spaceId: ids.ops, email: 'x@acme.test', expiresAt: days(31) },
          'BAD_USER_INPUT',
          'EXPIRY_TOO_LATE',
        ],
        [
          'an expiry in the past',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', expiresAt: days(-1) },
          'BAD_USER_INPUT',
          'EXPIRY_IN_PAST',
        ],
        [
          'an unknown domain',
          'owner',
          { spaceId: ids.lab, email: 'x@nowhere.test' },
          'BAD_USER_INPUT',
          'UNKNOWN_DOMAIN',
        ],
        [
          'a suspended organisation',
          'owner',
          { spaceId: ids.lab, email: 'x@gone.test' },
          'CONFLICT',
          'ORGANIZATION_SUSPENDED',
        ],
        [
          'a malformed address',
          'owner',
          { spaceId: ids.lab, email: 'not an address' },
          'BAD_USER_INPUT',
          'INVALID_INPUT',
        ],
        ['neither email nor organisation', 'owner', { spaceId: ids.lab }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
        [
          'both email and organisation',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', organizationId: ids.acme },
          'BAD_USER_INPUT',
          'INVALID_INPUT',
        ],
        ['an archived space', 'owner', { spaceId: ids.attic, email: 'x@acme.test' }, 'CONFLICT', 'SPACE_ARCHIVED'],
        [
          'an organisation capped below the classification',
          'owner',
          { spaceId: ids.vault, email: 'x@bolt.test' },
          'BAD_USER_INPUT',
          'INVITEE_NOT_CLEARED',
        ],
        [
          'a person cleared below the classification',
          'owner',
          { spaceId: ids.vault, email: 'arno@acme.test' },
          'BAD_USER_INPUT',
          'INVITEE_NOT_CLEARED',
        ],
        ['an active member', 'owner', { spaceId: ids.lab, email: 'staff@host.test' }, 'CONFLICT', 'ALREADY_MEMBER'],
        [
          'an external sponsor',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', sponsorId: ids.alice },
          'BAD_USER_INPUT',
          'SPONSOR_INVALID',
        ],
        [
          'a missing sponsor',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', sponsorId: randomUUID() },
          'BAD_USER_INPUT',
          'SPONSOR_INVALID',
        ],
        [
          'a sponsor for a host invitee',
          'owner',
          { spaceId: ids.lab, email: 'y@host.test', sponsorId: ids.owner2 },
          'BAD_USER_INPUT',
          'INVALID_INPUT',
        ],
        [
          'the host as a whole',
          'owner',
          { spaceId: ids.lab, organizationId: ids.host },
          'FORBIDDEN',
          'HOST_ORGANIZATION',
        ],
        // An organisation the caller does not see (nobody of Bolt shares a space with the owner).
        ['an invisible organisation', 'owner', { spaceId: ids.lab, organizationId: ids.bolt }, 'NOT_FOUND', null],
        [
          'a too long message',
          'owner',
          { spaceId: ids.lab, email: 'x@acme.test', message: 'x'.repeat(2001) },
          'BAD_USER_INPUT',
          'INVALID_INPUT',
        ],
      ];
      for (const [what, who, input, code, reason] of cases) {
        try {
          await refused('invitation.create', who, () => invite(who, input), code, reason);
        } catch (error) {
          throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
        }
      }
    });

    it('refuses a second open invitation to the same address in the space', async () => {
      expectData(await invite('owner', { spaceId: ids.lab, email: 'twice@acme.test' }));
      await refused(
        'invitation.create',
        'owner',
        () => invite('owner', { spaceId: ids.lab, email: 'TWICE@acme.test' }),
        'CONFLICT',
        'ALREADY_INVITED',
      );
    });

    it('an external invitation under a critical risk waits for four eyes and lasts 30 days by default', async () => {
      const { inviteToSpace: inv } = expectData(await invite('owner2', { spaceId: ids.ops, email: 'risk@acme.test' }));
      expect(inv).toMatchObject({ status: 'PENDING_APPROVAL', membershipExpiresAt: days(30).toISOString() });
      // The other OWNER of ops is asked; the invitee is not mailed yet.
      expect(await notices('admin', 'invitation.approval_needed', inv.id)).toHaveLength(1);
      expect(await mails('invitation.approval_needed', inv.id)).toEqual([
        expect.objectContaining({ to_address: 'admin@host.test' }),
      ]);
      expect(await mails('invitation', inv.id)).toEqual([]);
    });
  });

  describe('four eyes', () => {
    let pending: string;

    beforeAll(async () => {
      t.clock.set(NOW);
      pending = expectData(await invite('owner', { spaceId: ids.vault, email: 'alice@acme.test' })).inviteToSpace.id;
    });

    it('holds an external invitation to a space classified 2 until a second OWNER approves', async () => {
      const { invitation } = expectData(await as('owner', ONE, { id: pending }));
      expect(invitation.status).toBe('PENDING_APPROVAL');
      expect(await notices('owner2', 'invitation.approval_needed', pending)).toHaveLength(1);
      expect(await notices('alice', 'invitation.received', pending)).toEqual([]);
      // The invitee does not see it among what she may accept, and cannot accept it yet.
      expect(expectData(await as('alice', MINE)).myInvitations.edges.map((e: any) => e.node.id)).not.toContain(pending);
      await refused(
        'invitation.accept',
        'alice',
        () => as('alice', ACCEPT, { id: pending }),
        'CONFLICT',
        'INVITATION_AWAITING_APPROVAL',
      );
    });

    it('refuses a self-approval, an approval by someone who is not a second OWNER, and by an outsider', async () => {
      await refused(
        'invitation.approve',
        'owner',
        () => as('owner', APPROVE, { id: pending }),
        'FORBIDDEN',
        'SELF_APPROVAL',
      );
      await refused(
        'invitation.reject',
        'owner',
        () => as('owner', REJECT, { id: pending, reason: 'no' }),
        'FORBIDDEN',
        'SELF_APPROVAL',
      );
      // The invitee reads it, but may not decide on it.
      await refused(
        'invitation.approve',
        'alice',
        () => as('alice', APPROVE, { id: pending }),
        'FORBIDDEN',
        'ROLE_REQUIRED',
      );
      // Outsiders do not see it at all.
      for (const who of ['bob', 'staff', 'anim']) {
        await refused('invitation.approve', who, () => as(who, APPROVE, { id: pending }), 'NOT_FOUND', null);
      }
    });

    it('refuses a self-approval to a HOST_ADMIN who invited', async () => {
      const { inviteToSpace: inv } = expectData(
        await invite('admin', { spaceId: ids.ops, email: 'adminpick@acme.test' }),
      );
      expect(inv.status).toBe('PENDING_APPROVAL');
      await refused(
        'invitation.approve',
        'admin',
        () => as('admin', APPROVE, { id: inv.id }),
        'FORBIDDEN',
        'SELF_APPROVAL',
      );
    });

    it('approval by the second OWNER sends the invitation; a second approval is refused', async () => {
      t.clock.set(days(3));
      const { approveInvitation: inv } = expectData(await as('owner2', APPROVE, { id: pending }));
      // The invitee gets the whole answering window from the approval on.
      expect(inv).toMatchObject({
        status: 'PENDING',
        approvedBy: { id: ids.owner2 },
        expiresAt: days(17).toISOString(),
      });
      expect(await notices('alice', 'invitation.received', pending)).toHaveLength(1);
      expect(await notices('owner', 'invitation.approved', pending)).toHaveLength(1);
      expect(await mails('invitation', pending)).toEqual([expect.objectContaining({ to_address: 'alice@acme.test' })]);
      await refused(
        'invitation.approve',
        'admin',
        () => as('admin', APPROVE, { id: pending }),
        'CONFLICT',
        'INVITATION_NOT_PENDING',
      );
    });

    it('rejection needs a reason, records it and tells the inviter; the invitee never reads the reason', async () => {
      const { inviteToSpace: inv } = expectData(
        await invite('owner', { spaceId: ids.vault, email: 'rejected@acme.test' }),
      );
      await refused(
        'invitation.reject',
        'owner2',
        () => as('owner2', REJECT, { id: inv.id, reason: '   ' }),
        'BAD_USER_INPUT',
        'INVALID_INPUT',
      );
      const { rejectInvitation } = expectData(await as('owner2', REJECT, { id: inv.id, reason: 'Pas de NDA signé' }));
      expect(rejectInvitation).toMatchObject({ status: 'REJECTED', decisionReason: 'Pas de NDA signé' });
      expect(await notices('owner', 'invitation.rejected', inv.id)).toHaveLength(1);
      await refused(
        'invitation.approve',
        'owner2',
        () => as('owner2', APPROVE, { id: inv.id }),
        'CONFLICT',
        'INVITATION_ANSWERED',
      );
    });
  });

  describe('acceptance', () => {
    it('lists the invitation for the invitee and accepting grants the membership', async () => {
      const { inviteToSpace: inv } = expectData(
        await invite('owner', { spaceId: ids.lab, email: 'alice@acme.test', role: 'OBSERVER', expiresAt: days(60) }),
      );
      expect(await notices('alice', 'invitation.received', inv.id)).toHaveLength(1);
      const mine = expectData(await as('alice', MINE)).myInvitations;
      expect(mine.edges.map((e: any) => e.node)).toContainEqual({
        id: inv.id,
        spaceName: 'Lab',
        role: 'OBSERVER',
        status: 'PENDING',
        invitedByName: 'Owner',
      });
      // Before accepting, the invitee reads the invitation but not the space, nor its mail log.
      const seen = expectData(await as('alice', ONE, { id: inv.id })).invitation;
      expect(seen).toMatchObject({ space: null, spaceName: 'Lab', mailDeliveries: [] });
      const led = expectData(await as('owner', ONE, { id: inv.id })).invitation;
      expect(led.mailDeliveries).toEqual([
        {
          to: 'alice@acme.test',
          template: 'invitation',
          status: 'PENDING',
          attempts: 0,
          lastError: null,
          sentAt: null,
        },
      ]);

      t.clock.set(days(1));
      const { acceptInvitation } = expectData(await as('alice', ACCEPT, { id: inv.id }));
      expect(acceptInvitation).toMatchObject({
        status: 'ACCEPTED',
        membership: { role: 'OBSERVER', expiresAt: days(60).toISOString() },
      });
      // From her next request on, the new member sees the space.
      expect(expectData(await as('alice', ONE, { id: inv.id })).invitation.space).toEqual({ id: ids.lab });
      const [m] = await sql(
        `SELECT status, role, granted_by_id, sponsor_id, invitation_id FROM memberships WHERE user_id = $1 AND space_id = $2`,
        [ids.alice, ids.lab],
      );
      expect(m).toEqual({
        status: 'ACTIVE',
        role: 'OBSERVER',
        granted_by_id: ids.owner,
        sponsor_id: ids.owner,
        invitation_id: inv.id,
      });
      expect(await notices('owner', 'invitation.accepted', inv.id)).toHaveLength(1);
      expect(expectData(await as('alice', MINE)).myInvitations.edges.map((e: any) => e.node.id)).not.toContain(inv.id);
      // A second acceptance finds it answered.
      await refused(
        'invitation.accept',
        'alice',
        () => as('alice', ACCEPT, { id: inv.id }),
        'CONFLICT',
        'INVITATION_ANSWERED',
      );
    });

    it('refuses the wrong email and the wrong organisation as NOT_FOUND (audited with why), the inviter as NOT_INVITEE', async () => {
      const { inviteToSpace: inv } = expectData(
        await invite('owner', { spaceId: ids.lab, email: 'someone@acme.test' }),
      );
      const shape = (r: GqlResponse) => ({ status: r.status, body: r.body });
      const before = await counts();
      const missing = await as('arno', ACCEPT, { id: randomUUID() });
      const beforeEmail = await denials('invitation.accept', 'arno', 'wrong_email');
      const wrongEmail = await as('arno', ACCEPT, { id: inv.id });
      // The caller's answer is the one a missing invitation gets; the audit says why.
      expectError(wrongEmail, 'NOT_FOUND');
      expect(shape(wrongEmail)).toEqual(shape(missing));
      expect(await denials('invitation.accept', 'arno', 'wrong_email')).toBe(beforeEmail + 1);
      expect(await counts()).toEqual(before);
      const beforeOrg = await denials('invitation.accept', 'bob', 'wrong_organization');
      expectError(await as('bob', ACCEPT, { id: inv.id }), 'NOT_FOUND');
      expectError(await as('bob', DECLINE, { id: inv.id }), 'NOT_FOUND');
      expect(await denials('invitation.accept', 'bob', 'wrong_organization')).toBe(beforeOrg + 1);
      await refused(
        'invitation.accept',
        'owner',
        () => as('owner', ACCEPT, { id: inv.id }),
        'FORBIDDEN',
        'NOT_INVITEE',
      );
      await refused(
        'invitation.decline',
        'anim',
        () => as('anim', DECLINE, { id: inv.id }),
        'FORBIDDEN',
        'NOT_INVITEE',
      );
    });

    it('refuses acceptance after revocation and after expiry (before and after the job ran)', async () => {
      const revoked = expectData(
        await invite('owner', { spaceId: ids.studio, email: 'alice@acme.test' }),
      ).inviteToSpace;
      expectData(await as('owner', REVOKE, { id: revoked.id, reason: 'Sent by mistake' }));
      // Its mail was still in the outbox: it does not go out, and says why.
      await t.app.get(MailDispatcher).dispatchDue(t.clock.now());
      expect(
        await sql(`SELECT status, last_error FROM mail_messages WHERE template = 'invitation' AND subject_id = $1`, [
          revoked.id,
        ]),
      ).toEqual([{ status: 'FAILED', last_error: 'not sent: the invitation is REVOKED' }]);
      await refused(
        'invitation.accept',
        'alice',
        () => as('alice', ACCEPT, { id: revoked.id }),
        'CONFLICT',
        'INVITATION_REVOKED',
      );

      const late = expectData(await invite('owner', { spaceId: ids.lab, email: 'late@host.test' })).inviteToSpace;
      const lateUser = (
        await sql(
          `INSERT INTO users (organization_id, email, display_name, clearance, status) VALUES ($1, 'late@host.test', 'Late', 2, 'ACTIVE') RETURNING id`,
          [ids.host],
        )
      )[0].id as string;
      ids.late = lateUser;
      t.clock.set(days(14));
      // Read as expired from the instant it lapses, before the job has run.
      expect(expectData(await as('owner', ONE, { id: late.id })).invitation.status).toBe('EXPIRED');
      expect(expectData(await as('late', MINE)).myInvitations.totalCount).toBe(0);
      await refused(
        'invitation.accept',
        'late',
        () => as('late', ACCEPT, { id: late.id }),
        'CONFLICT',
        'INVITATION_EXPIRED',
      );
      const expired = await t.app.get(InvitationExpiryJob).expireDue(t.clock.now());
      expect(expired).toBeGreaterThanOrEqual(1);
      expect((await sql(`SELECT status FROM invitations WHERE id = $1`, [late.id]))[0].status).toBe('EXPIRED');
      expect(await notices('owner', 'invitation.expired', late.id)).toHaveLength(1);
      expect(
        await sql(`SELECT outcome FROM audit_events WHERE action = 'invitation.expire' AND subject_id = $1`, [late.id]),
      ).toEqual([{ outcome: 'SUCCESS' }]);
      await refused(
        'invitation.accept',
        'late',
        () => as('late', ACCEPT, { id: late.id }),
        'CONFLICT',
        'INVITATION_EXPIRED',
      );
      // The job leaves what is not due.
      expect(await t.app.get(InvitationExpiryJob).expireDue(t.clock.now())).toBe(0);
    });

    it('clamps a grant to 30 days when a critical risk opened after the invitation, and says so', async () => {
      const inv = expectData(
        await invite('owner', { spaceId: ids.lab, email: 'bob@bolt.test', expiresAt: days(200) }),
      ).inviteToSpace;
      const risk = (
        await sql(
          `INSERT INTO risk_entries (space_id, description, probability, impact, status) VALUES ($1, 'New', 1, 4, 'OPEN') RETURNING id`,
          [ids.lab],
        )
      )[0].id;
      try {
        t.clock.set(days(2));
        const { acceptInvitation } = expectData(await as('bob', ACCEPT, { id: inv.id }));
        expect(acceptInvitation.membership.expiresAt).toBe(days(32).toISOString());
        const [audit] = await sql(
          `SELECT details FROM audit_events WHERE action = 'membership.grant' AND details->>'invitationId' = $1`,
          [inv.id],
        );
        expect(audit.details).toMatchObject({ clampedFrom: days(200).toISOString() });
      } finally {
        await sql(`DELETE FROM risk_entries WHERE id = $1`, [risk]);
      }
    });

    it('refuses an invitee whose clearance no longer reaches the space', async () => {
      const inv = expectData(await invite('owner', { spaceId: ids.lab, email: 'staffless@host.test' })).inviteToSpace;
      const u = (
        await sql(
          `INSERT INTO users (organization_id, email, display_name, clearance, status) VALUES ($1, 'staffless@host.test', 'Staffless', 0, 'ACTIVE') RETURNING id`,
          [ids.host],
        )
      )[0].id as string;
      ids.staffless = u;
      await refused(
        'invitation.accept',
        'staffless',
        () => as('staffless', ACCEPT, { id: inv.id }),
        'BAD_USER_INPUT',
        'INVITEE_NOT_CLEARED',
      );
    });

    it('accepts only after sign-in through a connection of the invitee organisation (sessions); API tokens pass', async () => {
      const { cert } = await keyPair('idp.invitations.test');
      const connections = t.app.get(ConnectionService);
      const make = (org: string) =>
        connections.create(
          { kind: 'cli' },
          {
            organizationId: ids[org],
            idpEntityId: `https://idp.${org}.test`,
            ssoUrl: `https://idp.${org}.test/sso`,
            signingCertificates: [cert],
          },
        );
      const acmeIdp = await make('acme');
      const hostIdp = await make('host');
      const inv = expectData(await invite('owner', { spaceId: ids.studio, email: 'arno@acme.test' })).inviteToSpace;
      const sessions = t.app.get(SessionService);
      const withSession = async (connectionId: string | undefined) => {
        const { cookieValue } = await sessions.create(ids.arno, { connectionId });
        const res = await request(t.http)
          .post('/graphql')
          .set('Content-Type', 'application/json')
          .set('Cookie', `${SESSION_COOKIE}=${cookieValue}`)
          .send({ query: ACCEPT, variables: { id: inv.id } });
        return { status: res.status, body: res.body } as GqlResponse;
      };
      await refused(
        'invitation.accept',
        'arno',
        () => withSession(undefined),
        'FORBIDDEN',
        'SIGN_IN_NOT_FROM_ORGANIZATION',
      );
      await refused(
        'invitation.accept',
        'arno',
        () => withSession(hostIdp.id),
        'FORBIDDEN',
        'SIGN_IN_NOT_FROM_ORGANIZATION',
      );
      expect(expectData(await withSession(acmeIdp.id)).acceptInvitation.status).toBe('ACCEPTED');
    });
  });

  describe('organisation invitations', () => {
    let inv: { id: string };

    beforeAll(async () => {
      t.clock.set(NOW);
      inv = expectData(await invite('owner', { spaceId: ids.studio, organizationId: ids.acme })).inviteToSpace;
    });

    it('tells and mails every user of the organisation', async () => {
      expect(inv).toMatchObject({
        wholeOrganization: true,
        email: null,
        status: 'PENDING',
        organization: { id: ids.acme },
      });
      for (const who of ['alice', 'amy', 'arno'])
        expect(await notices(who, 'invitation.received', inv.id)).toHaveLength(1);
      expect((await mails('invitation', inv.id)).map((m) => m.to_address)).toEqual([
        'alice@acme.test',
        'amy@acme.test',
        'arno@acme.test',
      ]);
      await refused(
        'invitation.create',
        'owner',
        () => invite('owner', { spaceId: ids.studio, organizationId: ids.acme }),
        'CONFLICT',
        'ALREADY_INVITED',
      );
    });

    it("each user accepts once (reusing a former grant's row), the invitation stays open for the others", async () => {
      const [former] = await sql(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [
        ids.alice,
        ids.studio,
      ]);
      const { acceptInvitation } = expectData(await as('alice', ACCEPT, { id: inv.id }));
      expect(acceptInvitation).toMatchObject({ status: 'PENDING', membership: { id: former.id, role: 'MEMBER' } });
      const [row] = await sql(`SELECT status, ended_at, end_reason, invitation_id FROM memberships WHERE id = $1`, [
        former.id,
      ]);
      expect(row).toEqual({ status: 'ACTIVE', ended_at: null, end_reason: null, invitation_id: inv.id });
      await refused(
        'invitation.accept',
        'alice',
        () => as('alice', ACCEPT, { id: inv.id }),
        'CONFLICT',
        'ALREADY_MEMBER',
      );
      expect(expectData(await as('alice', MINE)).myInvitations.edges.map((e: any) => e.node.id)).not.toContain(inv.id);
    });

    it('a decline hides it from that user only, who cannot then accept it', async () => {
      const before = await sql(`SELECT id FROM invitations WHERE id = $1 AND status = 'PENDING'`, [inv.id]);
      expect(before).toHaveLength(1);
      expectData(await as('amy', DECLINE, { id: inv.id }));
      expect((await sql(`SELECT status FROM invitations WHERE id = $1`, [inv.id]))[0].status).toBe('PENDING');
      expect(expectData(await as('amy', MINE)).myInvitations.edges.map((e: any) => e.node.id)).not.toContain(inv.id);
      await refused(
        'invitation.accept',
        'amy',
        () => as('amy', ACCEPT, { id: inv.id }),
        'CONFLICT',
        'INVITATION_ANSWERED',
      );
      await refused(
        'invitation.decline',
        'amy',
        () => as('amy', DECLINE, { id: inv.id }),
        'CONFLICT',
        'INVITATION_ANSWERED',
      );
    });

    it('the page after sign-in lists it, French first, to those who have not answered it yet', async () => {
      const welcome = async (who: string, accept: string) => {
        const { cookieValue } = await t.app.get(SessionService).create(ids[who]);
        const res = await request(t.http)
          .get('/auth/welcome')
          .set('Accept', accept)
          .set('Cookie', `${SESSION_COOKIE}=${cookieValue}`);
        expect(res.status).toBe(200);
        return res;
      };
      const waiting = async (who: string) =>
        ((await welcome(who, 'application/json')).body.pendingInvitations as { id: string }[]).map((i) => i.id);
      expect(await waiting('arno')).toContain(inv.id);
      const page = (await welcome('arno', 'text/html')).text;
      expect(page).toContain('Studio');
      expect(page).toContain('Invitations en attente');
      expect(page.indexOf('Invitations en attente')).toBeLessThan(page.indexOf('Invitations waiting for you'));
      // Alice accepted it, Amy declined it: it no longer waits for them.
      for (const who of ['alice', 'amy']) expect(await waiting(who)).not.toContain(inv.id);
    });

    it('revoking stops future acceptances; memberships already created stay', async () => {
      await refused('invitation.revoke', 'anim', () => as('anim', REVOKE, { id: inv.id }), 'NOT_FOUND', null);
      const { revokeInvitation } = expectData(await as('owner2', REVOKE, { id: inv.id, reason: 'Contrat terminé' }));
      expect(revokeInvitation).toMatchObject({ status: 'REVOKED', decisionReason: 'Contrat terminé' });
      const [m] = await sql(`SELECT status FROM memberships WHERE user_id = $1 AND space_id = $2`, [
        ids.alice,
        ids.studio,
      ]);
      expect(m.status).toBe('ACTIVE');
      await refused(
        'invitation.revoke',
        'owner',
        () => as('owner', REVOKE, { id: inv.id }),
        'CONFLICT',
        'INVITATION_REVOKED',
      );
    });
  });

  describe('revocation and reads', () => {
    it('the inviter, an OWNER or a HOST_ADMIN revokes; an ANIMATOR who did not invite may not', async () => {
      const inv = expectData(await invite('owner', { spaceId: ids.lab, email: 'rev@acme.test' })).inviteToSpace;
      await refused(
        'invitation.revoke',
        'anim',
        () => as('anim', REVOKE, { id: inv.id }),
        'FORBIDDEN',
        'ROLE_REQUIRED',
      );
      await refused('invitation.revoke', 'bob', () => as('bob', REVOKE, { id: inv.id }), 'NOT_FOUND', null);
      expect(expectData(await as('admin', REVOKE, { id: inv.id })).revokeInvitation.status).toBe('REVOKED');
      const own = expectData(await invite('anim', { spaceId: ids.lab, email: 'rev2@acme.test' })).inviteToSpace;
      expect(expectData(await as('anim', REVOKE, { id: own.id })).revokeInvitation.status).toBe('REVOKED');
    });

    it('Space.invitations lists them for leaders and overseers, filtered by status', async () => {
      const Q = `query($id: ID!, $status: InvitationStatus) { space(id: $id) { invitations(first: 100, status: $status) { totalCount edges { node { id status } } } } }`;
      const all = expectData(await as('owner', Q, { id: ids.lab })).space.invitations;
      expect(all.totalCount).toBeGreaterThan(3);
      const overseer = expectData(await as('admin', Q, { id: ids.lab })).space.invitations;
      expect(overseer.totalCount).toBe(all.totalCount);
      const revoked = expectData(await as('owner', Q, { id: ids.lab, status: 'REVOKED' })).space.invitations;
      expect(revoked.totalCount).toBeGreaterThanOrEqual(2);
      expect(new Set(revoked.edges.map((e: any) => e.node.status))).toEqual(new Set(['REVOKED']));
      // A member of the space who is neither leader, inviter nor invitee reads none.
      expect(expectData(await as('staff', Q, { id: ids.lab })).space.invitations.totalCount).toBe(0);
    });

    it('invitation(id) is NOT_FOUND for an outsider, exactly like a missing id', async () => {
      const inv = expectData(await invite('owner', { spaceId: ids.lab, email: 'peek@acme.test' })).inviteToSpace;
      const hidden = await as('bob', ONE, { id: inv.id });
      const missing = await as('bob', ONE, { id: randomUUID() });
      expectError(hidden, 'NOT_FOUND');
      expect(hidden.body.errors?.map((e) => [e.message, e.extensions])).toEqual(
        missing.body.errors?.map((e) => [e.message, e.extensions]),
      );
      // Every answering mutation refuses an outsider the same way.
      for (const q of [APPROVE, REVOKE, ACCEPT, DECLINE]) expectError(await as('bob', q, { id: inv.id }), 'NOT_FOUND');
      expectError(await as('bob', REJECT, { id: inv.id, reason: 'x' }), 'NOT_FOUND');
    });
  });
});
