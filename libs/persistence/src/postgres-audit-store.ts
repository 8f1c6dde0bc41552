import { Injectable } from '@nestjs/common';
import type {
  AddressedNotification,
  AuditEntry,
  AuditRecord,
  AuditStore,
  AuditedPrincipal,
  NotificationOutbox,
  PendingNotification,
} from '@passerelle/audit';
import type { Page, WriteUnit } from '@passerelle/domain';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Queryable } from './encryption/patient-data-keys';
import type { TableRows } from './copy-rows';
import { InsertStatement, NamedCte, Param, Statement, statementOf } from './insert-statement';
import { postgresUnit } from './postgres-write-unit';

interface AuditRow {
  patient_key: string;
  id: string;
  recorded_at: Date;
  transaction: string;
  action: string;
  outcome: AuditRecord['outcome'];
  reason: string | null;
  emergency: boolean;
  principal: AuditedPrincipal | null;
  documents: string[];
  http_status: number;
  request_id: string | null;
  total: string;
}

/**
 * A request's audit record, the notifications it causes (but those of a kind the patient turned
 * off; an emergency access always is) and the first-access check with its notification, as
 * CTEs of one statement; with `when` (an SQL condition on the statement's other CTEs), none of it
 * unless it holds. A record its use case wrote ahead with a read (ITI-68) takes the door's
 * verdict if the request then failed: same id, the outcome and status are replaced. The
 * documents named are `documentsSql` when the statement itself finds them (ITI-67).
 */
export function auditCtes(
  { record, notifications, firstAccess }: AuditEntry,
  when = 'true',
  documentsSql?: string,
): NamedCte[] {
  return [
    {
      name: 'audit_row',
      sql: (p) =>
        `INSERT INTO audit_event (patient_key, id, recorded_at, transaction, action, outcome, reason,
                                  emergency, subject_id, principal, documents, http_status,
                                  request_id)
         SELECT ${p(record.patientKey ?? '')}, ${p(record.id)}, ${p(record.recordedAt)}::timestamptz,
                ${p(record.transaction)}, ${p(record.action)}, ${p(record.outcome)},
                ${p(record.reason ?? null)}, ${p(record.emergency)}::boolean,
                ${p(record.principal?.subjectId ?? null)},
                ${p(record.principal ? JSON.stringify(record.principal) : null)}::jsonb,
                ${documentsSql ?? `${p(record.documents)}::text[]`}, ${p(record.httpStatus)}::int,
                ${p(record.requestId ?? null)}
         WHERE ${when}
         ON CONFLICT (patient_key, id) DO UPDATE SET outcome = EXCLUDED.outcome,
           reason = EXCLUDED.reason, http_status = EXCLUDED.http_status`,
    },
    {
      name: 'notified',
      sql: (p) =>
        `INSERT INTO notification_outbox (patient_key, id, kind, payload, created_at, next_attempt_at)
         SELECT n.patient_key, n.id, n.kind, n.payload, n.created_at, n.created_at
         FROM jsonb_to_recordset(${p(JSON.stringify(notifications.map(notificationRow)))}::jsonb)
           AS n(patient_key text, id text, kind text, payload jsonb, created_at timestamptz)
         LEFT JOIN patient_record r ON r.patient_key = n.patient_key
         WHERE (n.kind = 'emergency-access'
                OR COALESCE((r.notification_preferences ->> n.kind)::boolean, true))
           AND ${when}`,
    },
    ...(firstAccess ? firstAccessCtes(firstAccess, when) : []),
  ];
}

/**
 * The audit records of a unit of several changes (a bulk import's batch for one record): the
 * same rows and notifications as {@link auditCtes} writes for each, in one INSERT a table. A
 * unit of one change is written by {@link auditCtes} itself.
 */
export function auditsCtes(entries: readonly AuditEntry[]): NamedCte[] {
  if (entries.length === 1) return auditCtes(entries[0]);
  if (entries.some((entry) => entry.firstAccess)) {
    throw new Error('A unit of several audit records cannot note a first access');
  }
  const records = entries.map(({ record }) => ({
    patient_key: record.patientKey ?? '',
    id: record.id,
    recorded_at: record.recordedAt.toISOString(),
    transaction: record.transaction,
    action: record.action,
    outcome: record.outcome,
    reason: record.reason ?? null,
    emergency: record.emergency,
    subject_id: record.principal?.subjectId ?? null,
    principal: record.principal ?? null,
    documents: record.documents,
    http_status: record.httpStatus,
    request_id: record.requestId ?? null,
  }));
  const notifications = entries.flatMap((entry) => entry.notifications.map(notificationRow));
  return [
    {
      name: 'audit_rows',
      sql: (p) =>
        `INSERT INTO audit_event (patient_key, id, recorded_at, transaction, action, outcome, reason,
                                  emergency, subject_id, principal, documents, http_status,
                                  request_id)
         SELECT a.patient_key, a.id, a.recorded_at, a.transaction, a.action, a.outcome, a.reason,
                a.emergency, a.subject_id, a.principal,
                ARRAY(SELECT jsonb_array_elements_text(a.documents)), a.http_status, a.request_id
         FROM jsonb_to_recordset(${p(JSON.stringify(records))}::jsonb)
           AS a(patient_key text, id text, recorded_at timestamptz, transaction text, action text,
                outcome text, reason text, emergency boolean, subject_id text, principal jsonb,
                documents jsonb, http_status int, request_id text)`,
    },
    { name: 'notified_all', sql: (p) => notifiedSql(p, notifications) },
  ];
}

