import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each patient's data key, wrapped by a key-encryption key, in a schema of its own: the data
 * is backed up without it (`pg_dump --exclude-schema=passerelle_keys`) and the keys on their own
 * short retention, so that destroying a key at a purge makes the backups of the data unreadable
 * too. Document content gets the nonce and authentication tag of its AES-256-GCM encryption.
 */
export class PatientDataKeys1764900000000 implements MigrationInterface {
  name = 'PatientDataKeys1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA passerelle_keys`);
    await queryRunner.query(`
      CREATE TABLE passerelle_keys.patient_data_key (
        patient_key text PRIMARY KEY,
        wrapped_key bytea NOT NULL,
        kek_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX patient_data_key_kek_id ON passerelle_keys.patient_data_key (kek_id)`,
    );
    await queryRunner.query(
      `ALTER TABLE document_content ADD COLUMN nonce bytea, ADD COLUMN auth_tag bytea`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE document_content DROP COLUMN auth_tag, DROP COLUMN nonce`);
    await queryRunner.query(`DROP SCHEMA passerelle_keys CASCADE`);
  }
}
