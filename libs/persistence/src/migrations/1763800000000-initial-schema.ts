import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registry and repository schema. Every patient-scoped table leads its primary key with
 * patient_key so the schema can be distributed by patient (DESIGN §8).
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patient_record (
        patient_key text PRIMARY KEY,
        ins_value text NOT NULL,
        ins_oid text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'closed')),
        opened_at timestamptz NOT NULL,
        opened_by text NOT NULL,
        closed_at timestamptz,
        closure_reason text,
        demographics jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(`
      CREATE TABLE submission_set (
        patient_key text NOT NULL,
        entry_uuid text NOT NULL,
        unique_id text NOT NULL,
        source_id text NOT NULL,
        content_type_key text NOT NULL,
        submission_time timestamptz NOT NULL,
        status text NOT NULL,
        metadata jsonb NOT NULL,
        PRIMARY KEY (patient_key, entry_uuid)
      )`);
    await queryRunner.query(
      `CREATE INDEX submission_set_patient_time ON submission_set (patient_key, submission_time)`,
    );
    await queryRunner.query(
      `CREATE INDEX submission_set_unique_id ON submission_set (patient_key, unique_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE document_entry (
        patient_key text NOT NULL,
        entry_uuid text NOT NULL,
        logical_id text NOT NULL,
        version integer NOT NULL,
        is_latest boolean NOT NULL,
        unique_id text NOT NULL,
        status text NOT NULL,
        class_key text NOT NULL,
        type_key text NOT NULL,
        format_key text NOT NULL,
        practice_setting_key text NOT NULL,
        facility_type_key text NOT NULL,
        event_keys text[] NOT NULL,
        confidentiality_keys text[] NOT NULL,
        author_names text[] NOT NULL,
        reference_ids text[] NOT NULL,
        creation_time timestamptz NOT NULL,
        service_start_time timestamptz,
        service_stop_time timestamptz,
        submission_time timestamptz NOT NULL,
        content_id text,
        metadata jsonb NOT NULL,
        PRIMARY KEY (patient_key, entry_uuid)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX document_entry_version ON document_entry (patient_key, logical_id, version)`,
    );
    await queryRunner.query(
      `CREATE INDEX document_entry_search ON document_entry (patient_key, is_latest, creation_time DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX document_entry_unique_id ON document_entry (patient_key, unique_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE document_content (
        patient_key text NOT NULL,
        content_id text NOT NULL,
        mime_type text NOT NULL,
        bytes bytea NOT NULL,
        hash_sha1 text NOT NULL,
        hash_sha256 text NOT NULL,
        size bigint NOT NULL,
        stored_at timestamptz NOT NULL,
        PRIMARY KEY (patient_key, content_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX document_content_content_id ON document_content (content_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE document_locator (
        unique_id text PRIMARY KEY,
        patient_key text NOT NULL,
        logical_id text NOT NULL,
        hash_sha1 text NOT NULL,
        size bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE folder (
        patient_key text NOT NULL,
        entry_uuid text NOT NULL,
        logical_id text NOT NULL,
        version integer NOT NULL,
        unique_id text NOT NULL,
        code_keys text[] NOT NULL,
        last_update_time timestamptz NOT NULL,
        status text NOT NULL,
        metadata jsonb NOT NULL,
        PRIMARY KEY (patient_key, entry_uuid)
      )`);
    await queryRunner.query(`CREATE INDEX folder_unique_id ON folder (patient_key, unique_id)`);
    await queryRunner.query(`
      CREATE TABLE association (
        patient_key text NOT NULL,
        entry_uuid text NOT NULL,
        type text NOT NULL,
        source_uuid text NOT NULL,
        target_uuid text NOT NULL,
        submission_set_status text,
        status text NOT NULL,
        PRIMARY KEY (patient_key, entry_uuid)
      )`);
    await queryRunner.query(
      `CREATE INDEX association_source ON association (patient_key, source_uuid)`,
    );
    await queryRunner.query(
      `CREATE INDEX association_target ON association (patient_key, target_uuid)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'association',
      'folder',
      'document_locator',
      'document_content',
      'document_entry',
      'submission_set',
      'patient_record',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
