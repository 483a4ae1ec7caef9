import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recertification campaigns (issue 10 item 5): a campaign scoped to one organisation or one
 * space, with a deadline; its items are the external grants snapshot at its start, each with
 * whom it was given to and how it ended (CERTIFIED, REVOKED, LAPSED).
 */
export class Recertification1764700000000 implements MigrationInterface {
  name = 'Recertification1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "recertification_campaigns" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "scope_organization_id" uuid,
        "scope_space_id" uuid,
        "deadline" TIMESTAMP WITH TIME ZONE NOT NULL,
        "status" text NOT NULL,
        "started_by_id" uuid,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "closed_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "recertification_campaigns_status_check" CHECK ("status" IN ('OPEN', 'CLOSED')),
        CONSTRAINT "recertification_campaigns_scope_check" CHECK (("scope_organization_id" IS NULL) <> ("scope_space_id" IS NULL)),
        CONSTRAINT "recertification_campaigns_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "recertification_campaigns_organization_fk" FOREIGN KEY ("scope_organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
        CONSTRAINT "recertification_campaigns_space_fk" FOREIGN KEY ("scope_space_id") REFERENCES "spaces"("id") ON DELETE CASCADE,
        CONSTRAINT "recertification_campaigns_started_by_fk" FOREIGN KEY ("started_by_id") REFERENCES "users"("id") ON DELETE SET NULL
      )`,
      `CREATE INDEX "recertification_campaigns_due_idx" ON "recertification_campaigns" ("status", "deadline")`,
      `CREATE INDEX "recertification_campaigns_created_idx" ON "recertification_campaigns" ("created_at", "id")`,
      `CREATE TABLE "recertification_items" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "campaign_id" uuid NOT NULL,
        "membership_id" uuid NOT NULL,
        "space_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "sponsor_id" uuid,
        "assignee_ids" uuid array NOT NULL DEFAULT '{}',
        "status" text NOT NULL,
        "decided_by_id" uuid,
        "decided_at" TIMESTAMP WITH TIME ZONE,
        "reason" text,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "recertification_items_status_check" CHECK ("status" IN ('PENDING', 'CERTIFIED', 'REVOKED', 'LAPSED')),
        CONSTRAINT "recertification_items_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "recertification_items_campaign_fk" FOREIGN KEY ("campaign_id") REFERENCES "recertification_campaigns"("id") ON DELETE CASCADE,
        CONSTRAINT "recertification_items_membership_fk" FOREIGN KEY ("membership_id") REFERENCES "memberships"("id") ON DELETE CASCADE,
        CONSTRAINT "recertification_items_decided_by_fk" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL
      )`,
      `CREATE INDEX "recertification_items_membership_idx" ON "recertification_items" ("membership_id")`,
      `CREATE INDEX "recertification_items_campaign_idx" ON "recertification_items" ("campaign_id", "status")`,
      `CREATE UNIQUE INDEX "recertification_items_campaign_membership_key" ON "recertification_items" ("campaign_id", "membership_id")`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "recertification_items"`);
    await queryRunner.query(`DROP TABLE "recertification_campaigns"`);
  }
}
