import { SchedulerRegistry } from '@nestjs/schedule';
import { lockKey } from '../src/jobs/exclusive-job.runner';
import { MembershipJobs } from '../src/memberships/membership-jobs.service';
import { days, MEMBERSHIP_WORLD, NOW } from './fixtures/membership-world';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The memberships' scheduled work, run by calling the jobs' public methods at chosen instants.
 * In the world: arno's lab grant expires in 10 days, alice's in 60, bob's bolts grant in 5.
 */
describe('membership jobs', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let jobs: MembershipJobs;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(MEMBERSHIP_WORLD);
    jobs = t.app.get(MembershipJobs);
  });

  afterAll(() => t.close());

  it('are not scheduled without JOBS_ENABLED (tests call them)', () => {
    expect(() => t.app.get(SchedulerRegistry, { strict: false })).toThrow();
  });

  const sql = <T = any>(query: string, params: unknown[] = []): Promise<T[]> => t.dataSource.query(query, params);
  const grantId = async (user: string, space: string): Promise<string> =>
    (await sql(`SELECT id FROM memberships WHERE user_id = $1 AND space_id = $2`, [ids[user], ids[space]]))[0].id;
  const grant = async (id: string) => (await sql(`SELECT * FROM memberships WHERE id = $1`, [id]))[0];
  const noticesAbout = (subjectId: string, kind: string) =>
    sql<{ user_id: string }>(`SELECT user_id FROM notifications WHERE subject_id = $1 AND kind = $2 ORDER BY user_id`, [
      subjectId,
      kind,
    ]);
  const mailsAbout = (subjectId: string, template: string) =>
    sql<{ to_address: string; params: Record<string, unknown>; locale: string }>(
      `SELECT to_address, params, locale FROM mail_messages WHERE subject_id = $1 AND template = $2 ORDER BY to_address`,
      [subjectId, template],
    );
  const runs = (action: string) =>
    sql<{ details: Record<string, any>; actor_id: string | null }>(
      `SELECT details, actor_id FROM audit_events WHERE action = $1 AND outcome = 'SUCCESS' ORDER BY seq`,
      [action],
    );

  // PGlite has one session: a lock held there is the job's own. PostgreSQL only.
  (process.env.DATABASE_URL ? it : it.skip)('skips a run while another instance holds the job', async () => {
    const other = t.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey('memberships.lapse')]);
      expect(await jobs.lapseExpired(days(1000))).toBeNull();
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
    expect((await sql(`SELECT count(*)::int AS n FROM memberships WHERE status = 'EXPIRED'`))[0].n).toBe(0);
  });

  describe('renewal reminders', () => {
    it('asks the sponsor once, and the OWNERs when the grant has no sponsor', async () => {
      const [arno, alice, bob] = [
        await grantId('arno', 'lab'),
        await grantId('alice', 'lab'),
        await grantId('bob', 'bolts'),
      ];
      await sql(`UPDATE memberships SET sponsor_id = $2 WHERE id = $1`, [arno, ids.spons]);
      // Two runs at once: the advisory lock lets one do the work; the other finds it held or nothing left.
      const [first, second] = await Promise.all([jobs.sendRenewalReminders(NOW), jobs.sendRenewalReminders(NOW)]);
      const reminded = [...(first?.reminded ?? []), ...(second?.reminded ?? [])].sort();
      expect(reminded).toEqual([arno, bob].sort());
      expect(await noticesAbout(arno, 'membership.renewal_due')).toEqual([{ user_id: ids.spons }]);
      expect(await noticesAbout(bob, 'membership.renewal_due')).toEqual([{ user_id: ids.owner2 }]);
      expect(await noticesAbout(alice, 'membership.renewal_due')).toEqual([]);
      expect(await mailsAbout(arno, 'membership.renewal_due')).toEqual([
        {
          to_address: 'spons@host.test',
          locale: 'fr',
          params: expect.objectContaining({
            memberName: 'Arno Acme',
            spaceName: 'Lab',
            expiresAt: days(10).toISOString(),
          }),
        },
      ]);
      expect((await grant(arno)).renewal_requested_at).toEqual(NOW);
      const [run] = await runs('membership.renewal_reminders');
      expect(run.actor_id).toBeNull();
      expect([...run.details.reminded].sort()).toEqual([arno, bob].sort());

      // A later run does not ask again for the same expiry.
      expect(await jobs.sendRenewalReminders(days(1))).toEqual({ reminded: [] });
      expect(await noticesAbout(arno, 'membership.renewal_due')).toHaveLength(1);
    });

    it('asks again once a renewal moved the expiry into a new window', async () => {
      const arno = await grantId('arno', 'lab');
      // Renewed (the expiry moves, the request is cleared), then the new expiry comes near.
      await sql(`UPDATE memberships SET expires_at = $2, renewal_requested_at = NULL WHERE id = $1`, [arno, days(40)]);
      expect(await jobs.sendRenewalReminders(days(20))).toEqual({ reminded: [] });
      expect(await jobs.sendRenewalReminders(days(27))).toEqual({ reminded: [arno] });
      expect(await noticesAbout(arno, 'membership.renewal_due')).toHaveLength(2);
    });
    it('leaves a grant with nobody to ask (no sponsor, no OWNER) to be asked next run', async () => {
      const bob = await grantId('bob', 'bolts');
      const owner2 = await grantId('owner2', 'bolts');
      await sql(`UPDATE memberships SET renewal_requested_at = NULL, sponsor_id = NULL WHERE id = $1`, [bob]);
      await sql(`UPDATE memberships SET status = 'SUSPENDED', suspension_cause = 'CLEARANCE' WHERE id = $1`, [owner2]);
      try {
        expect(await jobs.sendRenewalReminders(NOW)).toEqual({ reminded: [] });
        expect((await grant(bob)).renewal_requested_at).toBeNull();
        const run = (await runs('membership.renewal_reminders')).pop();
        expect(run?.details.unasked).toEqual([bob]);
      } finally {
        await sql(`UPDATE memberships SET status = 'ACTIVE', suspension_cause = NULL WHERE id = $1`, [owner2]);
      }
      expect(await jobs.sendRenewalReminders(NOW)).toEqual({ reminded: [bob] });
    });
  });

  describe('lapse', () => {
    it('records grants nobody renewed as EXPIRED at their expiry, and tells member and sponsor', async () => {
      const [arno, alice, bob, staffSolo] = [
        await grantId('arno', 'lab'),
        await grantId('alice', 'lab'),
        await grantId('bob', 'bolts'),
        await grantId('staff', 'solo'),
      ];
      // A suspended grant lapses too; a host grant without expiry never does.
      await sql(
        `UPDATE memberships SET status = 'SUSPENDED', suspension_cause = 'ORGANIZATION_SUSPENDED' WHERE id = $1`,
        [bob],
      );
      expect(await jobs.lapseExpired(days(4))).toEqual({ expired: [] });
      const at = days(41);
      const [first, second] = await Promise.all([jobs.lapseExpired(at), jobs.lapseExpired(at)]);
      const expired = [...(first?.expired ?? []), ...(second?.expired ?? [])].sort();
      expect(expired).toEqual([arno, bob].sort());
      expect(await grant(arno)).toMatchObject({ status: 'EXPIRED', ended_at: days(40), end_reason: 'expired' });
      expect(await grant(bob)).toMatchObject({ status: 'EXPIRED', ended_at: days(5), suspension_cause: null });
      expect(await grant(alice)).toMatchObject({ status: 'ACTIVE' });
      expect(await grant(staffSolo)).toMatchObject({ status: 'ACTIVE' });
      expect((await noticesAbout(arno, 'membership.expired')).map((n) => n.user_id).sort()).toEqual(
        [ids.arno, ids.spons].sort(),
      );
      expect(await noticesAbout(bob, 'membership.expired')).toEqual([{ user_id: ids.bob }]);
      const lapses = await runs('membership.lapse');
      expect(lapses).toHaveLength(1);
      expect([...lapses[0].details.expired].sort()).toEqual([arno, bob].sort());
      expect(await jobs.lapseExpired(at)).toEqual({ expired: [] });
    });
  });

  describe('sponsor sweep', () => {
    it("moves a disabled sponsor's grants to each space's longest-standing OWNER, who is told", async () => {
      const alice = await grantId('alice', 'lab');
      const atticAlice = await grantId('alice', 'attic');
      await sql(`UPDATE memberships SET sponsor_id = $2, renewal_requested_at = $3 WHERE id = ANY($1::uuid[])`, [
        [alice, atticAlice],
        ids.anim,
        NOW,
      ]);
      expect(await jobs.reassignOrphanedSponsorships(NOW)).toEqual({ sponsors: [], moved: [], assigned: [] });
      // In the lab, owner2 has held the space longer than owner: the grant goes to owner2.
      await sql(
        `UPDATE memberships SET created_at = created_at - interval '1 day' WHERE user_id = $1 AND space_id = $2`,
        [ids.owner2, ids.lab],
      );
      await sql(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [ids.anim]);
      const [first, second] = await Promise.all([
        jobs.reassignOrphanedSponsorships(NOW),
        jobs.reassignOrphanedSponsorships(NOW),
      ]);
      const moved = [...(first?.moved ?? []), ...(second?.moved ?? [])];
      expect(moved.map((m) => m.membershipId).sort()).toEqual([alice, atticAlice].sort());
      expect(await grant(alice)).toMatchObject({ sponsor_id: ids.owner2, renewal_requested_at: null });
      expect(await grant(atticAlice)).toMatchObject({ sponsor_id: ids.owner });
      expect(await noticesAbout(alice, 'sponsorship.transferred')).toEqual([{ user_id: ids.owner2 }]);
      expect(await noticesAbout(atticAlice, 'sponsorship.transferred')).toEqual([{ user_id: ids.owner }]);
      const mails = await mailsAbout(ids.anim, 'sponsorship.transferred');
      expect(mails).toEqual([
        {
          to_address: 'owner2@host.test',
          locale: 'fr',
          params: expect.objectContaining({ previousSponsorName: 'Ana Animator', count: 1 }),
        },
        {
          to_address: 'owner@host.test',
          locale: 'fr',
          params: expect.objectContaining({ previousSponsorName: 'Ana Animator', count: 1 }),
        },
      ]);
      const sweeps = await runs('membership.sponsor_sweep');
      expect(sweeps).toHaveLength(1);
      expect(sweeps[0].details.sponsors).toEqual([ids.anim]);
      expect(await jobs.reassignOrphanedSponsorships(NOW)).toEqual({ sponsors: [], moved: [], assigned: [] });
    });

    it("gives an external grant without a sponsor one: its space's longest-standing OWNER, told in-app", async () => {
      const alice = await grantId('alice', 'lab');
      await sql(`UPDATE memberships SET sponsor_id = NULL WHERE id = $1`, [alice]);
      const run = await jobs.reassignOrphanedSponsorships(NOW);
      expect(run).toEqual({
        sponsors: [],
        moved: [],
        assigned: [{ membershipId: alice, spaceId: ids.lab, memberId: ids.alice, newSponsorId: ids.owner2 }],
      });
      expect((await grant(alice)).sponsor_id).toBe(ids.owner2);
      // One notice from the disabled sponsor's sweep, one now.
      expect(await noticesAbout(alice, 'sponsorship.transferred')).toEqual([
        { user_id: ids.owner2 },
        { user_id: ids.owner2 },
      ]);
      const sweeps = await runs('membership.sponsor_sweep');
      expect(sweeps.pop()?.details.assigned).toEqual([{ membershipId: alice, newSponsorId: ids.owner2 }]);
      // A host member's grant needs no sponsor.
      expect((await grant(await grantId('staff', 'lab'))).sponsor_id).toBeNull();
    });
  });
});

describe('membership jobs on a schedule', () => {
  it('are scheduled where JOBS_ENABLED', async () => {
    const t = await startTestApp({ JOBS_ENABLED: 'true' });
    try {
      const names = [...t.app.get(SchedulerRegistry, { strict: false }).getCronJobs().keys()];
      expect(names.filter((k) => k.startsWith('memberships.')).sort()).toEqual([
        'memberships.lapse',
        'memberships.renewal-reminders',
        'memberships.sponsor-sweep',
      ]);
    } finally {
      await t.close();
    }
  });
});
