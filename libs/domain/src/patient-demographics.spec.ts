import {
  administrativeGenderOf,
  fhirBirthDateOf,
  hl7BirthDateOf,
  hl7SexOf,
} from './patient-demographics';

describe('sourcePatientInfo demographics in either door’s terms', () => {
  it.each([
    ['M', 'male'],
    ['F', 'female'],
    ['O', 'other'],
    ['U', 'unknown'],
    ['A', 'other'],
    ['N', 'other'],
    ['male', 'male'],
    ['unknown', 'unknown'],
  ])('sex %s is the administrative gender %s', (sex, gender) => {
    expect(administrativeGenderOf(sex)).toBe(gender);
  });

  it.each([
    ['female', 'F'],
    ['other', 'O'],
    ['M', 'M'],
    ['A', 'O'],
  ])('sex %s is PID-8 %s', (sex, code) => {
    expect(hl7SexOf(sex)).toBe(code);
  });

  it('leaves out what is no sex', () => {
    expect(administrativeGenderOf('X')).toBeUndefined();
    expect(administrativeGenderOf('toString')).toBeUndefined();
    expect(hl7SexOf('')).toBeUndefined();
  });

  it.each([
    ['19770601', '1977-06-01', '19770601'],
    ['1977-06-01', '1977-06-01', '19770601'],
    ['197706', '1977-06', '197706'],
    ['1977', '1977', '1977'],
  ])('birth date %s is %s in FHIR and %s in HL7 v2', (stored, fhir, hl7) => {
    expect(fhirBirthDateOf(stored)).toBe(fhir);
    expect(hl7BirthDateOf(stored)).toBe(hl7);
  });

  it('leaves out a birth date that is no day', () => {
    expect(fhirBirthDateOf('19770230')).toBeUndefined();
    expect(fhirBirthDateOf('197706011200')).toBeUndefined();
    expect(hl7BirthDateOf('1977-13')).toBeUndefined();
  });
});
