import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SAML connections keep what federation needs beside the IdP's fields: the metadata XML
 * they were built from, the SP's own signing key pair (private key encrypted at rest with
 * AppConfig.secretKey), the last metadata refresh error, and, for the built-in demo IdPs
 * only, the demo IdP's encrypted private key.
 */
export class IdpConnectionKeys1764300000000 implements MigrationInterface {
  name = 'IdpConnectionKeys1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idp_connections" ADD "metadata_xml" text`);
    await queryRunner.query(`ALTER TABLE "idp_connections" ADD "metadata_refresh_error" text`);
    await queryRunner.query(`ALTER TABLE "idp_connections" ADD "sp_certificate" text`);
    await queryRunner.query(`ALTER TABLE "idp_connections" ADD "sp_private_key" text`);
    await queryRunner.query(`ALTER TABLE "idp_connections" ADD "demo_idp_private_key" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idp_connections" DROP COLUMN "demo_idp_private_key"`);
    await queryRunner.query(`ALTER TABLE "idp_connections" DROP COLUMN "sp_private_key"`);
    await queryRunner.query(`ALTER TABLE "idp_connections" DROP COLUMN "sp_certificate"`);
    await queryRunner.query(`ALTER TABLE "idp_connections" DROP COLUMN "metadata_refresh_error"`);
    await queryRunner.query(`ALTER TABLE "idp_connections" DROP COLUMN "metadata_xml"`);
  }
}
