import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The patient's access decisions (authorisations, blocks, médecins traitants, emergency
 * consents), the audit trail and the notifications outbox. Patient-scoped like the rest:
 * every primary key leads with patient_key (empty for events that concern no patient).
 */
export class AccessAuditNotifications1764100000000 implements MigrationInterface {
  name = 'AccessAuditNotifications1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE document_entry ADD COLUMN author_ids text[] NOT NULL DEFAULT '{}'`,
    );
    await queryRunner.query(`
      UPDATE document_entry SET author_ids = ARRAY(
        SELECT DISTINCT id FROM (
          SELECT jsonb_array_elements(metadata->'authors')->'person'->>'id' AS id
          UNION ALL
          SELECT jsonb_array_elements(jsonb_array_elements(metadata->'authors')->'institutions')->>'id'
        ) AS ids WHERE id IS NOT NULL)`);
    await queryRunner.query(`
      ALTER TABLE patient_record ADD COLUMN emergency_consents jsonb NOT NULL
        DEFAULT '{"centre15": true, "otherProfessionals": true, "maskedDocuments": true}'::jsonb`);
    await queryRunner.query(`
      CREATE TABLE access_authorisation (
        patient_key text NOT NULL,
        subject_id text NOT NULL,
        state text NOT NULL CHECK (state IN ('valid', 'forbidden')),
        express_consent boolean NOT NULL DEFAULT false,
        valid_until timestamptz,
        declared_by text NOT NULL,
        declared_at timestamptz NOT NULL,
        PRIMARY KEY (patient_key, subject_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE access_block (
        patient_key text NOT NULL,
        subject_id text NOT NULL,
        declared_by text NOT NULL,
        declared_at timestamptz NOT NULL,
        PRIMARY KEY (patient_key, subject_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE medecin_traitant (
        patient_key text NOT NULL,
        subject_id text NOT NULL,
        declared_by text NOT NULL,
        declared_at timestamptz NOT NULL,
        PRIMARY KEY (patient_key, subject_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_event (
        patient_key text NOT NULL,
        id text NOT NULL,
        recorded_at timestamptz NOT NULL,
        transaction text NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
        reason text,
        emergency boolean NOT NULL DEFAULT false,
        subject_id text,
        principal jsonb,
        documents text[] NOT NULL,
        http_status integer NOT NULL,
        PRIMARY KEY (patient_key, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX audit_event_patient_time ON audit_event (patient_key, recorded_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE professional_first_access (
        patient_key text NOT NULL,
        subject_id text NOT NULL,
        first_at timestamptz NOT NULL,
        PRIMARY KEY (patient_key, subject_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE notification_outbox (
        patient_key text NOT NULL,
        id text NOT NULL,
        kind text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        delivered_at timestamptz,
        last_error text,
        PRIMARY KEY (patient_key, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX notification_outbox_pending ON notification_outbox (next_attempt_at)
       WHERE delivered_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'notification_outbox',
      'professional_first_access',
      'audit_event',
      'medecin_traitant',
      'access_block',
      'access_authorisation',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query(`ALTER TABLE patient_record DROP COLUMN emergency_consents`);
    await queryRunner.query(`ALTER TABLE document_entry DROP COLUMN author_ids`);
  }
}
