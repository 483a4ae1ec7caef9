import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations: each user's answer to an organisation invitation (which stays PENDING for the
 * organisation's other users), one row per invitation and user; and invitation times to the
 * millisecond, as the cursors of the invitation lists carry them.
 */
export class InvitationAnswers1764530000000 implements MigrationInterface {
  name = 'InvitationAnswers1764530000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "invitation_answers" (
        "invitation_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "answer" text NOT NULL,
        "answered_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "invitation_answers_answer_check" CHECK ("answer" IN ('ACCEPTED', 'DECLINED')),
        CONSTRAINT "PK_f79ed92068408bdfbfd0163c82e" PRIMARY KEY ("invitation_id", "user_id"))`,
      `CREATE INDEX "invitation_answers_user_idx" ON "invitation_answers" ("user_id")`,
      `ALTER TABLE "invitation_answers" ADD CONSTRAINT "invitation_answers_invitation_fk" FOREIGN KEY ("invitation_id") REFERENCES "invitations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "invitation_answers" ADD CONSTRAINT "invitation_answers_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "invitations" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `ALTER TABLE "invitations" ALTER COLUMN "created_at" TYPE TIMESTAMP WITH TIME ZONE`,
      `DROP TABLE "invitation_answers"`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
