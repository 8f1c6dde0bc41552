import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  DocumentContent,
  DocumentEntry,
  DomainError,
  NotificationPreferences,
  PatientRecord,
  Submission,
  newEntryUuid,
  WriteUnit,
} from '@passerelle/domain';
import type {
  DocumentLocatorEntry,
  DocumentUpdate,
  MetadataChange,
  RecordsContext,
  RegistryWriter,
  SubmissionContext,
} from '@passerelle/registry';
import { DocumentAlreadyRegistered } from '@passerelle/registry';
import type { AuditEntry } from '@passerelle/audit';
import type { ContentStore } from '@passerelle/document-repository';
import type { ContactDetails, PatientRecordStore } from '@passerelle/record-management';
import { DataSource, EntityManager } from 'typeorm';
import { openContent, sealContent } from './encryption/content-cipher';
import { PATIENT_DATA_KEY_TABLE, PatientDataKeys } from './encryption/patient-data-keys';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { TableRows, copyRows } from './copy-rows';
import { InsertStatement, statementOf } from './insert-statement';
import { PoolStatement, runOnPool } from './pg-pool';
import { auditCtes, auditWrites, auditsCtes } from './postgres-audit-store';
import { PostgresWriteUnit, postgresUnit } from './postgres-write-unit';
import {
  AssociationRow,
  DocumentContentRow,
  DocumentEntryRow,
  DocumentLocatorRow,
  FolderRow,
  PatientRecordRow,
  SubmissionSetRow,
} from './entities';
import {
  associationToRow,
  documentEntryFromRow,
  documentEntryToRow,
  folderToRow,
  patientRecordFromRow,
  patientRecordToRow,
  submissionSetToRow,
} from './row-mapping';

const UNIQUE_VIOLATION = '23505';
const RAISED_BY_GUARD = 'P0001';

/**
 * Whether {@link PostgresRegistryStore.commitAll} may send rows with COPY FROM STDIN: a
 * PostgreSQL server, not embedded PGlite (whose socket server speaks no COPY sub-protocol).
 */
export const BULK_COPY = Symbol('BULK_COPY');

/** The submission guard of several records at once (a bulk import's batch), one statement. */
const GUARD_ALL = `SELECT bool_and(passerelle_guard_submission(g.k,
    ARRAY(SELECT jsonb_array_elements_text(g.r)), ARRAY(SELECT jsonb_array_elements_text(g.s))))
  FROM jsonb_to_recordset($1::jsonb) AS g(k text, r jsonb, s jsonb)`;

/**
 * The registry's writes, the repository's content and the record store on PostgreSQL (or
 * PGlite). Content is stored encrypted with the patient's data key and decrypted when read.
 */
