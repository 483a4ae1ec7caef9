import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PARTNER_ADMIN is a partner role: held by users outside the host only, the mirror of the
 * host roles held by host users only. Existing rows are brought in line first: a host user
 * loses PARTNER_ADMIN (it never granted a host user anything the rule allows), and group to
 * host role mappings leave the connections of other organisations (they were never honoured
 * there). Both sides are guarded: a user's roles or organisation, and an organisation's kind.
 */
export class PartnerRolesOutsideHost1764400000000 implements MigrationInterface {
  name = 'PartnerRolesOutsideHost1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `UPDATE users AS u SET roles = array_remove(u.roles, 'PARTNER_ADMIN'), updated_at = now()
         FROM organizations AS o
        WHERE o.id = u.organization_id AND o.kind = 'HOST' AND 'PARTNER_ADMIN' = ANY (u.roles)`,
      `UPDATE idp_connections AS c SET attribute_mapping = c.attribute_mapping - 'groupRoles', updated_at = now()
         FROM organizations AS o
        WHERE o.id = c.organization_id AND o.kind <> 'HOST' AND c.attribute_mapping -> 'groupRoles' IS NOT NULL`,
      `CREATE FUNCTION users_partner_roles() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF 'PARTNER_ADMIN' = ANY (NEW.roles)
             AND (SELECT kind FROM organizations WHERE id = NEW.organization_id) = 'HOST' THEN
            RAISE EXCEPTION 'PARTNER_ADMIN is held by users outside the host only'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'users_partner_roles_check';
          END IF;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER users_partner_roles BEFORE INSERT OR UPDATE OF roles, organization_id ON users
        FOR EACH ROW EXECUTE FUNCTION users_partner_roles()`,
      // An organisation that becomes the host, or stops being it, keeps its people's roles valid.
      `CREATE FUNCTION organizations_kind_roles() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.kind = 'HOST' AND EXISTS (SELECT 1 FROM users WHERE organization_id = NEW.id AND 'PARTNER_ADMIN' = ANY (roles)) THEN
            RAISE EXCEPTION 'PARTNER_ADMIN is held by users outside the host only'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'users_partner_roles_check';
          END IF;
          IF NEW.kind <> 'HOST' AND EXISTS (SELECT 1 FROM users WHERE organization_id = NEW.id AND roles && ARRAY['HOST_ADMIN', 'SECURITY_REVIEWER']::text[]) THEN
            RAISE EXCEPTION 'host roles are held by host users only'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'users_host_roles_check';
          END IF;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER organizations_kind_roles BEFORE UPDATE OF kind ON organizations
        FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION organizations_kind_roles()`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  // The stripped roles and mappings are not restored: they granted nothing.
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `DROP TRIGGER organizations_kind_roles ON organizations`,
      `DROP FUNCTION organizations_kind_roles()`,
      `DROP TRIGGER users_partner_roles ON users`,
      `DROP FUNCTION users_partner_roles()`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
