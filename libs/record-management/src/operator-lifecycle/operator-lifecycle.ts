import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_STORE, AuditEntry, AuditStore, AuditedPrincipal } from '@passerelle/audit';
import {
  LifecycleEvent,
  PatientRecord,
  RecordLifecycle,
  nextLifecycle,
  pendingLifecycle,
} from '@passerelle/domain';
import { randomUUID } from 'node:crypto';
import { lifecycleNotice } from '../record-lifecycle/lifecycle-step';
import {
  CLOCK,
  Clock,
  PATIENT_RECORD_STORE,
  PatientRecordStore,
  RECORD_LIFECYCLE_STORE,
  RecordLifecycleStore,
} from '../ports';

/** The steps an operator takes in the gateway's database (the CLI without --server). */
export type OperatorStep = Extract<
  LifecycleEvent,
  { readonly kind: 'suspend' | 'lift-suspension' | 'close' | 'reopen' }
>;

/**
 * The operator's lifecycle steps: opening a record by default (Mon espace santé: pending, the
 * patient may oppose within six weeks of the notice), suspending a record on a documented legal
 * basis (and lifting it), closing or reopening it on the patient's written request. They are taken in the
 * database, never through a door: no certificate and no patient token acts as the operator.
 * Each is audited in the patient's trail (principal OPERATOR, the basis and reference as the
 * reason) and the patient told the new status.
 */
@Injectable()
export class OperatorLifecycle {
  constructor(
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
    @Inject(RECORD_LIFECYCLE_STORE) private readonly lifecycle: RecordLifecycleStore,
    @Inject(AUDIT_STORE) private readonly audits: AuditStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Opens the record pending, unless one exists (left unchanged); the patient is sent the notice
   * with the date until which he may oppose.
   */
  async openByDefault(
    operator: string,
    identity: Omit<PatientRecord, keyof RecordLifecycle | 'openedAt' | 'openedBy'>,
  ): Promise<{ record: PatientRecord; created: boolean }> {
    const now = this.clock.now();
    const opened = await this.records.openIfAbsent({
      ...identity,
      ...pendingLifecycle(now),
      openedAt: now,
      openedBy: operator,
    });
    if (opened.created) {
      await this.audits.write(
        operatorAudit(operator, identity.patientKey, 'open-by-default', opened.record, now),
      );
    }
    return opened;
  }

  /** The record's new lifecycle; `undefined` when there is no record. */
  async step(
    operator: string,
    patientKey: string,
    event: OperatorStep,
  ): Promise<RecordLifecycle | undefined> {
    const now = this.clock.now();
    const next = await this.lifecycle.transition(patientKey, (current) =>
      nextLifecycle(current, event, now),
    );
    if (!next) return undefined;
    await this.audits.write(operatorAudit(operator, patientKey, event, next, now));
    return next;
  }
}

function operatorAudit(
  operator: string,
  patientKey: string,
  event: OperatorStep | 'open-by-default',
  next: RecordLifecycle,
  now: Date,
): AuditEntry {
  const change = event === 'open-by-default' ? event : event.kind;
  const principal: AuditedPrincipal = {
    kind: 'OPERATOR',
    subjectId: operator,
    name: operator,
    authenticationMode: 'OPERATOR',
    purposeOfUse: 'normal',
  };
  return {
    record: {
      id: randomUUID(),
      patientKey,
      recordedAt: now,
      transaction: `record-${change}`,
      action: 'record.lifecycle',
      outcome: 'allowed',
      reason: event === 'open-by-default' ? undefined : reasonOf(event),
      emergency: false,
      principal,
      documents: [],
      httpStatus: 200,
    },
    notifications: [
      {
        id: randomUUID(),
        patientKey,
        kind: 'record-status',
        payload: lifecycleNotice(change, next),
        createdAt: now,
      },
    ],
  };
}

function reasonOf(event: OperatorStep): string | undefined {
  switch (event.kind) {
    case 'suspend':
      return `${event.basis}: ${event.reference}`;
    case 'close':
      return event.reason;
    default:
      return undefined;
  }
}
