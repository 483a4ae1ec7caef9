import { NotificationsService, NotifyInput } from '../src/notifications/notifications.service';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectData, expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

const MISSING = '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11';

const LIST = `query ($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind read readAt createdAt title body space { id name } } }
  }
}`;
const MARK = `mutation ($ids: [ID!]) { markNotificationsRead(ids: $ids) }`;
const UNREAD = `{ unreadNotificationCount }`;

type Node = {
  id: string;
  kind: string;
  read: boolean;
  readAt: string | null;
  createdAt: string;
  title: string;
  body: string;
  space: { id: string; name: string } | null;
};

describe('notifications', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    ids = await t.importWorld(SMALL_WORLD);
    for (const key of ['owner', 'staff', 'alice', 'bob']) tokens[key] = await t.tokenFor(ids[key]);
  });
  afterAll(() => t.close());

  /** Writes notices as the write path does, one at a time so their createdAt differ. */
  async function notify(...inputs: NotifyInput[]): Promise<string[]> {
    const service = t.app.get(NotificationsService);
    const written: string[] = [];
    for (const input of inputs) {
      await service.notify(t.dataSource.manager, [input]);
      const [{ id }] = await t.dataSource.query(
        `SELECT id FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
        [input.userId],
      );
      written.push(id);
      await new Promise((r) => setTimeout(r, 5));
    }
    return written;
  }

  async function list(token: string, vars: Record<string, unknown> = {}): Promise<Node[]> {
    const data = expectData(await t.gql(token, LIST, vars));
    return data.notifications.edges.map((e: { node: Node }) => e.node);
  }

  async function readAtOf(id: string): Promise<Date | null> {
    const [row] = await t.dataSource.query(`SELECT read_at FROM notifications WHERE id = $1`, [id]);
    return row.read_at;
  }

  async function audits(
    action: string,
    outcome: string,
  ): Promise<{ reason: string | null; subject_id: string | null }[]> {
    return t.dataSource.query(
      `SELECT reason, subject_id, details FROM audit_events WHERE action = $1 AND outcome = $2 ORDER BY seq`,
      [action, outcome],
    );
  }

  it('lists only the caller’s own notices, newest first, in pages', async () => {
    const mine = await notify(
      { userId: ids.staff, kind: 'membership.granted', spaceId: ids.open, data: { role: 'MEMBER' } },
      { userId: ids.staff, kind: 'membership.renewed', spaceId: ids.open, data: { expiresAt: '2027-03-01T10:00:00Z' } },
      { userId: ids.staff, kind: 'sponsorship.transferred', data: { count: 2 } },
    );
    const [theirs] = await notify({ userId: ids.bob, kind: 'membership.revoked', spaceId: ids.hub });

    const data = expectData(await t.gql(tokens.staff, LIST, { first: 2 }));
    expect(data.notifications.totalCount).toBe(3);
    expect(data.notifications.pageInfo.hasNextPage).toBe(true);
    const first = data.notifications.edges.map((e: { node: Node }) => e.node.id);
    const rest = await list(tokens.staff, { first: 2, after: data.notifications.pageInfo.endCursor });
    expect([...first, ...rest.map((n) => n.id)]).toEqual([...mine].reverse());

    const bobs = await list(tokens.bob);
    expect(bobs.map((n) => n.id)).toEqual([theirs]);
    // Someone with none gets an empty list (not an error).
    expect(await list(tokens.alice)).toEqual([]);
  });

  it('renders title and body in the reader’s language, French by default', async () => {
    const [id] = await notify({
      userId: ids.owner,
      kind: 'membership.renewal_due',
      spaceId: ids.open,
      data: { expiresAt: '2027-03-01T10:00:00Z' },
    });
    const fr = (await list(tokens.owner)).find((n) => n.id === id)!;
    expect(fr.title).toBe('Accès à renouveler');
    expect(fr.body).toBe(
      'Un accès que vous parrainez dans l’espace « Open lab » prend fin le 1 mars 2027. Sans renouvellement, il sera clos à cette date.',
    );
    expect(fr.space).toEqual({ id: ids.open, name: 'Open lab' });

    await t.dataSource.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [ids.owner]);
    try {
      const en = (await list(tokens.owner)).find((n) => n.id === id)!;
      expect(en.title).toBe('Access to renew');
      expect(en.body).toBe(
        'An access you sponsor in the space “Open lab” ends on 1 March 2027. Unless it is renewed, it will end on that date.',
      );
    } finally {
      await t.dataSource.query(`UPDATE users SET locale = 'fr' WHERE id = $1`, [ids.owner]);
    }
  });

  it('shows the space, and names it, only while the reader sees it', async () => {
    // Staff is a member of the open lab, not of the hub.
    const [inOpen, inHub] = await notify(
      { userId: ids.staff, kind: 'membership.suspended', spaceId: ids.open, data: { reason: 'audit' } },
      { userId: ids.staff, kind: 'membership.revoked', spaceId: ids.hub },
    );
    let nodes = await list(tokens.staff);
    const open = nodes.find((n) => n.id === inOpen)!;
    const hub = nodes.find((n) => n.id === inHub)!;
    expect(open.space).toEqual({ id: ids.open, name: 'Open lab' });
    expect(open.body).toBe('Votre accès à l’espace « Open lab » est suspendu. Motif : audit');
    expect(hub.space).toBeNull();
    expect(hub.body).toBe('Votre accès à un espace a été révoqué.');
    expect(hub.body).not.toContain('Hub');

    // Revoked, staff no longer sees the open lab: the notice stops naming it.
    await t.dataSource.query(`UPDATE memberships SET status = 'REVOKED' WHERE user_id = $1 AND space_id = $2`, [
      ids.staff,
      ids.open,
    ]);
    try {
      nodes = await list(tokens.staff);
      const after = nodes.find((n) => n.id === inOpen)!;
      expect(after.space).toBeNull();
      expect(after.body).toBe('Votre accès à un espace est suspendu. Motif : audit');
      expect(nodes.map((n) => `${n.title} ${n.body}`).join(' ')).not.toContain('Open lab');
    } finally {
      await t.dataSource.query(`UPDATE memberships SET status = 'ACTIVE' WHERE user_id = $1 AND space_id = $2`, [
        ids.staff,
        ids.open,
      ]);
    }
  });

  it('counts unread notices, lists them alone on request, and marks the named ones read', async () => {
    const before = expectData(await t.gql(tokens.alice, UNREAD)).unreadNotificationCount;
    const [a, b, c] = await notify(
      { userId: ids.alice, kind: 'invitation.received', data: { role: 'MEMBER' } },
      { userId: ids.alice, kind: 'invitation.expired' },
      { userId: ids.alice, kind: 'organization.reactivated' },
    );
    expect(expectData(await t.gql(tokens.alice, UNREAD)).unreadNotificationCount).toBe(before + 3);

    expect(expectData(await t.gql(tokens.alice, MARK, { ids: [a, b] })).markNotificationsRead).toBe(2);
    // Already read: nothing changes, and the count says so.
    expect(expectData(await t.gql(tokens.alice, MARK, { ids: [a] })).markNotificationsRead).toBe(0);
    expect(await readAtOf(a)).toEqual(expect.any(Date));
    expect(await readAtOf(c)).toBeNull();

    const unread = await list(tokens.alice, { unreadOnly: true });
    expect(unread.map((n) => n.id)).toEqual([c]);
    const all = await list(tokens.alice);
    expect(all.find((n) => n.id === a)).toEqual(expect.objectContaining({ read: true, readAt: expect.any(String) }));
    expect(all.find((n) => n.id === c)).toEqual(expect.objectContaining({ read: false, readAt: null }));
    expect(expectData(await t.gql(tokens.alice, UNREAD)).unreadNotificationCount).toBe(before + 1);

    const audited = await audits('notification.read', 'SUCCESS');
    expect(audited.some((e) => (e as { details?: { ids?: string[] } }).details?.ids?.includes(a))).toBe(true);
  });

  it('marks all of the caller’s unread notices read when no ids are given, and no one else’s', async () => {
    const [bobs] = await notify({ userId: ids.bob, kind: 'user.disabled', data: { reason: 'left' } });
    await notify(
      { userId: ids.owner, kind: 'invitation.accepted', spaceId: ids.open },
      { userId: ids.owner, kind: 'invitation.declined', spaceId: ids.open },
    );
    const unread = expectData(await t.gql(tokens.owner, UNREAD)).unreadNotificationCount;
    expect(unread).toBeGreaterThanOrEqual(2);
    expect(expectData(await t.gql(tokens.owner, MARK, {})).markNotificationsRead).toBe(unread);
    expect(expectData(await t.gql(tokens.owner, UNREAD)).unreadNotificationCount).toBe(0);
    expect(await list(tokens.owner, { unreadOnly: true })).toEqual([]);
    expect(await readAtOf(bobs)).toBeNull();
  });

  it('refuses another’s notice exactly like a missing one, audited, and changes nothing', async () => {
    const [bobs] = await notify({ userId: ids.bob, kind: 'organization.suspended' });
    const [staffs] = await notify({ userId: ids.staff, kind: 'invitation.revoked' });
    const deniedBefore = (await audits('notification.read', 'DENIED')).length;

    const other = expectError(await t.gql(tokens.staff, MARK, { ids: [staffs, bobs] }), 'NOT_FOUND');
    const missing = expectError(await t.gql(tokens.staff, MARK, { ids: [MISSING] }), 'NOT_FOUND');
    const malformed = expectError(await t.gql(tokens.staff, MARK, { ids: ['nope'] }), 'NOT_FOUND');
    const shape = (e: typeof other) => e.map((x) => ({ message: x.message, extensions: x.extensions, path: x.path }));
    expect(shape(other)).toEqual(shape(missing));
    expect(shape(malformed)).toEqual(shape(missing));

    // Nothing half-done: the caller's own notice in the refused call stays unread, and so does Bob's.
    expect(await readAtOf(staffs)).toBeNull();
    expect(await readAtOf(bobs)).toBeNull();
    const denied = await audits('notification.read', 'DENIED');
    expect(denied.length - deniedBefore).toBe(3);
    expect(denied.slice(deniedBefore).map((e) => e.reason)).toEqual(['not_found', 'not_found', 'not_found']);
    expect(denied[deniedBefore].subject_id).toBe(bobs);
  });

  it('refuses every notifications operation to a caller without credentials', async () => {
    expectError(await t.gql(null, LIST), 'UNAUTHENTICATED');
    expectError(await t.gql(null, UNREAD), 'UNAUTHENTICATED');
    expectError(await t.gql(null, MARK, {}), 'UNAUTHENTICATED');
  });
});