/** The notifications owed, but those of a kind the patient turned off (never an emergency's). */
function notifiedSql(p: Param, notifications: readonly ReturnType<typeof notificationRow>[]) {
  return `INSERT INTO notification_outbox (patient_key, id, kind, payload, created_at, next_attempt_at)
         SELECT n.patient_key, n.id, n.kind, n.payload, n.created_at, n.created_at
         FROM jsonb_to_recordset(${p(JSON.stringify(notifications))}::jsonb)
           AS n(patient_key text, id text, kind text, payload jsonb, created_at timestamptz)
         LEFT JOIN patient_record r ON r.patient_key = n.patient_key
         WHERE n.kind = 'emergency-access'
            OR COALESCE((r.notification_preferences ->> n.kind)::boolean, true)`;
}

const AUDIT_EVENT_COLUMNS = [
  'patient_key',
  'id',
  'recorded_at',
  'transaction',
  'action',
  'outcome',
  'reason',
  'emergency',
  'subject_id',
  'principal',
  'documents',
  'http_status',
  'request_id',
];

/**
 * The audit records of units written together (a bulk import's batch), as rows for COPY, and
 * the statement queuing their notifications: what {@link auditsCtes} writes for them.
 */
export function auditWrites(entries: readonly AuditEntry[]): {
  rows: TableRows;
  notified: Statement;
} {
  if (entries.some((entry) => entry.firstAccess)) {
    throw new Error('Audit records written together cannot note a first access');
  }
  const rows = entries.map(({ record }) => [
    record.patientKey ?? '',
    record.id,
    record.recordedAt,
    record.transaction,
    record.action,
    record.outcome,
    record.reason ?? null,
    record.emergency,
    record.principal?.subjectId ?? null,
    record.principal ?? null,
    record.documents,
    record.httpStatus,
    record.requestId ?? null,
  ]);
  const notifications = entries.flatMap((entry) => entry.notifications.map(notificationRow));
  return {
    rows: { table: 'audit_event', columns: AUDIT_EVENT_COLUMNS, rows },
    notified: statementOf((p) => notifiedSql(p, notifications)),
  };
}

/** The professional's first access to the record, and the patient's notice of it. */
function firstAccessCtes(
  firstAccess: NonNullable<AuditEntry['firstAccess']>,
  when: string,
): NamedCte[] {
  return [
    {
      name: 'first_access',
      sql: (p) =>
        `INSERT INTO professional_first_access (patient_key, subject_id, first_at)
         SELECT ${p(firstAccess.patientKey)}, ${p(firstAccess.subjectId)}, now() WHERE ${when}
         ON CONFLICT DO NOTHING RETURNING patient_key`,
    },
    {
      name: 'first_access_notified',
      sql: (p) =>
        `INSERT INTO notification_outbox (patient_key, id, kind, payload, created_at, next_attempt_at)
         SELECT f.patient_key, ${p(randomUUID())}, 'first-access',
                ${p(JSON.stringify({ professional: firstAccess.subjectId, name: firstAccess.name }))}::jsonb,
                now(), now()
         FROM first_access f LEFT JOIN patient_record r ON r.patient_key = f.patient_key
         WHERE COALESCE((r.notification_preferences ->> 'first-access')::boolean, true)`,
    },
  ];
}

/**
 * The audit trail and the notifications outbox. A request's audit record, the patient
 * notifications it causes and the first-access check are one statement; a notification of a
 * kind the patient turned off is not queued (an emergency access always is).
 */
@Injectable()
export class PostgresAuditStore implements AuditStore, NotificationOutbox {
  constructor(private readonly dataSource: DataSource) {}

  write(entry: AuditEntry): Promise<void> {
    return this.writeWith(this.dataSource, entry);
  }

  /** {@link write} in the caller's transaction: the audit of a step is stored with the step. */
  async writeWith(db: Queryable, entry: AuditEntry): Promise<void> {
    const [statement] = new InsertStatement(this.dataSource)
      .addGroup(auditCtes(entry))
      .statements();
    await db.query(statement.sql, [...statement.params]);
  }

