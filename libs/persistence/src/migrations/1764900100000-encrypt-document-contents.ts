import type { MigrationInterface, QueryRunner } from 'typeorm';
import { openContent, sealContent } from '../encryption/content-cipher';
import { PATIENT_DATA_KEY_TABLE, PatientDataKeys } from '../encryption/patient-data-keys';

const BATCH = 200;

interface ContentRow {
  readonly patient_key: string;
  readonly content_id: string;
  readonly bytes: Buffer;
  readonly nonce: Buffer | null;
  readonly auth_tag: Buffer | null;
}

interface KeyedContentRow extends ContentRow {
  readonly wrapped_key: Buffer;
  readonly kek_id: string;
}

function storedKeyOf(row: KeyedContentRow) {
  return { keyId: row.kek_id, wrapped: row.wrapped_key };
}

/**
 * Encrypts the content stored in plaintext before encryption at rest, in batches each committed
 * on its own (not one transaction): after a crash the next start resumes with the rows still in
 * plaintext, and nodes starting together share them (`FOR UPDATE SKIP LOCKED`). The keys are
 * created first, each committed, so that no content is ever sealed with a key that was not
 * stored. Then nonce and tag become required: a row written in plaintext would be refused.
 */
export function encryptDocumentContents(dataKeys: PatientDataKeys): new () => MigrationInterface {
  return class EncryptDocumentContents1764900100000 implements MigrationInterface {
    name = 'EncryptDocumentContents1764900100000';
    transaction = false;

    async up(queryRunner: QueryRunner): Promise<void> {
      let sealed: number;
      do {
        await createMissingKeys(queryRunner, dataKeys);
        sealed = await sealBatch(queryRunner, dataKeys);
      } while (sealed > 0);
      await queryRunner.query(
        `ALTER TABLE document_content ALTER COLUMN nonce SET NOT NULL,
           ALTER COLUMN auth_tag SET NOT NULL`,
      );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(
        `ALTER TABLE document_content ALTER COLUMN nonce DROP NOT NULL,
           ALTER COLUMN auth_tag DROP NOT NULL`,
      );
      while ((await openBatch(queryRunner, dataKeys)) > 0);
    }
  };
}

async function createMissingKeys(queryRunner: QueryRunner, dataKeys: PatientDataKeys) {
  for (;;) {
    const patients = (await queryRunner.query(
      `SELECT DISTINCT c.patient_key FROM document_content c
        WHERE c.nonce IS NULL
          AND NOT EXISTS (SELECT 1 FROM ${PATIENT_DATA_KEY_TABLE} k WHERE k.patient_key = c.patient_key)
        LIMIT $1`,
      [BATCH],
    )) as { patient_key: string }[];
    if (patients.length === 0) return;
    for (const { patient_key: patientKey } of patients) {
      if (!(await dataKeys.forWriting(queryRunner, patientKey))) {
        throw new Error(`Content is stored for patient ${patientKey}, who has no record`);
      }
    }
  }
}

/** One batch of rows in plaintext whose key exists, encrypted in one transaction; how many. */
async function sealBatch(queryRunner: QueryRunner, dataKeys: PatientDataKeys): Promise<number> {
  return inTransaction(queryRunner, async () => {
    const rows = (await queryRunner.query(
      `SELECT c.patient_key, c.content_id, c.bytes, c.nonce, c.auth_tag, k.wrapped_key, k.kek_id
         FROM document_content c JOIN ${PATIENT_DATA_KEY_TABLE} k USING (patient_key)
        WHERE c.nonce IS NULL ORDER BY c.patient_key, c.content_id LIMIT $1
          FOR UPDATE OF c SKIP LOCKED`,
      [BATCH],
    )) as KeyedContentRow[];
    for (const row of rows) {
      const key = await dataKeys.forReading(row.patient_key, storedKeyOf(row));
      const address = { patientKey: row.patient_key, contentId: row.content_id };
      const sealed = sealContent(key!, address, row.bytes);
      await queryRunner.query(
        `UPDATE document_content SET bytes = $3, nonce = $4, auth_tag = $5
          WHERE patient_key = $1 AND content_id = $2`,
        [row.patient_key, row.content_id, sealed.ciphertext, sealed.nonce, sealed.authTag],
      );
    }
    return rows.length;
  });
}

async function openBatch(queryRunner: QueryRunner, dataKeys: PatientDataKeys): Promise<number> {
  return inTransaction(queryRunner, async () => {
    const rows = (await queryRunner.query(
      `SELECT c.patient_key, c.content_id, c.bytes, c.nonce, c.auth_tag, k.wrapped_key, k.kek_id
         FROM document_content c JOIN ${PATIENT_DATA_KEY_TABLE} k USING (patient_key)
        WHERE c.nonce IS NOT NULL ORDER BY c.patient_key, c.content_id LIMIT $1
          FOR UPDATE OF c SKIP LOCKED`,
      [BATCH],
    )) as KeyedContentRow[];
    for (const row of rows) {
      const key = await dataKeys.forReading(row.patient_key, storedKeyOf(row));
      const address = { patientKey: row.patient_key, contentId: row.content_id };
      const bytes = openContent(key!, address, {
        ciphertext: row.bytes,
        nonce: row.nonce!,
        authTag: row.auth_tag!,
      });
      await queryRunner.query(
        `UPDATE document_content SET bytes = $3, nonce = NULL, auth_tag = NULL
          WHERE patient_key = $1 AND content_id = $2`,
        [row.patient_key, row.content_id, bytes],
      );
    }
    return rows.length;
  });
}

async function inTransaction<T>(queryRunner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await queryRunner.startTransaction();
  try {
    const result = await work();
    await queryRunner.commitTransaction();
    return result;
  } catch (error) {
    await queryRunner.rollbackTransaction();
    throw error;
  }
}
