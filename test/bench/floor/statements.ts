// The floor's hand-written SQL: one statement per workload that checks the bearer token,
// applies the confidentiality rule of DESIGN.md section 2 (written again here, from the
// text, not from the gateway's code) and builds the whole JSON answer in PostgreSQL.
// Each statement answers one row: `authenticated`, and `body`, the response's `data` as text.

/** $1 = SHA-256 of the bearer token. The caller, if the token is live and the caller counts. */
const CALLER = `
  caller AS (
    SELECT u.id, u.organization_id AS org, o.kind = 'HOST' AS is_host,
           LEAST(u.clearance, o.clearance_cap) AS clearance,
           o.kind = 'HOST' AND u.roles && ARRAY['HOST_ADMIN', 'SECURITY_REVIEWER'] AS overseer,
           (SELECT h.id FROM organizations h WHERE h.kind = 'HOST') AS host
      FROM api_tokens t
      JOIN users u ON u.id = t.user_id
      JOIN organizations o ON o.id = u.organization_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()
       AND u.status = 'ACTIVE' AND o.status = 'ACTIVE'
  ),
  grants AS (
    SELECT m.space_id, m.role IN ('OWNER', 'ANIMATOR') AS moderates,
           s.partner_visibility = 'HUB' AND NOT c.is_host AS hub
      FROM caller c
      JOIN memberships m ON m.user_id = c.id AND m.status = 'ACTIVE'
                        AND COALESCE(m.expires_at, 'infinity'::timestamptz) > now()
      JOIN spaces s ON s.id = m.space_id AND s.classification <= c.clearance
  )`;

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Comments of post `p` the caller reads, given the grant `g` of its space. */
const READABLE_COMMENT = (cm: string, g: string) =>
  `(${g}.moderates OR NOT ${cm}.hidden) AND (NOT ${g}.hub OR ${cm}.author_organization_id IN (c.org, c.host))`;
/** Whether the caller reads post `p` under the grant `g` of its space. */
const READABLE_POST = (p: string, g: string) =>
  `${p}.label <= c.clearance AND (${g}.moderates OR NOT ${p}.hidden) AND (NOT ${g}.hub OR ${p}.author_organization_id IN (c.org, c.host))`;

/** `{ feed(first: 50) { … } }`: the newest 50 posts over every space, newest first. */
export const FEED_SQL = `
  WITH ${CALLER},
  feed AS (
    SELECT f.*, g.moderates, g.hub
      FROM grants g
     CROSS JOIN caller c
     CROSS JOIN LATERAL (
       SELECT p.id, p.title, p.label, p.created_at, p.space_id, p.author_id FROM posts p
        WHERE p.space_id = g.space_id AND ${READABLE_POST('p', 'g')}
        ORDER BY p.created_at DESC, p.id DESC LIMIT 50) f
     ORDER BY f.created_at DESC, f.id DESC LIMIT 50
  )
  SELECT EXISTS (SELECT 1 FROM caller) AS authenticated,
    json_build_object('feed', json_build_object('edges', COALESCE((
      SELECT json_agg(json_build_object('node', json_build_object(
               'id', f.id, 'title', f.title, 'label', f.label, 'createdAt', ${ISO('f.created_at')},
               'commentCount', (SELECT count(*) FROM comments cm WHERE cm.post_id = f.id AND ${READABLE_COMMENT('cm', 'f')}),
               'space', json_build_object('id', s.id, 'name', s.name),
               'author', json_build_object(
                 'id', a.id, 'displayName', a.display_name,
                 'email', CASE WHEN c.is_host OR ao.kind = 'HOST' OR a.organization_id = c.org THEN a.email END,
                 'organization', json_build_object('id', ao.id, 'name', ao.name))))
             ORDER BY f.created_at DESC, f.id DESC)
        FROM feed f, caller c, spaces s, users a, organizations ao
       WHERE s.id = f.space_id AND a.id = f.author_id AND ao.id = a.organization_id), '[]'::json)))::text AS body`;

