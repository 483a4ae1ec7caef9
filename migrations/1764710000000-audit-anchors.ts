import { MigrationInterface, QueryRunner } from 'typeorm';

const UUID = `'^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'`;

/**
 * The audit log for reviewers and partner admins (issue 10, items 6 and 8):
 * - two columns outside the hash, so existing rows verify as before: the organisation of the
 *   event's subject (whom a partner admin's scope is about) and the space it concerns (the
 *   `space` filter). A BEFORE INSERT trigger writes them from the subject's row, in the
 *   writer's transaction; existing rows are backfilled by the same functions;
 * - `audit_anchors`: signed checkpoints of the chain's head, so a deleted tail is caught.
 */
export class AuditAnchors1764710000000 implements MigrationInterface {
  name = 'AuditAnchors1764710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "subject_organization_id" uuid`);
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "space_id" uuid`);
    await queryRunner.query(
      `CREATE FUNCTION audit_event_subject_organization(kind text, ref text) RETURNS uuid LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN ref !~* ${UUID} THEN NULL ELSE CASE kind
          WHEN 'Organization' THEN (SELECT o.id FROM organizations o WHERE o.id = ref::uuid)
          WHEN 'User' THEN (SELECT u.organization_id FROM users u WHERE u.id = ref::uuid)
          WHEN 'Membership' THEN (SELECT m.user_organization_id FROM memberships m WHERE m.id = ref::uuid)
          WHEN 'Invitation' THEN (SELECT i.organization_id FROM invitations i WHERE i.id = ref::uuid)
          WHEN 'IdpConnection' THEN (SELECT c.organization_id FROM idp_connections c WHERE c.id = ref::uuid)
          WHEN 'ApiToken' THEN (SELECT u.organization_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ref::uuid)
          WHEN 'Session' THEN (SELECT u.organization_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ref::uuid)
        END END
      $$`,
    );
    await queryRunner.query(
      `CREATE FUNCTION audit_event_space(kind text, ref text, details jsonb) RETURNS uuid LANGUAGE sql STABLE AS $$
        SELECT COALESCE(CASE WHEN ref !~* ${UUID} THEN NULL ELSE CASE kind
          WHEN 'Space' THEN (SELECT s.id FROM spaces s WHERE s.id = ref::uuid)
          WHEN 'Membership' THEN (SELECT m.space_id FROM memberships m WHERE m.id = ref::uuid)
          WHEN 'Invitation' THEN (SELECT i.space_id FROM invitations i WHERE i.id = ref::uuid)
          WHEN 'Post' THEN (SELECT p.space_id FROM posts p WHERE p.id = ref::uuid)
          WHEN 'Comment' THEN (SELECT p.space_id FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = ref::uuid)
          WHEN 'RiskEntry' THEN (SELECT r.space_id FROM risk_entries r WHERE r.id = ref::uuid)
        END END,
        CASE WHEN details->>'spaceId' ~* ${UUID} THEN (details->>'spaceId')::uuid END)
      $$`,
    );
    await queryRunner.query(
      `CREATE FUNCTION audit_events_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.subject_organization_id := audit_event_subject_organization(NEW.subject_type, NEW.subject_id);
          NEW.space_id := audit_event_space(NEW.subject_type, NEW.subject_id, NEW.details);
          RETURN NEW;
        END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_facts BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_facts()`,
    );
    // The backfill writes only the new columns: the append-only guard steps aside for it alone.
    await queryRunner.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`);
    await queryRunner.query(
      `UPDATE audit_events SET subject_organization_id = audit_event_subject_organization(subject_type, subject_id),
         space_id = audit_event_space(subject_type, subject_id, details)`,
    );
    await queryRunner.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`);
    await queryRunner.query(
      `CREATE INDEX "audit_events_actor_org_idx" ON "audit_events" ("actor_organization_id", "seq") `,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_events_subject_org_idx" ON "audit_events" ("subject_organization_id", "seq") `,
    );
    await queryRunner.query(`CREATE INDEX "audit_events_space_idx" ON "audit_events" ("space_id", "seq") `);
    await queryRunner.query(
      `CREATE TABLE "audit_anchors" ("id" uuid NOT NULL, "seq" bigint NOT NULL, "hash" text NOT NULL, "anchored_at" TIMESTAMP WITH TIME ZONE NOT NULL, "signature" text NOT NULL, CONSTRAINT "PK_audit_anchors" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "audit_anchors_seq_idx" ON "audit_anchors" ("seq") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_anchors"`);
    await queryRunner.query(`DROP INDEX "public"."audit_events_space_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_events_subject_org_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_events_actor_org_idx"`);
    await queryRunner.query(`DROP TRIGGER audit_events_facts ON audit_events`);
    await queryRunner.query(`DROP FUNCTION audit_events_facts()`);
    await queryRunner.query(`DROP FUNCTION audit_event_space(text, text, jsonb)`);
    await queryRunner.query(`DROP FUNCTION audit_event_subject_organization(text, text)`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "space_id"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "subject_organization_id"`);
  }
}
