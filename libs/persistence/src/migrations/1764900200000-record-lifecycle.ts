import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `('pending', 'open', 'closed', 'deletion-requested', 'suspended', 'purged')`;

/**
 * The record's lifecycle (libs/domain/src/record-lifecycle.ts): the statuses beyond open and
 * closed, the dates the time-based steps are due at (indexed, as the scheduler looks for them
 * across records), a suspension and its legal basis, and when a purge began and ended. A closed
 * record's purge falls due ten years after its closure. The submission guard takes documents into
 * open and pending records only, and names a suspended record's refusal.
 */
export class RecordLifecycle1764900200000 implements MigrationInterface {
  name = 'RecordLifecycle1764900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE patient_record
        DROP CONSTRAINT patient_record_status_check,
        ADD CONSTRAINT patient_record_status_check CHECK (status IN ${STATUSES}),
        ADD COLUMN opposition_until timestamptz,
        ADD COLUMN deletion_requested_at timestamptz,
        ADD COLUMN purge_due_at timestamptz,
        ADD COLUMN suspension jsonb,
        ADD COLUMN purge_started_at timestamptz,
        ADD COLUMN purged_at timestamptz`);
    await queryRunner.query(`
      UPDATE patient_record SET purge_due_at = closed_at + interval '10 years'
       WHERE status = 'closed' AND closed_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX patient_record_purge_due ON patient_record (purge_due_at)
       WHERE status IN ('closed', 'deletion-requested')`);
    await queryRunner.query(`
      CREATE INDEX patient_record_opposition_due ON patient_record (opposition_until)
       WHERE status = 'pending'`);
    await queryRunner.query(
      guard(`
        IF v_status IS NULL OR v_status = 'purged' THEN
          RAISE EXCEPTION 'UNKNOWN_PATIENT' USING ERRCODE = 'P0001';
        END IF;
        IF v_status = 'suspended' THEN
          RAISE EXCEPTION 'RECORD_SUSPENDED' USING ERRCODE = 'P0001';
        END IF;
        IF v_status NOT IN ('open', 'pending') THEN
          RAISE EXCEPTION 'RECORD_CLOSED' USING ERRCODE = 'P0001';
        END IF;`),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      guard(`
        IF v_status IS NULL THEN
          RAISE EXCEPTION 'UNKNOWN_PATIENT' USING ERRCODE = 'P0001';
        END IF;
        IF v_status <> 'open' THEN
          RAISE EXCEPTION 'RECORD_CLOSED' USING ERRCODE = 'P0001';
        END IF;`),
    );
    await queryRunner.query(`DROP INDEX patient_record_opposition_due`);
    await queryRunner.query(`DROP INDEX patient_record_purge_due`);
    await queryRunner.query(`
      ALTER TABLE patient_record
        DROP COLUMN purged_at, DROP COLUMN purge_started_at, DROP COLUMN suspension,
        DROP COLUMN purge_due_at, DROP COLUMN deletion_requested_at, DROP COLUMN opposition_until,
        DROP CONSTRAINT patient_record_status_check,
        ADD CONSTRAINT patient_record_status_check CHECK (status IN ('open', 'closed'))`);
  }
}

/** The submission guard of migration 1763950000000 with `statusChecks` on the locked record. */
function guard(statusChecks: string): string {
  return `
      CREATE OR REPLACE FUNCTION passerelle_guard_submission(p_patient_key text, p_replaced text[])
      RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        v_status text;
        v_deprecated integer;
      BEGIN
        SELECT status INTO v_status FROM patient_record WHERE patient_key = p_patient_key FOR SHARE;
        ${statusChecks}
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
      END $$`;
}
