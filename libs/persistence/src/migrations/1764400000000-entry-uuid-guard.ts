import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The submission guard also refuses entryUUIDs a sender chose that are already used, in any
 * record: an entryUUID names one object in the registry, and reads by id find it by its
 * entryUUID before they know the patient.
 */
export class EntryUuidGuard1764400000000 implements MigrationInterface {
  name = 'EntryUuidGuard1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION passerelle_guard_submission(
        p_patient_key text, p_replaced text[], p_entry_uuids text[])
      RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        IF cardinality(p_entry_uuids) > 0 AND (
          EXISTS (SELECT 1 FROM document_entry WHERE entry_uuid = ANY(p_entry_uuids))
          OR EXISTS (SELECT 1 FROM submission_set WHERE entry_uuid = ANY(p_entry_uuids))
          OR EXISTS (SELECT 1 FROM folder WHERE entry_uuid = ANY(p_entry_uuids))
          OR EXISTS (SELECT 1 FROM association WHERE entry_uuid = ANY(p_entry_uuids))) THEN
          RAISE EXCEPTION 'DUPLICATE_ENTRY_UUID' USING ERRCODE = 'P0001';
        END IF;
        RETURN passerelle_guard_submission(p_patient_key, p_replaced);
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION passerelle_guard_submission(text, text[], text[])`);
  }
}
