import type { DocumentEntry, PatientId } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aMedecin,
  documentDraft,
  failed,
  submissionDraft,
  succeeded,
} from '@passerelle/testing';
import type { ValueSetPolicy } from '../submission/value-sets';

const OUTSIDE_J07 = { code: '34108-1', codeSystem: '2.16.840.1.113883.6.1' };

describe('UpdateDocumentSet (ITI-57): a new version drawn from the national value sets', () => {
  const setUp = async (valueSetPolicy?: ValueSetPolicy) => {
    const passerelle = new InMemoryPasserelle({ valueSetPolicy });
    const patient = await passerelle.givenRecord();
    const author = aMedecin();
    const draft = documentDraft(patient);
    const stored = succeeded(
      await passerelle.provideAndRegisterDocumentSet.execute(
        author,
        submissionDraft(patient, [draft]),
      ),
    );
    return { passerelle, patient, author, draft, entry: stored.documents[0].entry };
  };

  const newVersion = (
    patient: PatientId,
    draft: ReturnType<typeof documentDraft>,
    entry: DocumentEntry,
  ) => ({
    patientId: patient,
    updates: [
      {
        kind: 'document' as const,
        logicalId: entry.logicalId,
        previousVersion: entry.version,
        entry: {
          ...draft,
          uniqueId: entry.uniqueId,
          suppliedHashSha1: entry.hashSha1,
          suppliedSize: entry.size,
          repositoryUniqueId: entry.repositoryUniqueId,
          typeCode: OUTSIDE_J07,
        },
      },
    ],
  });

  it('refuses a typeCode outside JDV_J07 by default', async () => {
    const { passerelle, patient, author, draft, entry } = await setUp();
    const outcome = await passerelle.updateDocumentSet.execute(
      author,
      newVersion(patient, draft, entry),
    );
    expect(failed(outcome)).toMatchObject({
      code: 'CODE_NOT_IN_VALUE_SET',
      message: expect.stringContaining('DocumentEntry.typeCode "34108-1"'),
    });
  });

  it('accepts it under VALUE_SET_POLICY=warn, its audit record saying so', async () => {
    const { passerelle, patient, author, draft, entry } = await setUp('warn');
    const outcome = await passerelle.updateDocumentSet.execute(
      author,
      newVersion(patient, draft, entry),
    );
    const [updated] = succeeded(outcome);
    expect(updated.typeCode).toEqual(OUTSIDE_J07);
    expect(outcome.audit.reason).toMatch(
      /^Accepted outside the national value sets \(VALUE_SET_POLICY=warn\): DocumentEntry.typeCode/,
    );
  });
});
