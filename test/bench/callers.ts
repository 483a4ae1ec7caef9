import { Client } from 'pg';
import { newSecret, sha256Hex } from '../../src/common/secrets';

/** A signed-in caller of the benchmark: a bearer token and the spaces they read. */
export interface Caller {
  userId: string;
  isHost: boolean;
  token: string;
  spaceIds: string[];
}

const TOKEN_NAME = 'bench';
const TOKEN_TTL_HOURS = 6;

/**
 * Mints bearer tokens for `count` users picked at random among those who count and hold
 * at least one active membership (DESIGN 2), the way TokenService does: a random secret,
 * only its SHA-256 stored. Tokens of earlier runs are removed first.
 */
export async function mintCallers(databaseUrl: string, count: number): Promise<Caller[]> {
  const db = new Client({ connectionString: databaseUrl, application_name: 'passerelle-bench-callers' });
  await db.connect();
  try {
    await db.query(`DELETE FROM api_tokens WHERE name = $1`, [TOKEN_NAME]);
    const { rows } = await db.query<{ user_id: string; is_host: boolean; space_ids: string[] }>(
      `SELECT u.id AS user_id, o.kind = 'HOST' AS is_host, array_agg(m.space_id ORDER BY m.space_id) AS space_ids
         FROM users u
         JOIN organizations o ON o.id = u.organization_id
         JOIN memberships m ON m.user_id = u.id AND m.status = 'ACTIVE' AND (m.expires_at IS NULL OR m.expires_at > now())
         JOIN spaces s ON s.id = m.space_id AND s.classification <= LEAST(u.clearance, o.clearance_cap)
        WHERE u.status = 'ACTIVE' AND o.status = 'ACTIVE'
        GROUP BY u.id, o.kind
        ORDER BY md5(u.id::text)
        LIMIT $1`,
      [count],
    );
    if (rows.length < count)
      throw new Error(`only ${rows.length} users hold an active membership; ${count} callers wanted (raise --scale)`);
    const callers = rows.map((r) => ({
      userId: r.user_id,
      isHost: r.is_host,
      token: newSecret('psl'),
      spaceIds: r.space_ids,
    }));
    await db.query(
      `INSERT INTO api_tokens (token_hash, user_id, name, expires_at)
       SELECT h, u, $3, now() + make_interval(hours => $4) FROM unnest($1::text[], $2::uuid[]) AS t(h, u)`,
      [callers.map((c) => sha256Hex(c.token)), callers.map((c) => c.userId), TOKEN_NAME, TOKEN_TTL_HOURS],
    );
    return callers;
  } finally {
    await db.end();
  }
}
