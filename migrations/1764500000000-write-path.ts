import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The write path (spaces, invitations, memberships, the kill switch): what a grant records
 * about how it ends (sponsor, suspension cause, end, renewal request), what an invitation
 * records about its answer, the kill switch's when and why on organisations and users, each
 * person's language, and two new tables: in-app notifications and the mail outbox.
 * Every new column is nullable or defaulted: existing rows stay valid as they are.
 */
export class WritePath1764500000000 implements MigrationInterface {
  name = 'WritePath1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      // Statuses: a grant may also lapse (EXPIRED) or be left (LEFT); a four-eyes refusal is REJECTED.
      `ALTER TABLE "memberships" DROP CONSTRAINT "memberships_status_check"`,
      `ALTER TABLE "memberships" ADD CONSTRAINT "memberships_status_check" CHECK ("status" IN ('ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED', 'LEFT'))`,
      `ALTER TABLE "invitations" DROP CONSTRAINT "invitations_status_check"`,
      `ALTER TABLE "invitations" ADD CONSTRAINT "invitations_status_check" CHECK ("status" IN ('PENDING_APPROVAL', 'PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED', 'EXPIRED', 'REJECTED'))`,

      // The risk map's status: an OPEN risk of impact >= 3 restricts the space's external grants.
      `ALTER TABLE "risk_entries" ADD "status" text NOT NULL DEFAULT 'OPEN'`,
      `ALTER TABLE "risk_entries" ADD CONSTRAINT "risk_entries_status_check" CHECK ("status" IN ('OPEN', 'MITIGATED', 'CLOSED'))`,

      `ALTER TABLE "organizations" ADD "suspended_at" TIMESTAMP WITH TIME ZONE`,
      `ALTER TABLE "organizations" ADD "suspension_reason" text`,

      `ALTER TABLE "users" ADD "locale" text NOT NULL DEFAULT 'fr'`,
      `ALTER TABLE "users" ADD CONSTRAINT "users_locale_check" CHECK ("locale" IN ('fr', 'en'))`,
      `ALTER TABLE "users" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`,
      `ALTER TABLE "users" ADD "disabled_reason" text`,

      `ALTER TABLE "invitations" ADD "sponsor_id" uuid`,
      `ALTER TABLE "invitations" ADD CONSTRAINT "invitations_sponsor_fk" FOREIGN KEY ("sponsor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
      `ALTER TABLE "invitations" ADD "message" text`,
      `ALTER TABLE "invitations" ADD "decision_reason" text`,
      `ALTER TABLE "invitations" ADD "answered_by_id" uuid`,
      `ALTER TABLE "invitations" ADD "answered_at" TIMESTAMP WITH TIME ZONE`,
      `CREATE INDEX "invitations_organization_idx" ON "invitations" ("organization_id", "status")`,

      `ALTER TABLE "memberships" ADD "sponsor_id" uuid`,
      `ALTER TABLE "memberships" ADD CONSTRAINT "memberships_sponsor_fk" FOREIGN KEY ("sponsor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
      `ALTER TABLE "memberships" ADD "invitation_id" uuid`,
      `ALTER TABLE "memberships" ADD CONSTRAINT "memberships_invitation_fk" FOREIGN KEY ("invitation_id") REFERENCES "invitations"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
      `ALTER TABLE "memberships" ADD "suspension_cause" text`,
      `ALTER TABLE "memberships" ADD CONSTRAINT "memberships_suspension_cause_check" CHECK ("suspension_cause" IN ('CLEARANCE', 'ORGANIZATION_SUSPENDED', 'USER_DISABLED'))`,
      `ALTER TABLE "memberships" ADD "ended_at" TIMESTAMP WITH TIME ZONE`,
      `ALTER TABLE "memberships" ADD "end_reason" text`,
      `ALTER TABLE "memberships" ADD "renewal_requested_at" TIMESTAMP WITH TIME ZONE`,
      `CREATE INDEX "memberships_expires_idx" ON "memberships" ("expires_at")`,
      `CREATE INDEX "memberships_sponsor_idx" ON "memberships" ("sponsor_id")`,

      `CREATE TABLE "notifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "space_id" uuid,
        "subject_type" text,
        "subject_id" uuid,
        "data" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "read_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"),
        CONSTRAINT "notifications_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "notifications_space_fk" FOREIGN KEY ("space_id") REFERENCES "spaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      `CREATE INDEX "notifications_user_created_idx" ON "notifications" ("user_id", "created_at", "id")`,

