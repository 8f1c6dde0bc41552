import { DomainError, isCalendarDay, isClockTime, excerpt } from '@passerelle/domain';

/** FHIR date: YYYY, YYYY-MM or YYYY-MM-DD. */
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
/** FHIR dateTime: a date, or a day with a time and (as senders often omit it) a zone. */
const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}(?:\.\d{1,9})?))?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?)?)?$/;

/** A FHIR date that exists in the calendar (2026-02-30 does not). */
export function isFhirDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && existingDay(match[1], match[2], match[3]);
}

/** A FHIR dateTime whose day exists and whose time is a clock time (no 25:00, no 2026-13). */
export function isFhirDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second] = match;
  if (!existingDay(year, month, day)) return false;
  return hour === undefined || isClockTime(Number(hour), Number(minute), Number(second ?? 0));
}

function existingDay(year: string, month?: string, day?: string): boolean {
  return isCalendarDay(Number(year), Number(month ?? 1), Number(day ?? 1));
}

/** A FHIR dateTime element of a resource as an instant; a malformed one names its path. */
export function fhirInstant(
  value: string | undefined,
  path: string,
  ref: string,
): Date | undefined {
  if (value === undefined) return undefined;
  if (!isFhirDateTime(value)) {
    throw new DomainError(
      'METADATA_INVALID',
      `${path} is not a FHIR dateTime: "${excerpt(value)}"`,
      ref,
    );
  }
  return new Date(value);
}
