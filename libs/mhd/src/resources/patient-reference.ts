import type { Reference } from 'fhir/r4';
import { DomainError, PatientId, excerpt } from '@passerelle/domain';

/** Our Patient resource id is `<INS OID>-<matricule>`: stable and derived from the INS alone. */
export function patientResourceId(patientId: PatientId): string {
  return patientId.resourceId;
}

export function patientIdFromResourceId(id: string): PatientId {
  const separator = id.lastIndexOf('-');
  if (separator < 0) {
    throw new DomainError('RESOURCE_NOT_FOUND', `Unknown Patient/${id}`);
  }
  return PatientId.of(id.slice(0, separator), id.slice(separator + 1));
}

/** `system|value` token (the system is required for an INS). */
export function patientIdFromToken(token: string): PatientId {
  const separator = token.indexOf('|');
  if (separator < 0) {
    throw new DomainError(
      'INS_MALFORMED',
      'A patient identifier must be given as urn:oid:<INS OID>|<matricule>',
    );
  }
  return PatientId.fromFhirIdentifier(token.slice(0, separator), token.slice(separator + 1));
}

/**
 * Resolves `Patient/<id>`, an absolute URL ending so, or the conditional reference
 * `Patient?identifier=urn:oid:<oid>|<NIR>`; a reference's `identifier` is accepted too.
 */
export function patientIdFromReference(
  reference: Reference | undefined,
  location: string,
): PatientId {
  try {
    if (reference?.reference) return fromReferenceString(reference.reference);
    if (reference?.identifier) {
      return PatientId.fromFhirIdentifier(reference.identifier.system, reference.identifier.value);
    }
  } catch (error) {
    // In a resource sent, an id no Patient of this server can have is a bad reference (400), not
    // a read of something absent (404); a well-formed INS without a record stays XDSUnknownPatientId.
    if (error instanceof DomainError && error.code === 'RESOURCE_NOT_FOUND') {
      throw new DomainError(
        'UNRESOLVED_REFERENCE',
        `Patient reference "${excerpt(reference?.reference ?? '')}" names no Patient of this server`,
        location,
      );
    }
    if (error instanceof DomainError) throw new DomainError(error.code, error.message, location);
    throw error;
  }
  throw new DomainError('METADATA_MISSING', 'subject (the patient) is required', location);
}

function fromReferenceString(reference: string): PatientId {
  const conditional = /^Patient\?identifier=(.+)$/.exec(reference);
  if (conditional) return patientIdFromToken(decodeURIComponent(conditional[1]));
  const literal = /(?:^|\/)Patient\/([A-Za-z0-9.-]{1,64})$/.exec(reference);
  if (literal) return patientIdFromResourceId(literal[1]);
  throw new DomainError(
    'UNRESOLVED_REFERENCE',
    `Patient reference "${excerpt(reference)}" must be Patient/<id> or Patient?identifier=<system>|<value>`,
  );
}
