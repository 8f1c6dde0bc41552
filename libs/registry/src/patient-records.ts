import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  PatientId,
  PatientRecord,
  Principal,
  principalLabel,
} from '@passerelle/domain';
import { PATIENT_RECORD_STORE, PatientRecordStore } from './ports';

export interface Demographics {
  readonly family?: string;
  readonly given?: string;
  readonly birthDate?: string;
  readonly gender?: string;
  readonly email?: string;
}

/** The patient's shared record ("DMP"): opened once, required open before any document. */
@Injectable()
export class PatientRecords {
  constructor(@Inject(PATIENT_RECORD_STORE) private readonly store: PatientRecordStore) {}

  find(patientId: PatientId): Promise<PatientRecord | undefined> {
    return this.store.find(patientId.key);
  }

  /** Opens the record unless it exists (then returns it unchanged, `created: false`). */
  open(
    patientId: PatientId,
    openedBy: Principal | string,
    demographics: Demographics = {},
  ): Promise<{ record: PatientRecord; created: boolean }> {
    return this.store.openIfAbsent({
      patientKey: patientId.key,
      insValue: patientId.value,
      insOid: patientId.oid,
      status: 'open',
      openedAt: new Date(),
      openedBy: typeof openedBy === 'string' ? openedBy : principalLabel(openedBy),
      ...demographics,
    });
  }
}

/** Documents are accepted only into an existing, open record (XDSUnknownPatientId otherwise). */
export function assertRecordOpen(
  record: PatientRecord | undefined,
  patientId: PatientId,
): PatientRecord {
  if (!record) {
    throw new DomainError('UNKNOWN_PATIENT', `No record exists for patient ${patientId.key}`);
  }
  if (record.status !== 'open') {
    throw new DomainError('RECORD_CLOSED', `The record of patient ${patientId.key} is closed`);
  }
  return record;
}
