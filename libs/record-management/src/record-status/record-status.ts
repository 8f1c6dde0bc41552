import { Inject, Injectable } from '@nestjs/common';
import { Access, AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import {
  DomainError,
  EVERY_NOTIFICATION,
  PatientId,
  PatientRecord,
  Principal,
} from '@passerelle/domain';
import { PATIENT_RECORD_STORE, PatientRecordStore } from '../ports';

/** Whether the patient has a record, and its status (open, closed with date and reason). */
@Injectable()
export class FindRecord implements UseCase<PatientId, PatientRecord | undefined> {
  constructor(
    private readonly access: AccessControl,
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
  ) {}

  execute(actor: Principal, patientId: PatientId): Promise<Outcome<PatientRecord | undefined>> {
    return audited(
      { transaction: 'record-status', action: 'record.status' },
      actor,
      async (audit) => {
        const record = await this.records.find(patientId.key);
        if (!record) return undefined;
        const access = await this.access.authorize(
          audit,
          actor,
          'record.status',
          record.patientKey,
        );
        return recordAsSeenBy(access, record);
      },
    );
  }
}

/** The patient's record by its FHIR id; 404 when there is none. */
@Injectable()
export class ReadRecord implements UseCase<PatientId, PatientRecord> {
  constructor(
    private readonly access: AccessControl,
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
  ) {}

  execute(actor: Principal, patientId: PatientId): Promise<Outcome<PatientRecord>> {
    return audited(
      { transaction: 'record-status', action: 'record.status' },
      actor,
      async (audit) => {
        const access = await this.access.authorize(audit, actor, 'record.status', patientId.key);
        const record = await this.records.find(patientId.key);
        if (!record)
          throw new DomainError('RESOURCE_NOT_FOUND', `Unknown Patient ${patientId.key}`);
        return recordAsSeenBy(access, record);
      },
    );
  }
}

/**
 * The record as this actor may see it: the patient sees his contact details and notification
 * preferences (every notification until he chose), anyone else none of them.
 */
export function recordAsSeenBy(access: Access, record: PatientRecord): PatientRecord {
  const { email, phone, notificationPreferences, ...shared } = record;
  if (!access.actor.patientChannel) return shared;
  return {
    ...shared,
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    notificationPreferences: notificationPreferences ?? EVERY_NOTIFICATION,
  };
}
