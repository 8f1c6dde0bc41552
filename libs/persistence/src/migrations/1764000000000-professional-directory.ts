import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The professional directory (idNat_PS → profession, specialty, structures). Reference data,
 * not patient-scoped; filled by `passerelle directory import|seed`, never by a migration.
 */
export class ProfessionalDirectory1764000000000 implements MigrationInterface {
  name = 'ProfessionalDirectory1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE professional (
        id_nat text PRIMARY KEY,
        family text NOT NULL,
        given text NOT NULL,
        profession_code text NOT NULL,
        specialty_code text,
        data jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE professional`);
  }
}
