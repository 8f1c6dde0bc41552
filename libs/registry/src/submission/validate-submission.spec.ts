import { PatientId } from '@passerelle/domain';
import type { DocumentEntryDraft, SubmissionDraft } from './submission-draft';
import { validateSubmission } from './validate-submission';

const patient = PatientId.fromCx('277069912345674^^^&1.2.250.1.213.1.4.10&ISO');
const other = PatientId.fromCx('185057512345673^^^&1.2.250.1.213.1.4.10&ISO');
const coded = (code: string, codeSystem: string) => ({ code, codeSystem });
const LOINC = '2.16.840.1.113883.6.1';
const HL7_CONFIDENTIALITY = '2.16.840.1.113883.5.25';
const RESTRICTIONS = '1.2.250.1.213.1.1.4.13';
const IHE_FORMAT = '1.3.6.1.4.1.19376.1.2.3';
const author = { institutions: [{ name: 'CH Test' }], roles: [], specialties: [], telecom: [] };

function document(overrides: Partial<DocumentEntryDraft> = {}): DocumentEntryDraft {
  return {
    ref: 'doc',
    uniqueId: '1.2.250.1.999.4.1',
    patientId: patient,
    classCode: coded('11', '1.2.250.1.213.1.1.4.1'),
    typeCode: coded('11488-4', LOINC),
    formatCode: coded('urn:ihe:iti:xds-sd:text:2008', IHE_FORMAT),
    confidentialityCodes: [coded('N', HL7_CONFIDENTIALITY)],
    eventCodes: [],
    healthcareFacilityTypeCode: coded('SA01', '1.2.250.1.71.4.2.4'),
    practiceSettingCode: coded('ETABLISSEMENT', '1.2.250.1.213.1.1.4.9'),
    creationTime: new Date('2026-01-01T00:00:00Z'),
    languageCode: 'fr-FR',
    mimeType: 'text/plain',
    authors: [author],
    sourcePatientId: patient.key,
    referenceIds: [],
    ...overrides,
  };
}

function submission(
  documents: DocumentEntryDraft[],
  overrides: Partial<SubmissionDraft> = {},
): SubmissionDraft {
  return {
    submissionSet: {
      ref: 'ss',
      uniqueId: '1.2.250.1.999.3.1',
      patientId: patient,
      sourceId: '1.2.250.1.999.2',
      submissionTime: new Date(),
      contentTypeCode: coded('04', '1.2.250.1.213.2.2'),
      authors: [author],
      intendedRecipients: [],
    },
    documents,
    folders: [],
    associations: [],
    ...overrides,
  };
}

function problemsOf(draft: SubmissionDraft, registerOnly = false): string[] {
  try {
    validateSubmission(draft, { registerOnly });
    return [];
  } catch (error) {
    return (error as { details: { code: string; message: string }[] }).details.map(
      (d) => `${d.code}: ${d.message}`,
    );
  }
}

