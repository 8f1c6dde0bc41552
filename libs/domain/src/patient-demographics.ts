import { isCalendarDay } from './calendar';

/**
 * sourcePatientInfo's birth date and sex are kept as the submission gave them: in HL7 v2 terms
 * over XDS and HL7v2 (PID-7 `YYYY[MM[DD]]`, PID-8 of table 0001), in FHIR's over MHD and from a
 * CDA header read by the CLI (`YYYY[-MM[-DD]]`, administrative-gender). Each door renders them
 * in its own terms, whichever form is stored; what is neither is left out.
 */
export type AdministrativeGender = 'male' | 'female' | 'other' | 'unknown';

const HL7_SEX_OF_GENDER: Readonly<Record<AdministrativeGender, string>> = {
  male: 'M',
  female: 'F',
  other: 'O',
  unknown: 'U',
};

const GENDER_OF_HL7_SEX: Readonly<Record<string, AdministrativeGender>> = {
  M: 'male',
  F: 'female',
  O: 'other',
  A: 'other',
  N: 'other',
  U: 'unknown',
};

export function administrativeGenderOf(sex: string | undefined): AdministrativeGender | undefined {
  if (!sex) return undefined;
  if (Object.hasOwn(HL7_SEX_OF_GENDER, sex)) return sex as AdministrativeGender;
  return GENDER_OF_HL7_SEX[sex.toUpperCase()];
}

export function hl7SexOf(sex: string | undefined): string | undefined {
  const gender = administrativeGenderOf(sex);
  return gender && HL7_SEX_OF_GENDER[gender];
}

/** `YYYY[-MM[-DD]]`, a day that exists. */
export function fhirBirthDateOf(date: string | undefined): string | undefined {
  return birthDateParts(date)?.join('-');
}

/** `YYYY[MM[DD]]`, a day that exists. */
export function hl7BirthDateOf(date: string | undefined): string | undefined {
  return birthDateParts(date)?.join('');
}

function birthDateParts(date: string | undefined): string[] | undefined {
  const parts = date ? /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?$/.exec(date) : null;
  if (!parts) return undefined;
  const [year, month, day] = parts.slice(1).map((part) => (part ? Number(part) : 1));
  if (!isCalendarDay(year, month, day)) return undefined;
  return parts.slice(1).filter((part): part is string => Boolean(part));
}
