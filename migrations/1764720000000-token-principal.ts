import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * token_principal(token hash, instant): the principal of a live API token (its user,
 * organisation, effective clearance, roles, host and active memberships, as the rules of
 * auth/membership-rules.ts define them), as the text of one JSON object; NULL when the token
 * is unknown, expired or revoked, or its user or organisation no longer counts.
 *
 * The gateway loads a token's principal from this text and later proves a cached principal
 * current by calling it again inside the statement that uses it (auth/principal-check.ts):
 * the same function on both sides, so equal texts are equal principals. PL/pgSQL keeps the
 * plan of its query for the session: a statement that calls it plans one call, not six
 * relations on every execution. test/principal-cache.e2e-spec.ts checks it gives what
 * PrincipalService.load gives a session.
 */
export class TokenPrincipal1764720000000 implements MigrationInterface {
  name = 'TokenPrincipal1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION token_principal(text, timestamptz) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT row_to_json(p)::text
      FROM api_tokens t
      JOIN LATERAL (
        SELECT u.id AS user_id, u.organization_id, o.kind AS organization_kind, u.email, u.display_name,
               LEAST(u."clearance", o."clearance_cap")::int AS effective_clearance, u.roles,
               (SELECT h.id FROM organizations h WHERE h.kind = 'HOST') AS host_id,
               (SELECT json_agg(json_build_object('spaceId', s.id, 'role', m.role, 'partnerVisibility', s.partner_visibility)
                                ORDER BY s.id)
                  FROM memberships m JOIN spaces s ON s.id = m.space_id
                 WHERE m.user_id = u.id
                   AND m."status" = 'ACTIVE' AND COALESCE(m."expires_at", 'infinity'::timestamptz) > $2
                   AND LEAST(u."clearance", o."clearance_cap") >= s."classification") AS memberships
          FROM users u JOIN organizations o ON o.id = u.organization_id
         WHERE u."status" = 'ACTIVE' AND o."status" = 'ACTIVE' AND u.id = t.user_id
      ) p ON true
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2
  );
END
$$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION token_principal(text, timestamptz)`);
  }
}
