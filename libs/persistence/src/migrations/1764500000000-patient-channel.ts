import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The patient's channel (DESIGN §9): patient accounts (the patient, or a legal representative of
 * a minor, each bound to one record), the OpenID Connect provider's own state (sessions, grants,
 * codes, refresh tokens, interactions), pending one-time codes, the login throttle, and the
 * addressee of a notification meant for an account holder rather than the record's contact.
 */
export class PatientChannel1764500000000 implements MigrationInterface {
  name = 'PatientChannel1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patient_account (
        id text PRIMARY KEY,
        patient_key text NOT NULL,
        role text NOT NULL CHECK (role IN ('PATIENT', 'REPRESENTANT_LEGAL')),
        ins_value text,
        email text,
        display_name text NOT NULL,
        password_hash text,
        activation_hash text,
        activation_expires_at timestamptz,
        created_at timestamptz NOT NULL,
        enrolled_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX patient_account_holder ON patient_account (patient_key)
       WHERE role = 'PATIENT'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX patient_account_email ON patient_account (email)
       WHERE email IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX patient_account_ins ON patient_account (ins_value) WHERE ins_value IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE patient_one_time_code (
        interaction_id text PRIMARY KEY,
        account_id text NOT NULL,
        code_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        tries_left integer NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE patient_login_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        window_started_at timestamptz NOT NULL,
        locked_until timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE oidc_model (
        model text NOT NULL,
        id text NOT NULL,
        payload jsonb NOT NULL,
        grant_id text,
        user_code text,
        uid text,
        expires_at timestamptz,
        consumed_at timestamptz,
        PRIMARY KEY (model, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX oidc_model_grant ON oidc_model (grant_id) WHERE grant_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX oidc_model_uid ON oidc_model (uid) WHERE uid IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX oidc_model_expiry ON oidc_model (expires_at) WHERE expires_at IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE notification_outbox ADD COLUMN recipient text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notification_outbox DROP COLUMN recipient`);
    for (const table of [
      'oidc_model',
      'patient_login_throttle',
      'patient_one_time_code',
      'patient_account',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
