import type { Patient } from 'fhir/r4';
import { nameOf } from './documents';

const RECORD_STATUS = 'urn:passerelle:fhir:StructureDefinition:dmp-record-status';
const PREFERENCES = 'urn:passerelle:fhir:StructureDefinition:notification-preferences';

export interface NotificationPreferences {
  readonly newDocument: boolean;
  readonly firstAccess: boolean;
  readonly accessChanged: boolean;
}

/** The record as the patient's Patient resource shows it to him. */
export interface PatientRecord {
  readonly name: string;
  readonly open: boolean;
  readonly openedAt?: Date;
  readonly closedAt?: Date;
  readonly closureReason?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly preferences: NotificationPreferences;
}

export function patientRecordOf(patient: Patient): PatientRecord {
  const status = patient.extension?.find((extension) => extension.url === RECORD_STATUS);
  const part = (url: string) => status?.extension?.find((extension) => extension.url === url);
  const preferences = patient.extension?.find((extension) => extension.url === PREFERENCES);
  const preference = (url: string) =>
    preferences?.extension?.find((extension) => extension.url === url)?.valueBoolean ?? true;
  const dateOf = (value: string | undefined) => (value ? new Date(value) : undefined);
  return {
    name: patient.name?.length ? nameOf(patient.name) : 'Titulaire du dossier',
    open: part('status')?.valueCode !== 'closed',
    openedAt: dateOf(part('opened')?.valueDateTime),
    closedAt: dateOf(part('closed')?.valueDateTime),
    closureReason: part('closureReason')?.valueString,
    email: patient.telecom?.find((telecom) => telecom.system === 'email')?.value,
    phone: patient.telecom?.find((telecom) => telecom.system === 'phone')?.value,
    preferences: {
      newDocument: preference('newDocument'),
      firstAccess: preference('firstAccess'),
      accessChanged: preference('accessChanged'),
    },
  };
}
