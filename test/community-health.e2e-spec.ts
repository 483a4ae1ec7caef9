import { randomUUID } from 'node:crypto';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

// Community health (issue 9, item 7) on a hand-built world whose figures are counted by
// hand below: the periods, each figure, the k-anonymity rule (a period of 4 active people
// shows nothing; the host / external split shows both sides or neither), who may read
// them, and the input.

const NOW = new Date('2026-06-17T12:00:00Z'); // a Wednesday: the current ISO week starts on Monday 15 June

const host = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  organization: 'host',
  email: `${key}@host.test`,
  displayName: key.toUpperCase(),
  clearance: 4,
  ...extra,
});
const ext = (key: string) => ({
  key,
  organization: 'acme',
  email: `${key}@acme.test`,
  displayName: key.toUpperCase(),
  clearance: 2,
});
const member = (user: string, space: string, role = 'MEMBER', expiresAt?: string) => ({
  user,
  space,
  role,
  ...(expiresAt ? { expiresAt } : {}),
});
const post = (key: string, space: string, author: string, createdAt: string) => ({
  key,
  space,
  author,
  title: key,
  body: `${key} body`,
  createdAt,
});
const comment = (key: string, onPost: string, author: string, createdAt: string) => ({
  key,
  post: onPost,
  author,
  body: `${key} body`,
  createdAt,
});

const SOON = '2026-07-01T00:00:00Z'; // within 30 days of NOW
const LATER = '2026-09-01T00:00:00Z';