@Injectable()
export class PostgresRegistryStore implements RegistryWriter, PatientRecordStore, ContentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dataKeys: PatientDataKeys,
    @Optional() @Inject(BULK_COPY) private readonly bulkCopy?: boolean,
  ) {}

  async find(patientKey: string): Promise<PatientRecord | undefined> {
    const row = await this.dataSource.manager.findOneBy(PatientRecordRow, { patientKey });
    return row ? patientRecordFromRow(row) : undefined;
  }

  async openIfAbsent(record: PatientRecord): Promise<{ record: PatientRecord; created: boolean }> {
    const row = patientRecordToRow(record);
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO patient_record
         (patient_key, ins_value, ins_oid, status, opened_at, opened_by, closed_at, closure_reason,
          demographics, opposition_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (patient_key) DO NOTHING
       RETURNING patient_key`,
      [
        row.patientKey,
        row.insValue,
        row.insOid,
        row.status,
        row.openedAt,
        row.openedBy,
        row.closedAt,
        row.closureReason,
        JSON.stringify(row.demographics),
        row.oppositionUntil,
      ],
    );
    const created = inserted.length > 0;
    return { record: created ? record : (await this.find(record.patientKey))!, created };
  }

  async setNotificationPreferences(
    patientKey: string,
    preferences: NotificationPreferences,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_record SET notification_preferences = $2::jsonb WHERE patient_key = $1`,
      [patientKey, JSON.stringify(preferences)],
    );
  }

  async setContactDetails(patientKey: string, contact: ContactDetails): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_record
          SET demographics = demographics || jsonb_strip_nulls(jsonb_build_object('email', $2::text)),
              phone = COALESCE($3::text, phone)
        WHERE patient_key = $1`,
      [patientKey, contact.email ?? null, contact.phone ?? null],
    );
  }

  begin(patientKey: string): WriteUnit {
    return new PostgresWriteUnit(patientKey, this.dataSource);
  }

  stageSubmission(unit: WriteUnit, submission: Submission): void {
    const staged = postgresUnit(unit);
    staged.insert
      .add(SubmissionSetRow, [submissionSetToRow(submission.submissionSet)])
      .add(
        DocumentEntryRow,
        submission.documents.map((entry) => documentEntryToRow(entry, true)),
      )
      .add(DocumentLocatorRow, submission.documents.map(locatorRow))
      .add(FolderRow, submission.folders.map(folderToRow))
      .add(AssociationRow, submission.associations.map(associationToRow));
    if (submission.updatedFolderUuids.length > 0) {
      const { patientKey, updatedFolderUuids } = submission;
      staged.insert.addGroup([
        {
          name: 'folder_update',
          sql: (p) =>
            `UPDATE folder SET last_update_time = now(),
                    metadata = jsonb_set(metadata, '{lastUpdateTime}',
                      to_jsonb(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
              WHERE patient_key = ${p(patientKey)} AND entry_uuid = ANY(${p(updatedFolderUuids)}::text[])
              RETURNING 1`,
        },
      ]);
    }
    staged.replacedEntryUuids.push(...submission.replacedEntryUuids);
    staged.senderEntryUuids.push(...submission.senderEntryUuids);
  }

  put(unit: WriteUnit, content: DocumentContent): void {
    postgresUnit(unit).contents.push(content);
  }

  /** The guard function's checks, the deprecations and every insert: one statement if it fits. */
  async commit(unit: WriteUnit): Promise<void> {
    const { insert, patientKey, replacedEntryUuids, senderEntryUuids, contents, audits } =
      postgresUnit(unit);
    if (contents.length > 0) {
      const dataKey = await this.dataKeys.forWriting(this.dataSource, patientKey);
      if (!dataKey) throw GUARD_FAILURES.UNKNOWN_PATIENT(patientKey);
      insert.add(
        DocumentContentRow,
        contents.map((content) => contentToRow(content, dataKey)),
      );
    }
    if (audits.length > 0) insert.addGroup(auditsCtes(audits));
    const statements = insert.statements(
      (p) =>
        `passerelle_guard_submission(${p(patientKey)}, ${p(replacedEntryUuids)}::text[], ${p(
          senderEntryUuids,
        )}::text[])`,
    );
    try {
      if (statements.length === 1) {
        await this.dataSource.query(statements[0].sql, [...statements[0].params]);
      } else {
        await this.dataSource.transaction(async (manager) => {
          for (const { sql, params } of statements) await manager.query(sql, [...params]);
        });
      }
    } catch (error) {
      throw submissionFailure(error, patientKey);
    }
  }

  /**
   * Units of several records in one transaction, all or none: the guard of each record in one
   * statement, then each table's rows of every unit with one COPY (bytes as bytea hex), the
   * audit records too, and their notifications in one statement. Without COPY (embedded
   * PGlite), or with writes other than rows (a folder update), each unit commits by itself.
   */
  async commitAll(units: readonly WriteUnit[]): Promise<void> {
    const staged = units.map(postgresUnit);
    if (!this.bulkCopy || staged.length === 1 || staged.some((unit) => unit.insert.hasGroups)) {
      await Promise.all(staged.map((unit) => this.commit(unit)));
      return;
    }
    const tables = await this.tablesOf(staged);
    const audits = auditWrites(staged.flatMap((unit) => unit.audits));
    const guards = JSON.stringify(
      staged.map((unit) => ({
        k: unit.patientKey,
        r: unit.replacedEntryUuids,
        s: unit.senderEntryUuids,
      })),
    );
    const client = await ((this.dataSource.driver as PostgresDriver).master as Pool).connect();
    try {
      await client.query('BEGIN');
      await client.query(GUARD_ALL, [guards]);
      for (const table of tables) await copyRows(client, table);
      await copyRows(client, audits.rows);
      await client.query(audits.notified.sql, [...audits.notified.params]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Every unit's rows, table by table, and their contents sealed with each patient's key. */
  private async tablesOf(units: readonly PostgresWriteUnit[]): Promise<TableRows[]> {
    const tables = new Map<
      string,
      { table: string; columns: readonly string[]; rows: (readonly unknown[])[] }
    >();
    const contents = new InsertStatement(this.dataSource);
    const dataKeys = await this.dataKeys.forWritingAll(
      this.dataSource,
      units.filter((unit) => unit.contents.length > 0).map((unit) => unit.patientKey),
    );
    for (const unit of units) {
      if (unit.contents.length > 0) {
        const dataKey = dataKeys.get(unit.patientKey);
        if (!dataKey) throw GUARD_FAILURES.UNKNOWN_PATIENT(unit.patientKey);
        contents.add(
          DocumentContentRow,
          unit.contents.map((content) => contentToRow(content, dataKey)),
        );
      }
      for (const { table, columns, rows } of unit.insert.tables) {
        const same = tables.get(table);
        if (same) same.rows.push(...rows);
        else tables.set(table, { table, columns, rows: [...rows] });
      }
    }
    return [...tables.values(), ...contents.tables];
  }

  /** What registering a submission must know first, in one round trip. */
  async submissionContext(
    patientKey: string,
    submissionSetUniqueId: string,
    documentUniqueIds: readonly string[],
  ): Promise<SubmissionContext> {
    const [row]: {
      record: PatientRecordJson | null;
      submission_set_exists: boolean;
      locators: LocatorJson[] | null;
    }[] = await this.dataSource.query(
      `SELECT
         (SELECT row_to_json(r) FROM patient_record r WHERE r.patient_key = $1) AS record,
         EXISTS (SELECT 1 FROM submission_set WHERE patient_key = $1 AND unique_id = $2)
           AS submission_set_exists,
         (SELECT json_agg(l) FROM document_locator l WHERE l.unique_id = ANY($3)) AS locators`,
      [patientKey, submissionSetUniqueId, documentUniqueIds],
    );
    return {
      record: row.record ? patientRecordFromJson(row.record) : undefined,
      submissionSetExists: row.submission_set_exists,
      locators: (row.locators ?? []).map(locatorFromJson),
    };
  }

  async recordsContext(
    patientKeys: readonly string[],
    documentUniqueIds: readonly string[],
  ): Promise<RecordsContext> {
    const [row]: { records: PatientRecordJson[] | null; locators: LocatorJson[] | null }[] =
      await this.dataSource.query(
        `SELECT
           (SELECT json_agg(r) FROM patient_record r WHERE r.patient_key = ANY($1)) AS records,
           (SELECT json_agg(l) FROM document_locator l WHERE l.unique_id = ANY($2)) AS locators`,
        [patientKeys, documentUniqueIds],
      );
    return {
      records: new Map(
        (row.records ?? []).map((record) => [record.patient_key, patientRecordFromJson(record)]),
      ),
      locators: (row.locators ?? []).map(locatorFromJson),
    };
  }

  updateDocuments(
    patientKey: string,
    updates: readonly DocumentUpdate[],
  ): Promise<DocumentEntry[]> {
    return this.dataSource.transaction(async (manager) => {
      const updated: DocumentEntry[] = [];
      for (const update of updates) updated.push(await applyUpdate(manager, patientKey, update));
      return updated;
    });
  }

  /**
   * The content and the patient's wrapped data key in one round trip, with the audit entry if
   * given (written only if they are there); none once the key is destroyed.
   */
  async read(
    patientKey: string,
    contentId: string,
    audit?: AuditEntry,
  ): Promise<DocumentContent | undefined> {
    const [row] = audit
      ? await this.readAudited(patientKey, contentId, audit)
      : await runOnPool<StoredContentRow>(this.dataSource, READ_CONTENT, [patientKey, contentId]);
    if (!row) return undefined;
    const stored = row.kek_id ? { keyId: row.kek_id, wrapped: row.wrapped_key! } : undefined;
    const dataKey = await this.dataKeys.forReading(patientKey, stored);
    if (!dataKey) return undefined;
    const bytes = openContent(
      dataKey,
      { patientKey, contentId },
      {
        ciphertext: Buffer.from(row.ciphertext, 'base64'),
        nonce: row.nonce,
        authTag: row.auth_tag,
      },
    );
    return {
      contentId,
      patientKey,
      mimeType: row.mime_type,
      bytes,
      hashSha1: row.hash_sha1,
      hashSha256: row.hash_sha256,
      size: Number(row.size),
    };
  }

  private readAudited(
    patientKey: string,
    contentId: string,
    audit: AuditEntry,
  ): Promise<StoredContentRow[]> {
    const opened = 'EXISTS (SELECT 1 FROM content WHERE kek_id IS NOT NULL)';
    const { sql, params } = statementOf((p) => {
      const content = `content AS (${contentSql(p(patientKey), p(contentId))})`;
      const audited = auditCtes(audit, opened).map((cte) => `${cte.name} AS (${cte.sql(p)})`);
      return `WITH ${[content, ...audited].join(', ')} SELECT * FROM content`;
    });
    return runOnPool<StoredContentRow>(this.dataSource, { text: sql }, params);
  }
}

/**
 * The ciphertext comes as base64 text: pg reads every column as text (its `binary` result mode
 * decodes bytea as UTF-8 and corrupts it), and base64 is two thirds of hex's size on the wire and
 * half its decoding time. PostgreSQL's line breaks in it are skipped by Node's decoder.
 */
function contentSql(patientKey: string, contentId: string): string {
  return `SELECT c.mime_type, encode(c.bytes, 'base64') AS ciphertext, c.nonce, c.auth_tag,
                 c.hash_sha1, c.hash_sha256, c.size, k.wrapped_key, k.kek_id
            FROM document_content c
            LEFT JOIN ${PATIENT_DATA_KEY_TABLE} k ON k.patient_key = c.patient_key
           WHERE c.patient_key = ${patientKey} AND c.content_id = ${contentId}`;
}

const READ_CONTENT: PoolStatement = { name: 'content-read', text: contentSql('$1', '$2') };

interface StoredContentRow {
  mime_type: string;
  ciphertext: string;
  nonce: Buffer;
  auth_tag: Buffer;
  hash_sha1: string;
  hash_sha256: string;
  size: string;
  wrapped_key: Buffer | null;
  kek_id: string | null;
}

function locatorFromJson(locator: LocatorJson): DocumentLocatorEntry {
  return {
    uniqueId: locator.unique_id,
    patientKey: locator.patient_key,
    logicalId: locator.logical_id,
    hashSha1: locator.hash_sha1,
    size: Number(locator.size),
  };
}

interface PatientRecordJson {
  patient_key: string;
  ins_value: string;
  ins_oid: string;
  status: PatientRecordRow['status'];
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  closure_reason: string | null;
  demographics: PatientRecordRow['demographics'];
  phone: string | null;
  notification_preferences: PatientRecordRow['notificationPreferences'];
  opposition_until: string | null;
  deletion_requested_at: string | null;
  purge_due_at: string | null;
  suspension: PatientRecordRow['suspension'];
  purge_started_at: string | null;
  purged_at: string | null;
}

interface LocatorJson {
  unique_id: string;
  patient_key: string;
  logical_id: string;
  hash_sha1: string;
  size: number;
}

function patientRecordFromJson(json: PatientRecordJson): PatientRecord {
  const date = (value: string | null) => (value ? new Date(value) : null);
  return patientRecordFromRow({
    patientKey: json.patient_key,
    insValue: json.ins_value,
    insOid: json.ins_oid,
    status: json.status,
    openedAt: new Date(json.opened_at),
    openedBy: json.opened_by,
    closedAt: date(json.closed_at),
    closureReason: json.closure_reason,
    oppositionUntil: date(json.opposition_until),
    deletionRequestedAt: date(json.deletion_requested_at),
    purgeDueAt: date(json.purge_due_at),
    suspension: json.suspension,
    purgeStartedAt: date(json.purge_started_at),
    purgedAt: date(json.purged_at),
    demographics: json.demographics,
    phone: json.phone,
    notificationPreferences: json.notification_preferences,
  });
}

const GUARD_FAILURES: Record<string, (patientKey: string) => DomainError> = {
  UNKNOWN_PATIENT: (key) =>
    new DomainError('UNKNOWN_PATIENT', `No record exists for patient ${key}`),
  RECORD_CLOSED: (key) =>
    new DomainError('RECORD_CLOSED', `The record of patient ${key} is closed`),
  RECORD_SUSPENDED: (key) =>
    new DomainError('RECORD_SUSPENDED', `The record of patient ${key} is suspended`),
  REPLACED_NOT_FOUND: () =>
    new DomainError('REPLACED_NOT_FOUND', 'A replaced document is no longer current'),
  DUPLICATE_ENTRY_UUID: () =>
    new DomainError(
      'DUPLICATE_ENTRY_UUID',
      'An entryUUID of this submission is already registered',
    ),
};

/** Maps the guard's exceptions and unique violations to the error catalogue. */
function submissionFailure(error: unknown, patientKey: string): unknown {
  const { code, message } = error as { code?: string; message?: string };
  if (code === RAISED_BY_GUARD && message && GUARD_FAILURES[message]) {
    return GUARD_FAILURES[message](patientKey);
  }
  if (code === UNIQUE_VIOLATION) {
    const { constraint } = error as { constraint?: string };
    return constraint === 'document_locator_pkey'
      ? new DocumentAlreadyRegistered()
      : new DomainError(
          'DUPLICATE_UNIQUE_ID',
          'A uniqueId of this submission is already registered',
        );
  }
  return error;
}

function contentToRow(content: DocumentContent, dataKey: Buffer): DocumentContentRow {
  const { ciphertext, nonce, authTag } = sealContent(dataKey, content, content.bytes);
  return {
    ...content,
    bytes: ciphertext,
    nonce,
    authTag,
    size: String(content.size),
    storedAt: new Date(),
  };
}

function locatorRow(entry: DocumentEntry): DocumentLocatorRow {
  return {
    uniqueId: entry.uniqueId,
    patientKey: entry.patientKey,
    logicalId: entry.logicalId,
    hashSha1: entry.hashSha1,
    size: String(entry.size),
  };
}

async function applyUpdate(
  manager: EntityManager,
  patientKey: string,
  { logicalId, expectedVersion, change }: DocumentUpdate,
): Promise<DocumentEntry> {
  const current = await manager.findOne(DocumentEntryRow, {
    where: { patientKey, logicalId, isLatest: true },
    lock: { mode: 'pessimistic_write' },
  });
  if (!current || current.version !== expectedVersion) {
    throw new DomainError('PRECONDITION_FAILED', 'The document was changed concurrently');
  }
  if (!change.confidentialityCodes && !change.metadata) {
    await manager.update(
      DocumentEntryRow,
      { patientKey, entryUuid: current.entryUuid },
      { status: change.status },
    );
    return documentEntryFromRow({ ...current, status: change.status ?? current.status });
  }
  return writeNewVersion(manager, current, change);
}

/** A change of confidentiality or other metadata makes a new version; the previous is deprecated. */
async function writeNewVersion(
  manager: EntityManager,
  current: DocumentEntryRow,
  change: MetadataChange,
): Promise<DocumentEntry> {
  const previous = documentEntryFromRow(current);
  const next: DocumentEntry = {
    ...previous,
    ...change.metadata,
    entryUuid: change.entryUuid ?? newEntryUuid(),
    version: previous.version + 1,
    status: change.status ?? previous.status,
    confidentialityCodes: change.confidentialityCodes ?? previous.confidentialityCodes,
  };
  await manager.update(
    DocumentEntryRow,
    { patientKey: current.patientKey, entryUuid: current.entryUuid },
    { isLatest: false, status: 'Deprecated' },
  );
  await manager.insert(DocumentEntryRow, documentEntryToRow(next, true));
  return next;
}
