import {
  FORMAT_CODE_NOT_CDA,
  classCode,
  classCodeForType,
  contentTypeForEncounter,
  formatCodeForCda,
} from './national-mappings';

const LOINC = '2.16.840.1.113883.6.1';
const IHE_FORMAT = '1.3.6.1.4.1.19376.1.2.3';
const FRENCH_FORMAT = '1.2.250.1.213.1.1.4.2.282';
const CI_SIS = ['2.16.840.1.113883.2.8.2.1', '1.2.250.1.213.1.1.1.1'];

describe('national mappings', () => {
  it('deduces the TRE_A03 class from a LOINC type (ASS_X04)', () => {
    expect(classCodeForType({ code: '11502-2', codeSystem: LOINC })).toEqual({
      code: '10',
      codeSystem: '1.2.250.1.213.1.1.4.1',
      display: 'Compte rendu',
    });
    expect(classCodeForType({ code: '60591-5', codeSystem: LOINC })?.code).toBe('11');
    expect(classCodeForType({ code: '18748-4', codeSystem: LOINC })?.code).toBe('31');
  });

  it('knows no class for a type outside the table, or in another code system', () => {
    expect(classCodeForType({ code: '99999-9', codeSystem: LOINC })).toBeUndefined();
    expect(
      classCodeForType({ code: '11502-2', codeSystem: '1.2.250.1.213.1.1.4.12' }),
    ).toBeUndefined();
  });

  it('labels a known class code and refuses others', () => {
    expect(classCode('31')?.display).toBe('Imagerie médicale');
    expect(classCode('99')).toBeUndefined();
  });

  it.each([
    [
      'CR-BIO',
      [...CI_SIS, '1.3.6.1.4.1.19376.1.3.3', '1.2.250.1.213.1.1.1.55'],
      'urn:ihe:lab:xd-lab:2008',
      IHE_FORMAT,
    ],
    ['VSM', [...CI_SIS, '1.2.250.1.213.1.1.1.13'], 'urn:asip:ci-sis:vsm:2012', FRENCH_FORMAT],
    [
      'LDL-SES',
      [...CI_SIS, '1.3.6.1.4.1.19376.1.5.3.1.1.1', '1.2.250.1.213.1.1.1.29'],
      'urn:asip:ci-sis:ldl-ses:2017',
      FRENCH_FORMAT,
    ],
    [
      'CR-IMG',
      [...CI_SIS, '1.2.250.1.213.1.1.1.45'],
      'urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013',
      IHE_FORMAT,
    ],
  ])(
    'gives the formatCode of a structured %s by its templateId (ASS_A11)',
    (_name, templates, code, system) => {
      expect(formatCodeForCda(templates, undefined)).toEqual({ code, codeSystem: system });
    },
  );

  it('gives the formatCode of a level-1 CDA by its body media type (ASS_A12)', () => {
    const level1 = [...CI_SIS, '1.3.6.1.4.1.19376.1.2.20'];
    expect(formatCodeForCda(level1, 'application/pdf')?.code).toBe('urn:ihe:iti:xds-sd:pdf:2008');
    expect(formatCodeForCda(level1, 'text/plain')?.code).toBe('urn:ihe:iti:xds-sd:text:2008');
    expect(formatCodeForCda(level1, 'application/zip')).toBeUndefined();
  });

  it('has no formatCode for a CDA of an unknown model; a non-CDA file says its mimeType is enough', () => {
    expect(formatCodeForCda(CI_SIS, undefined)).toBeUndefined();
    expect(FORMAT_CODE_NOT_CDA).toMatchObject({
      code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient',
      codeSystem: IHE_FORMAT,
    });
  });

  it('deduces the SubmissionSet contentTypeCode from the encounter (ActCode)', () => {
    const actCode = (code: string) => ({ code, codeSystem: '2.16.840.1.113883.5.4' });
    expect(contentTypeForEncounter(actCode('IMP'))).toMatchObject({
      code: '03',
      codeSystem: '1.2.250.1.213.2.2',
    });
    expect(contentTypeForEncounter(actCode('AMB'))?.code).toBe('07');
    expect(contentTypeForEncounter(actCode('EMER'))?.code).toBe('07');
    expect(contentTypeForEncounter(actCode('HH'))).toBeUndefined();
    expect(contentTypeForEncounter({ code: 'IMP', codeSystem: '1.2.3' })).toBeUndefined();
    expect(contentTypeForEncounter(undefined)).toBeUndefined();
  });
});
