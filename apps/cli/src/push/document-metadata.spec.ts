import { PatientId, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import {
  HL7_CONFIDENTIALITY_SYSTEM,
  MetadataDraft,
  MetadataError,
  completeMetadata,
  mergeDrafts,
} from './document-metadata';

const level = (code: string) => ({ code, codeSystem: HL7_CONFIDENTIALITY_SYSTEM });
const restriction = (code: string) => ({ code, codeSystem: RESTRICTION_CODE_SYSTEM });

const COMPLETE: MetadataDraft = {
  patientId: PatientId.of('1.2.250.1.213.1.4.10', '277069912345674'),
  typeCode: { code: '11488-4', codeSystem: '2.16.840.1.113883.6.1', display: 'CR de consultation' },
  formatCode: {
    code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient',
    codeSystem: '1.3.6.1.4.1.19376.1.2.3',
  },
  healthcareFacilityTypeCode: { code: 'SA01', codeSystem: '1.2.250.1.71.4.2.4' },
  practiceSettingCode: { code: 'ETABLISSEMENT', codeSystem: '1.2.250.1.213.1.1.4.9' },
  creationTime: new Date('2024-05-02T08:00:00Z'),
  serviceStartTime: new Date('2024-05-02T07:00:00Z'),
  mimeType: 'application/pdf',
  authors: [{ institutions: [{ name: 'CH de Test' }], roles: [], specialties: [], telecom: [] }],
  contentTypeCode: { code: '07', codeSystem: '1.2.250.1.213.2.2' },
};
const CONTEXT = { content: Buffer.from('%PDF'), uniqueIdRoot: '2.25' };

function problemsOf(draft: MetadataDraft): readonly string[] {
  try {
    completeMetadata(draft, CONTEXT);
  } catch (error) {
    if (error instanceof MetadataError) return error.problems;
    throw error;
  }
  return [];
}

describe('document metadata', () => {
  it('fills the defaults: class from type, title from the type, N, fr-FR, a stable uniqueId', () => {
    const { document, contentTypeCode } = completeMetadata(COMPLETE, CONTEXT);
    expect(document).toMatchObject({
      classCode: { code: '11', display: 'Synthèse' },
      title: 'CR de consultation',
      confidentialityCodes: [
        { code: 'N', codeSystem: HL7_CONFIDENTIALITY_SYSTEM, display: 'Normal' },
      ],
      languageCode: 'fr-FR',
      eventCodes: [],
      sourcePatientId: '277069912345674^^^&1.2.250.1.213.1.4.10&ISO',
    });
    expect(document.uniqueId).toMatch(/^2\.25\.\d+$/);
    expect(document).not.toHaveProperty('contentTypeCode');
    expect(contentTypeCode.code).toBe('07');
  });

  it('lets a later source add restriction codes to the level already known, or replace it', () => {
    const fromCda: MetadataDraft = { confidentialityCodes: [level('R')] };
    expect(
      mergeDrafts(fromCda, { confidentialityCodes: [restriction('MASQUE_PS')] })
        .confidentialityCodes,
    ).toEqual([level('R'), restriction('MASQUE_PS')]);
    expect(
      mergeDrafts(fromCda, { confidentialityCodes: [level('V')] }).confidentialityCodes,
    ).toEqual([level('V')]);
    expect(mergeDrafts({ title: 'a' }, { title: undefined }).title).toBe('a');
  });

  it('refuses two levels, too many codes, and a service that ends before it starts', () => {
    expect(problemsOf({ ...COMPLETE, confidentialityCodes: [level('N'), level('R')] })).toEqual([
      'DocumentEntry.confidentialityCode: one level (N, R or V) and DMP restriction codes only',
    ]);
    const five = [
      level('N'),
      restriction('MASQUE_PS'),
      restriction('INVISIBLE_PATIENT'),
      restriction('INVISIBLE_REPRESENTANTS_LEGAUX'),
      restriction('MASQUE_PS'),
    ];
    expect(problemsOf({ ...COMPLETE, confidentialityCodes: five })).toEqual([
      'DocumentEntry.confidentialityCode holds at most 4',
    ]);
    expect(problemsOf({ ...COMPLETE, serviceStopTime: new Date('2024-05-01T00:00:00Z') })).toEqual([
      'DocumentEntry.serviceStopTime is before serviceStartTime',
    ]);
  });
});
