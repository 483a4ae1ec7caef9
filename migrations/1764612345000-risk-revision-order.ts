import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The risk map's history in the order it was written: several changes may share one
 * instant (the same millisecond, or one transaction's now()), so each revision gets a
 * sequence number that breaks the tie.
 */
export class RiskRevisionOrder1764612345000 implements MigrationInterface {
  name = 'RiskRevisionOrder1764612345000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "risk_entry_revisions" ADD "seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."risk_entry_revisions_entry_idx"`);
    await queryRunner.query(
      `CREATE INDEX "risk_entry_revisions_entry_idx" ON "risk_entry_revisions" ("risk_entry_id", "seq")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."risk_entry_revisions_entry_idx"`);
    await queryRunner.query(
      `CREATE INDEX "risk_entry_revisions_entry_idx" ON "risk_entry_revisions" ("risk_entry_id", "changed_at")`,
    );
    await queryRunner.query(`ALTER TABLE "risk_entry_revisions" DROP COLUMN "seq"`);
  }
}
