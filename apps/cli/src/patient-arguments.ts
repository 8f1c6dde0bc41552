import { InvalidArgumentError } from 'commander';
import { DomainError, INS_OID, PatientId } from '@passerelle/domain';
import { invalidInput } from './cli-error';

export const DEFAULT_INS_OID = INS_OID.NIR;

export const GENDERS = ['male', 'female', 'other', 'unknown'] as const;

const AUTHORITY_LABELS: Readonly<Record<string, string>> = {
  [INS_OID.NIR]: 'INS-NIR',
  [INS_OID.NIA]: 'INS-NIA',
  [INS_OID.NIR_TEST]: 'INS-NIR test',
  [INS_OID.NIR_DEMO]: 'INS-NIR demo',
};

const ACCEPTED_AUTHORITIES = Object.entries(AUTHORITY_LABELS)
  .map(([oid, label]) => `${oid} (${label})`)
  .join(', ');

export function authorityLabel(oid: string): string {
  return AUTHORITY_LABELS[oid] ?? oid;
}

/** The INS from the command line: spaces in the matricule and a `urn:oid:` prefix are allowed. */
export function parsePatientId(ins: string, oid: string = DEFAULT_INS_OID): PatientId {
  const matricule = ins.replace(/\s+/g, '');
  const authority = oid.trim().replace(/^urn:oid:/, '');
  try {
    return PatientId.of(authority, matricule);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw invalidInput(`Invalid INS: ${withHint(error, matricule)}`);
  }
}

function withHint(error: DomainError, matricule: string): string {
  if (error.code === 'INS_UNKNOWN_AUTHORITY') {
    return `${error.message}; accepted: ${ACCEPTED_AUTHORITIES}`;
  }
  if (error.code === 'INS_MALFORMED' && matricule.length === 13) {
    return `${error.message} (compute the key with: passerelle ins key ${matricule})`;
  }
  return error.message;
}

const FHIR_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

/** A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD: INS birth dates may be partial). */
export function parseBirthDate(value: string): string {
  if (!FHIR_DATE.test(value) || (value.length === 10 && !isCalendarDay(value))) {
    throw new InvalidArgumentError('Expected a date YYYY-MM-DD (or YYYY-MM, YYYY).');
  }
  return value;
}

function isCalendarDay(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
