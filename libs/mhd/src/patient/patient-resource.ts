import type { Extension, Patient } from 'fhir/r4';
import { PatientId, PatientRecord } from '@passerelle/domain';
import { patientResourceId } from '../resources/patient-reference';

/** Record status (open / closed with date and reason) as an extension of the Patient. */
export const RECORD_STATUS_EXTENSION = 'urn:passerelle:fhir:StructureDefinition:dmp-record-status';

export function patientResourceFrom(record: PatientRecord): Patient {
  const patientId = PatientId.of(record.insOid, record.insValue);
  const status: Extension = {
    url: RECORD_STATUS_EXTENSION,
    extension: [
      { url: 'status', valueCode: record.status },
      { url: 'opened', valueDateTime: record.openedAt.toISOString() },
      { url: 'openedBy', valueString: record.openedBy },
      ...(record.closedAt ? [{ url: 'closed', valueDateTime: record.closedAt.toISOString() }] : []),
      ...(record.closureReason
        ? [{ url: 'closureReason', valueString: record.closureReason }]
        : []),
    ],
  };
  return {
    resourceType: 'Patient',
    id: patientResourceId(patientId),
    extension: [status],
    identifier: [{ use: 'official', system: patientId.fhirSystem, value: patientId.value }],
    active: record.status === 'open',
    ...(record.family || record.given
      ? { name: [{ family: record.family, ...(record.given ? { given: [record.given] } : {}) }] }
      : {}),
    ...(record.birthDate ? { birthDate: record.birthDate } : {}),
    ...(record.gender ? { gender: record.gender as Patient['gender'] } : {}),
    ...(record.email ? { telecom: [{ system: 'email', value: record.email }] } : {}),
  };
}
