import { DomainError, PatientId, PatientRecord } from '@passerelle/domain';

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