      `CREATE TABLE "mail_messages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "to_address" text NOT NULL,
        "to_user_id" uuid,
        "locale" text NOT NULL,
        "template" text NOT NULL,
        "params" jsonb NOT NULL DEFAULT '{}',
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT '0',
        "last_error" text,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "subject_type" text,
        "subject_id" uuid,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "mail_messages_locale_check" CHECK ("locale" IN ('fr', 'en')),
        CONSTRAINT "mail_messages_status_check" CHECK ("status" IN ('PENDING', 'SENT', 'FAILED')),
        CONSTRAINT "PK_1bd6e76ef3b3d4aff7d0510a509" PRIMARY KEY ("id"))`,
      `CREATE INDEX "mail_messages_due_idx" ON "mail_messages" ("status", "next_attempt_at")`,
      `CREATE INDEX "mail_messages_subject_idx" ON "mail_messages" ("subject_type", "subject_id")`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `DROP TABLE "mail_messages"`,
      `DROP TABLE "notifications"`,
      `DROP INDEX "public"."memberships_sponsor_idx"`,
      `DROP INDEX "public"."memberships_expires_idx"`,
      `ALTER TABLE "memberships" DROP CONSTRAINT "memberships_suspension_cause_check"`,
      `ALTER TABLE "memberships" DROP CONSTRAINT "memberships_invitation_fk"`,
      `ALTER TABLE "memberships" DROP CONSTRAINT "memberships_sponsor_fk"`,
      `ALTER TABLE "memberships" DROP COLUMN "renewal_requested_at"`,
      `ALTER TABLE "memberships" DROP COLUMN "end_reason"`,
      `ALTER TABLE "memberships" DROP COLUMN "ended_at"`,
      `ALTER TABLE "memberships" DROP COLUMN "suspension_cause"`,
      `ALTER TABLE "memberships" DROP COLUMN "invitation_id"`,
      `ALTER TABLE "memberships" DROP COLUMN "sponsor_id"`,
      `DROP INDEX "public"."invitations_organization_idx"`,
      `ALTER TABLE "invitations" DROP CONSTRAINT "invitations_sponsor_fk"`,
      `ALTER TABLE "invitations" DROP COLUMN "answered_at"`,
      `ALTER TABLE "invitations" DROP COLUMN "answered_by_id"`,
      `ALTER TABLE "invitations" DROP COLUMN "decision_reason"`,
      `ALTER TABLE "invitations" DROP COLUMN "message"`,
      `ALTER TABLE "invitations" DROP COLUMN "sponsor_id"`,
      `ALTER TABLE "users" DROP CONSTRAINT "users_locale_check"`,
      `ALTER TABLE "users" DROP COLUMN "disabled_reason"`,
      `ALTER TABLE "users" DROP COLUMN "disabled_at"`,
      `ALTER TABLE "users" DROP COLUMN "locale"`,
      `ALTER TABLE "organizations" DROP COLUMN "suspension_reason"`,
      `ALTER TABLE "organizations" DROP COLUMN "suspended_at"`,
      `ALTER TABLE "risk_entries" DROP CONSTRAINT "risk_entries_status_check"`,
      `ALTER TABLE "risk_entries" DROP COLUMN "status"`,
      // Rows in the new statuses go back to the nearest old one before the old checks return.
      `UPDATE "memberships" SET "status" = 'REVOKED' WHERE "status" IN ('EXPIRED', 'LEFT')`,
      `ALTER TABLE "memberships" DROP CONSTRAINT "memberships_status_check"`,
      `ALTER TABLE "memberships" ADD CONSTRAINT "memberships_status_check" CHECK ("status" IN ('ACTIVE', 'SUSPENDED', 'REVOKED'))`,
      `UPDATE "invitations" SET "status" = 'REVOKED' WHERE "status" = 'REJECTED'`,
      `ALTER TABLE "invitations" DROP CONSTRAINT "invitations_status_check"`,
      `ALTER TABLE "invitations" ADD CONSTRAINT "invitations_status_check" CHECK ("status" IN ('PENDING_APPROVAL', 'PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED', 'EXPIRED'))`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
