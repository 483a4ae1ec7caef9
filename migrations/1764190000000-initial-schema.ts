import { MigrationInterface, QueryRunner } from 'typeorm';

/** The whole domain of DESIGN.md section 1, with the invariants the confidentiality rule relies on. */
export class InitialSchema1764190000000 implements MigrationInterface {
  name = 'InitialSchema1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "audit_events" ("seq" bigint NOT NULL, "id" uuid NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "action" text NOT NULL, "outcome" text NOT NULL, "actor_id" uuid, "actor_organization_id" uuid, "subject_type" text, "subject_id" text, "reason" text, "details" jsonb NOT NULL DEFAULT '{}', "request_id" text, "ip" text, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "PK_6e299f5706e715265416fefe53e" PRIMARY KEY ("seq"))`,
      `CREATE INDEX "audit_events_action_idx" ON "audit_events"  ("action") `,
      `CREATE INDEX "audit_events_actor_idx" ON "audit_events"  ("actor_id") `,
      `CREATE INDEX "audit_events_occurred_idx" ON "audit_events"  ("occurred_at") `,
      `CREATE UNIQUE INDEX "audit_events_id_key" ON "audit_events"  ("id") `,
      `CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "kind" text NOT NULL, "domains" text array NOT NULL DEFAULT '{}', "clearance_cap" smallint NOT NULL, "status" text NOT NULL, "sponsor_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "organizations_status_check" CHECK ("status" IN ('ACTIVE', 'SUSPENDED')), CONSTRAINT "organizations_kind_check" CHECK ("kind" IN ('HOST', 'PARTNER', 'CLIENT')), CONSTRAINT "organizations_clearance_cap_check" CHECK ("clearance_cap" BETWEEN 0 AND 4), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`,
      `CREATE UNIQUE INDEX "organizations_single_host" ON "organizations"  ("kind") WHERE "kind" = 'HOST'`,
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "email" text NOT NULL, "display_name" text NOT NULL, "job_title" text, "skills" text array NOT NULL DEFAULT '{}', "clearance" smallint NOT NULL, "status" text NOT NULL, "roles" text array NOT NULL DEFAULT '{}', "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "users_id_organization_key" UNIQUE ("id", "organization_id"), CONSTRAINT "users_email_lower_check" CHECK ("email" = lower("email")), CONSTRAINT "users_status_check" CHECK ("status" IN ('ACTIVE', 'DISABLED')), CONSTRAINT "users_clearance_check" CHECK ("clearance" BETWEEN 0 AND 4), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
      `CREATE INDEX "users_organization_idx" ON "users"  ("organization_id") `,
      `CREATE UNIQUE INDEX "users_email_key" ON "users"  ("email") `,
      `CREATE TABLE "spaces" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "purpose" text NOT NULL DEFAULT '', "classification" smallint NOT NULL, "status" text NOT NULL, "partner_visibility" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "spaces_partner_visibility_check" CHECK ("partner_visibility" IN ('OPEN', 'HUB')), CONSTRAINT "spaces_status_check" CHECK ("status" IN ('PILOT', 'ACTIVE', 'ARCHIVED')), CONSTRAINT "spaces_classification_check" CHECK ("classification" BETWEEN 0 AND 4), CONSTRAINT "PK_dbe542974aca57afcb60709d4c8" PRIMARY KEY ("id"))`,
      `CREATE TABLE "posts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "space_id" uuid NOT NULL, "author_id" uuid NOT NULL, "author_organization_id" uuid NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "label" smallint NOT NULL, "hidden" boolean NOT NULL DEFAULT false, "hidden_by_id" uuid, "hidden_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "posts_label_check" CHECK ("label" BETWEEN 0 AND 4), CONSTRAINT "PK_2829ac61eff60fcec60d7274b9e" PRIMARY KEY ("id"))`,
      `CREATE INDEX "posts_author_idx" ON "posts"  ("author_id") `,
      `CREATE INDEX "posts_created_idx" ON "posts"  ("created_at", "id") `,
      `CREATE INDEX "posts_space_created_idx" ON "posts"  ("space_id", "created_at", "id") `,
      `CREATE TABLE "comments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "author_id" uuid NOT NULL, "author_organization_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8bf68bc960f2b69e818bdb90dcb" PRIMARY KEY ("id"))`,
      `CREATE INDEX "comments_author_idx" ON "comments"  ("author_id") `,
      `CREATE INDEX "comments_post_created_idx" ON "comments"  ("post_id", "created_at", "id") `,
      `CREATE TABLE "reactions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "author_id" uuid NOT NULL, "author_organization_id" uuid NOT NULL, "kind" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0b213d460d0c473bc2fb6ee27f3" PRIMARY KEY ("id"))`,
      `CREATE INDEX "reactions_author_idx" ON "reactions"  ("author_id") `,
      `CREATE UNIQUE INDEX "reactions_post_author_kind_key" ON "reactions"  ("post_id", "author_id", "kind") `,
      `CREATE TABLE "api_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" text NOT NULL, "user_id" uuid NOT NULL, "name" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`,
      `CREATE INDEX "api_tokens_user_idx" ON "api_tokens"  ("user_id") `,
      `CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"  ("token_hash") `,
      `CREATE TABLE "idp_connections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "name" text NOT NULL, "idp_entity_id" text NOT NULL, "sso_url" text NOT NULL, "sso_binding" text NOT NULL, "slo_url" text, "signing_certificates" text array NOT NULL, "metadata_url" text, "metadata_refreshed_at" TIMESTAMP WITH TIME ZONE, "attribute_mapping" jsonb NOT NULL DEFAULT '{}', "allowed_domains" text array NOT NULL, "allow_idp_initiated" boolean NOT NULL DEFAULT false, "want_assertions_signed" boolean NOT NULL DEFAULT true, "want_response_signed" boolean NOT NULL DEFAULT false, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "idp_connections_binding_check" CHECK ("sso_binding" IN ('REDIRECT', 'POST')), CONSTRAINT "idp_connections_status_check" CHECK ("status" IN ('ACTIVE', 'DISABLED')), CONSTRAINT "PK_6e3eca1531d442b7d55a0eb0a1a" PRIMARY KEY ("id"))`,
      `CREATE UNIQUE INDEX "idp_connections_org_entity_key" ON "idp_connections"  ("organization_id", "idp_entity_id") `,
      `CREATE TABLE "external_identities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "name_id" text NOT NULL, "name_id_format" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_85d174f9b82602686b4b3846fc4" PRIMARY KEY ("id"))`,
      `CREATE INDEX "external_identities_user_idx" ON "external_identities"  ("user_id") `,
      `CREATE UNIQUE INDEX "external_identities_connection_name_id_key" ON "external_identities"  ("connection_id", "name_id") `,
      `CREATE TABLE "saml_cache_entries" ("kind" text NOT NULL, "connection_id" uuid NOT NULL, "key" text NOT NULL, "value" text NOT NULL DEFAULT '', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_0d2d53996746abb40a36693830d" PRIMARY KEY ("kind", "connection_id", "key"))`,
      `CREATE INDEX "saml_cache_entries_expires_idx" ON "saml_cache_entries"  ("expires_at") `,
      `CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "secret_hash" text NOT NULL, "user_id" uuid NOT NULL, "connection_id" uuid, "name_id" text, "session_index" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "idle_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "absolute_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
      `CREATE INDEX "sessions_user_idx" ON "sessions"  ("user_id") `,
      `CREATE UNIQUE INDEX "sessions_secret_hash_key" ON "sessions"  ("secret_hash") `,
      `CREATE TABLE "invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "space_id" uuid NOT NULL, "email" text, "organization_id" uuid NOT NULL, "whole_organization" boolean NOT NULL DEFAULT false, "role" text NOT NULL, "status" text NOT NULL, "membership_expires_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "invited_by_id" uuid NOT NULL, "approved_by_id" uuid, "decided_by_id" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "invitations_target_check" CHECK (("email" IS NOT NULL) <> "whole_organization"), CONSTRAINT "invitations_status_check" CHECK ("status" IN ('PENDING_APPROVAL', 'PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED', 'EXPIRED')), CONSTRAINT "invitations_role_check" CHECK ("role" IN ('OWNER', 'ANIMATOR', 'MEMBER', 'OBSERVER')), CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id"))`,
      `CREATE INDEX "invitations_email_idx" ON "invitations"  ("email") `,
      `CREATE INDEX "invitations_space_idx" ON "invitations"  ("space_id", "status") `,
      `CREATE TABLE "risk_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "space_id" uuid NOT NULL, "description" text NOT NULL, "probability" smallint NOT NULL, "impact" smallint NOT NULL, "owner_id" uuid, "mitigation" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "risk_entries_impact_check" CHECK ("impact" BETWEEN 0 AND 4), CONSTRAINT "risk_entries_probability_check" CHECK ("probability" BETWEEN 0 AND 4), CONSTRAINT "PK_095febe173bee929c52fa932f37" PRIMARY KEY ("id"))`,
      `CREATE INDEX "risk_entries_space_idx" ON "risk_entries"  ("space_id") `,
      `CREATE TABLE "memberships" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "user_organization_id" uuid NOT NULL, "space_id" uuid NOT NULL, "role" text NOT NULL, "status" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "granted_by_id" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "memberships_status_check" CHECK ("status" IN ('ACTIVE', 'SUSPENDED', 'REVOKED')), CONSTRAINT "memberships_role_check" CHECK ("role" IN ('OWNER', 'ANIMATOR', 'MEMBER', 'OBSERVER')), CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id"))`,
      `CREATE INDEX "memberships_space_idx" ON "memberships"  ("space_id", "status") `,
      `CREATE UNIQUE INDEX "memberships_user_space_key" ON "memberships"  ("user_id", "space_id") `,
      `ALTER TABLE "users" ADD CONSTRAINT "users_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "posts" ADD CONSTRAINT "posts_space_fk" FOREIGN KEY ("space_id") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "posts" ADD CONSTRAINT "posts_author_fk" FOREIGN KEY ("author_id", "author_organization_id") REFERENCES "users"("id","organization_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "comments" ADD CONSTRAINT "comments_post_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "comments" ADD CONSTRAINT "comments_author_fk" FOREIGN KEY ("author_id", "author_organization_id") REFERENCES "users"("id","organization_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "reactions" ADD CONSTRAINT "reactions_post_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "reactions" ADD CONSTRAINT "reactions_author_fk" FOREIGN KEY ("author_id", "author_organization_id") REFERENCES "users"("id","organization_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "idp_connections" ADD CONSTRAINT "idp_connections_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "external_identities" ADD CONSTRAINT "external_identities_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "external_identities" ADD CONSTRAINT "external_identities_connection_fk" FOREIGN KEY ("connection_id") REFERENCES "idp_connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "invitations" ADD CONSTRAINT "invitations_space_fk" FOREIGN KEY ("space_id") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "invitations" ADD CONSTRAINT "invitations_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_fk" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "risk_entries" ADD CONSTRAINT "risk_entries_space_fk" FOREIGN KEY ("space_id") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "risk_entries" ADD CONSTRAINT "risk_entries_owner_fk" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
      `ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_fk" FOREIGN KEY ("user_id", "user_organization_id") REFERENCES "users"("id","organization_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "memberships" ADD CONSTRAINT "memberships_space_fk" FOREIGN KEY ("space_id") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,

