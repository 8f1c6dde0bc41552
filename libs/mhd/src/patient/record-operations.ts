import type { Parameters } from 'fhir/r4';
import type { Type } from '@nestjs/common';
import type { UseCase } from '@passerelle/audit';
import { DomainError } from '@passerelle/domain';
import {
  CloseRecord,
  DeclareAuthorisation,
  DeclareMedecinTraitant,
  OpposeRecord,
  RemoveMedecinTraitant,
  ReopenRecord,
  RequestDeletion,
  RevokeAuthorisation,
  SetBlock,
  SetContactDetails,
  SetEmergencyConsents,
  SetNotificationPreferences,
} from '@passerelle/record-management';
import { FhirTransaction, fhirTransaction, ok } from '../door/fhir-transaction';
import { patientIdFromResourceId } from '../resources/patient-reference';
import { OperationParameters } from './operation-parameters';

const DONE: Parameters = {
  resourceType: 'Parameters',
  parameter: [{ name: 'result', valueBoolean: true }],
};

/** `POST Patient/{id}/$name` with a Parameters body: one use case of record management. */
function operation<Command>(
  name: string,
  useCase: Type<UseCase<Command, void>>,
  command: (patientKey: string, parameters: OperationParameters) => Command,
): FhirTransaction {
  return fhirTransaction({
    name: `Patient/$${name}`,
    method: 'POST',
    path: `Patient/:id/$${name}`,
    capability: { resource: 'Patient', operation: name },
    useCase,
    read: (request) =>
      command(
        patientIdFromResourceId(request.params.id).key,
        new OperationParameters(request.body),
      ),
    write: () => ok(DONE),
  });
}

/**
 * Whom an authorisation or a block names: `professional` (idNat_PS) or `structure`
 * (idNat_Struct), never both; neither names the caller himself.
 */
function subjectOf(parameters: OperationParameters) {
  const professional = parameters.string('professional');
  const structure = parameters.string('structure');
  if (professional !== undefined && structure !== undefined) {
    throw new DomainError('METADATA_INVALID', 'Give either professional or structure, not both');
  }
  return structure !== undefined
    ? { subjectId: structure, subjectKind: 'STRUCTURE' as const }
    : { subjectId: professional, subjectKind: 'PS' as const };
}

/** A block names its professional or structure. */
function requiredSubjectOf(parameters: OperationParameters) {
  const { subjectId, subjectKind } = subjectOf(parameters);
  if (!subjectId) {
    throw new DomainError('METADATA_MISSING', 'Parameter professional or structure is required');
  }
  return { subjectId, subjectKind };
}

/** Managing who may access the record (DESIGN §4): each change a use case of its own. */
export const RECORD_OPERATIONS: readonly FhirTransaction[] = [
  operation('declare-authorisation', DeclareAuthorisation, (patientKey, parameters) => ({
    patientKey,
    ...subjectOf(parameters),
    forbidden: parameters.boolean('forbidden') ?? false,
    expressConsent: parameters.boolean('expressConsent') ?? false,
    validUntil: parameters.date('validUntil'),
  })),
  operation('revoke-authorisation', RevokeAuthorisation, (patientKey, parameters) => ({
    patientKey,
    ...subjectOf(parameters),
  })),
  operation('declare-medecin-traitant', DeclareMedecinTraitant, (patientKey, parameters) => ({
    patientKey,
    subjectId: parameters.string('professional'),
  })),
  operation('remove-medecin-traitant', RemoveMedecinTraitant, (patientKey, parameters) => ({
    patientKey,
    subjectId: parameters.required('professional'),
  })),
  operation('block', SetBlock, (patientKey, parameters) => ({
    patientKey,
    ...requiredSubjectOf(parameters),
    blocked: true,
  })),
  operation('unblock', SetBlock, (patientKey, parameters) => ({
    patientKey,
    ...requiredSubjectOf(parameters),
    blocked: false,
  })),
  operation('emergency-consents', SetEmergencyConsents, (patientKey, parameters) => ({
    patientKey,
    consents: {
      centre15: parameters.boolean('centre15') ?? true,
      otherProfessionals: parameters.boolean('otherProfessionals') ?? true,
      maskedDocuments: parameters.boolean('maskedDocuments') ?? true,
    },
  })),
  operation('close', CloseRecord, (patientKey, parameters) => ({
    patientKey,
    reason: parameters.required('reason'),
  })),
  operation('reopen', ReopenRecord, (patientKey) => ({ patientKey })),
  operation('request-deletion', RequestDeletion, (patientKey) => ({ patientKey })),
  operation('oppose', OpposeRecord, (patientKey) => ({ patientKey })),
  operation('notification-preferences', SetNotificationPreferences, (patientKey, parameters) => ({
    patientKey,
    wanted: {
      'new-document': parameters.boolean('newDocument'),
      'first-access': parameters.boolean('firstAccess'),
      'access-changed': parameters.boolean('accessChanged'),
      'emergency-access': parameters.boolean('emergencyAccess'),
    },
  })),
  operation('contact', SetContactDetails, (patientKey, parameters) => ({
    patientKey,
    email: parameters.string('email'),
    phone: parameters.string('phone'),
  })),
];
