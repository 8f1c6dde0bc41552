import type { AuditEvent } from 'fhir/r4';
import type { AuditRecord } from '@passerelle/audit';
import { PatientId } from '@passerelle/domain';
import { patientResourceId } from '../resources/patient-reference';

const ACTION_CODES: Record<string, AuditEvent['action']> = {
  'document.provide': 'C',
  'document.consult': 'R',
  'document.update': 'U',
  'document.delete': 'D',
  'record.open': 'C',
  'record.manage': 'E',
  'record.status': 'R',
  'consent.manage': 'E',
  'consent.read': 'R',
  'patient.decide': 'E',
  'audit.read': 'R',
};

const OUTCOME_CODES: Record<AuditRecord['outcome'], AuditEvent['outcome']> = {
  allowed: '0',
  denied: '4',
  failed: '8',
};

/** One audit record as a FHIR AuditEvent (IHE BALP-style: who, what, when, why, outcome). */
export function auditEventFrom(record: AuditRecord): AuditEvent {
  const principal = record.principal;
  return {
    resourceType: 'AuditEvent',
    id: record.id,
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    subtype: [{ system: 'urn:passerelle:audit:transaction', code: record.transaction }],
    action: ACTION_CODES[record.action] ?? 'E',
    recorded: record.recordedAt.toISOString(),
    outcome: OUTCOME_CODES[record.outcome],
    ...(record.reason ? { outcomeDesc: record.reason } : {}),
    ...(principal
      ? {
          purposeOfEvent: [
            {
              coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.248', code: principal.purposeOfUse }],
              ...(principal.accessReason ? { text: principal.accessReason } : {}),
            },
          ],
        }
      : {}),
    agent: principal
      ? [
          {
            who: { identifier: { value: principal.subjectId }, display: principal.name },
            requestor: true,
            ...(principal.professionCode
              ? {
                  role: [
                    {
                      coding: [
                        { system: 'urn:oid:1.2.250.1.71.1.2.7', code: principal.professionCode },
                      ],
                    },
                  ],
                }
              : {}),
            extension: [
              {
                url: 'urn:passerelle:audit:authentication-mode',
                valueCode: principal.authenticationMode,
              },
              {
                url: 'urn:passerelle:audit:certificate-serial',
                valueString: principal.certificateSerial,
              },
            ],
          },
        ]
      : [{ who: { display: 'unauthenticated' }, requestor: true }],
    source: { observer: { display: 'Passerelle' } },
    entity: [
      ...(record.patientKey ? [patientEntity(record.patientKey)] : []),
      ...record.documents.map((uniqueId) => ({
        what: { identifier: { system: 'urn:ietf:rfc:3986', value: uniqueId } },
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2' },
      })),
    ],
    extension: [{ url: 'urn:passerelle:audit:emergency', valueBoolean: record.emergency }],
  };
}

function patientEntity(patientKey: string) {
  const patientId = PatientId.fromCx(patientKey);
  return {
    what: { reference: `Patient/${patientResourceId(patientId)}` },
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1' },
    role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1' },
  };
}
