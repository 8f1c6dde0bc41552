import {
  AvailabilityStatus,
  CodeFilter,
  DomainError,
  PageRequest,
  PatientId,
  TimeRange,
  excerpt,
} from '@passerelle/domain';
import { isFhirDateTime } from './fhir-datetime';
import { systemToCodeSystem } from './code-systems';
import { patientIdFromReference, patientIdFromToken } from './patient-reference';

/** Query string as Express parses it: repeated parameters become arrays. */
export type QueryParameters = Record<string, string | string[] | undefined>;

/** As DocumentReference.status shows them: an archived document is current (plus an extension). */
const STATUS_FROM_FHIR: Record<string, AvailabilityStatus[]> = {
  current: ['Approved', 'Archived'],
  superseded: ['Deprecated'],
  'entered-in-error': ['Deleted'],
};

/** Parameters every search takes besides its own. */
const RESULT_PARAMETERS = ['_count', '_offset', '_format'];

/**
 * A search parameter the transaction does not know is refused (`Prefer: handling=strict`, the
 * default: a misspelt filter must not widen a search silently), or left out under
 * `Prefer: handling=lenient` — the self link then shows only what was used (FHIR R4 §3.1.1.2).
 */
export function knownParameters(
  params: QueryParameters,
  accepted: readonly string[],
  handling: 'strict' | 'lenient',
): QueryParameters {
  const known = new Set([...accepted, ...RESULT_PARAMETERS]);
  const isKnown = (name: string) => known.has(name.split(':')[0]);
  const unknown = Object.keys(params).filter((name) => !isKnown(name));
  if (unknown.length === 0) return params;
  if (handling === 'lenient') {
    return Object.fromEntries(Object.entries(params).filter(([name]) => isKnown(name)));
  }
  throw new DomainError(
    'METADATA_INVALID',
    `Unsupported search parameter(s): ${excerpt(unknown.join(', '))}; supported: ${[...known].join(', ')} (Prefer: handling=lenient ignores the others)`,
  );
}

/** The `handling` preference of a Prefer header (RFC 7240): strict unless lenient is asked. */
export function searchHandlingOf(prefer: string | string[] | undefined): 'strict' | 'lenient' {
  const preferences = (Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''))
    .split(/[,;]/)
    .map((preference) =>
      preference
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '='),
    );
  return preferences.includes('handling=lenient') ? 'lenient' : 'strict';
}

/** The patient a search is about: `patient` (reference or id) or `patient.identifier`. */
export function patientOf(params: QueryParameters): PatientId {
  const reference = single(params, 'patient');
  const identifier = single(params, 'patient.identifier');
  if (reference)
    return patientIdFromReference(
      { reference: reference.includes('/') ? reference : `Patient/${reference}` },
      'patient',
    );
  if (identifier) return patientIdFromToken(identifier);
  throw new DomainError(
    'METADATA_MISSING',
    'A search needs the patient: patient=Patient/<id> or patient.identifier=<system>|<value>',
  );
}

export function statusesOf(params: QueryParameters): AvailabilityStatus[] | undefined {
  const statuses = values(params, 'status').flatMap(splitOr);
  if (statuses.length === 0) return undefined;
  return statuses.flatMap((status) => {
    const mapped = STATUS_FROM_FHIR[status];
    if (!mapped) {
      throw new DomainError(
        'METADATA_INVALID',
        `status must be current, superseded or entered-in-error, got ${excerpt(status)}`,
      );
    }
    return mapped;
  });
}

export function pagingOf(
  params: QueryParameters,
  maxPageSize: number,
  defaultCount = 20,
): PageRequest {
  const count = integer(single(params, '_count') ?? String(defaultCount), '_count');
  const offset = integer(single(params, '_offset') ?? '0', '_offset');
  return { limit: Math.min(Math.max(count, 1), maxPageSize), offset };
}

function integer(value: string, name: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    throw new DomainError('METADATA_INVALID', `${name} must be a non-negative integer`);
  }
  return Number(value);
}

export function values(params: QueryParameters, name: string): string[] {
  const value = params[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string');
}

export function single(params: QueryParameters, name: string): string | undefined {
  const all = values(params, name);
  if (all.length > 1) {
    throw new DomainError('METADATA_INVALID', `${name} may be given only once`);
  }
  return all[0];
}

export function splitOr(value: string): string[] {
  return value.split(',').filter((part) => part !== '');
}

/** The value of a `system|value` token (the whole token when it has no system). */
export function tokenValue(token: string): string {
  const separator = token.indexOf('|');
  return separator < 0 ? token : token.slice(separator + 1);
}

export function codeFilter(token: string): CodeFilter {
  const separator = token.indexOf('|');
  if (separator < 0) return { code: token };
  const system = token.slice(0, separator);
  const code = token.slice(separator + 1);
  return system ? { code, codeSystem: systemToCodeSystem(system) } : { code };
}

export function orCodes(params: QueryParameters, name: string): CodeFilter[] | undefined {
  const all = values(params, name);
  if (all.length > 1) {
    throw new DomainError('METADATA_INVALID', `${name} is single-valued: give alternatives as a,b`);
  }
  return all.length ? splitOr(all[0]).map(codeFilter) : undefined;
}

const DATE =
  /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?)$/;

/** FHIR date search (eq, ge, gt, le, lt) on a value of any precision → a half-open range. */
export function dateRange(expressions: readonly string[], name: string): TimeRange | undefined {
  if (expressions.length === 0) return undefined;
  let from: Date | undefined;
  let to: Date | undefined;
  for (const expression of expressions) {
    const match = DATE.exec(expression);
    if (!match || !isFhirDateTime(match[2])) {
      throw new DomainError(
        'METADATA_INVALID',
        `${name} must be [eq|ge|gt|le|lt]<FHIR date>, got ${excerpt(expression)}`,
      );
    }
    const [start, end] = precisionBounds(match[2]);
    const prefix = match[1] ?? 'eq';
    if (prefix === 'eq' || prefix === 'ge') from = later(from, start);
    if (prefix === 'gt') from = later(from, end);
    if (prefix === 'eq' || prefix === 'le') to = earlier(to, end);
    if (prefix === 'lt') to = earlier(to, start);
    if (!['eq', 'ge', 'gt', 'le', 'lt'].includes(prefix)) {
      throw new DomainError('METADATA_INVALID', `${name} prefix ${prefix} is not supported`);
    }
  }
  return { from, to };
}

/** The instant a partial date starts and the instant just after it ends. */
function precisionBounds(value: string): [Date, Date] {
  const [datePart] = value.split('T');
  const parts = datePart.split('-').map(Number);
  if (value.includes('T')) {
    const start = new Date(/[Z+-]\d*:?\d*$/.test(value.slice(10)) ? value : `${value}Z`);
    return [start, new Date(start.getTime() + (value.length > 16 ? 1000 : 60000))];
  }
  const [year, month, day] = parts;
  if (day !== undefined) return [utc(year, month - 1, day), utc(year, month - 1, day + 1)];
  if (month !== undefined) return [utc(year, month - 1, 1), utc(year, month, 1)];
  return [utc(year, 0, 1), utc(year + 1, 0, 1)];
}

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month, day));
}

function later(a: Date | undefined, b: Date): Date {
  return a && a > b ? a : b;
}

function earlier(a: Date | undefined, b: Date): Date {
  return a && a < b ? a : b;
}