describe('validateSubmission (XDS metadata rules, French profile)', () => {
  it('accepts a complete submission', () => {
    expect(problemsOf(submission([document()]))).toEqual([]);
  });

  it('reports every missing required attribute at once', () => {
    const problems = problemsOf(
      submission([
        document({
          typeCode: undefined,
          classCode: undefined,
          authors: [],
          confidentialityCodes: [],
        }),
      ]),
    );
    expect(problems).toEqual([
      'METADATA_MISSING: DocumentEntry.classCode is required',
      'METADATA_MISSING: DocumentEntry.typeCode is required',
      'METADATA_MISSING: DocumentEntry.author is required',
      'METADATA_MISSING: DocumentEntry.confidentialityCode is required',
    ]);
  });

  it("reports the door's problems first, a field it could not read not again as missing", () => {
    const problems = problemsOf(
      submission([document({ creationTime: undefined, typeCode: undefined })], {
        problems: [
          {
            code: 'METADATA_INVALID',
            message: 'creationTime 2026-13-45 is not an HL7 DTM',
            location: 'doc',
            field: 'creationTime',
          },
        ],
      }),
    );
    expect(problems).toEqual([
      'METADATA_INVALID: creationTime 2026-13-45 is not an HL7 DTM',
      'METADATA_MISSING: DocumentEntry.typeCode is required',
    ]);
  });

  it('reports a rule the door checks too once', () => {
    const duplicate = {
      code: 'DUPLICATE_ENTRY_UUID_IN_MESSAGE' as const,
      message: 'entryUUID urn:uuid:a is given to two objects of the submission',
      location: 'doc',
    };
    const draft = submission([{ ...document(), entryUuid: 'urn:uuid:a' }], {
      problems: [duplicate],
    });
    const withSet = {
      ...draft,
      submissionSet: { ...draft.submissionSet, entryUuid: 'urn:uuid:a' },
    };
    expect(problemsOf(withSet)).toEqual([`DUPLICATE_ENTRY_UUID_IN_MESSAGE: ${duplicate.message}`]);
  });

  it('refuses documents of another patient than the submission set (XDSPatientIdDoesNotMatch)', () => {
    expect(problemsOf(submission([document({ patientId: other })]))).toEqual([
      expect.stringMatching(/^PATIENT_ID_MISMATCH/),
    ]);
  });

  it('refuses duplicate uniqueIds, non-OID sourceIds and more than four confidentiality codes', () => {
    const problems = problemsOf(
      submission(
        [
          document(),
          document({
            ref: 'doc2',
            confidentialityCodes: [
              coded('N', HL7_CONFIDENTIALITY),
              coded('R', HL7_CONFIDENTIALITY),
              coded('INVISIBLE_PATIENT', RESTRICTIONS),
              coded('INVISIBLE_REPRESENTANTS_LEGAUX', RESTRICTIONS),
              coded('MASQUE_PS', RESTRICTIONS),
            ],
          }),
        ],
        {
          submissionSet: { ...submission([]).submissionSet, sourceId: 'SRC-01' },
        },
      ),
    );
    expect(problems).toEqual([
      'METADATA_INVALID: SubmissionSet.sourceId must be an OID (dotted numbers), got "SRC-01"',
      'METADATA_INVALID: DocumentEntry.confidentialityCode holds at most 4 codes',
      'DUPLICATE_UNIQUE_ID_IN_MESSAGE: uniqueId 1.2.250.1.999.4.1 appears twice in the submission',
    ]);
  });

  it('refuses unresolved and self-referencing associations', () => {
    const problems = problemsOf(
      submission([document()], {
        associations: [
          { type: 'HasMember', source: { ref: 'ss' }, target: { ref: 'nowhere' } },
          { type: 'APND', source: { ref: 'doc' }, target: { ref: 'doc' } },
        ],
      }),
    );
    expect(problems).toEqual([
      'UNRESOLVED_REFERENCE: HasMember association refers to nowhere, which is not in the submission',
      'UNRESOLVED_REFERENCE: APND association refers to itself',
    ]);
  });

  it('requires repositoryUniqueId, hash and size of a register-only entry, naming each slot', () => {
    expect(problemsOf(submission([document()]), true)).toEqual([
      'METADATA_MISSING: DocumentEntry doc: the repositoryUniqueId slot is required in Register Document Set-b',
      'METADATA_MISSING: DocumentEntry doc: the hash slot is required in Register Document Set-b',
      'METADATA_MISSING: DocumentEntry doc: the size slot is required in Register Document Set-b',
    ]);
    const located = document({
      repositoryUniqueId: '1.2.250.1.999.1',
      suppliedHashSha1: 'e543712c0e10501972de13a5bfcbe826c49feb75',
      suppliedSize: 4,
    });
    expect(problemsOf(submission([located]), true)).toEqual([]);
    expect(problemsOf(submission([document()]))).toEqual([]);
  });

  it('reports an entryUUID given to two objects as a duplicate entryUUID, not uniqueId', () => {
    const uuid = 'urn:uuid:6b3c1f3e-6d1a-4f3b-9a55-0c2f7d1e8a90';
    const problems = problemsOf(
      submission([
        document({ entryUuid: uuid }),
        document({ ref: 'doc2', uniqueId: '1.2.250.1.999.4.2', entryUuid: uuid.toUpperCase() }),
      ]),
    );
    expect(problems).toEqual([
      `DUPLICATE_ENTRY_UUID_IN_MESSAGE: entryUUID ${uuid.toUpperCase()} is given to two objects of the submission`,
    ]);
  });
});

