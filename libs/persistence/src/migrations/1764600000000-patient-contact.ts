import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The patient's phone number and notification preferences (`{"new-document": false, …}`: a
 * kind absent is wanted), beside the e-mail address the record already keeps.
 */
export class PatientContact1764600000000 implements MigrationInterface {
  name = 'PatientContact1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE patient_record
         ADD COLUMN phone text,
         ADD COLUMN notification_preferences jsonb NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE patient_record DROP COLUMN notification_preferences, DROP COLUMN phone`,
    );
  }
}
