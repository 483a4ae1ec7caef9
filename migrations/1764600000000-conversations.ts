import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations (issue 9): what a thread keeps about its edits, moderation and tombstones;
 * reactions on comments; mentions; the experts' profiles; and the risk map's owner and
 * history. Every new column is nullable or defaulted: existing rows stay valid as they are.
 */
export class Conversations1764600000000 implements MigrationInterface {
  name = 'Conversations1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      // Posts: the last edit, why moderation hid it, and the tombstone of an author's deletion.
      `ALTER TABLE "posts" ADD "edited_at" TIMESTAMP(3) WITH TIME ZONE`,
      `ALTER TABLE "posts" ADD "hidden_reason" text`,
      `ALTER TABLE "posts" ADD "deleted_at" TIMESTAMP(3) WITH TIME ZONE`,

      // Comments: the same, and moderation of their own.
      `ALTER TABLE "comments" ADD "hidden" boolean NOT NULL DEFAULT false`,
      `ALTER TABLE "comments" ADD "hidden_by_id" uuid`,
      `ALTER TABLE "comments" ADD "hidden_at" TIMESTAMP WITH TIME ZONE`,
      `ALTER TABLE "comments" ADD "hidden_reason" text`,
      `ALTER TABLE "comments" ADD "edited_at" TIMESTAMP(3) WITH TIME ZONE`,
      `ALTER TABLE "comments" ADD "deleted_at" TIMESTAMP(3) WITH TIME ZONE`,

      // Reactions: on a post (comment_id NULL) or on one of its comments; one per person, emoji and target.
      `ALTER TABLE "reactions" ADD "comment_id" uuid`,
      `ALTER TABLE "reactions" ADD CONSTRAINT "reactions_comment_fk" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `DROP INDEX "public"."reactions_post_author_kind_key"`,
      `CREATE UNIQUE INDEX "reactions_post_author_kind_key" ON "reactions" ("post_id", "author_id", "kind") WHERE "comment_id" IS NULL`,
      `CREATE UNIQUE INDEX "reactions_comment_author_kind_key" ON "reactions" ("comment_id", "author_id", "kind") WHERE "comment_id" IS NOT NULL`,
      `CREATE INDEX "reactions_post_idx" ON "reactions" ("post_id", "created_at", "id")`,

      // The versions an edit replaced: visible to whoever reads the item; erased with a tombstone.
      `CREATE TABLE "content_revisions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "post_id" uuid NOT NULL,
        "comment_id" uuid,
        "title" text,
        "body" text NOT NULL,
        "label" smallint,
        "edited_by_id" uuid NOT NULL,
        "replaced_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "content_revisions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "content_revisions_post_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE,
        CONSTRAINT "content_revisions_comment_fk" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE,
        CONSTRAINT "content_revisions_editor_fk" FOREIGN KEY ("edited_by_id") REFERENCES "users"("id") ON DELETE RESTRICT
      )`,
      `CREATE INDEX "content_revisions_post_idx" ON "content_revisions" ("post_id", "comment_id", "replaced_at")`,

      // Mentions: whom a post or comment named, and whether they could read it (and were told).
      `CREATE TABLE "mentions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "post_id" uuid NOT NULL,
        "comment_id" uuid,
        "user_id" uuid NOT NULL,
        "notified" boolean NOT NULL,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "mentions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "mentions_post_fk" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE,
        CONSTRAINT "mentions_comment_fk" FOREIGN KEY ("comment_id") REFERENCES "comments"("id") ON DELETE CASCADE
      )`,
      `CREATE INDEX "mentions_post_idx" ON "mentions" ("post_id", "comment_id")`,

      // The directory of experts: a short bio, and the choice to stay out of externals' searches.
      `ALTER TABLE "users" ADD "bio" text NOT NULL DEFAULT ''`,
      `ALTER TABLE "users" ADD "hidden_from_externals" boolean NOT NULL DEFAULT false`,

      // The risk map: who recorded an entry, and every state it went through.
      `ALTER TABLE "risk_entries" ADD "created_by_id" uuid`,
      `ALTER TABLE "risk_entries" ADD CONSTRAINT "risk_entries_creator_fk" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
      `CREATE TABLE "risk_entry_revisions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "risk_entry_id" uuid NOT NULL,
        "changed_by_id" uuid,
        "changed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "description" text NOT NULL,
        "probability" smallint NOT NULL,
        "impact" smallint NOT NULL,
        "owner_id" uuid,
        "mitigation" text NOT NULL,
        "status" text NOT NULL,
        CONSTRAINT "risk_entry_revisions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "risk_entry_revisions_entry_fk" FOREIGN KEY ("risk_entry_id") REFERENCES "risk_entries"("id") ON DELETE CASCADE,
        CONSTRAINT "risk_entry_revisions_changed_by_fk" FOREIGN KEY ("changed_by_id") REFERENCES "users"("id") ON DELETE SET NULL
      )`,
      `CREATE INDEX "risk_entry_revisions_entry_idx" ON "risk_entry_revisions" ("risk_entry_id", "changed_at")`,
      `CREATE INDEX "risk_entries_open_idx" ON "risk_entries" ("space_id", "status", "impact")`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `DROP INDEX "public"."risk_entries_open_idx"`,
      `DROP TABLE "risk_entry_revisions"`,
      `ALTER TABLE "risk_entries" DROP CONSTRAINT "risk_entries_creator_fk"`,
      `ALTER TABLE "risk_entries" DROP COLUMN "created_by_id"`,
      `ALTER TABLE "users" DROP COLUMN "hidden_from_externals"`,
      `ALTER TABLE "users" DROP COLUMN "bio"`,
      `DROP TABLE "mentions"`,
      `DROP TABLE "content_revisions"`,
      `DROP INDEX "public"."reactions_post_idx"`,
      `DROP INDEX "public"."reactions_comment_author_kind_key"`,
      `DELETE FROM "reactions" WHERE "comment_id" IS NOT NULL`,
      `DROP INDEX "public"."reactions_post_author_kind_key"`,
      `CREATE UNIQUE INDEX "reactions_post_author_kind_key" ON "reactions" ("post_id", "author_id", "kind")`,
      `ALTER TABLE "reactions" DROP CONSTRAINT "reactions_comment_fk"`,
      `ALTER TABLE "reactions" DROP COLUMN "comment_id"`,
      ...['deleted_at', 'edited_at', 'hidden_reason', 'hidden_at', 'hidden_by_id', 'hidden'].map(
        (c) => `ALTER TABLE "comments" DROP COLUMN "${c}"`,
      ),
      ...['deleted_at', 'hidden_reason', 'edited_at'].map((c) => `ALTER TABLE "posts" DROP COLUMN "${c}"`),
    ]) {
      await queryRunner.query(statement);
    }
  }
}
