import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The checks a submission must pass at commit time, as one function called from the same
 * statement that inserts the submission: the record exists and is open (locked against a
 * concurrent close), and the entries it replaces are still current (then deprecated). Raising
 * aborts the whole statement, so a submission is stored in one round trip, whole or not at all.
 */
export class SubmissionGuard1763950000000 implements MigrationInterface {
  name = 'SubmissionGuard1763950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION passerelle_guard_submission(p_patient_key text, p_replaced text[])
      RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        v_status text;
        v_deprecated integer;
      BEGIN
        SELECT status INTO v_status FROM patient_record WHERE patient_key = p_patient_key FOR SHARE;
        IF v_status IS NULL THEN
          RAISE EXCEPTION 'UNKNOWN_PATIENT' USING ERRCODE = 'P0001';
        END IF;
        IF v_status <> 'open' THEN
          RAISE EXCEPTION 'RECORD_CLOSED' USING ERRCODE = 'P0001';
        END IF;
        IF cardinality(p_replaced) > 0 THEN
          UPDATE document_entry SET status = 'Deprecated'
          WHERE patient_key = p_patient_key AND entry_uuid = ANY(p_replaced)
            AND is_latest AND status = 'Approved';
          GET DIAGNOSTICS v_deprecated = ROW_COUNT;
          IF v_deprecated <> (SELECT count(DISTINCT u) FROM unnest(p_replaced) AS u) THEN
            RAISE EXCEPTION 'REPLACED_NOT_FOUND' USING ERRCODE = 'P0001';
          END IF;
        END IF;
        RETURN true;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION passerelle_guard_submission(text, text[])`);
  }
}
