import type { VisibilityFilter } from '@passerelle/domain';
import { codeKey, newEntryUuid } from '@passerelle/domain';
import { InMemoryPasserelle, succeeded } from './passerelle';
import { aHospitalSystem, aMedecin, aPatient } from './principals';
import { confidentiality, documentDraft, submissionDraft } from './submission-drafts';

/** The in-memory registry keeps the PostgreSQL store's semantics the use cases rely on. */
describe('InMemoryRegistry', () => {
  const ALL = { limit: 100, offset: 0 };

  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    const author = aMedecin();
    return { passerelle, patient, author, registry: passerelle.registry };
  };

  it('refuses a commit into no record (UNKNOWN_PATIENT) or a closed one (RECORD_CLOSED), writing nothing', async () => {
    const { passerelle, patient, author, registry } = await setUp();
    const entry = await passerelle.givenDocument(author, patient);
    const [absent, closed] = [aPatient(), await passerelle.givenRecord()];
    await passerelle.givenLifecycleStep(closed, { kind: 'close', reason: 'test' });
    for (const [target, code] of [
      [absent, 'UNKNOWN_PATIENT'],
      [closed, 'RECORD_CLOSED'],
    ] as const) {
      const unit = registry.begin(target.key);
      registry.stageSubmission(unit, {
        patientKey: target.key,
        submissionSet: { ...submissionSet(), patientKey: target.key },
        documents: [{ ...entry, patientKey: target.key, uniqueId: '2.25.1', entryUuid: 'x' }],
        folders: [],
        associations: [],
        replacedEntryUuids: [],
        senderEntryUuids: [],
        updatedFolderUuids: [],
      });
      await expect(registry.commit(unit)).rejects.toMatchObject({ code });
      expect((await registry.documents(target.key, {}, 'unfiltered', ALL)).total).toBe(0);
    }
  });

  it('deprecates a replaced entry (RPLC), and refuses to replace it again (REPLACED_NOT_FOUND)', async () => {
    const { passerelle, patient, author, registry } = await setUp();
    const original = await passerelle.givenDocument(author, patient);
    const replace = () =>
      passerelle.provideAndRegisterDocumentSet.execute(
        author,
        submissionDraft(patient, [documentDraft(patient, { ref: 'new' })], {
          associations: [
            {
              type: 'RPLC',
              source: { ref: 'new' },
              target: { existingEntryUuid: original.entryUuid },
            },
          ],
        }),
      );
    succeeded(await replace());
    const page = await registry.documents(
      patient.key,
      { ids: { uuids: [original.entryUuid] } },
      'unfiltered',
      ALL,
    );
    expect(page.items.map((e) => e.status)).toEqual(['Deprecated']);
    const again = await replace();
    expect(again.ok ? undefined : again.error).toMatchObject({ code: 'REPLACED_NOT_FOUND' });
  });

  it('applies updates all or none, each against its expected version (PRECONDITION_FAILED)', async () => {
    const { passerelle, patient, author, registry } = await setUp();
    const first = await passerelle.givenDocument(author, patient);
    const second = await passerelle.givenDocument(author, patient);
    await expect(
      registry.updateDocuments(patient.key, [
        { logicalId: first.logicalId, expectedVersion: 1, change: { status: 'Archived' } },
        { logicalId: second.logicalId, expectedVersion: 2, change: { status: 'Archived' } },
      ]),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    const page = await registry.documents(patient.key, {}, 'unfiltered', ALL);
    expect(page.items.map((e) => e.status)).toEqual(['Approved', 'Approved']);

    const [next] = await registry.updateDocuments(patient.key, [
      {
        logicalId: first.logicalId,
        expectedVersion: 1,
        change: { confidentialityCodes: confidentiality('MASQUE_PS') },
      },
    ]);
    expect(next).toMatchObject({ logicalId: first.logicalId, version: 2 });
    const versions = await registry.documents(
      patient.key,
      { ids: { logicalIds: [first.logicalId] }, allVersions: true },
      'unfiltered',
      ALL,
    );
    expect(versions.items.map((e) => [e.version, e.status]).sort()).toEqual([
      [1, 'Deprecated'],
      [2, 'Approved'],
    ]);
    const located = await registry.locate({ uniqueIds: [first.uniqueId] });
    expect(located).toEqual({ patientKeys: [patient.key], documents: [next] });
  });

  it('reads within the visibility filter: authored always, others by type, restriction and status', async () => {
    const { passerelle, patient, author, registry } = await setUp();
    const hospital = aHospitalSystem();
    const plain = await passerelle.givenDocument(author, patient);
    const masked = await passerelle.givenDocument(author, patient, { restrictions: ['MASQUE_PS'] });
    const prescription = await passerelle.givenDocument(author, patient, {
      typeCode: { code: '57833-6', codeSystem: '2.16.840.1.113883.6.1' },
    });
    const own = await passerelle.givenDocument(hospital, patient, { restrictions: ['MASQUE_PS'] });
    const [deleted] = await registry.updateDocuments(patient.key, [
      { logicalId: plain.logicalId, expectedVersion: 1, change: { status: 'Deleted' } },
    ]);
    const uniqueIds = async (visibility: VisibilityFilter) =>
      (await registry.documents(patient.key, {}, visibility, ALL)).items
        .map((e) => e.uniqueId)
        .sort();
    const masque = codeKey(confidentiality('MASQUE_PS')[1]);

    expect(
      await uniqueIds({
        authorIds: [hospital.subjectId],
        onlyAuthored: true,
        hiddenConfidentialityKeys: [],
      }),
    ).toEqual([own.uniqueId]);
    expect(
      await uniqueIds({
        authorIds: ['someone-else'],
        onlyAuthored: false,
        typeCodes: ['11488-4'],
        hiddenConfidentialityKeys: [masque],
      }),
    ).toEqual([]);
    expect(
      await uniqueIds({
        authorIds: ['someone-else'],
        onlyAuthored: false,
        hiddenConfidentialityKeys: [],
      }),
    ).toEqual([masked.uniqueId, prescription.uniqueId, own.uniqueId].sort());
    expect(
      await uniqueIds({
        authorIds: [author.subjectId],
        onlyAuthored: false,
        typeCodes: [],
        hiddenConfidentialityKeys: [masque],
      }),
    ).toEqual([deleted.uniqueId, masked.uniqueId, prescription.uniqueId].sort());
  });

  it('pages newest first with the total, and refuses criteria it does not implement', async () => {
    const { passerelle, patient, author, registry } = await setUp();
    const older = await passerelle.givenDocument(author, patient, {
      creationTime: new Date('2025-01-01T00:00:00Z'),
    });
    const newer = await passerelle.givenDocument(author, patient, {
      creationTime: new Date('2026-06-01T00:00:00Z'),
    });
    const first = await registry.documents(patient.key, {}, 'unfiltered', { limit: 1, offset: 0 });
    const second = await registry.documents(patient.key, {}, 'unfiltered', { limit: 1, offset: 1 });
    expect([first, second]).toEqual([
      { items: [newer], total: 2 },
      { items: [older], total: 2 },
    ]);
    expect(() =>
      registry.documents(patient.key, { classCodes: [{ code: '11' }] }, 'unfiltered', ALL),
    ).toThrow(/does not support classCodes/);
  });
});

function submissionSet() {
  return {
    entryUuid: newEntryUuid(),
    uniqueId: '2.25.2',
    patientKey: '',
    sourceId: '1.2.3',
    submissionTime: new Date(),
    contentTypeCode: { code: '04', codeSystem: '1.2.250.1.213.2.2' },
    authors: [],
    intendedRecipients: [],
    status: 'Approved' as const,
  };
}
