import 'reflect-metadata';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/app-config';
import { createDataSource } from '../../src/database/data-source.factory';

export const BENCH_DATABASE = 'passerelle_bench';

/** How many of each, at scale 1: the default world. */
const BASE = { organizations: 20, users: 2000, spaces: 200, posts: 100_000, comments: 300_000 };
/** Members per space, whatever the scale: spaces are communities, not audiences. */
const MEMBERS_PER_SPACE = 30;
/** Share of users who work for the host. */
const HOST_SHARE = 0.3;

export interface WorldSize {
  organizations: number;
  users: number;
  spaces: number;
  posts: number;
  comments: number;
}

export function worldSize(scale: number): WorldSize {
  const at = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  return {
    // One host and at least one partner; enough users for a pool of 50 callers and more.
    organizations: at(BASE.organizations, 2),
    users: at(BASE.users, 120),
    spaces: at(BASE.spaces, 4),
    posts: at(BASE.posts, 100),
    comments: at(BASE.comments, 100),
  };
}

export interface SeedReport {
  seconds: number;
  rows: Record<'organizations' | 'users' | 'spaces' | 'memberships' | 'posts' | 'comments', number>;
  databaseBytes: number;
}

/** The URL of the bench database on the server of `baseUrl`. */
/** Each scale keeps its own database, so that both can be measured again with --skip-seed. */
export function benchDatabaseName(scale: number): string {
  return scale === 1 ? BENCH_DATABASE : `${BENCH_DATABASE}_s${String(scale).replace(/\W/g, '_')}`;
}

export function benchDatabaseUrl(baseUrl: string, name = BENCH_DATABASE): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops and recreates the bench database, then seeds it (seedWorld).
 */
export async function seedBenchDatabase(
  baseUrl: string,
  size: WorldSize,
  log: (line: string) => void,
  name = BENCH_DATABASE,
): Promise<SeedReport> {
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return seedWorld(benchDatabaseUrl(baseUrl, name), size, log);
}

/**
 * Applies the real migrations to the empty database at `url` and fills it with set-based
 * SQL (generate_series, no row-by-row round trips). The database's own triggers and
 * foreign keys stay on: a seed that broke an invariant would fail here, not skew the
 * figures. The load test seeds its own throwaway database with it too.
 */
export async function seedWorld(url: string, size: WorldSize, log: (line: string) => void): Promise<SeedReport> {
  const started = process.hrtime.bigint();
  log('applying migrations');
  const ds = await createDataSource(
    new AppConfig({ NODE_ENV: 'development', DATABASE_URL: url, DEMO_IDP: 'false', DEMO_SEED: 'false' }),
  );
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }

  const db = new Client({ connectionString: url, application_name: 'passerelle-bench-seed' });
  await db.connect();
  try {
    await db.query(`SET synchronous_commit = off`);
    await db.query(`SET maintenance_work_mem = '256MB'`);
    await db.query(`SELECT setseed(0.42)`);
    for (const [what, sql, params] of worldStatements(size)) {
      const t = process.hrtime.bigint();
      const r = await db.query(sql, params);
      if (what) log(`${what}: ${r.rowCount ?? 0} rows in ${seconds(t).toFixed(1)} s`);
    }
    log('vacuum analyze');
    await db.query('VACUUM (ANALYZE)');
    const rows = await countRows(db);
    const [{ bytes }] = (await db.query(`SELECT pg_database_size(current_database())::bigint AS bytes`)).rows as {
      bytes: string;
    }[];
    return { seconds: seconds(started), rows, databaseBytes: Number(bytes) };
  } finally {
    await db.end();
  }
}

export async function countRows(db: Client): Promise<SeedReport['rows']> {
  const r = await db.query(`SELECT
      (SELECT count(*) FROM organizations)::int AS organizations, (SELECT count(*) FROM users)::int AS users,
      (SELECT count(*) FROM spaces)::int AS spaces, (SELECT count(*) FROM memberships)::int AS memberships,
      (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM comments)::int AS comments`);
  return r.rows[0] as SeedReport['rows'];
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

type Statement = [label: string | null, sql: string, params: unknown[]];

const FIRST_NAMES = [
  'Ada',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Elif',
  'Farid',
  'Grace',
  'Hugo',
  'Inès',
  'Jonas',
  'Kenji',
  'Lina',
  'Malik',
  'Nora',
  'Oscar',
  'Priya',
  'Quentin',
  'Rosa',
  'Samir',
  'Tess',
  'Ugo',
  'Vera',
  'Wen',
  'Yann',
  'Zoé',
];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Dubois',
  'Nguyen',
  'Schmidt',
  'Rossi',
  'García',
  'Kowalski',
  'Okafor',
  'Larsen',
  'Haddad',
  'Moreau',
  'Silva',
  'Tanaka',
  'Novak',
  'Fischer',
  'Costa',
  'Meyer',
  'Petit',
  'Lambert',
];
const JOB_TITLES = [
  'Engineer',
  'Product manager',
  'Designer',
  'Buyer',
  'Quality lead',
  'Researcher',
  'Project manager',
  'Architect',
  'Data analyst',
  'Plant manager',
];
const SKILLS = [
  'design',
  'sourcing',
  'welding',
  'simulation',
  'ux',
  'safety',
  'testing',
  'logistics',
  'batteries',
  'sensors',
  'firmware',
  'regulation',
];
const TOPICS = [
  'Kick-off notes',
  'Prototype feedback',
  'Supplier shortlist',
  'Test results',
  'Risk review',
  'Roadmap draft',
  'Meeting minutes',
  'Open question',
  'Design proposal',
  'Field report',
];
const THEMES = [
  'Battery',
  'Cockpit',
  'Packaging',
  'Recycling',
  'Sensors',
  'Logistics',
  'Assembly line',
  'Field service',
  'Lighting',
  'Charging',
];
const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';

