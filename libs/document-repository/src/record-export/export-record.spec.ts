import type { DocumentEntry, PatientId, Principal } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aHospitalSystem,
  aMedecin,
  documentDraft,
  failed,
  submissionDraft,
  succeeded,
  thePatientOf,
} from '@passerelle/testing';
import type { RecordExport } from './export-record';

describe('ExportRecord (the patient downloads everything)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const author = aMedecin();
    const patient = await passerelle.givenRecord();
    const visible = await passerelle.givenDocument(author, patient);
    const masked = await passerelle.givenDocument(author, patient, { restrictions: ['MASQUE_PS'] });
    const invisibleToPatient = await passerelle.givenDocument(author, patient, {
      restrictions: ['INVISIBLE_PATIENT'],
    });
    const invisibleToRepresentatives = await passerelle.givenDocument(author, patient, {
      restrictions: ['INVISIBLE_REPRESENTANTS_LEGAUX'],
    });
    const deleted = await passerelle.givenDocument(author, patient);
    succeeded(
      await passerelle.changeDocumentMetadata.execute(thePatientOf(patient), {
        target: { ids: { logicalIds: [deleted.logicalId] }, name: 'deleted' },
        changeOf: () => ({ status: 'Deleted' }),
      }),
    );
    return {
      passerelle,
      patient,
      author,
      visible,
      masked,
      invisibleToPatient,
      invisibleToRepresentatives,
      deleted,
    };
  };

  const exportOf = async (passerelle: InMemoryPasserelle, actor: Principal, patient: PatientId) =>
    passerelle.exportRecord.execute(actor, { patientKey: patient.key });

  const contentsOf = async (recordExport: RecordExport) => {
    const contents: { uniqueId: string; bytes: Buffer }[] = [];
    for await (const { entry, content } of recordExport.contents()) {
      contents.push({ uniqueId: entry.uniqueId, bytes: content.bytes });
    }
    return contents;
  };

  const uniqueIds = (entries: readonly DocumentEntry[]) => entries.map((e) => e.uniqueId).sort();

  it('gives the patient every document he sees — MASQUE_PS and INVISIBLE_REPRESENTANTS_LEGAUX included — and nothing else', async () => {
    const { passerelle, patient, visible, masked, invisibleToRepresentatives } = await setUp();
    const recordExport = succeeded(await exportOf(passerelle, thePatientOf(patient), patient));
    expect(uniqueIds(recordExport.documents)).toEqual(
      uniqueIds([visible, masked, invisibleToRepresentatives]),
    );
    expect(recordExport.recordClosed).toBe(false);
  });

  it('gives a legal representative the same, less the documents invisible to legal representatives', async () => {
    const { passerelle, patient, visible, masked } = await setUp();
    const representative = thePatientOf(patient, { role: 'REPRESENTANT_LEGAL' });
    const recordExport = succeeded(await exportOf(passerelle, representative, patient));
    expect(uniqueIds(recordExport.documents)).toEqual(uniqueIds([visible, masked]));
    const contents = await contentsOf(recordExport);
    expect(contents.map((c) => c.uniqueId).sort()).toEqual(uniqueIds([visible, masked]));
  });

  it('lists the SubmissionSets with their visible members only; a set of hidden documents not at all', async () => {
    const { passerelle, patient, visible, invisibleToPatient } = await setUp();
    const recordExport = succeeded(await exportOf(passerelle, thePatientOf(patient), patient));
    const sets = new Map(recordExport.submissionSets.map((s) => [s.list.entryUuid, s.members]));
    expect(sets.get(visible.submissionSetUuid)).toEqual([
      { kind: 'document', id: visible.logicalId },
    ]);
    expect(sets.has(invisibleToPatient.submissionSetUuid)).toBe(false);
    expect(recordExport.submissionSets).toHaveLength(recordExport.documents.length);
  });

  it('reads no content until the contents are consumed, then each visible one once, byte for byte as stored', async () => {
    const { passerelle, patient } = await setUp();
    const recordExport = succeeded(await exportOf(passerelle, thePatientOf(patient), patient));
    expect(passerelle.contents.reads).toEqual([]);
    const contents = await contentsOf(recordExport);
    expect(passerelle.contents.reads.map((read) => read.contentId)).toEqual(
      recordExport.documents.map((entry) => entry.contentId),
    );
    for (const { uniqueId, bytes } of contents) {
      const stored = await passerelle.contents.read(
        patient.key,
        recordExport.documents.find((entry) => entry.uniqueId === uniqueId)!.contentId!,
      );
      expect(bytes.equals(stored!.bytes)).toBe(true);
    }
  });

  it('records the exported documents in the audit facts', async () => {
    const { passerelle, patient, visible, masked, invisibleToRepresentatives } = await setUp();
    const outcome = await exportOf(passerelle, thePatientOf(patient), patient);
    expect(outcome.audit).toMatchObject({
      transaction: 'record-export',
      outcome: 'allowed',
      patientKey: patient.key,
    });
    expect([...outcome.audit.documents].sort()).toEqual(
      uniqueIds([visible, masked, invisibleToRepresentatives]),
    );
  });

  it('reads every page: a record of 1,200 documents is exported whole, each once', async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    const drafts = Array.from({ length: 1200 }, () => documentDraft(patient));
    succeeded(
      await passerelle.provideAndRegisterDocumentSet.execute(
        aMedecin(),
        submissionDraft(patient, drafts),
      ),
    );
    const recordExport = succeeded(await exportOf(passerelle, thePatientOf(patient), patient));
    expect(uniqueIds(recordExport.documents)).toEqual(drafts.map((d) => d.uniqueId!).sort());
    expect(recordExport.submissionSets).toHaveLength(1);
    expect(recordExport.submissionSets[0].members).toHaveLength(1200);
  });

  it('lets the patient export his closed record', async () => {
    const { passerelle, patient, visible } = await setUp();
    const me = thePatientOf(patient);
    succeeded(
      await passerelle.closeRecord.execute(me, { patientKey: patient.key, reason: 'test' }),
    );
    const recordExport = succeeded(await exportOf(passerelle, me, patient));
    expect(recordExport.recordClosed).toBe(true);
    expect(uniqueIds(recordExport.documents)).toContain(visible.uniqueId);
  });

  type SetUp = Awaited<ReturnType<typeof setUp>>;
  const professionals: [string, (given: SetUp) => Promise<Principal>][] = [
    [
      'a médecin the patient authorised',
      async ({ passerelle, patient }) => {
        const medecin = aMedecin();
        await passerelle.givenAuthorisation(patient, medecin);
        return medecin;
      },
    ],
    [
      'his médecin traitant',
      async ({ passerelle, patient }) => {
        const medecin = aMedecin();
        await passerelle.givenMedecinTraitant(patient, medecin);
        return medecin;
      },
    ],
    ['the documents’ author', ({ author }) => Promise.resolve(author)],
    ['an establishment system', () => Promise.resolve(aHospitalSystem())],
  ];

  it.each(professionals)(
    'refuses %s: PATIENT_ONLY (403), audited, nothing listed or read',
    async (_who, arrange) => {
      const given = await setUp();
      const { passerelle, patient } = given;
      const outcome = await exportOf(passerelle, await arrange(given), patient);
      const error = failed(outcome);
      expect({ code: error.code, status: error.catalogue.httpStatus }).toEqual({
        code: 'FORBIDDEN',
        status: 403,
      });
      expect(error.message).toMatch(/\(PATIENT_ONLY\)$/);
      expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'PATIENT_ONLY' });
      expect(outcome.audit.documents).toEqual([]);
      expect(passerelle.contents.reads).toEqual([]);
    },
  );

  it('answers a patient token for another record as an unknown resource (404), audited, nothing read', async () => {
    const { passerelle, patient } = await setUp();
    const other = await passerelle.givenRecord();
    const outcome = await exportOf(passerelle, thePatientOf(other), patient);
    const error = failed(outcome);
    expect({ code: error.code, status: error.catalogue.httpStatus }).toEqual({
      code: 'RESOURCE_NOT_FOUND',
      status: 404,
    });
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'TOKEN_FOR_OTHER_RECORD' });
    expect(passerelle.contents.reads).toEqual([]);
  });
});
