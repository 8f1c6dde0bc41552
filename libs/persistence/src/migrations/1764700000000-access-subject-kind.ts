import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authorisations and blocks name a professional (idNat_PS) or a structure (idNat_Struct): the
 * kind is kept with them, so that the patient's consents say which. Existing rows are
 * professionals'.
 */
export class AccessSubjectKind1764700000000 implements MigrationInterface {
  name = 'AccessSubjectKind1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_authorisation', 'access_block']) {
      await queryRunner.query(
        `ALTER TABLE ${table} ADD COLUMN subject_kind text NOT NULL DEFAULT 'PS'
           CHECK (subject_kind IN ('PS', 'STRUCTURE'))`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_block', 'access_authorisation']) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN subject_kind`);
    }
  }
}
