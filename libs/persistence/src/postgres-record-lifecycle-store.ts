import { Injectable } from '@nestjs/common';
import type { AuditEntry } from '@passerelle/audit';
import { RecordLifecycle, nextLifecycle } from '@passerelle/domain';
import type {
  LifecycleJobStore,
  PurgeReport,
  RecordLifecycleStore,
} from '@passerelle/record-management';
import { DataSource, EntityManager } from 'typeorm';
import { PatientDataKeys } from './encryption/patient-data-keys';
import type { PatientRecordRow } from './entities';
import { PostgresAuditStore } from './postgres-audit-store';
import { LifecycleColumns, lifecycleFromColumns, lifecycleToColumns } from './row-mapping';

interface LifecycleRow {
  patient_key: string;
  status: PatientRecordRow['status'];
  closed_at: Date | null;
  closure_reason: string | null;
  opposition_until: Date | null;
  deletion_requested_at: Date | null;
  purge_due_at: Date | null;
  suspension: PatientRecordRow['suspension'];
  purged_at: Date | null;
}

const LIFECYCLE_COLUMNS = `patient_key, status, closed_at, closure_reason, opposition_until,
  deletion_requested_at, purge_due_at, suspension, purged_at`;

/** A purge's second transaction deletes, in this order, every row the record has. */
const PATIENT_ROWS = [
  'document_content',
  'document_locator',
  'association',
  'folder',
  'document_entry',
  'submission_set',
  'access_authorisation',
  'access_block',
  'medecin_traitant',
  'professional_first_access',
  'notification_outbox',
  'audit_event',
];

/**
 * The record's lifecycle on PostgreSQL: each step under the record's row lock; the time-based
 * steps claim their record with `FOR UPDATE SKIP LOCKED`, so that several nodes' schedulers share
 * the due records and never step one twice.
 */