      // A post's label is never below its space's classification, whichever side changes.
      `CREATE FUNCTION posts_label_not_below_classification() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.label < (SELECT classification FROM spaces WHERE id = NEW.space_id) THEN
            RAISE EXCEPTION 'post label % is below its space classification', NEW.label
              USING ERRCODE = 'check_violation', CONSTRAINT = 'posts_label_classification_check';
          END IF;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER posts_label_classification BEFORE INSERT OR UPDATE OF label, space_id ON posts
        FOR EACH ROW EXECUTE FUNCTION posts_label_not_below_classification()`,
      `CREATE FUNCTION spaces_classification_not_above_labels() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM posts WHERE space_id = NEW.id AND label < NEW.classification) THEN
            RAISE EXCEPTION 'space classification % is above a post label in it', NEW.classification
              USING ERRCODE = 'check_violation', CONSTRAINT = 'posts_label_classification_check';
          END IF;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER spaces_classification_labels BEFORE UPDATE OF classification ON spaces
        FOR EACH ROW EXECUTE FUNCTION spaces_classification_not_above_labels()`,
      // External users never hold OWNER or ANIMATOR.
      `CREATE FUNCTION memberships_external_role() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.role IN ('OWNER', 'ANIMATOR')
             AND (SELECT kind FROM organizations WHERE id = NEW.user_organization_id) <> 'HOST' THEN
            RAISE EXCEPTION 'an external user cannot be %', NEW.role
              USING ERRCODE = 'check_violation', CONSTRAINT = 'memberships_external_role_check';
          END IF;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER memberships_external_role BEFORE INSERT OR UPDATE OF role, user_organization_id ON memberships
        FOR EACH ROW EXECUTE FUNCTION memberships_external_role()`,
      // HOST_ADMIN and SECURITY_REVIEWER are held by host users only.
      `CREATE FUNCTION users_host_roles() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.roles && ARRAY['HOST_ADMIN', 'SECURITY_REVIEWER']::text[]
             AND (SELECT kind FROM organizations WHERE id = NEW.organization_id) <> 'HOST' THEN
            RAISE EXCEPTION 'host roles are held by host users only'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'users_host_roles_check';
          END IF;
          RETURN NEW;
        END $$`,
      `CREATE TRIGGER users_host_roles BEFORE INSERT OR UPDATE OF roles, organization_id ON users
        FOR EACH ROW EXECUTE FUNCTION users_host_roles()`,
      // The audit log is append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
      `CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
        END $$`,
      `CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `DROP TRIGGER audit_events_no_truncate ON audit_events`,
      `DROP TRIGGER audit_events_no_update ON audit_events`,
      `DROP FUNCTION audit_events_append_only()`,
      `DROP TRIGGER users_host_roles ON users`,
      `DROP FUNCTION users_host_roles()`,
      `DROP TRIGGER memberships_external_role ON memberships`,
      `DROP FUNCTION memberships_external_role()`,
      `DROP TRIGGER spaces_classification_labels ON spaces`,
      `DROP FUNCTION spaces_classification_not_above_labels()`,
      `DROP TRIGGER posts_label_classification ON posts`,
      `DROP FUNCTION posts_label_not_below_classification()`,
      `ALTER TABLE "memberships" DROP CONSTRAINT "memberships_space_fk"`,
      `ALTER TABLE "memberships" DROP CONSTRAINT "memberships_user_fk"`,
      `ALTER TABLE "risk_entries" DROP CONSTRAINT "risk_entries_owner_fk"`,
      `ALTER TABLE "risk_entries" DROP CONSTRAINT "risk_entries_space_fk"`,
      `ALTER TABLE "invitations" DROP CONSTRAINT "invitations_invited_by_fk"`,
      `ALTER TABLE "invitations" DROP CONSTRAINT "invitations_organization_fk"`,
      `ALTER TABLE "invitations" DROP CONSTRAINT "invitations_space_fk"`,
      `ALTER TABLE "sessions" DROP CONSTRAINT "sessions_user_fk"`,
      `ALTER TABLE "external_identities" DROP CONSTRAINT "external_identities_connection_fk"`,
      `ALTER TABLE "external_identities" DROP CONSTRAINT "external_identities_user_fk"`,
      `ALTER TABLE "idp_connections" DROP CONSTRAINT "idp_connections_organization_fk"`,
      `ALTER TABLE "api_tokens" DROP CONSTRAINT "api_tokens_user_fk"`,
      `ALTER TABLE "reactions" DROP CONSTRAINT "reactions_author_fk"`,
      `ALTER TABLE "reactions" DROP CONSTRAINT "reactions_post_fk"`,
      `ALTER TABLE "comments" DROP CONSTRAINT "comments_author_fk"`,
      `ALTER TABLE "comments" DROP CONSTRAINT "comments_post_fk"`,
      `ALTER TABLE "posts" DROP CONSTRAINT "posts_author_fk"`,
      `ALTER TABLE "posts" DROP CONSTRAINT "posts_space_fk"`,
      `ALTER TABLE "users" DROP CONSTRAINT "users_organization_fk"`,
      `DROP INDEX "public"."memberships_user_space_key"`,
      `DROP INDEX "public"."memberships_space_idx"`,
      `DROP TABLE "memberships"`,
      `DROP INDEX "public"."risk_entries_space_idx"`,
      `DROP TABLE "risk_entries"`,
      `DROP INDEX "public"."invitations_space_idx"`,
      `DROP INDEX "public"."invitations_email_idx"`,
      `DROP TABLE "invitations"`,
      `DROP INDEX "public"."sessions_secret_hash_key"`,
      `DROP INDEX "public"."sessions_user_idx"`,
      `DROP TABLE "sessions"`,
      `DROP INDEX "public"."saml_cache_entries_expires_idx"`,
      `DROP TABLE "saml_cache_entries"`,
      `DROP INDEX "public"."external_identities_connection_name_id_key"`,
      `DROP INDEX "public"."external_identities_user_idx"`,
      `DROP TABLE "external_identities"`,
      `DROP INDEX "public"."idp_connections_org_entity_key"`,
      `DROP TABLE "idp_connections"`,
      `DROP INDEX "public"."api_tokens_token_hash_key"`,
      `DROP INDEX "public"."api_tokens_user_idx"`,
      `DROP TABLE "api_tokens"`,
      `DROP INDEX "public"."reactions_post_author_kind_key"`,
      `DROP INDEX "public"."reactions_author_idx"`,
      `DROP TABLE "reactions"`,
      `DROP INDEX "public"."comments_post_created_idx"`,
      `DROP INDEX "public"."comments_author_idx"`,
      `DROP TABLE "comments"`,
      `DROP INDEX "public"."posts_space_created_idx"`,
      `DROP INDEX "public"."posts_created_idx"`,
      `DROP INDEX "public"."posts_author_idx"`,
      `DROP TABLE "posts"`,
      `DROP TABLE "spaces"`,
      `DROP INDEX "public"."users_email_key"`,
      `DROP INDEX "public"."users_organization_idx"`,
      `DROP TABLE "users"`,
      `DROP INDEX "public"."organizations_single_host"`,
      `DROP TABLE "organizations"`,
      `DROP INDEX "public"."audit_events_id_key"`,
      `DROP INDEX "public"."audit_events_occurred_idx"`,
      `DROP INDEX "public"."audit_events_actor_idx"`,
      `DROP INDEX "public"."audit_events_action_idx"`,
      `DROP TABLE "audit_events"`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
