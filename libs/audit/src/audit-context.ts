import { randomUUID } from 'node:crypto';
import type { Principal } from '@passerelle/domain';
import type { AuditOutcome, NotificationKind, PatientNotification } from './audit-record';

/**
 * The audit facts of one request: recorded by its use case as it goes (patient, documents, the
 * access decision, the notifications owed) and written by the door once the answer is ready.
 */
export class AuditContext {
  readonly id = randomUUID();
  readonly transaction: string;
  readonly action: string;
  readonly principal?: Principal;
  patientKey?: string;
  documents: string[] = [];
  outcome?: AuditOutcome;
  reason?: string;
  emergency = false;
  firstAccessBy?: { subjectId: string; name: string };
  readonly notifications: PatientNotification[] = [];
  /** Written with the change it records, in the same transaction: the door writes nothing more. */
  writtenWithChange = false;

  constructor(transaction: string, action: string, principal?: Principal) {
    this.transaction = transaction;
    this.action = action;
    this.principal = principal;
  }

  allowed(emergency: boolean): void {
    this.outcome = 'allowed';
    this.emergency = emergency;
  }

  denied(reason: string): void {
    this.outcome = 'denied';
    this.reason = reason;
  }

  /** Refused for what the request carries, not for who sent it (a signature that does not hold). */
  failed(reason: string): void {
    this.outcome = 'failed';
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

  /** Takes back the notices of a kind: facts recorded for an attempt that was not committed. */
  withdraw(kind: NotificationKind): void {
    for (let index = this.notifications.length - 1; index >= 0; index--) {
      if (this.notifications[index].kind === kind) this.notifications.splice(index, 1);
    }
  }
}