@Injectable()
export class PostgresRecordLifecycleStore implements RecordLifecycleStore, LifecycleJobStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dataKeys: PatientDataKeys,
    private readonly audits: PostgresAuditStore,
  ) {}

  transition(
    patientKey: string,
    step: (current: RecordLifecycle) => RecordLifecycle,
  ): Promise<RecordLifecycle | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<LifecycleRow[]>(
        `SELECT ${LIFECYCLE_COLUMNS} FROM patient_record WHERE patient_key = $1 FOR UPDATE`,
        [patientKey],
      );
      if (!row) return undefined;
      const next = step(lifecycleOf(row));
      await store(manager, patientKey, next);
      return next;
    });
  }

  activateOneDue(
    now: Date,
    audit: (patientKey: string) => AuditEntry,
  ): Promise<string | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<LifecycleRow[]>(
        `SELECT ${LIFECYCLE_COLUMNS} FROM patient_record
          WHERE status = 'pending' AND opposition_until <= $1
          ORDER BY opposition_until LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      if (!row) return undefined;
      await store(
        manager,
        row.patient_key,
        nextLifecycle(lifecycleOf(row), { kind: 'activate' }, now),
      );
      await this.audits.writeWith(manager, audit(row.patient_key));
      return row.patient_key;
    });
  }

  async purgeOneDue(
    now: Date,
    audit: (report: PurgeReport) => AuditEntry,
  ): Promise<PurgeReport | undefined> {
    for (;;) {
      const started = await this.destroyKeyOfOneDue(now);
      if (!started) return undefined;
      const report = await this.deleteRows(
        started.patientKey,
        now,
        started.dataKeyDestroyed,
        audit,
      );
      if (report) return report;
    }
  }

  /** The purge's first transaction: the data key, destroyed before any row is deleted. */
  private destroyKeyOfOneDue(
    now: Date,
  ): Promise<{ patientKey: string; dataKeyDestroyed: boolean } | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<LifecycleRow[]>(
        `SELECT ${LIFECYCLE_COLUMNS} FROM patient_record
          WHERE status IN ('closed', 'deletion-requested') AND purge_due_at <= $1
          ORDER BY purge_due_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      if (!row) return undefined;
      nextLifecycle(lifecycleOf(row), { kind: 'purge' }, now);
      const dataKeyDestroyed = await this.dataKeys.destroy(manager, row.patient_key);
      await manager.query(
        `UPDATE patient_record SET purge_started_at = COALESCE(purge_started_at, $2)
          WHERE patient_key = $1`,
        [row.patient_key, now],
      );
      return { patientKey: row.patient_key, dataKeyDestroyed };
    });
  }

  /**
   * The purge's second transaction: every row of the record, its patients' accounts and their
   * login state; the record left as a tombstone, and the purge's audit. `undefined` when another
   * runner holds the record or has purged it already.
   */
  private deleteRows(
    patientKey: string,
    now: Date,
    dataKeyDestroyed: boolean,
    audit: (report: PurgeReport) => AuditEntry,
  ): Promise<PurgeReport | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<LifecycleRow[]>(
        `SELECT ${LIFECYCLE_COLUMNS} FROM patient_record
          WHERE patient_key = $1 AND status IN ('closed', 'deletion-requested')
          FOR UPDATE SKIP LOCKED`,
        [patientKey],
      );
      if (!row) return undefined;
      const purged = nextLifecycle(lifecycleOf(row), { kind: 'purge' }, now);
      const [{ n: documents }] = await manager.query<{ n: number }[]>(
        `SELECT count(DISTINCT logical_id)::int AS n FROM document_entry WHERE patient_key = $1`,
        [patientKey],
      );
      await deleteAccounts(manager, patientKey);
      for (const table of PATIENT_ROWS) {
        await manager.query(`DELETE FROM ${table} WHERE patient_key = $1`, [patientKey]);
      }
      await manager.query(
        `UPDATE patient_record
            SET demographics = '{}', phone = NULL, notification_preferences = '{}',
                emergency_consents = '{}'
          WHERE patient_key = $1`,
        [patientKey],
      );
      await store(manager, patientKey, purged);
      const report: PurgeReport = {
        patientKey,
        cause: row.status === 'deletion-requested' ? 'deletion-requested' : 'retention-over',
        documents,
        dataKeyDestroyed,
      };
      await this.audits.writeWith(manager, audit(report));
      return report;
    });
  }
}

/** The patient's (and his legal representatives') accounts, codes and provider sessions. */
async function deleteAccounts(manager: EntityManager, patientKey: string): Promise<void> {
  const accounts = `SELECT id FROM patient_account WHERE patient_key = $1`;
  await manager.query(`DELETE FROM patient_one_time_code WHERE account_id IN (${accounts})`, [
    patientKey,
  ]);
  await manager.query(`DELETE FROM oidc_model WHERE payload ->> 'accountId' IN (${accounts})`, [
    patientKey,
  ]);
  await manager.query(`DELETE FROM patient_account WHERE patient_key = $1`, [patientKey]);
}

function lifecycleOf(row: LifecycleRow): RecordLifecycle {
  return lifecycleFromColumns({
    status: row.status,
    closedAt: row.closed_at,
    closureReason: row.closure_reason,
    oppositionUntil: row.opposition_until,
    deletionRequestedAt: row.deletion_requested_at,
    purgeDueAt: row.purge_due_at,
    suspension: row.suspension,
    purgedAt: row.purged_at,
  });
}

async function store(manager: EntityManager, patientKey: string, next: RecordLifecycle) {
  const columns: LifecycleColumns = lifecycleToColumns(next);
  await manager.query(
    `UPDATE patient_record
        SET status = $2, closed_at = $3, closure_reason = $4, opposition_until = $5,
            deletion_requested_at = $6, purge_due_at = $7, suspension = $8, purged_at = $9
      WHERE patient_key = $1`,
    [
      patientKey,
      columns.status,
      columns.closedAt,
      columns.closureReason,
      columns.oppositionUntil,
      columns.deletionRequestedAt,
      columns.purgeDueAt,
      columns.suspension ? JSON.stringify(columns.suspension) : null,
      columns.purgedAt,
    ],
  );
}
