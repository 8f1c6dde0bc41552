import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ITI-18 Get* queries name objects by entryUUID, uniqueId or logicalId without a patient: these
 * indexes find the patient first (then every read is scoped to it). ITI-67 reads by logical id.
 */
export class StoredQueryLookups1764300000000 implements MigrationInterface {
  name = 'StoredQueryLookups1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE INDEX document_entry_entry_uuid ON document_entry (entry_uuid)`,
      `CREATE INDEX document_entry_logical_id ON document_entry (logical_id)`,
      `CREATE INDEX submission_set_entry_uuid ON submission_set (entry_uuid)`,
      `CREATE INDEX submission_set_unique_id_lookup ON submission_set (unique_id)`,
      `CREATE INDEX folder_entry_uuid ON folder (entry_uuid)`,
      `CREATE INDEX folder_unique_id_lookup ON folder (unique_id)`,
      `CREATE INDEX folder_logical_id ON folder (logical_id)`,
      `CREATE INDEX association_entry_uuid ON association (entry_uuid)`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'document_entry_entry_uuid',
      'document_entry_logical_id',
      'submission_set_entry_uuid',
      'submission_set_unique_id_lookup',
      'folder_entry_uuid',
      'folder_unique_id_lookup',
      'folder_logical_id',
      'association_entry_uuid',
    ]) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
  }
}
