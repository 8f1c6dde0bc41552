import { MigrationInterface, QueryRunner } from 'typeorm';

/** ITI-68 / ITI-43 check the entry of a content before returning it. */
export class EntryContentIndex1763900000000 implements MigrationInterface {
  name = 'EntryContentIndex1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX document_entry_content ON document_entry (patient_key, content_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX document_entry_content`);
  }
}
