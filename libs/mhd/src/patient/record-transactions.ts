import type { Bundle, Patient } from 'fhir/r4';
import { DomainError, PatientId } from '@passerelle/domain';
import { FindRecord, OpenRecord, ReadRecord } from '@passerelle/record-management';
import { fhirTransaction, ok } from '../door/fhir-transaction';
import { checkedShape } from '../resources/fhir-shape';
import { patientIdFromResourceId, patientIdFromToken } from '../resources/patient-reference';
import { patient as patientShape } from '../resources/resource-shapes';
import { single } from '../resources/search-parameters';
import { patientResourceFrom } from './patient-resource';

/** Opens the patient's record; `If-None-Exist` makes it conditional (an existing one is kept). */
export const OPEN_RECORD = fhirTransaction({
  name: 'record-open',
  method: 'POST',
  path: 'Patient',
  capability: { resource: 'Patient', interaction: 'create', conditional: true },
  useCase: OpenRecord,
  read: (request) => {
    const patient = asPatient(request.body);
    const patientId = insOf(patient);
    const ifNoneExist = request.headers['if-none-exist'];
    if (typeof ifNoneExist === 'string') checkIfNoneExist(ifNoneExist, patientId);
    return {
      patientId,
      unlessExists: typeof ifNoneExist === 'string',
      demographics: {
        family: patient.name?.[0]?.family,
        given: patient.name?.[0]?.given?.join(' '),
        birthDate: patient.birthDate,
        gender: patient.gender,
        email: patient.telecom?.find((telecom) => telecom.system === 'email')?.value,
      },
      representatives: legalRepresentativesOf(patient),
    };
  },
  write: ({ record, created }) => {
    const patient = patientResourceFrom(record);
    return {
      status: created ? 201 : 200,
      body: patient,
      headers: { Location: `Patient/${patient.id}` },
    };
  },
});

/** Whether the patient has a record, and its status: a searchset of zero or one Patient. */
export const FIND_RECORD = fhirTransaction({
  name: 'record-status',
  method: 'GET',
  path: 'Patient',
  capability: { resource: 'Patient', interaction: 'search-type' },
  searchParameters: [
    { name: 'identifier', type: 'token' },
    { name: '_id', type: 'token' },
  ],
  useCase: FindRecord,
  read: (request): PatientId => {
    const identifier = single(request.query, 'identifier');
    const id = single(request.query, '_id');
    if (identifier) return patientIdFromToken(identifier);
    if (id) return patientIdFromResourceId(id);
    throw new DomainError('METADATA_MISSING', 'Search Patient by identifier=<system>|<value>');
  },
  write: (record) =>
    ok({
      resourceType: 'Bundle',
      type: 'searchset',
      total: record ? 1 : 0,
      entry: record ? [{ resource: patientResourceFrom(record), search: { mode: 'match' } }] : [],
    } satisfies Bundle),
});

export const READ_RECORD = fhirTransaction({
  name: 'record-status',
  method: 'GET',
  path: 'Patient/:id',
  capability: { resource: 'Patient', interaction: 'read' },
  useCase: ReadRecord,
  read: (request) => patientIdFromResourceId(request.params.id),
  write: (record) => ok(patientResourceFrom(record)),
});

/** HL7 v3 RoleCode relationships that make a contact a minor's legal representative. */
const LEGAL_REPRESENTATIVE_ROLES = ['GUARD', 'PRN', 'MTH', 'FTH'];

/** `Patient.contact`s with a legal representative's relationship and an e-mail address. */
function legalRepresentativesOf(patient: Patient) {
  return (patient.contact ?? []).flatMap((contact) => {
    const representative = contact.relationship?.some((relationship) =>
      relationship.coding?.some((coding) => LEGAL_REPRESENTATIVE_ROLES.includes(coding.code ?? '')),
    );
    const email = contact.telecom?.find((telecom) => telecom.system === 'email')?.value;
    if (!representative || !email) return [];
    const name = [contact.name?.given?.join(' '), contact.name?.family].filter(Boolean).join(' ');
    return [{ email, name: name || email }];
  });
}

function asPatient(body: unknown): Patient {
  const resource = body as { resourceType?: unknown } | null;
  if (typeof resource !== 'object' || resource === null || resource.resourceType !== 'Patient') {
    throw new DomainError('INVALID_RESOURCE', 'Expected a Patient resource');
  }
  return checkedShape(patientShape, body, 'Patient') as Patient;
}

/** The INS identifier of the Patient (the first whose system is an INS OID). */
function insOf(patient: Patient): PatientId {
  const identifiers = patient.identifier ?? [];
  const ins = identifiers.find((i) => i.system?.startsWith('urn:oid:1.2.250.1.213.1.4.'));
  if (!ins) {
    throw new DomainError(
      'METADATA_MISSING',
      'Patient.identifier needs the INS (urn:oid:1.2.250.1.213.1.4.x)',
      'Patient.identifier',
    );
  }
  return PatientId.fromFhirIdentifier(ins.system, ins.value);
}

function checkIfNoneExist(ifNoneExist: string, patientId: PatientId): void {
  const match = /^(?:Patient\?)?identifier=(.+)$/.exec(ifNoneExist.trim());
  if (!match || !patientIdFromToken(decodeURIComponent(match[1])).equals(patientId)) {
    throw new DomainError(
      'PRECONDITION_FAILED',
      "If-None-Exist must be identifier=<system>|<value> of the Patient's INS",
    );
  }
}