  /** {@link write} when the unit commits, in its statement: the submission and its audit. */
  stage(unit: WriteUnit, entry: AuditEntry): void {
    postgresUnit(unit).audits.push(entry);
  }

  async findByPatient(
    patientKey: string,
    limit: number,
    offset: number,
  ): Promise<Page<AuditRecord>> {
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT *, count(*) OVER () AS total FROM audit_event WHERE patient_key = $1
       ORDER BY recorded_at DESC, id LIMIT $2 OFFSET $3`,
      [patientKey, limit, offset],
    );
    return { items: rows.map(auditRecordFromRow), total: rows.length ? Number(rows[0].total) : 0 };
  }

  async enqueue(notification: AddressedNotification): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_outbox
         (patient_key, id, kind, payload, created_at, next_attempt_at, recipient)
       VALUES ($1, $2, $3, $4, $5, $5, $6)`,
      [
        notification.patientKey,
        notification.id,
        notification.kind,
        JSON.stringify(notification.payload),
        notification.createdAt,
        notification.recipient,
      ],
    );
  }

  /**
   * The due notifications, oldest first — those that are not new-document notices before any
   * of these, so that an emergency access is not announced after a bulk import's backlog.
   */
  async claimDue(limit: number, now: Date): Promise<PendingNotification[]> {
    const urgent = await this.claimWhere(
      `delivered_at IS NULL AND kind <> 'new-document' AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $2`,
      [now, limit],
    );
    if (urgent.length >= limit) return urgent;
    const others = await this.claimWhere(
      `delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2`,
      [now, limit - urgent.length],
    );
    return [...urgent, ...others];
  }

  async claim(patientKey: string, id: string, now: Date): Promise<PendingNotification | undefined> {
    const [claimed] = await this.claimWhere(
      `delivered_at IS NULL AND patient_key = $2 AND id = $3`,
      [now, patientKey, id],
    );
    return claimed;
  }

  /**
   * Claims the notifications `due` selects (`$1` is now): each is held for 5 minutes, so that
   * several gateways deliver each once; the addressee, or else the patient's e-mail.
   */
  private async claimWhere(due: string, params: unknown[]): Promise<PendingNotification[]> {
    const rows: {
      patient_key: string;
      id: string;
      kind: PendingNotification['kind'];
      payload: Record<string, unknown>;
      created_at: Date;
      attempts: number;
      recipient: string | null;
    }[] = await this.dataSource.query(
      `WITH due AS (
         SELECT patient_key, id FROM notification_outbox WHERE ${due} FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE notification_outbox o SET next_attempt_at = $1::timestamptz + interval '5 minutes'
         FROM due WHERE o.patient_key = due.patient_key AND o.id = due.id
         RETURNING o.patient_key, o.id, o.kind, o.payload, o.created_at, o.attempts,
                   o.recipient)
       SELECT c.patient_key, c.id, c.kind, c.payload, c.created_at, c.attempts,
              COALESCE(c.recipient, r.demographics->>'email') AS recipient
       FROM claimed c LEFT JOIN patient_record r ON r.patient_key = c.patient_key`,
      params,
    );
    return rows.map((row) => ({
      patientKey: row.patient_key,
      id: row.id,
      kind: row.kind,
      payload: row.payload,
      createdAt: row.created_at,
      attempts: row.attempts,
      recipient: row.recipient ?? undefined,
    }));
  }

  async markDelivered(notification: PendingNotification, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_outbox SET delivered_at = $3, attempts = attempts + 1, last_error = NULL,
         payload = payload - 'code'
       WHERE patient_key = $1 AND id = $2`,
      [notification.patientKey, notification.id, at],
    );
  }

  async markFailed(notification: PendingNotification, error: string, retryAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4
       WHERE patient_key = $1 AND id = $2`,
      [notification.patientKey, notification.id, error.slice(0, 1000), retryAt],
    );
  }
}

function notificationRow(notification: AuditEntry['notifications'][number]) {
  return {
    patient_key: notification.patientKey,
    id: notification.id,
    kind: notification.kind,
    payload: notification.payload,
    created_at: notification.createdAt.toISOString(),
  };
}

function auditRecordFromRow(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    patientKey: row.patient_key || undefined,
    recordedAt: row.recorded_at,
    transaction: row.transaction,
    action: row.action,
    outcome: row.outcome,
    reason: row.reason ?? undefined,
    emergency: row.emergency,
    principal: row.principal ?? undefined,
    documents: row.documents,
    httpStatus: row.http_status,
    requestId: row.request_id ?? undefined,
  };
}
