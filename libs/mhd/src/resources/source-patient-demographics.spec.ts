import { birthDateOf, genderOf, hl7DateOf, hl7SexOf } from './source-patient-demographics';

describe('sourcePatientInfo demographics between HL7 v2 (the registry) and FHIR', () => {
  it.each([
    ['male', 'M'],
    ['female', 'F'],
    ['other', 'O'],
    ['unknown', 'U'],
  ] as const)('gender %s is PID-8 %s and back', (gender, sex) => {
    expect(hl7SexOf(gender)).toBe(sex);
    expect(genderOf(sex)).toBe(gender);
  });

  it('reads the HL7 sexes FHIR has no code for as other, and drops what is no sex', () => {
    expect(genderOf('A')).toBe('other');
    expect(genderOf('N')).toBe('other');
    expect(genderOf('X')).toBeUndefined();
  });

  it.each([
    ['1977-06-01', '19770601'],
    ['1977-06', '197706'],
    ['1977', '1977'],
  ])('birthDate %s is PID-7 %s and back', (birthDate, dtm) => {
    expect(hl7DateOf(birthDate)).toBe(dtm);
    expect(birthDateOf(dtm)).toBe(birthDate);
  });

  it('reads documents stored with FHIR values as they are, and drops what is no date', () => {
    expect(genderOf('female')).toBe('female');
    expect(birthDateOf('1977-06-01')).toBe('1977-06-01');
    expect(birthDateOf('197706011200')).toBeUndefined();
    expect(birthDateOf('19770230')).toBeUndefined();
  });
});
