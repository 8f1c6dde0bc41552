import type { ContactPoint, Extension, Patient } from 'fhir/r4';
import {
  NotificationPreferences,
  OPTIONAL_NOTIFICATIONS,
  OptionalNotification,
  PatientId,
  PatientRecord,
} from '@passerelle/domain';
import { patientResourceId } from '../resources/patient-reference';

/** Record status (open / closed with date and reason) as an extension of the Patient. */
export const RECORD_STATUS_EXTENSION = 'urn:passerelle:fhir:StructureDefinition:dmp-record-status';
/** His notification preferences, named as `$notification-preferences` names them: his only. */
export const NOTIFICATION_PREFERENCES_EXTENSION =
  'urn:passerelle:fhir:StructureDefinition:notification-preferences';

const PREFERENCE_NAMES: Record<OptionalNotification, string> = {
  'new-document': 'newDocument',
  'first-access': 'firstAccess',
  'access-changed': 'accessChanged',
};

/**
 * The record as a Patient. Contact details (`telecom`) and notification preferences appear when
 * the record holds them: the use case gives them to the patient only.
 */
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
      ...(record.oppositionUntil
        ? [{ url: 'oppositionUntil', valueDateTime: record.oppositionUntil.toISOString() }]
        : []),
      ...(record.purgeDueAt
        ? [{ url: 'purgeDue', valueDateTime: record.purgeDueAt.toISOString() }]
        : []),
    ],
  };
  const telecom: ContactPoint[] = [
    ...(record.email ? [{ system: 'email' as const, value: record.email }] : []),
    ...(record.phone ? [{ system: 'phone' as const, value: record.phone }] : []),
  ];
  return {
    resourceType: 'Patient',
    id: patientResourceId(patientId),
    extension: [
      status,
      ...(record.notificationPreferences
        ? [preferencesExtension(record.notificationPreferences)]
        : []),
    ],
    identifier: [{ use: 'official', system: patientId.fhirSystem, value: patientId.value }],
    active: record.status === 'open' || record.status === 'pending',
    ...(record.family || record.given
      ? { name: [{ family: record.family, ...(record.given ? { given: [record.given] } : {}) }] }
      : {}),
    ...(record.birthDate ? { birthDate: record.birthDate } : {}),
    ...(record.gender ? { gender: record.gender as Patient['gender'] } : {}),
    ...(telecom.length ? { telecom } : {}),
  };
}

function preferencesExtension(preferences: NotificationPreferences): Extension {
  return {
    url: NOTIFICATION_PREFERENCES_EXTENSION,
    extension: OPTIONAL_NOTIFICATIONS.map((kind) => ({
      url: PREFERENCE_NAMES[kind],
      valueBoolean: preferences[kind],
    })),
  };
}
