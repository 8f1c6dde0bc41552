import { PatientId } from '@passerelle/domain';
import type { DocumentEntryDraft, SubmissionDraft } from './submission-draft';
import { validateSubmission } from './validate-submission';

const patient = PatientId.fromCx('277069912345674^^^&1.2.250.1.213.1.4.10&ISO');
const other = PatientId.fromCx('185057512345673^^^&1.2.250.1.213.1.4.10&ISO');
const coded = (code: string) => ({ code, codeSystem: '1.2.3' });
const author = { institutions: [{ name: 'CH Test' }], roles: [], specialties: [], telecom: [] };

function document(overrides: Partial<DocumentEntryDraft> = {}): DocumentEntryDraft {
  return {
    ref: 'doc',
    uniqueId: '1.2.250.1.999.4.1',
    patientId: patient,
    classCode: coded('11'),
    typeCode: coded('11488-4'),
    formatCode: coded('f'),
    confidentialityCodes: [coded('N')],
    eventCodes: [],
    healthcareFacilityTypeCode: coded('SA01'),
    practiceSettingCode: coded('ETABLISSEMENT'),
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
      contentTypeCode: coded('04'),
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
          document({ ref: 'doc2', confidentialityCodes: ['N', 'A', 'B', 'C', 'D'].map(coded) }),
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
