import type { Page, WriteUnit } from '@passerelle/domain';
import type { AuditRecord, PatientNotification } from './audit-record';

export const AUDIT_STORE = Symbol('AuditStore');

/** What one request leaves behind: its audit record and the notifications it owes the patient. */
export interface AuditEntry {
  readonly record: AuditRecord;
  readonly notifications: readonly PatientNotification[];
  /** A professional who consulted: notify the patient if it is the first time. */
  readonly firstAccess?: {
    readonly patientKey: string;
    readonly subjectId: string;
    readonly name: string;
  };
}

export interface AuditStore {
  /** Writes the audit record, the notifications and the first-access check in one statement. */
  write(entry: AuditEntry): Promise<void>;
  /** Stages {@link write} into the unit: written when, and only if, the unit commits. */
  stage(unit: WriteUnit, entry: AuditEntry): void;
  findByPatient(patientKey: string, limit: number, offset: number): Promise<Page<AuditRecord>>;
}

export const NOTIFICATION_OUTBOX = Symbol('NotificationOutbox');

export interface PendingNotification extends PatientNotification {
  readonly attempts: number;
  /** Whom to send it to: the addressee, or else the patient's e-mail address when he has one. */
  readonly recipient?: string;
}

/** A message for an account holder (a legal representative, say) rather than the record's contact. */
export interface AddressedNotification extends PatientNotification {
  readonly recipient: string;
}

/**
 * The outbox as the dispatcher sees it: claim due notifications, then settle each. A code
 * (`payload.code`) is erased from the outbox once delivered.
 */
export interface NotificationOutbox {
  enqueue(notification: AddressedNotification): Promise<void>;
  /** Claims one notification, unless it was delivered or another node holds it. */
  claim(patientKey: string, id: string, now: Date): Promise<PendingNotification | undefined>;
  claimDue(limit: number, now: Date): Promise<PendingNotification[]>;
  markDelivered(notification: PendingNotification, at: Date): Promise<void>;
  markFailed(notification: PendingNotification, error: string, retryAt: Date): Promise<void>;
}
