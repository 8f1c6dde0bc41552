import type { AuditEvent, AuditEventAgent } from 'fhir/r4';
import type { AuditRecord, AuditedPrincipal } from '@passerelle/audit';
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
            ...roleOf(principal),
            extension: [
              {
                url: 'urn:passerelle:audit:authentication-mode',
                valueCode: principal.authenticationMode,
              },
              ...(principal.certificateSerial
                ? [
                    {
                      url: 'urn:passerelle:audit:certificate-serial',
                      valueString: principal.certificateSerial,
                    },
                  ]
                : []),
              ...(principal.clientId
                ? [{ url: 'urn:passerelle:audit:patient-app', valueString: principal.clientId }]
                : []),
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

/**
 * Who acted, as the patient reads it in his history: the profession (TRE_G15, with its label)
 * of a professional; the patient himself or his legal representative on his channel.
 */
function roleOf(principal: AuditedPrincipal): Pick<AuditEventAgent, 'role'> {
  if (principal.kind === 'PATIENT') {
    const representative = principal.role === 'REPRESENTANT_LEGAL';
    return {
      role: [
        {
          coding: [
            representative
              ? { system: V3_ROLE_CODE, code: 'GUARD', display: 'Représentant légal' }
              : { system: V3_ROLE_CLASS, code: 'PAT', display: 'Patient' },
          ],
        },
      ],
    };
  }
  if (!principal.professionCode) return {};
  return {
    role: [
      {
        coding: [
          {
            system: 'urn:oid:1.2.250.1.71.1.2.7',
            code: principal.professionCode,
            ...(principal.professionLabel ? { display: principal.professionLabel } : {}),
          },
        ],
      },
    ],
  };
}

const V3_ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
const V3_ROLE_CLASS = 'http://terminology.hl7.org/CodeSystem/v3-RoleClass';

function patientEntity(patientKey: string) {
  const patientId = PatientId.fromCx(patientKey);
  return {
    what: { reference: `Patient/${patientResourceId(patientId)}` },
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1' },
    role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1' },
  };
}