const WORLD = {
  organizations: [
    { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4 },
    { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2 },
  ],
  users: [
    host('admin', { roles: ['HOST_ADMIN'] }),
    host('reviewer', { roles: ['SECURITY_REVIEWER'] }),
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'anim2'].map((k) => host(k)),
    ...['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'outsider'].map(ext),
  ],
  spaces: [
    { key: 'lab', name: 'Lab', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
    { key: 'small', name: 'Small', classification: 0, status: 'PILOT', partnerVisibility: 'OPEN' },
    { key: 'other', name: 'Other', classification: 0, status: 'ACTIVE', partnerVisibility: 'OPEN' },
    { key: 'old', name: 'Old', classification: 0, status: 'ARCHIVED', partnerVisibility: 'OPEN' },
  ],
  memberships: [
    member('h1', 'lab', 'OWNER'),
    member('h2', 'lab', 'ANIMATOR'),
    ...['h3', 'h4', 'h5', 'h6'].map((u) => member(u, 'lab')),
    ...['e1', 'e2', 'e3', 'e4', 'e5'].map((u) => member(u, 'lab', 'MEMBER', SOON)),
    member('e6', 'lab', 'MEMBER', LATER),
    member('h1', 'small', 'OWNER'),
    member('h3', 'small'),
    member('e1', 'small', 'MEMBER', SOON),
    member('e2', 'small', 'MEMBER', SOON),
    member('anim2', 'other', 'OWNER'),
    member('h3', 'other', 'ANIMATOR'),
    member('h1', 'old', 'OWNER'),
    member('e6', 'old', 'MEMBER', LATER),
  ],
  posts: [
    // May: one person.
    post('m1', 'lab', 'h1', '2026-05-20T09:00:00Z'),
    // Week of 1 June: 7 active people (6 host, 2 of them only reacting; 1 external); 4 posts by 4 people; 1 reply after 1 h.
    post('a1', 'lab', 'h1', '2026-06-01T09:00:00Z'),
    post('a2', 'lab', 'h2', '2026-06-02T09:00:00Z'),
    post('a3', 'lab', 'h3', '2026-06-03T09:00:00Z'),
    post('a4', 'lab', 'h4', '2026-06-07T23:59:00Z'), // Sunday night: still that week
    // Week of 8 June: 6 posts by 6 people, 5 of them answered by 5 people after 1 to 5 hours.
    post('b1', 'lab', 'h1', '2026-06-08T00:00:00Z'), // Monday 00:00 UTC: this week
    post('b2', 'lab', 'h2', '2026-06-09T09:00:00Z'),
    post('b3', 'lab', 'e1', '2026-06-10T09:00:00Z'),
    post('b4', 'lab', 'e2', '2026-06-11T09:00:00Z'),
    post('b5', 'lab', 'h3', '2026-06-12T09:00:00Z'),
    post('b6', 'lab', 'e3', '2026-06-12T10:00:00Z'),
    // The pilot space, this week: 4 active people.
    post('s1', 'small', 'h1', '2026-06-15T09:00:00Z'),
    post('s2', 'small', 'h3', '2026-06-15T10:00:00Z'),
    // An archived space is left out of the overview.
    post('o1', 'old', 'e6', '2026-06-09T09:00:00Z'),
  ],
  comments: [
    comment('a1-e1', 'a1', 'e1', '2026-06-01T10:00:00Z'),
    comment('b1-e1', 'b1', 'e1', '2026-06-08T01:00:00Z'),
    comment('b1-h6', 'b1', 'h6', '2026-06-08T12:00:00Z'), // a second reply: not the first
    comment('b2-e2', 'b2', 'e2', '2026-06-09T11:00:00Z'),
    comment('b3-h4', 'b3', 'h4', '2026-06-10T12:00:00Z'),
    comment('b4-h5', 'b4', 'h5', '2026-06-11T13:00:00Z'),
    comment('b5-e4', 'b5', 'e4', '2026-06-12T14:00:00Z'),
    comment('b6-e3', 'b6', 'e3', '2026-06-12T11:00:00Z'), // the author on their own post: no reply
    comment('s1-e1', 's1', 'e1', '2026-06-16T09:00:00Z'),
  ],
  reactions: [
    { post: 'a1', author: 'h5', emoji: '+1', createdAt: '2026-06-01T11:00:00Z' },
    { comment: 'a1-e1', author: 'h6', emoji: 'merci', createdAt: '2026-06-01T12:00:00Z' },
    { post: 'b1', author: 'e5', emoji: '+1', createdAt: '2026-06-13T09:00:00Z' },
    { comment: 's1-e1', author: 'e2', emoji: '+1', createdAt: '2026-06-16T10:00:00Z' },
  ],
};

const FIGURE = '{ value suppressed display }';
const BUCKET = `{ start end activeMembers ${FIGURE} activeHostMembers ${FIGURE} activeExternalMembers ${FIGURE}
  posts ${FIGURE} comments ${FIGURE} medianFirstReplyHours ${FIGURE} replyRate ${FIGURE} }`;
const SPACE_HEALTH = `query($id: ID!, $period: HealthPeriod!, $count: Int) {
  spaceHealth(spaceId: $id, period: $period, count: $count) {
    space { id name } period buckets ${BUCKET} pendingInvitations ${FIGURE} expiringMemberships ${FIGURE} } }`;
const OVERVIEW = `query($period: HealthPeriod!, $count: Int) { healthOverview(period: $period, count: $count) {
  period pilot { spaces buckets ${BUCKET} } others { spaces buckets ${BUCKET} } } }`;

type Figure = { value: number | null; suppressed: boolean; display: string };
const shown = (value: number, display?: string): Figure => ({
  value,
  suppressed: false,
  display: display ?? String(value),
});
const HIDDEN: Figure = { value: null, suppressed: true, display: 'moins de 5' };
const NOTHING = {
  activeMembers: HIDDEN,
  activeHostMembers: HIDDEN,
  activeExternalMembers: HIDDEN,
  posts: HIDDEN,
  comments: HIDDEN,
  medianFirstReplyHours: HIDDEN,
  replyRate: HIDDEN,
};
// The week of 8 June, by hand: active h1 h2 h3 h4 h5 h6 (host) and e1 e2 e3 e4 e5 (external,
// e5 only reacted); 6 posts by 6 people; comments b1-e1 b1-h6 b2-e2 b3-h4 b4-h5 b5-e4 b6-e3;
// first replies after 1, 2, 3, 4, 5 hours by 5 people; 5 of 6 posts answered.
const WEEK_OF_8_JUNE = {
  start: '2026-06-08T00:00:00.000Z',
  end: '2026-06-15T00:00:00.000Z',
  activeMembers: shown(11),
  activeHostMembers: shown(6),
  activeExternalMembers: shown(5),
  posts: shown(6),
  comments: shown(7),
  medianFirstReplyHours: shown(3, '3 h'),
  replyRate: shown(0.8333, '83\u00a0%'),
};
// The week of 1 June: 7 active people, but 6 from the host and 1 external (so neither side
// shows: 7 - 6 would give the other away), 4 posters, 1 commenter, 1 replier.
const WEEK_OF_1_JUNE = {
  ...NOTHING,
  start: '2026-06-01T00:00:00.000Z',
  end: '2026-06-08T00:00:00.000Z',
  activeMembers: shown(7),
};

describe('community health', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(NOW);
    ids = await t.importWorld(WORLD);
    for (const u of WORLD.users) token[u.key] = await t.tokenFor(ids[u.key]);
    // Invitations waiting on the lab: 5 open ones count; an expired, an accepted one do not.
    const invite = (space: string, email: string, status: string, expiresAt: string) =>
      t.dataSource.query(
        `INSERT INTO invitations (space_id, email, organization_id, role, status, expires_at, invited_by_id)
         VALUES ($1, $2, $3, 'MEMBER', $4, $5, $6)`,
        [ids[space], email, ids.acme, status, expiresAt, ids.h1],
      );
    for (const n of [1, 2, 3]) await invite('lab', `new${n}@acme.test`, 'PENDING', '2026-06-30T00:00:00Z');
    for (const n of [4, 5]) await invite('lab', `new${n}@acme.test`, 'PENDING_APPROVAL', '2026-06-30T00:00:00Z');
    await invite('lab', 'late@acme.test', 'PENDING', '2026-06-10T00:00:00Z');
    await invite('lab', 'done@acme.test', 'ACCEPTED', '2026-06-30T00:00:00Z');
    await invite('small', 'new1@acme.test', 'PENDING', '2026-06-30T00:00:00Z');
  });
  afterAll(() => t.close());

  const audited = async (actor: string, action: string) =>
    (await t.dataSource.query(
      `SELECT action, outcome, reason, subject_id FROM audit_events WHERE actor_id = $1 AND action = $2 ORDER BY seq`,
      [ids[actor], action],
    )) as { action: string; outcome: string; reason: string; subject_id: string }[];

  const health = (who: string, space: string, period = 'WEEK', count?: number | null) =>
    t.gql(token[who], SPACE_HEALTH, { id: space, period, count });

  describe('the figures', () => {
    it('counts each ISO week of the space in SQL, the current one last, and withholds what rests on fewer than 5 people', async () => {
      const h = expectData(await health('h1', ids.lab, 'WEEK', 3)).spaceHealth;
      expect(h.space).toEqual({ id: ids.lab, name: 'Lab' });
      expect(h.period).toBe('WEEK');
      expect(h.buckets).toEqual([
        WEEK_OF_1_JUNE,
        WEEK_OF_8_JUNE,
        { ...NOTHING, start: '2026-06-15T00:00:00.000Z', end: '2026-06-22T00:00:00.000Z' },
      ]);
      // 5 open invitations; e1 to e5 expire within 30 days, e6 later.
      expect(h.pendingInvitations).toEqual(shown(5));
      expect(h.expiringMemberships).toEqual(shown(5));
    });

    it('counts calendar months: June holds both weeks, May one person', async () => {
      const h = expectData(await health('h2', ids.lab, 'MONTH', 2)).spaceHealth;
      expect(h.buckets).toEqual([
        { ...NOTHING, start: '2026-05-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' },
        {
          start: '2026-06-01T00:00:00.000Z',
          end: '2026-07-01T00:00:00.000Z',
          activeMembers: shown(11),
          activeHostMembers: shown(6),
          activeExternalMembers: shown(5),
          posts: shown(10),
          comments: shown(8),
          // First replies after 1 (a1), 1, 2, 3, 4, 5 hours: median 2.5; by e1, e2, h4, h5, e4.
          medianFirstReplyHours: shown(2.5, '2,5 h'),
          replyRate: shown(0.6, '60\u00a0%'),
        },
      ]);
    });

    it('gives 8 weeks or 6 months by default', async () => {
      const weeks = expectData(await health('h1', ids.lab, 'WEEK')).spaceHealth.buckets;
      expect(weeks).toHaveLength(8);
      expect(weeks[0].start).toBe('2026-04-27T00:00:00.000Z');
      expect(weeks[7].start).toBe('2026-06-15T00:00:00.000Z');
      const months = expectData(await health('h1', ids.lab, 'MONTH')).spaceHealth.buckets;
      expect(months.map((b: { start: string }) => b.start.slice(0, 7))).toEqual([
        '2026-01',
        '2026-02',
        '2026-03',
        '2026-04',
        '2026-05',
        '2026-06',
      ]);
    });

    it('shows no per-period figure for a space of 4 active people, nor its counts of fewer than 5 people', async () => {
      const h = expectData(await health('h1', ids.small, 'WEEK', 2)).spaceHealth;
      // h1, h3 posted, e1 commented, e2 reacted: 4 people this week.
      expect(h.buckets).toEqual([
        { ...NOTHING, start: '2026-06-08T00:00:00.000Z', end: '2026-06-15T00:00:00.000Z' },
        { ...NOTHING, start: '2026-06-15T00:00:00.000Z', end: '2026-06-22T00:00:00.000Z' },
      ]);
      expect(h.pendingInvitations).toEqual(HIDDEN);
      expect(h.expiringMemberships).toEqual(HIDDEN);
    });

    it("speaks the caller's language", async () => {
      await t.dataSource.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [ids.h2]);
      try {
        const h = expectData(await health('h2', ids.lab, 'WEEK', 3)).spaceHealth;
        expect(h.buckets[0].posts).toEqual({ value: null, suppressed: true, display: 'fewer than 5' });
        expect(h.buckets[1].medianFirstReplyHours).toEqual(shown(3, '3 h'));
        expect(h.buckets[1].replyRate).toEqual(shown(0.8333, '83%'));
      } finally {
        await t.dataSource.query(`UPDATE users SET locale = 'fr' WHERE id = $1`, [ids.h2]);
      }
    });
  });

  describe('who reads them', () => {
    it("lets the space's OWNER, ANIMATOR and HOST_ADMIN read them", async () => {
      for (const who of ['h1', 'h2', 'admin']) {
        const h = expectData(await health(who, ids.lab, 'WEEK', 3)).spaceHealth;
        expect(h.buckets[1]).toEqual(WEEK_OF_8_JUNE);
      }
    });

    it('refuses a MEMBER (even one animating another space) and a SECURITY_REVIEWER: FORBIDDEN, audited', async () => {
      for (const who of ['h3', 'reviewer']) {
        const [error] = expectError(await health(who, ids.lab), 'FORBIDDEN');
        expect(error.extensions.reason).toBe('ROLE_REQUIRED');
        expect(await audited(who, 'health.space')).toEqual([
          { action: 'health.space', outcome: 'DENIED', reason: 'role_required', subject_id: ids.lab },
        ]);
      }
      // Checked before the input: a bad count is still FORBIDDEN.
      expectError(await health('h3', ids.lab, 'WEEK', 0), 'FORBIDDEN');
    });

    it('answers NOT_FOUND to whoever does not see the space, exactly as for a missing one, audited', async () => {
      const missing = expectError(await health('h1', randomUUID()), 'NOT_FOUND');
      for (const [who, space] of [
        ['outsider', ids.lab],
        ['anim2', ids.lab],
        ['e1', ids.other],
        ['h1', 'not-an-id'],
      ]) {
        const res = await health(who, space, 'WEEK', 0);
        expect(expectError(res, 'NOT_FOUND')).toEqual(missing.map((e) => ({ ...e })));
        expect(res.body.data).toEqual(null);
      }
      const denials = await t.dataSource.query(
        `SELECT subject_type, subject_id FROM audit_events WHERE action = 'authz.denied' AND actor_id = $1`,
        [ids.anim2],
      );
      expect(denials).toEqual([{ subject_type: 'Space', subject_id: ids.lab }]);
    });

    it('refuses an anonymous caller', async () => {
      expect((await t.gql(null, SPACE_HEALTH, { id: ids.lab, period: 'WEEK' })).status).toBe(401);
    });
  });

  describe('the input', () => {
    it('takes 1 to 24 periods, BAD_USER_INPUT otherwise, audited', async () => {
      expect(expectData(await health('h1', ids.lab, 'MONTH', 24)).spaceHealth.buckets).toHaveLength(24);
      expect(expectData(await health('h1', ids.lab, 'WEEK', 1)).spaceHealth.buckets).toHaveLength(1);
      for (const count of [0, -1, 25, 1000]) {
        const [error] = expectError(await health('h1', ids.lab, 'WEEK', count), 'BAD_USER_INPUT');
        expect(error.extensions.reason).toBe('INVALID_INPUT');
        expect(error.message).toMatch(/1 to 24/);
      }
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'health.space' AND reason = 'invalid_input' AND actor_id = $1`,
        [ids.h1],
      );
      expect(n).toBe(4);
    });

    it('refuses an unknown period with a clear error, not a 500', async () => {
      const res = await t.gql(token.h1, SPACE_HEALTH, { id: ids.lab, period: 'YEAR' });
      expect(res.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('healthOverview', () => {
    it('aggregates the PILOT spaces against the ACTIVE ones for HOST_ADMIN, archived spaces left out', async () => {
      const o = expectData(await t.gql(token.admin, OVERVIEW, { period: 'WEEK', count: 3 })).healthOverview;
      expect(o.period).toBe('WEEK');
      expect(o.pilot.spaces).toBe(1);
      expect(o.others.spaces).toBe(2);
      // The lab is the only ACTIVE space with activity; the archived space's e6 is not counted.
      expect(o.others.buckets).toEqual([
        WEEK_OF_1_JUNE,
        WEEK_OF_8_JUNE,
        { ...NOTHING, start: '2026-06-15T00:00:00.000Z', end: '2026-06-22T00:00:00.000Z' },
      ]);
      // The pilot space has 4 active people this week: nothing shows.
      expect(o.pilot.buckets.map((b: Record<string, Figure>) => b.activeMembers)).toEqual([HIDDEN, HIDDEN, HIDDEN]);
    });

    it('counts a person once across the spaces of a group', async () => {
      // h1 and h3 also post in the other ACTIVE space in the week of 8 June: still 11 people.
      const extra = await t.importWorld({
        ...WORLD,
        posts: [...WORLD.posts, post('x1', 'other', 'h3', '2026-06-09T09:00:00Z')],
      });
      expect(extra.x1).toBeDefined();
      try {
        const o = expectData(await t.gql(token.admin, OVERVIEW, { period: 'WEEK', count: 3 })).healthOverview;
        expect(o.others.buckets[1].activeMembers).toEqual(shown(11));
        expect(o.others.buckets[1].posts).toEqual(shown(7));
      } finally {
        await t.dataSource.query(`DELETE FROM posts WHERE id = $1`, [extra.x1]);
      }
    });

    it('is FORBIDDEN to everyone else, audited; the count is checked after', async () => {
      for (const who of ['h1', 'h2', 'reviewer', 'outsider']) {
        const [error] = expectError(await t.gql(token[who], OVERVIEW, { period: 'MONTH', count: 99 }), 'FORBIDDEN');
        expect(error.extensions.reason).toBe('ROLE_REQUIRED');
        expect((await audited(who, 'health.overview')).map((a) => a.outcome)).toEqual(['DENIED']);
      }
      expectError(await t.gql(token.admin, OVERVIEW, { period: 'MONTH', count: 25 }), 'BAD_USER_INPUT');
    });
  });
});
