import { randomUUID } from 'node:crypto';
import type { Principal } from '@passerelle/domain';
import type { AuditOutcome, NotificationKind, PatientNotification } from './audit-record';

/**
 * What a request did, filled in as it goes (transaction, patient, documents, decision) and
 * written once when its answer is ready.
 */
export class AuditContext {
  readonly id = randomUUID();
  transaction: string;
  action = 'unknown';
  principal?: Principal;
  patientKey?: string;
  documents: string[] = [];
  outcome?: AuditOutcome;
  reason?: string;
  emergency = false;
  firstAccessBy?: { subjectId: string; name: string };
  readonly notifications: PatientNotification[] = [];

  constructor(transaction: string) {
    this.transaction = transaction;
  }

  begin(transaction: string, action: string): void {
    this.transaction = transaction;
    this.action = action;
  }

  allowed(emergency: boolean): void {
    this.outcome = 'allowed';
    this.emergency = emergency;
  }

  denied(reason: string): void {
    this.outcome = 'denied';
    this.reason = reason;
  }

  notify(kind: NotificationKind, payload: Record<string, unknown>): void {
    if (!this.patientKey) return;
    this.notifications.push({
      id: randomUUID(),
      patientKey: this.patientKey,
      kind,
      payload,
      createdAt: new Date(),
    });
  }
}