describe('validateSubmission: codes against the national value sets (VALUE_SET_POLICY)', () => {
  const J02 = 'JDV_J02-XdsHealthcareFacilityTypeCode-CISIS version 20241213120000';
  const cases: [string, Partial<DocumentEntryDraft>, Partial<DocumentEntryDraft>, string][] = [
    [
      'classCode',
      { classCode: coded('12', '1.2.250.1.213.1.1.4.1') },
      { classCode: coded('11', LOINC) },
      'JDV_J57-ClassCode-DMP version 20230922120000',
    ],
    [
      'typeCode',
      { typeCode: coded('99999-9', LOINC) },
      { typeCode: coded('11488-4', '1.2.250.1.213.1.1.4.12') },
      'JDV_J07-XdsTypeCode-CISIS version 20240927120000',
    ],
    [
      'healthcareFacilityTypeCode',
      { healthcareFacilityTypeCode: coded('SA99', '1.2.250.1.71.4.2.4') },
      { healthcareFacilityTypeCode: coded('SA01', '1.2.250.1.213.1.1.4.9') },
      J02,
    ],
    [
      'practiceSettingCode',
      { practiceSettingCode: coded('HOPITAL', '1.2.250.1.213.1.1.4.9') },
      { practiceSettingCode: coded('ETABLISSEMENT', '1.2.250.1.71.4.2.4') },
      'JDV_J04-XdsPracticeSettingCode-CISIS version 20240927120000',
    ],
    [
      'confidentialityCode',
      { confidentialityCodes: [coded('U', HL7_CONFIDENTIALITY)] },
      { confidentialityCodes: [coded('N', RESTRICTIONS)] },
      'JDV_J58-ConfidentialityCode-DMP version 20200424120000',
    ],
    [
      'formatCode',
      { formatCode: coded('urn:ihe:pat:apsr:breast:2010', IHE_FORMAT) },
      { formatCode: coded('urn:ihe:iti:xds-sd:pdf:2008', '1.2.250.1.213.1.1.4.2.282') },
      'JDV_J60-FormatCode-DMP version 20240927120000',
    ],
  ];

  it.each([
    { classCode: coded('10', '1.2.250.1.213.1.1.4.1') },
    { classCode: coded('urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1', 'URN') },
    { typeCode: coded('11502-2', LOINC) },
    { healthcareFacilityTypeCode: coded('SA07', '1.2.250.1.71.4.2.4') },
    { practiceSettingCode: coded('AMBULATOIRE', '1.2.250.1.213.1.1.4.9') },
    { confidentialityCodes: [coded('N', HL7_CONFIDENTIALITY), coded('MASQUE_PS', RESTRICTIONS)] },
    { formatCode: coded('urn:asip:ci-sis:ldl-ses:2017', '1.2.250.1.213.1.1.4.2.282') },
    { formatCode: coded('1.2.840.10008.5.1.4.1.1.88.59', '1.2.840.10008.2.6.1') },
    { formatCode: coded('urn:ihe:iti:xds:2017:mimeTypeSufficient', IHE_FORMAT) },
  ])('accepts codes of their value sets: %j', (codes) => {
    expect(problemsOf(submission([document(codes)]))).toEqual([]);
  });

  it.each(cases)(
    'refuses a %s outside its value set, naming the code and the value set',
    (attribute, unknown, _elsewhere, valueSet) => {
      const [given] = Object.values(unknown).flat() as { code: string; codeSystem: string }[];
      expect(problemsOf(submission([document(unknown)]))).toEqual([
        `CODE_NOT_IN_VALUE_SET: DocumentEntry.${attribute} "${given.code}" (code system ${given.codeSystem}) is not in the value set ${valueSet}`,
      ]);
    },
  );

  it.each(cases)(
    'refuses a %s of its value set given under another code system, naming the right one',
    (attribute, _unknown, elsewhere, valueSet) => {
      const [given] = Object.values(elsewhere).flat() as { code: string; codeSystem: string }[];
      const [problem] = problemsOf(submission([document(elsewhere)]));
      expect(problem).toMatch(
        `CODE_NOT_IN_VALUE_SET: DocumentEntry.${attribute} "${given.code}" (code system ${given.codeSystem}) is in the value set ${valueSet} under code system `,
      );
      expect(problem).toMatch(new RegExp(`, not ${given.codeSystem.replace(/\./g, '\\.')}$`));
    },
  );

  it('checks the SubmissionSet contentTypeCode against JDV_J59-ContentTypeCode-DMP', () => {
    const withContentType = (code: string, codeSystem: string) =>
      submission([document()], {
        submissionSet: {
          ...submission([]).submissionSet,
          contentTypeCode: coded(code, codeSystem),
        },
      });
    expect(problemsOf(withContentType('SA07', '1.2.250.1.71.4.2.4'))).toEqual([]);
    expect(problemsOf(withContentType('EXP_PATIENT', '1.2.250.1.213.1.1.4.6'))).toEqual([]);
    expect(problemsOf(withContentType('98', '1.2.250.1.213.2.2'))).toEqual([
      'CODE_NOT_IN_VALUE_SET: SubmissionSet.contentTypeCode "98" (code system 1.2.250.1.213.2.2) is not in the value set JDV_J59-ContentTypeCode-DMP version 20240927120000',
    ]);
    expect(problemsOf(withContentType('04', '1.2.250.1.213.1.1.4.12'))).toEqual([
      'CODE_NOT_IN_VALUE_SET: SubmissionSet.contentTypeCode "04" (code system 1.2.250.1.213.1.1.4.12) is in the value set JDV_J59-ContentTypeCode-DMP version 20240927120000 under code system 1.2.250.1.213.2.2, not 1.2.250.1.213.1.1.4.12',
    ]);
  });

  it('checks the authors’ specialties of the documents and of the submission set (JDV_J01)', () => {
    const specialist = (code: string, codeSystem: string) => ({
      ...author,
      specialties: [coded(code, codeSystem)],
    });
    const draft = submission(
      [document({ authors: [specialist('G15_10/SM26', '1.2.250.1.213.1.1.4.5')] })],
      {
        submissionSet: {
          ...submission([]).submissionSet,
          authors: [specialist('SM99', '1.2.250.1.213.1.1.4.5')],
        },
      },
    );
    expect(problemsOf(draft)).toEqual([
      'CODE_NOT_IN_VALUE_SET: SubmissionSet.author.authorSpecialty "SM99" (code system 1.2.250.1.213.1.1.4.5) is not in the value set JDV_J01-XdsAuthorSpecialty-CISIS version 20241213120000',
    ]);
  });

  it('accepts the codes under VALUE_SET_POLICY=warn and returns them with the validated draft', () => {
    const draft = submission([document({ typeCode: coded('99999-9', LOINC) })]);
    const validated = validateSubmission(draft, { registerOnly: false }, 'warn');
    expect(validated.outsideValueSets.map((problem) => problem.message)).toEqual([
      `DocumentEntry.typeCode "99999-9" (code system ${LOINC}) is not in the value set JDV_J07-XdsTypeCode-CISIS version 20240927120000`,
    ]);
    expect(validateSubmission(submission([document()])).outsideValueSets).toEqual([]);
  });

  it('is not fooled by code systems or codes named like object properties', () => {
    expect(
      problemsOf(submission([document({ typeCode: coded('toString', '__proto__') })])),
    ).toEqual([
      'CODE_NOT_IN_VALUE_SET: DocumentEntry.typeCode "toString" (code system __proto__) is not in the value set JDV_J07-XdsTypeCode-CISIS version 20240927120000',
    ]);
  });
});
