import { PGlite } from '@electric-sql/pglite';
import { MembershipStatus, OrganizationStatus, UserStatus } from '../common/domain.enums';
import {
  clearedFor,
  clearedForSql,
  effectiveClearance,
  effectiveClearanceSql,
  membershipActive,
  membershipActiveSql,
  membershipActiveUntil,
  membershipActiveUntilSql,
  userCounts,
  userCountsSql,
} from './membership-rules';

// The SQL and in-memory faces of each rule, asked the same cases on a real PostgreSQL engine
// (PGlite in memory, the columns as the migrations type them).
describe('membership rules: SQL and memory agree', () => {
  let db: PGlite;
  const NOW = new Date('2026-06-01T12:00:00Z');
  const orgs = Object.values(OrganizationStatus).flatMap((status) =>
    [0, 2, 4].map((clearanceCap) => ({ status, clearanceCap })),
  );
  const users = Object.values(UserStatus).flatMap((status) => [0, 1, 3, 4].map((clearance) => ({ status, clearance })));
  const expiries = [
    null,
    new Date(NOW.getTime() - 1),
    NOW,
    new Date(NOW.getTime() + 1),
    new Date('2100-01-01T00:00:00Z'),
  ];
  const memberships = Object.values(MembershipStatus).flatMap((status) =>
    expiries.map((expiresAt) => ({ status, expiresAt })),
  );
  const classifications = [0, 1, 2, 3, 4];

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`
      CREATE TABLE organizations (id int PRIMARY KEY, status varchar NOT NULL, clearance_cap smallint NOT NULL);
      CREATE TABLE users (id int PRIMARY KEY, status varchar NOT NULL, clearance smallint NOT NULL);
      CREATE TABLE memberships (id int PRIMARY KEY, status varchar NOT NULL, expires_at timestamptz);
      CREATE TABLE spaces (id int PRIMARY KEY, classification smallint NOT NULL);
    `);
    for (const [i, o] of orgs.entries())
      await db.query(`INSERT INTO organizations VALUES ($1, $2, $3)`, [i, o.status, o.clearanceCap]);
    for (const [i, u] of users.entries())
      await db.query(`INSERT INTO users VALUES ($1, $2, $3)`, [i, u.status, u.clearance]);
    for (const [i, m] of memberships.entries())
      await db.query(`INSERT INTO memberships VALUES ($1, $2, $3)`, [i, m.status, m.expiresAt]);
    for (const [i, c] of classifications.entries()) await db.query(`INSERT INTO spaces VALUES ($1, $2)`, [i, c]);
  });
  afterAll(() => db.close());

  it('"counts" and "effective clearance", for every user status, organisation status and clearance', async () => {
    const { rows } = await db.query<{ u: number; o: number; counts: boolean; clearance: number }>(
      `SELECT u.id AS u, o.id AS o, ${userCountsSql('u', 'o')} AS counts, ${effectiveClearanceSql('u', 'o')}::int AS clearance
         FROM users u CROSS JOIN organizations o`,
    );
    expect(rows).toHaveLength(users.length * orgs.length);
    for (const row of rows) {
      const [user, org] = [users[row.u], orgs[row.o]];
      expect({ ...row, counts: userCounts(user, org), clearance: effectiveClearance(user, org) }).toEqual(row);
    }
    expect(rows.some((r) => r.counts)).toBe(true);
    expect(rows.some((r) => !r.counts)).toBe(true);
    // Without an organisation nobody counts, and the clearance is nothing.
    expect(userCounts(users[0], undefined)).toBe(false);
    expect(effectiveClearance({ clearance: 4 }, null)).toBe(0);
  });

  it('"active membership", at, just before and just after its expiry, for every status', async () => {
    const { rows } = await db.query<{ m: number; active: boolean; later: boolean }>(
      `SELECT m.id AS m, ${membershipActiveSql('m', '$1')} AS active, ${membershipActiveUntilSql('m')} > $1 AS later FROM memberships m`,
      [NOW],
    );
    expect(rows).toHaveLength(memberships.length);
    for (const row of rows) {
      const membership = memberships[row.m];
      const later = membershipActiveUntil(membership).getTime() > NOW.getTime();
      expect({ m: row.m, active: membershipActive(membership, NOW), later }).toEqual(row);
    }
    expect(rows.filter((r) => r.active).map((r) => memberships[r.m])).toEqual([
      { status: MembershipStatus.ACTIVE, expiresAt: null },
      { status: MembershipStatus.ACTIVE, expiresAt: expiries[3] },
      { status: MembershipStatus.ACTIVE, expiresAt: expiries[4] },
    ]);
  });

  it('"cleared for a space": the effective clearance reaches its classification', async () => {
    const { rows } = await db.query<{ u: number; o: number; s: number; cleared: boolean }>(
      `SELECT u.id AS u, o.id AS o, s.id AS s, ${clearedForSql(effectiveClearanceSql('u', 'o'), 's')} AS cleared
         FROM users u CROSS JOIN organizations o CROSS JOIN spaces s`,
    );
    expect(rows).toHaveLength(users.length * orgs.length * classifications.length);
    for (const row of rows) {
      const expected = clearedFor(effectiveClearance(users[row.u], orgs[row.o]), {
        classification: classifications[row.s],
      });
      expect({ ...row, cleared: expected }).toEqual(row);
    }
    expect(clearedFor(4, undefined)).toBe(false);
  });
});