/**
 * The world, as statements over temporary helper tables (bench_*) that give every row a
 * number, so that relations are joins on numbers rather than lookups. Ids are md5 of a
 * kind and a number: stable from one seed to the next.
 */
function worldStatements(size: WorldSize): Statement[] {
  const hostUsers = Math.max(MEMBERS_PER_SPACE, Math.round(size.users * HOST_SHARE));
  const externalOrgs = size.organizations - 1;
  // Text of varied length cut from a repeated paragraph (the parameter holds the paragraph).
  const text = (lorem: string, n: string, min: number, spread: number) =>
    `substr(repeat(${lorem}::text, 12), 1 + (${n} % 50), ${min} + (${n} % ${spread}))`;
  return [
    [
      null,
      `CREATE TEMP TABLE bench_orgs AS
       SELECT i AS idx, md5('organization:' || i)::uuid AS id,
              CASE WHEN i = 1 THEN 'HOST' WHEN i % 3 = 0 THEN 'CLIENT' ELSE 'PARTNER' END AS kind,
              -- host 4; partners 1 by default, raised to 2 or 3 under an NDA for some
              CASE WHEN i = 1 THEN 4 WHEN i % 5 = 0 THEN 3 WHEN i % 4 = 0 THEN 2 ELSE 1 END AS cap,
              CASE WHEN i % 10 = 7 THEN 'SUSPENDED' ELSE 'ACTIVE' END AS status
         FROM generate_series(1, $1::int) i`,
      [size.organizations],
    ],
    [
      'organizations',
      `INSERT INTO organizations (id, name, kind, domains, clearance_cap, status, created_at, updated_at)
       SELECT id, CASE WHEN kind = 'HOST' THEN 'Host Industries' ELSE initcap(kind) || ' ' || idx END, kind,
              ARRAY['org' || idx || '.bench.test'], cap, status, now() - interval '3 years', now() - interval '3 years'
         FROM bench_orgs`,
      [],
    ],
    [
      null,
      `CREATE TEMP TABLE bench_users AS
       WITH n AS (
         SELECT i AS idx,
                CASE WHEN i <= $2 THEN 1 ELSE 2 + (i - $2 - 1) % $3 END AS org_idx,
                CASE WHEN i <= $2 THEN i - 1 ELSE (i - $2 - 1) / $3 END AS pos,
                random() AS r
           FROM generate_series(1, $1::int) i)
       SELECT n.idx, md5('user:' || n.idx)::uuid AS id, n.org_idx, o.id AS org_id, n.pos,
              CASE WHEN o.kind = 'HOST' THEN (ARRAY[1, 2, 2, 3, 3, 3, 4, 4])[1 + floor(n.r * 8)::int]
                   ELSE (ARRAY[0, 1, 1, 1, 2, 2, 3, 3])[1 + floor(n.r * 8)::int] END AS clearance,
              CASE WHEN n.idx % 40 = 39 THEN 'DISABLED' ELSE 'ACTIVE' END AS status,
              o.cap, o.status AS org_status
         FROM n JOIN bench_orgs o ON o.idx = n.org_idx`,
      [size.users, hostUsers, externalOrgs],
    ],
    [null, `ALTER TABLE bench_users ADD COLUMN eff int`, []],
    [null, `UPDATE bench_users SET eff = LEAST(clearance, cap)`, []],
    [null, `CREATE UNIQUE INDEX ON bench_users (org_idx, pos)`, []],
    [
      'users',
      `INSERT INTO users (id, organization_id, email, display_name, job_title, skills, clearance, status, roles, last_login_at, created_at, updated_at)
       SELECT id, org_id, 'user' || idx || '@org' || org_idx || '.bench.test',
              ($1::text[])[1 + idx % cardinality($1::text[])] || ' ' || ($2::text[])[1 + (idx / 7) % cardinality($2::text[])],
              ($3::text[])[1 + idx % cardinality($3::text[])],
              ARRAY[($4::text[])[1 + idx % cardinality($4::text[])], ($4::text[])[1 + (idx / 3) % cardinality($4::text[])]],
              clearance, status,
              CASE WHEN org_idx = 1 AND pos IN (0, 2) THEN ARRAY['HOST_ADMIN']
                   WHEN org_idx = 1 AND pos = 1 THEN ARRAY['SECURITY_REVIEWER']
                   WHEN org_idx > 1 AND pos = 0 THEN ARRAY['PARTNER_ADMIN']
                   ELSE '{}'::text[] END,
              now() - random() * interval '30 days', now() - interval '2 years', now() - interval '2 years'
         FROM bench_users`,
      [FIRST_NAMES, LAST_NAMES, JOB_TITLES, SKILLS],
    ],
    [
      null,
      `CREATE TEMP TABLE bench_spaces AS
       SELECT j AS idx, md5('space:' || j)::uuid AS id,
              -- 20% NOT_SIGNIFICANT, 40% LOW, 25% SENSITIVE, 10% CRITICAL, 5% STRATEGIC
              (ARRAY[0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 4])[1 + floor(random() * 20)::int] AS classification,
              random() < 0.4 AS hub,
              (ARRAY['PILOT', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ARCHIVED'])[1 + floor(random() * 7)::int] AS status,
              floor(random() * $2)::int AS host_offset
         FROM generate_series(1, $1::int) j`,
      [size.spaces, hostUsers],
    ],
    [
      'spaces',
      `INSERT INTO spaces (id, name, purpose, classification, status, partner_visibility, created_at, updated_at)
       SELECT id, ($1::text[])[1 + idx % cardinality($1::text[])] || ' community ' || idx, 'Co-design of ' || lower(($1::text[])[1 + idx % cardinality($1::text[])]),
              classification, status, CASE WHEN hub THEN 'HUB' ELSE 'OPEN' END,
              now() - interval '400 days', now() - interval '400 days'
         FROM bench_spaces`,
      [THEMES],
    ],
    // External members: two or three client/partner organisations cleared for the space,
    // and among them people whose effective clearance admits them (DESIGN 1, Membership).
    [
      null,
      `CREATE TEMP TABLE bench_space_orgs AS
       SELECT space_idx, org_idx FROM (
         SELECT s.idx AS space_idx, o.idx AS org_idx, row_number() OVER (PARTITION BY s.idx ORDER BY md5(s.id::text || o.id::text)) AS r
           FROM bench_spaces s JOIN bench_orgs o ON o.kind <> 'HOST' AND o.cap >= s.classification) x
        WHERE r <= 2 + space_idx % 2`,
      [],
    ],
    [
      'external memberships',
      `INSERT INTO memberships (id, user_id, user_organization_id, space_id, role, status, expires_at, created_at, updated_at)
       SELECT md5('membership:' || c.user_id || ':' || c.space_id)::uuid, c.user_id, c.org_id, c.space_id,
              CASE WHEN c.r % 6 = 0 THEN 'OBSERVER' ELSE 'MEMBER' END,
              CASE WHEN c.q < 0.03 THEN 'SUSPENDED' WHEN c.q < 0.05 THEN 'REVOKED' ELSE 'ACTIVE' END,
              -- 90 days by default, 365 at most; about 5% already expired
              CASE WHEN c.q2 < 0.05 THEN now() - c.q3 * interval '60 days' ELSE now() + interval '7 days' + c.q3 * interval '358 days' END,
              now() - c.q3 * interval '300 days', now() - c.q3 * interval '300 days'
         FROM (
           SELECT s.id AS space_id, u.id AS user_id, u.org_id, random() AS q, random() AS q2, random() AS q3,
                  -- not ORDER BY random(): PostgreSQL would share that value with q above
                  row_number() OVER (PARTITION BY s.idx ORDER BY md5(u.id::text || s.id::text)) AS r
             FROM bench_space_orgs so
             JOIN bench_spaces s ON s.idx = so.space_idx
             JOIN bench_users u ON u.org_idx = so.org_idx AND u.eff >= s.classification) c
        WHERE c.r <= $1`,
      [Math.round(MEMBERS_PER_SPACE * 0.6)],
    ],
    // Host members fill each space up to 30: the first is OWNER, the next two ANIMATORs.
    [
      'host memberships',
      `INSERT INTO memberships (id, user_id, user_organization_id, space_id, role, status, expires_at, created_at, updated_at)
       SELECT md5('membership:' || c.user_id || ':' || c.space_id)::uuid, c.user_id, c.org_id, c.space_id,
              CASE WHEN c.r = 1 THEN 'OWNER' WHEN c.r <= 3 THEN 'ANIMATOR' WHEN c.r % 7 = 0 THEN 'OBSERVER' ELSE 'MEMBER' END,
              CASE WHEN c.r > 1 AND c.q < 0.02 THEN 'SUSPENDED' ELSE 'ACTIVE' END,
              NULL, now() - interval '400 days' + c.r * interval '1 day', now() - interval '400 days' + c.r * interval '1 day'
         FROM (
           SELECT s.id AS space_id, u.id AS user_id, u.org_id, random() AS q,
                  row_number() OVER (PARTITION BY s.idx ORDER BY k.k) AS r,
                  $1::int - (SELECT count(*) FROM memberships m WHERE m.space_id = s.id) AS wanted
             FROM bench_spaces s
            CROSS JOIN generate_series(0, LEAST($2::int, 80) - 1) AS k(k)
             JOIN bench_users u ON u.org_idx = 1 AND u.pos = (s.host_offset + k.k) % $2::int
            WHERE u.eff >= s.classification AND u.status = 'ACTIVE') c
        WHERE c.r <= c.wanted`,
      [MEMBERS_PER_SPACE, hostUsers],
    ],
    [
      null,
      `UPDATE memberships m SET granted_by_id = o.user_id
         FROM memberships o WHERE o.space_id = m.space_id AND o.role = 'OWNER' AND m.role <> 'OWNER'`,
      [],
    ],
    // Authors are drawn from each space's members, numbered per space.
    [
      null,
      `CREATE TEMP TABLE bench_members AS
       SELECT s.idx AS space_idx, row_number() OVER (PARTITION BY s.idx ORDER BY m.user_id) AS rn, m.user_id, m.user_organization_id AS org_id
         FROM memberships m JOIN bench_spaces s ON s.id = m.space_id`,
      [],
    ],
    [null, `CREATE UNIQUE INDEX ON bench_members (space_idx, rn)`, []],
    [
      null,
      `CREATE TEMP TABLE bench_space_size AS SELECT space_idx, count(*)::int AS n FROM bench_members GROUP BY space_idx`,
      [],
    ],
    // Posts over the last year, busier in some spaces than others; labels at the space's
    // classification by default, one in ten a level above; 2% hidden by moderation.
    [
      'posts',
      `INSERT INTO posts (id, space_id, author_id, author_organization_id, title, body, label, hidden, hidden_at, created_at, updated_at)
       SELECT md5('post:' || g.n)::uuid, s.id, m.user_id, m.org_id,
              ($3::text[])[1 + g.n % cardinality($3::text[])] || ' #' || g.n, ${text('$4', 'g.n', 200, 800)},
              LEAST(4, s.classification + CASE WHEN g.r2 < 0.1 THEN 1 ELSE 0 END),
              g.r3 < 0.02, CASE WHEN g.r3 < 0.02 THEN LEAST(now(), g.ts + interval '1 day') END, g.ts, g.ts
         FROM (SELECT n, 1 + floor($1::int * power(random(), 1.6))::int AS sidx, random() AS r, random() AS r2, random() AS r3,
                      now() - random() * interval '365 days' AS ts
                 FROM generate_series(1, $2::int) n) g
         JOIN bench_spaces s ON s.idx = g.sidx
         JOIN bench_space_size z ON z.space_idx = g.sidx
         JOIN bench_members m ON m.space_idx = g.sidx AND m.rn = 1 + floor(g.r * z.n)::int`,
      [size.spaces, size.posts, TOPICS, LOREM],
    ],
    // Comments follow their post within two weeks, by members of its space.
    [
      'comments',
      `INSERT INTO comments (id, post_id, author_id, author_organization_id, body, created_at, updated_at)
       SELECT md5('comment:' || g.n)::uuid, p.id, m.user_id, m.org_id, ${text('$3', 'g.n', 40, 300)},
              LEAST(now(), p.created_at + g.r2 * interval '14 days'), LEAST(now(), p.created_at + g.r2 * interval '14 days')
         FROM (SELECT n, md5('post:' || (1 + floor($1::int * power(random(), 1.2))::int))::uuid AS post_id, random() AS r, random() AS r2
                 FROM generate_series(1, $2::int) n) g
         JOIN posts p ON p.id = g.post_id
         JOIN bench_spaces s ON s.id = p.space_id
         JOIN bench_space_size z ON z.space_idx = s.idx
         JOIN bench_members m ON m.space_idx = s.idx AND m.rn = 1 + floor(g.r * z.n)::int`,
      [size.posts, size.comments, LOREM],
    ],
  ];
}
