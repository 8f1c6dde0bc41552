import type { Patient } from 'fhir/r4';
import { isCalendarDay } from '@passerelle/domain';

/**
 * The registry keeps sourcePatientInfo as XDS carries it, in HL7 v2 terms (PID-7 birth date
 * `YYYY[MM[DD]]`, PID-8 administrative sex of table 0001), so a document is described the same
 * whichever door it came through; FHIR's `birthDate` and `gender` are translated at the door.
 */
const HL7_SEX_OF_GENDER: Record<NonNullable<Patient['gender']>, string> = {
  male: 'M',
  female: 'F',
  other: 'O',
  unknown: 'U',
};

const GENDER_OF_HL7_SEX: Record<string, Patient['gender']> = {
  M: 'male',
  F: 'female',
  O: 'other',
  A: 'other',
  N: 'other',
  U: 'unknown',
};

export function hl7SexOf(gender: Patient['gender']): string | undefined {
  return gender ? HL7_SEX_OF_GENDER[gender] : undefined;
}

export function hl7DateOf(birthDate: string | undefined): string | undefined {
  return birthDate?.replace(/-/g, '');
}

/** Documents stored before this translation hold FHIR's own values: they are read as they are. */
export function genderOf(sex: string | undefined): Patient['gender'] | undefined {
  if (!sex) return undefined;
  if (sex in HL7_SEX_OF_GENDER) return sex as Patient['gender'];
  return GENDER_OF_HL7_SEX[sex.toUpperCase()];
}

export function birthDateOf(date: string | undefined): string | undefined {
  const parts = date ? /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?$/.exec(date) : null;
  if (!parts) return undefined;
  const [year, month, day] = parts.slice(1).map((part) => (part ? Number(part) : 1));
  if (!isCalendarDay(year, month, day)) return undefined;
  return parts.slice(1).filter(Boolean).join('-');
}