/** `space(id: $2) { … posts(first: 20) { … comments(first: 5) … } }`. */
export const SPACE_PAGE_SQL = `
  WITH ${CALLER},
  space AS (
    SELECT s.id, s.name, g.moderates, g.hub, g.space_id IS NOT NULL AS member
      FROM spaces s CROSS JOIN caller c LEFT JOIN grants g ON g.space_id = s.id
     WHERE s.id = $2 AND (g.space_id IS NOT NULL OR c.overseer)
  ),
  page AS (
    SELECT p.id, p.title, p.created_at, p.author_id, g.moderates, g.hub
      FROM space g, caller c, posts p
     WHERE g.member AND p.space_id = g.id AND ${READABLE_POST('p', 'g')}
     ORDER BY p.created_at DESC, p.id DESC LIMIT 20
  )
  SELECT EXISTS (SELECT 1 FROM caller) AS authenticated,
    json_build_object('space', (
      SELECT json_build_object('id', sp.id, 'name', sp.name, 'posts', json_build_object('edges', COALESCE((
        SELECT json_agg(json_build_object('node', json_build_object(
                 'id', f.id, 'title', f.title,
                 'commentCount', (SELECT count(*) FROM comments cm WHERE cm.post_id = f.id AND ${READABLE_COMMENT('cm', 'f')}),
                 'author', json_build_object('id', a.id, 'displayName', a.display_name),
                 'comments', json_build_object('edges', COALESCE((
                   SELECT json_agg(json_build_object('node', json_build_object(
                            'id', k.id, 'body', k.body,
                            'author', json_build_object('id', ka.id, 'displayName', ka.display_name,
                                                        'organization', json_build_object('name', ko.name))))
                          ORDER BY k.created_at DESC, k.id DESC)
                     FROM (SELECT cm.* FROM comments cm WHERE cm.post_id = f.id AND ${READABLE_COMMENT('cm', 'f')}
                            ORDER BY cm.created_at DESC, cm.id DESC LIMIT 5) k
                     JOIN users ka ON ka.id = k.author_id JOIN organizations ko ON ko.id = ka.organization_id), '[]'::json))))
               ORDER BY f.created_at DESC, f.id DESC)
          FROM page f JOIN users a ON a.id = f.author_id CROSS JOIN caller c), '[]'::json)))
        FROM space sp))::text AS body`;

/** `{ me { id displayName email organization { id name } } }`. */
export const ME_SQL = `
  WITH ${CALLER}
  SELECT EXISTS (SELECT 1 FROM caller) AS authenticated,
    json_build_object('me', (
      SELECT json_build_object('id', u.id, 'displayName', u.display_name, 'email', u.email,
                               'organization', json_build_object('id', o.id, 'name', o.name))
        FROM caller c JOIN users u ON u.id = c.id JOIN organizations o ON o.id = u.organization_id))::text AS body`;

/**
 * `users(search: $2, first: 50)`: the people the caller sees whose name, job title or a skill
 * matches, by name then id. The People rule: V is U, or shares U's organisation, or both are
 * host users, or U oversees; or V counts and holds an active membership in a space where U
 * holds one and the HUB rule lets U see V; or V wrote a post or a comment U reads.
 */
export const USERS_SQL = `
  WITH ${CALLER},
  read_posts AS (
    SELECT p.id, p.author_id, g.moderates, g.hub
      FROM grants g CROSS JOIN caller c JOIN posts p ON p.space_id = g.space_id
     WHERE ${READABLE_POST('p', 'g')}
  ),
  authors AS (
    SELECT author_id FROM read_posts
    UNION
    SELECT cm.author_id FROM read_posts rp CROSS JOIN caller c JOIN comments cm ON cm.post_id = rp.id
     WHERE ${READABLE_COMMENT('cm', 'rp')}
  ),
  co_members AS (
    SELECT vm.user_id
      FROM grants g CROSS JOIN caller c
      JOIN spaces s ON s.id = g.space_id
      JOIN memberships vm ON vm.space_id = g.space_id AND vm.status = 'ACTIVE'
                         AND COALESCE(vm.expires_at, 'infinity'::timestamptz) > now()
      JOIN users v ON v.id = vm.user_id AND v.status = 'ACTIVE'
      JOIN organizations vo ON vo.id = v.organization_id AND vo.status = 'ACTIVE'
     WHERE LEAST(v.clearance, vo.clearance_cap) >= s.classification
       AND (NOT g.hub OR v.organization_id IN (c.org, c.host))
  ),
  found AS (
    SELECT v.id, v.display_name, v.organization_id
      FROM users v, caller c
     WHERE (v.display_name ILIKE $2 OR COALESCE(v.job_title, '') ILIKE $2
            OR EXISTS (SELECT 1 FROM unnest(v.skills) sk WHERE sk ILIKE $2))
       AND (v.id = c.id OR v.organization_id = c.org
            OR (c.is_host AND v.organization_id = c.host) OR c.overseer
            OR v.id IN (SELECT user_id FROM co_members)
            OR v.id IN (SELECT author_id FROM authors))
     ORDER BY v.display_name, v.id LIMIT 50
  )
  SELECT EXISTS (SELECT 1 FROM caller) AS authenticated,
    json_build_object('users', json_build_object('edges', COALESCE((
      SELECT json_agg(json_build_object('node', json_build_object(
               'id', f.id, 'displayName', f.display_name, 'organization', json_build_object('name', o.name)))
             ORDER BY f.display_name, f.id)
        FROM found f JOIN organizations o ON o.id = f.organization_id), '[]'::json)))::text AS body`;
