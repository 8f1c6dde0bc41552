import { DomainError, PatientId } from '@passerelle/domain';
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
});
