import { MigrationInterface, QueryRunner } from 'typeorm';

/** A submission set uniqueId is unique per patient: the insert itself refuses a duplicate. */
export class UniqueSubmissionSet1764200000000 implements MigrationInterface {
  name = 'UniqueSubmissionSet1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX submission_set_unique_id`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX submission_set_unique_id ON submission_set (patient_key, unique_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX submission_set_unique_id`);
    await queryRunner.query(
      `CREATE INDEX submission_set_unique_id ON submission_set (patient_key, unique_id)`,
    );
  }
}
