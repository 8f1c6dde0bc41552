import { DomainError } from '@passerelle/domain';

const DATE_TIME = /^\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** A FHIR dateTime element of a resource as an instant; a malformed one names its path. */
export function fhirInstant(
  value: string | undefined,
  path: string,
  ref: string,
): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!DATE_TIME.test(value) || isNaN(date.getTime())) {
    throw new DomainError('METADATA_INVALID', `${path} is not a FHIR dateTime: "${value}"`, ref);
  }
  return date;
}
