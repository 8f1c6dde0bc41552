import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  Database,
  FileKeyEncryptionService,
  PatientDataKeys,
  PostgresRegistryStore,
  openDatabase,
} from '@passerelle/persistence';
import { migrations } from '../libs/persistence/src/migrations';
import { testKekFile } from './support/test-database';

const ENCRYPTION = 'EncryptDocumentContents1764900100000';
const PATIENTS = {
  a: 'A-legacy^^^&1.2.250.1.213.1.4.10&ISO',
  b: 'B-legacy^^^&1.2.250.1.213.1.4.10&ISO',
};
/** More than one batch (200) for the first patient, so a failure can stop it half-way. */
const ROWS = { a: 250, b: 10 };

const plaintextOf = (patient: string, index: number) => Buffer.from(`plain ${patient} #${index}`);

interface StoredRow {
  patient_key: string;
  content_id: string;
  bytes: Buffer;
  nonce: Buffer | null;
}

/**
 * The migration that encrypts content stored in plaintext before encryption at rest, on a
 * database of its own left at the schema before it: resumable after a failure half-way,
 * idempotent, every content readable afterwards, and plaintext refused from then on.
 */
describe('encrypting the content stored in plaintext (migration, PostgreSQL)', () => {
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `passerelle_legacy_${Date.now()}_${process.pid}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const keyEncryption = () => FileKeyEncryptionService.open(testKekFile(), { create: false });
  let sql: Client;

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    await migrateToPlaintextSchema();
    sql = new Client({ connectionString: databaseUrl });
    await sql.connect();
    for (const [patient, key] of Object.entries(PATIENTS) as ['a' | 'b', string][]) {
      await sql.query(
        `INSERT INTO patient_record (patient_key, ins_value, ins_oid, status, opened_at, opened_by)
         VALUES ($1, $1, '1.2.250.1.213.1.4.10', 'open', now(), 'test')`,
        [key],
      );
      for (let index = 0; index < ROWS[patient]; index += 1) {
        const bytes = plaintextOf(patient, index);
        await sql.query(
          `INSERT INTO document_content
             (patient_key, content_id, mime_type, bytes, hash_sha1, hash_sha256, size, stored_at)
           VALUES ($1, $2, 'text/plain', $3, 'h1', 'h256', $4, now())`,
          [key, `c-${String(index).padStart(3, '0')}`, bytes, bytes.length],
        );
      }
    }
  });

  afterAll(async () => {
    await sql.end();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  /** Every migration before the encryption, as a database of the previous release has them. */
  async function migrateToPlaintextSchema(): Promise<void> {
    const dataKeys = new PatientDataKeys(keyEncryption());
    const before = migrations(dataKeys).filter(
      (migration) => Number((new migration().name ?? '').slice(-13)) < 1764900100000,
    );
    const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, migrations: before });
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
  }

  const open = () =>
    openDatabase({
      databaseUrl,
      dataDir: '/nonexistent',
      poolSize: 1,
      keyEncryption: keyEncryption(),
    });

  async function stored(): Promise<StoredRow[]> {
    const { rows } = await sql.query<StoredRow>(
      `SELECT patient_key, content_id, bytes, nonce FROM document_content
        ORDER BY patient_key, content_id`,
    );
    return rows;
  }

  async function migrationRecorded(): Promise<boolean> {
    const { rows } = await sql.query(`SELECT 1 FROM migrations WHERE name = $1`, [ENCRYPTION]);
    return rows.length > 0;
  }

  it('stops half-way on a failure, resumes where it stopped, and encrypts each row once', async () => {
    // The second batch fails: a row of it cannot be written.
    await sql.query(`
      CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
      CREATE TRIGGER refuse_one BEFORE UPDATE ON document_content
        FOR EACH ROW WHEN (OLD.content_id = 'c-220') EXECUTE FUNCTION refuse_one();`);
    await expect(open()).rejects.toThrow(/disk full/);

    const halfWay = await stored();
    const sealed = halfWay.filter((row) => row.nonce !== null);
    expect(sealed).toHaveLength(200);
    expect(halfWay.filter((row) => row.nonce === null)).toHaveLength(ROWS.a + ROWS.b - 200);
    expect(await migrationRecorded()).toBe(false);
    const { rows: keys } = await sql.query<{ patient_key: string; wrapped_key: Buffer }>(
      `SELECT patient_key, wrapped_key FROM passerelle_keys.patient_data_key ORDER BY patient_key`,
    );
    expect(keys.map((key) => key.patient_key)).toEqual([PATIENTS.a, PATIENTS.b]);

    await sql.query(`DROP TRIGGER refuse_one ON document_content; DROP FUNCTION refuse_one()`);
    let database: Database = await open();
    try {
      expect(await migrationRecorded()).toBe(true);
      const done = await stored();
      expect(done.every((row) => row.nonce !== null)).toBe(true);
      // Rows sealed before the failure were left as they were, not sealed a second time.
      for (const row of sealed) {
        const now = done.find(
          (r) => r.content_id === row.content_id && r.patient_key === row.patient_key,
        );
        expect(now!.bytes.equals(row.bytes)).toBe(true);
      }
      const { rows: keysAfter } = await sql.query<{ wrapped_key: Buffer }>(
        `SELECT wrapped_key FROM passerelle_keys.patient_data_key ORDER BY patient_key`,
      );
      expect(keysAfter.map((key) => key.wrapped_key)).toEqual(keys.map((key) => key.wrapped_key));
      for (const row of done) {
        expect(row.bytes.includes(Buffer.from('plain'))).toBe(false);
      }
    } finally {
      await database.close();
    }

    database = await open();
    try {
      const store = new PostgresRegistryStore(database.dataSource, database.dataKeys);
      for (const [patient, key] of Object.entries(PATIENTS) as ['a' | 'b', string][]) {
        for (let index = 0; index < ROWS[patient]; index += 1) {
          const content = await store.read(key, `c-${String(index).padStart(3, '0')}`);
          expect(content!.bytes.equals(plaintextOf(patient, index))).toBe(true);
        }
      }
      await expect(
        sql.query(
          `INSERT INTO document_content
             (patient_key, content_id, mime_type, bytes, hash_sha1, hash_sha256, size, stored_at)
           VALUES ($1, 'c-plain', 'text/plain', 'x', 'h1', 'h256', 1, now())`,
          [PATIENTS.a],
        ),
      ).rejects.toThrow(/null value in column "nonce"/);
    } finally {
      await database.close();
    }
  });
});
