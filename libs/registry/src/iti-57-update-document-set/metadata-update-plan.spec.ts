import { type DocumentEntry, DomainError, PatientId } from '@passerelle/domain';
import { documentDraft } from '@passerelle/testing';
import type { DocumentEntryDraft } from '../submission/submission-draft';
import { MetadataUpdate, planMetadataUpdates } from './metadata-update-plan';

const patient = PatientId.fromCx('277069912345674^^^&1.2.250.1.213.1.4.10&ISO');
const LID = 'urn:uuid:0b7c3f1e-2a4d-4e6f-8a9b-1c2d3e4f5a6b';

function newVersion(ref: string): MetadataUpdate {
  const entry: DocumentEntryDraft = {
    ref,
    patientId: patient,
    confidentialityCodes: [],
    eventCodes: [],
    authors: [],
    referenceIds: [],
  };
  return { kind: 'document', logicalId: LID, previousVersion: 1, entry };
}

describe('planMetadataUpdates', () => {
  it('refuses two new versions sharing one lid in one request, without planning the second', async () => {
    const lookups: unknown[] = [];
    const plan = planMetadataUpdates([newVersion('a'), newVersion('b')], (ids) => {
      lookups.push(ids);
      return Promise.resolve(undefined);
    });
    const error = await plan.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details.map((d) => `${d.code}: ${d.message}`)).toContain(
      `METADATA_INVALID: Two new versions of ${LID} (one lid) in one request`,
    );
    expect(lookups).toHaveLength(1);
  });

  describe('a new version is a complete DocumentEntry', () => {
    const HASH = 'a'.repeat(40);
    const registered = documentDraft(patient, { comments: 'first version', suppliedSize: 12 });
    const current: DocumentEntry = {
      ...registered,
      uniqueId: registered.uniqueId!,
      classCode: registered.classCode!,
      typeCode: registered.typeCode!,
      formatCode: registered.formatCode!,
      healthcareFacilityTypeCode: registered.healthcareFacilityTypeCode!,
      practiceSettingCode: registered.practiceSettingCode!,
      creationTime: registered.creationTime!,
      languageCode: registered.languageCode!,
      mimeType: registered.mimeType!,
      sourcePatientId: registered.sourcePatientId!,
      entryUuid: 'urn:uuid:00000000-0000-4000-8000-000000000001',
      logicalId: LID,
      version: 1,
      patientKey: patient.key,
      status: 'Approved',
      hashSha1: HASH,
      size: 12,
      repositoryUniqueId: '1.2.250.1.999.1.1.1',
      submissionSetUuid: 'urn:uuid:00000000-0000-4000-8000-000000000002',
      submissionTime: new Date('2026-01-01T00:00:00Z'),
    };
    const update = (entry: Partial<DocumentEntryDraft>): MetadataUpdate => ({
      kind: 'document',
      logicalId: LID,
      previousVersion: 1,
      entry: {
        ...registered,
        uniqueId: current.uniqueId,
        suppliedHashSha1: HASH,
        suppliedSize: 12,
        repositoryUniqueId: current.repositoryUniqueId,
        ...entry,
      },
    });
    const plan = (entry: Partial<DocumentEntryDraft>) =>
      planMetadataUpdates([update(entry)], () => Promise.resolve(current));
    const problemsOf = async (entry: Partial<DocumentEntryDraft>) => {
      const error = await plan(entry).catch((caught: unknown) => caught);
      return (error as DomainError).details.map((d) => `${d.code}: ${d.message}`);
    };

    it('takes what the new version leaves out as gone, not as the previous value', async () => {
      const { changes } = await plan({ comments: undefined, title: undefined });
      const { metadata } = changes[0].change;
      expect(metadata).toHaveProperty('comments', undefined);
      expect(metadata).toHaveProperty('title', undefined);
      expect(metadata?.typeCode).toEqual(current.typeCode);
    });

    it.each<[string, Partial<DocumentEntryDraft>, string]>([
      [
        'its typeCode',
        { typeCode: undefined },
        'METADATA_MISSING: DocumentEntry.typeCode is required',
      ],
      ['its author', { authors: [] }, 'METADATA_MISSING: DocumentEntry.author is required'],
      [
        'its hash',
        { suppliedHashSha1: undefined },
        `METADATA_MISSING: DocumentEntry ${registered.ref}: the hash slot is required in Update Document Set`,
      ],
    ])('refuses a new version without %s', async (_what, entry, problem) => {
      expect(await problemsOf(entry)).toContain(problem);
    });
  });
});
