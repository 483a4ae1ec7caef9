import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AuditModule } from '../src/audit/audit.module';
import { AuditService } from '../src/audit/audit.service';
import { AppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { AuthModule } from '../src/auth/auth.module';
import { DEMO_WORLD, DemoSeederService } from '../src/world-import/demo-seeder.service';
import { WorldImportErrorCode, WorldImportException } from '../src/world-import/world-import.exception';
import { worldId } from '../src/world-import/world-id';
import { WorldImportModule } from '../src/world-import/world-import.module';
import { WorldImportRepository } from '../src/world-import/world-import.repository';
import { WorldImportService } from '../src/world-import/world-import.service';
import { createTestDatabase } from './support/test-database';

// Runs on in-memory PGlite, or on a fresh PostgreSQL database when DATABASE_URL is set.

const TABLES = ['organizations', 'users', 'spaces', 'memberships', 'posts', 'comments', 'reactions'] as const;
const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;

type Json = Record<string, unknown>;

/** A small sound world: host, one partner, a HUB space, memberships, a hidden post, a comment. */
function smallWorld(): Record<string, Json[]> {
  return {
    organizations: [
      { key: 'host', name: 'Host', kind: 'HOST', domains: ['host.test'], clearanceCap: 4, status: 'ACTIVE' },
      { key: 'acme', name: 'Acme', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 2, status: 'ACTIVE' },
    ],
    users: [
      {
        key: 'hana',
        organization: 'host',
        email: 'Hana@host.test',
        displayName: 'Hana',
        clearance: 4,
        status: 'ACTIVE',
        roles: ['HOST_ADMIN'],
        skills: ['facilitation'],
      },
      {
        key: 'bob',
        organization: 'acme',
        email: 'bob@acme.test',
        displayName: 'Bob',
        clearance: 2,
        status: 'ACTIVE',
        roles: ['PARTNER_ADMIN'],
        skills: [],
      },
    ],
    spaces: [
      { key: 'lab', name: 'Lab', purpose: 'Try things', classification: 1, status: 'PILOT', partnerVisibility: 'HUB' },
    ],
    memberships: [
      { user: 'hana', space: 'lab', role: 'OWNER', status: 'ACTIVE' },
      { user: 'bob', space: 'lab', role: 'MEMBER', status: 'ACTIVE' },
    ],
    posts: [
      {
        key: 'p1',
        space: 'lab',
        author: 'bob',
        title: 'Idea',
        body: 'A box',
        label: 1,
        hidden: false,
        createdAt: '2026-05-01T08:00:00Z',
      },
      { key: 'p2', space: 'lab', author: 'hana', title: 'Off topic', body: '...', label: 2, hidden: true },
    ],
    comments: [{ key: 'c1', post: 'p1', author: 'hana', body: 'Nice' }],
  };
}

describe('world import (e2e)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let moduleRef: TestingModule;
  let service: WorldImportService;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(new AppConfig({ NODE_ENV: 'test', ...db.env })),
        DatabaseModule,
        AuditModule,
        AuthModule,
        WorldImportModule,
      ],
    }).compile();
    await moduleRef.init();
    service = moduleRef.get(WorldImportService);
    dataSource = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  // The audit log is append-only: it is never cleaned, only counted.
  beforeEach(async () => {
    await dataSource.query('DELETE FROM api_tokens');
    for (const table of [...TABLES].reverse()) await dataSource.query(`DELETE FROM ${table}`);
  });

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES)
      counts[table] = (await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    return counts;
  }

  /** Every column of every row, in a stable order. */
  async function snapshot(): Promise<string> {
    const tables: Record<string, unknown> = {};
    for (const table of TABLES) tables[table] = await dataSource.query(`SELECT * FROM ${table} ORDER BY id`);
    return JSON.stringify(tables);
  }

  async function auditEvents(action: string): Promise<{ outcome: string; reason: string | null; details: Json }[]> {
    return dataSource.query(`SELECT outcome, reason, details FROM audit_events WHERE action = $1 ORDER BY seq`, [
      action,
    ]);
  }

  async function refusal(world: unknown): Promise<WorldImportException> {
    const error = await service.importWorld(world, { now: NOW }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorldImportException);
    return error as WorldImportException;
  }

  it('imports the demo world in full, with deterministic ids, defaults and an audit event', async () => {
    const before = (await auditEvents('world.import')).length;
    const result = await service.importWorld(DEMO_WORLD, { now: NOW });
    expect(result.counts).toEqual({
      organizations: 3,
      users: 15,
      spaces: 5,
      memberships: 32,
      posts: 55,
      comments: 55,
      reactions: 21,
    });
    expect(result.created).toEqual(result.counts);
    expect(await rowCounts()).toEqual(result.counts);
    expect(result.ids.host).toBe(worldId('organization', 'host'));
    expect(result.ids['ol-kickoff']).toBe(worldId('post', 'ol-kickoff'));
    expect(Object.keys(result.ids)).toHaveLength(3 + 15 + 5 + 55 + 55);
    expect(result.warnings).toEqual([]);

    const [lea] = await dataSource.query(`SELECT * FROM users WHERE id = $1`, [result.ids.lea]);
    expect(lea).toMatchObject({
      email: 'lea.moreau@atelier-nord.test',
      organization_id: result.ids['atelier-nord'],
      roles: ['PARTNER_ADMIN'],
      clearance: 2,
    });
    const [org] = await dataSource.query(`SELECT * FROM organizations WHERE id = $1`, [result.ids['studio-sud']]);
    expect(org).toMatchObject({
      name: 'Studio Sud',
      kind: 'PARTNER',
      domains: ['studio-sud.test'],
      clearance_cap: 2,
      status: 'ACTIVE',
    });

    const expiries: { user_id: string; space_id: string; expires_at: Date | null; user_organization_id: string }[] =
      await dataSource.query(`SELECT user_id, space_id, expires_at, user_organization_id FROM memberships`);
    const expiryOf = (user: string, space: string) =>
      expiries.find((m) => m.user_id === result.ids[user] && m.space_id === result.ids[space]);
    // External, omitted: 90 days after the import; host, omitted: none; given: kept, even in the past.
    expect(expiryOf('lea', 'open-lab')?.expires_at?.toISOString()).toBe(
      new Date(NOW.getTime() + 90 * DAY).toISOString(),
    );
    expect(expiryOf('claire', 'open-lab')?.expires_at).toBeNull();
    expect(expiryOf('tom', 'wayfinding-2025')?.expires_at?.toISOString()).toBe('2026-01-31T23:00:00.000Z');
    expect(expiryOf('lea', 'open-lab')?.user_organization_id).toBe(result.ids['atelier-nord']);
    // Every external grant has an internal sponsor: by default the space's first host OWNER.
    const sponsors: { user_id: string; space_id: string; sponsor_id: string | null }[] = await dataSource.query(
      `SELECT user_id, space_id, sponsor_id FROM memberships`,
    );
    const sponsorOf = (user: string, space: string) =>
      sponsors.find((m) => m.user_id === result.ids[user] && m.space_id === result.ids[space])?.sponsor_id;
    expect(sponsorOf('lea', 'open-lab')).toBe(result.ids.claire);
    expect(sponsorOf('ines', 'retail-pilot')).toBe(result.ids.nadia);
    expect(sponsorOf('claire', 'open-lab')).toBeNull();

    const [hidden] = await dataSource.query(`SELECT * FROM posts WHERE id = $1`, [result.ids['ol-offtopic']]);
    expect(hidden).toMatchObject({ hidden: true, author_organization_id: result.ids['atelier-nord'], label: 0 });
    expect(hidden.hidden_at.toISOString()).toBe(NOW.toISOString());
    expect(hidden.created_at.toISOString()).toBe('2026-10-21T09:00:00.000Z');

    const events = await auditEvents('world.import');
    expect(events).toHaveLength(before + 1);
    expect(events[events.length - 1]).toMatchObject({ outcome: 'SUCCESS', details: { counts: result.counts } });
    expect((await moduleRef.get(AuditService).verifyChain()).ok).toBe(true);
  });

  it('is idempotent: a second import, even later, changes no row and no column, and only adds an audit event', async () => {
    await service.importWorld(smallWorld(), { now: NOW });
    const first = await snapshot();
    const events = (await auditEvents('world.import')).length;
    const again = await service.importWorld(smallWorld(), { now: new Date(NOW.getTime() + 30 * DAY) });
    expect(await snapshot()).toBe(first);
    expect(Object.values(again.created).every((n) => n === 0)).toBe(true);
    expect(Object.values(again.updated).every((n) => n === 0)).toBe(true);
    expect(await auditEvents('world.import')).toHaveLength(events + 1);
  });

  it('keeps stored defaults on re-import: expiry, creation date, hiding, job title', async () => {
    await service.importWorld(smallWorld(), { now: NOW });
    const later = new Date(NOW.getTime() + 10 * DAY);
    const w = smallWorld();
    w.posts[0].title = 'Idea, revised';
    const result = await service.importWorld(w, { now: later });
    expect(result.updated.posts).toBe(1);
    const [membership] = await dataSource.query(`SELECT expires_at FROM memberships WHERE user_id = $1`, [
      worldId('user', 'bob'),
    ]);
    expect(membership.expires_at.toISOString()).toBe(new Date(NOW.getTime() + 90 * DAY).toISOString());
    const [p1] = await dataSource.query(`SELECT title, created_at, updated_at FROM posts WHERE id = $1`, [
      worldId('post', 'p1'),
    ]);
    expect(p1.title).toBe('Idea, revised');
    expect(p1.updated_at.toISOString()).toBe(later.toISOString());
    const [p2] = await dataSource.query(`SELECT created_at, hidden_at, updated_at FROM posts WHERE id = $1`, [
      worldId('post', 'p2'),
    ]);
    expect(p2.created_at.toISOString()).toBe(NOW.toISOString());
    expect(p2.hidden_at.toISOString()).toBe(NOW.toISOString());
    expect(p2.updated_at.toISOString()).toBe(NOW.toISOString());
  });

  it('imports reactions, risk maps with their first revision, bios and relative dates; a later re-import keeps them', async () => {
    const later = new Date(NOW.getTime() + 10 * DAY);
    const first = await service.importWorld(DEMO_WORLD, { now: NOW });
    const [reply] = await dataSource.query(`SELECT created_at FROM comments WHERE id = $1`, [
      first.ids['ol-w1-1-reply'],
    ]);
    const [post] = await dataSource.query(`SELECT created_at FROM posts WHERE id = $1`, [first.ids['ol-w1-1']]);
    // "-P7DT8H": 7 days and 8 hours before the import.
    expect(post.created_at.toISOString()).toBe(new Date(NOW.getTime() - 7 * DAY - 8 * 3_600_000).toISOString());
    expect(reply.created_at.getTime()).toBeGreaterThan(post.created_at.getTime());
    const risks: { description: string; impact: number; status: string; owner_id: string; revisions: number }[] =
      await dataSource.query(
        `SELECT r.description, r.impact, r.status, r.owner_id,
                (SELECT count(*)::int FROM risk_entry_revisions v WHERE v.risk_entry_id = r.id) AS revisions
           FROM risk_entries r WHERE r.space_id = $1 ORDER BY r.impact DESC, r.description`,
        [first.ids['retail-pilot']],
      );
    expect(risks[0]).toEqual({
      description: 'Fuite des hypothèses de prix avant la décision du conseil',
      impact: 3,
      status: 'OPEN',
      owner_id: first.ids.nadia,
      revisions: 1,
    });
    expect(risks.every((r) => r.revisions === 1)).toBe(true);
    const [{ n: commentReactions }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM reactions WHERE comment_id IS NOT NULL`,
    );
    expect(commentReactions).toBeGreaterThan(0);
    // A person's own bio survives a re-import of a file that says nothing of it.
    await dataSource.query(`UPDATE users SET bio = 'Mine' WHERE id = $1`, [first.ids.samir]);
    const w = JSON.parse(JSON.stringify(DEMO_WORLD)) as { users: Json[] };
    for (const u of w.users) delete u.bio;
    const before = await snapshot();
    const again = await service.importWorld(w, { now: later });
    expect(Object.values(again.created).every((n) => n === 0)).toBe(true);
    expect(Object.values(again.updated).every((n) => n === 0)).toBe(true);
    expect(await snapshot()).toBe(before);
    const [samir] = await dataSource.query(`SELECT bio FROM users WHERE id = $1`, [first.ids.samir]);
    expect(samir.bio).toBe('Mine');
    const [{ n: revisions }] = await dataSource.query(`SELECT count(*)::int AS n FROM risk_entry_revisions`);
    expect(revisions).toBe(5);
  });

  it('keeps given ids and makes the others from type and key', async () => {
    const w = smallWorld();
    w.users[1].id = '0b0b0b0b-0000-4000-8000-000000000001';
    const { ids } = await service.importWorld(w, { now: NOW });
    expect(ids.bob).toBe('0b0b0b0b-0000-4000-8000-000000000001');
    expect(ids.hana).toBe(worldId('user', 'hana'));
    const rows: { id: string }[] = await dataSource.query(`SELECT id FROM users ORDER BY email`);
    expect(rows.map((r) => r.id)).toEqual(['0b0b0b0b-0000-4000-8000-000000000001', worldId('user', 'hana')]);
    const [post] = await dataSource.query(`SELECT author_id FROM posts WHERE id = $1`, [ids.p1]);
    expect(post.author_id).toBe('0b0b0b0b-0000-4000-8000-000000000001');
  });

  it('reports a key shared by two types as <type>:<key>', async () => {
    const w = smallWorld();
    w.spaces[0].key = 'bob';
    for (const m of w.memberships) m.space = 'bob';
    for (const p of w.posts) p.space = 'bob';
    const { ids } = await service.importWorld(w, { now: NOW });
    expect(ids['user:bob']).toBe(worldId('user', 'bob'));
    expect(ids['space:bob']).toBe(worldId('space', 'bob'));
    expect(ids.bob).toBeUndefined();
  });

  it('accepts history as it is', async () => {
    const w = smallWorld();
    w.organizations[1].status = 'SUSPENDED';
    w.users[1].status = 'DISABLED';
    w.users[1].clearance = 0; // below the space's classification
    w.memberships[1].expiresAt = '2020-01-01T00:00:00Z';
    w.memberships[1].status = 'REVOKED';
    w.memberships[0].expiresAt = '2030-01-01T00:00:00Z';
    w.memberships.push({ user: 'hana', space: 'lab', role: 'OWNER' });
    w.memberships.splice(2, 1);
    w.users.push({ key: 'eve', organization: 'acme', email: 'eve@acme.test', displayName: 'Eve', clearance: 1 });
    w.memberships.push({ user: 'eve', space: 'lab', role: 'OBSERVER', expiresAt: '2028-12-31T00:00:00Z' }); // beyond 365 days
    w.comments.push({ key: 'c2', post: 'p1', author: 'eve', body: 'I was never a member' });
    const result = await service.importWorld(w, { now: NOW });
    expect(result.counts).toMatchObject({ users: 3, memberships: 3, comments: 2 });
    expect(await rowCounts()).toEqual(result.counts);
  });

  it('returns a warning for an email outside its organisation domains, and imports it', async () => {
    const w = smallWorld();
    w.users[1].email = 'bob@gmail.test';
    const result = await service.importWorld(w, { now: NOW });
    expect(result.warnings).toEqual([
      'users[1] (key "bob"): email domain "gmail.test" is not one of the domains of organization "acme" (acme.test)',
    ]);
    expect(result.created.users).toBe(2);
  });

  it('raises a classification together with its posts labels', async () => {
    await service.importWorld(smallWorld(), { now: NOW });
    const w = smallWorld();
    w.spaces[0].classification = 2;
    w.posts[0].label = 2;
    const result = await service.importWorld(w, { now: NOW });
    expect(result.updated).toMatchObject({ spaces: 1, posts: 1 });
    const [space] = await dataSource.query(`SELECT classification FROM spaces`);
    expect(space.classification).toBe(2);
  });

  const refusals: [string, (w: Record<string, Json[]>) => void, string][] = [
    [
      'an unknown reference',
      (w) => (w.users[1].organization = 'acne'),
      'users[1] (key "bob"): organization "acne" is not defined',
    ],
    ['an unknown post', (w) => (w.comments[0].post = 'p9'), 'comments[0] (key "c1"): post "p9" is not defined'],
    [
      'a wrong enum',
      (w) => (w.spaces[0].status = 'OPEN'),
      'spaces[0] (key "lab"): status must be one of PILOT, ACTIVE, ARCHIVED, got "OPEN"',
    ],
    [
      'a level above 4',
      (w) => (w.users[0].clearance = 5),
      'users[0] (key "hana"): clearance must be a whole number from 0 to 4, got 5',
    ],
    [
      'a non-integer level',
      (w) => (w.organizations[1].clearanceCap = 1.5),
      'organizations[1] (key "acme"): clearanceCap must be a whole number from 0 to 4, got 1.5',
    ],
    [
      'an external OWNER',
      (w) => (w.memberships[1].role = 'OWNER'),
      'memberships[1] (user "bob", space "lab"): an external user cannot be OWNER',
    ],
    [
      'an external ANIMATOR',
      (w) => (w.memberships[1].role = 'ANIMATOR'),
      'memberships[1] (user "bob", space "lab"): an external user cannot be ANIMATOR',
    ],
    [
      'a host role outside the host',
      (w) => (w.users[1].roles = ['HOST_ADMIN']),
      'users[1] (key "bob"): HOST_ADMIN is held by host users only (organization "acme" is PARTNER)',
    ],
    [
      'a label below the classification',
      (w) => (w.posts[0].label = 0),
      'posts[0] (key "p1"): label 0 is below the classification 1 of space "lab"',
    ],
    [
      'two hosts',
      (w) => (w.organizations[1].kind = 'HOST'),
      'organizations: there is exactly one HOST organisation, the file has 2 ("host", "acme")',
    ],
    [
      'an invalid UUID',
      (w) => (w.posts[1].id = 'not-a-uuid'),
      'posts[1] (key "p2"): id must be a UUID, got "not-a-uuid"',
    ],
    [
      'a duplicate key',
      (w) => w.posts.push({ ...w.posts[0] }),
      'posts[2] (key "p1"): key "p1" is already used by posts[0] (key "p1")',
    ],
    [
      'a duplicate id',
      (w) => (w.users[1].id = worldId('user', 'hana')),
      `users[1] (key "bob"): id "${worldId('user', 'hana')}" is already used by users[0] (key "hana")`,
    ],
    [
      'a duplicate email',
      (w) => (w.users[1].email = 'HANA@host.test'),
      'users[1] (key "bob"): email "hana@host.test" is already used by users[0] (key "hana")',
    ],
    ['a missing string', (w) => delete w.posts[0].title, 'posts[0] (key "p1"): title is required (a non-empty string)'],
  ];

  it.each(refusals)('refuses %s, naming the record, and writes nothing', async (_name, breakIt, message) => {
    const failures = (await auditEvents('world.import')).filter((e) => e.outcome === 'FAILURE').length;
    const w = smallWorld();
    breakIt(w);
    const error = await refusal(w);
    expect(error.code).toBe(WorldImportErrorCode.INVALID_WORLD);
    expect(error.problems).toContain(message);
    expect(error.message.startsWith(error.problems[0])).toBe(true);
    expect(await rowCounts()).toEqual({
      organizations: 0,
      users: 0,
      spaces: 0,
      memberships: 0,
      posts: 0,
      comments: 0,
      reactions: 0,
    });
    const after = (await auditEvents('world.import')).filter((e) => e.outcome === 'FAILURE');
    expect(after).toHaveLength(failures + 1);
    expect(after[after.length - 1]).toMatchObject({ reason: 'invalid_world', details: { message: error.message } });
  });

  it('refuses a world without a host when none is stored, and writes nothing', async () => {
    const w = smallWorld();
    w.organizations[0].kind = 'CLIENT';
    w.users[0].roles = [];
    w.memberships[0].role = 'MEMBER';
    const error = await refusal(w);
    expect(error.code).toBe(WorldImportErrorCode.CONFLICTS_WITH_DATABASE);
    expect(error.message).toBe('organizations: no HOST organisation, in the file or stored; a world has exactly one');
    expect(await rowCounts()).toEqual({
      organizations: 0,
      users: 0,
      spaces: 0,
      memberships: 0,
      posts: 0,
      comments: 0,
      reactions: 0,
    });
  });

  describe('against what is stored', () => {
    beforeEach(async () => {
      await service.importWorld(smallWorld(), { now: NOW });
    });

    async function refusedAgainstStore(world: unknown, message: string): Promise<void> {
      const before = await snapshot();
      const error = await refusal(world);
      expect(error.code).toBe(WorldImportErrorCode.CONFLICTS_WITH_DATABASE);
      expect(error.message).toContain(message);
      expect(await snapshot()).toBe(before);
    }

    it('refuses a second, different host', async () => {
      const w = smallWorld();
      w.organizations[0].key = 'other-host';
      w.organizations[0].domains = ['other.test'];
      for (const u of w.users) if (u.organization === 'host') u.organization = 'other-host';
      w.users[0].email = 'hana@other.test';
      w.users[0].key = 'hana2';
      for (const m of w.memberships) if (m.user === 'hana') m.user = 'hana2';
      for (const p of w.posts) if (p.author === 'hana') p.author = 'hana2';
      for (const c of w.comments) if (c.author === 'hana') c.author = 'hana2';
      await refusedAgainstStore(
        w,
        `organizations[0] (key "other-host"): another HOST organisation is already stored (id ${worldId('organization', 'host')})`,
      );
    });

    it('accepts a file without the host when one is stored', async () => {
      const w = {
        organizations: [{ key: 'zeta', name: 'Zeta', kind: 'CLIENT', domains: ['zeta.test'], clearanceCap: 1 }],
      };
      await expect(service.importWorld(w, { now: NOW })).resolves.toMatchObject({ created: { organizations: 1 } });
    });

    it('refuses an email that belongs to another stored user', async () => {
      const w = smallWorld();
      w.users.push({ key: 'bobby', organization: 'acme', email: 'BOB@acme.test', displayName: 'Bobby', clearance: 1 });
      w.users.splice(1, 1);
      w.memberships.splice(1, 1);
      w.posts[0].author = 'bobby';
      await refusedAgainstStore(
        w,
        `users[1] (key "bobby"): email "bob@acme.test" already belongs to another user (id ${worldId('user', 'bob')})`,
      );
    });

    it('refuses to move a user to another organisation', async () => {
      const w = smallWorld();
      w.organizations.push({ key: 'beta', name: 'Beta', kind: 'PARTNER', domains: ['beta.test'], clearanceCap: 1 });
      w.users[1].organization = 'beta';
      await refusedAgainstStore(w, 'users[1] (key "bob"): this user is stored in another organisation');
    });

    it('refuses a domain that belongs to another stored organisation', async () => {
      const w = {
        organizations: [{ key: 'copycat', name: 'Copycat', kind: 'PARTNER', domains: ['acme.test'], clearanceCap: 1 }],
      };
      await refusedAgainstStore(
        w,
        'organizations[0] (key "copycat"): domain "acme.test" already belongs to organisation "Acme"',
      );
    });

    it('turns a refusal by the database into a one-line error, and writes nothing', async () => {
      // p2 (label 2) stays stored; raising the classification to 3 without it breaks the label rule.
      const w = smallWorld();
      w.spaces[0].classification = 3;
      w.posts = [{ ...w.posts[0], label: 3 }];
      w.comments = [];
      await refusedAgainstStore(
        w,
        "the database refused the import, nothing was written: a space's classification would be above the label of a post stored in it",
      );
      const failures = (await auditEvents('world.import')).filter((e) => e.outcome === 'FAILURE');
      expect(failures[failures.length - 1].reason).toBe('conflicts_with_database');
    });
  });

  describe('DemoSeederService', () => {
    const seeder = (env: Record<string, string>) =>
      new DemoSeederService(
        new AppConfig({ NODE_ENV: 'test', DEMO_SEED: 'true', ...env }),
        moduleRef.get(WorldImportRepository),
        service,
      );

    it('seeds an empty embedded database once', async () => {
      await seeder({}).onApplicationBootstrap();
      expect((await rowCounts()).organizations).toBe(3);
      const before = await snapshot();
      await seeder({}).onApplicationBootstrap();
      expect(await snapshot()).toBe(before);
    });

    it('never seeds PostgreSQL, nor a database that has data, nor when DEMO_SEED is off', async () => {
      await seeder({ DATABASE_URL: 'postgres://nowhere.invalid/db' }).onApplicationBootstrap();
      await new DemoSeederService(
        new AppConfig({ NODE_ENV: 'test', DEMO_SEED: 'false' }),
        moduleRef.get(WorldImportRepository),
        service,
      ).onApplicationBootstrap();
      expect((await rowCounts()).organizations).toBe(0);
      await service.importWorld(smallWorld(), { now: NOW });
      await seeder({}).onApplicationBootstrap();
      expect((await rowCounts()).organizations).toBe(2);
    });
  });
});
