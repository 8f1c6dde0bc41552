import type { DocumentEntry } from '@passerelle/domain';
import { InMemoryPasserelle, aMedecin, failed, succeeded } from '@passerelle/testing';
import type { MetadataChange } from '../ports';

/** The PATCH as the MHD door hands it over: the document by id, the change as a function. */
function patch(ids: { logicalIds: string[] }, change: (current: DocumentEntry) => MetadataChange) {
  const changeOf = jest.fn(change);
  return { command: { target: { ids, name: 'the-document' }, changeOf }, changeOf };
}

const archive = () => ({ status: 'Archived' as const });

describe('ChangeDocumentMetadata (MHD PATCH)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const author = aMedecin();
    const patient = await passerelle.givenRecord();
    const visible = await passerelle.givenDocument(author, patient);
    const masked = await passerelle.givenDocument(author, patient, { restrictions: ['MASQUE_PS'] });
    const authorised = aMedecin();
    await passerelle.givenAuthorisation(patient, authorised);
    return { passerelle, patient, author, authorised, visible, masked };
  };

  const latest = async (passerelle: InMemoryPasserelle, entry: DocumentEntry) => {
    const page = await passerelle.registry.documents(
      entry.patientKey,
      { ids: { logicalIds: [entry.logicalId] } },
      'unfiltered',
      { limit: 10, offset: 0 },
    );
    return page.items[0];
  };

  /** What an unknown document is answered, for the same name. */
  const unknownAnswer = async (passerelle: InMemoryPasserelle) => {
    const { command } = patch(
      { logicalIds: ['urn:uuid:00000000-0000-4000-8000-000000000000'] },
      archive,
    );
    const { code, message } = failed(
      await passerelle.changeDocumentMetadata.execute(aMedecin(), command),
    );
    return { code, message };
  };

  it('answers an unknown document not-found without evaluating the change', async () => {
    const { passerelle, authorised } = await setUp();
    const { command, changeOf } = patch({ logicalIds: ['urn:uuid:unknown'] }, archive);
    const error = failed(await passerelle.changeDocumentMetadata.execute(authorised, command));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'RESOURCE_NOT_FOUND',
      message: 'Unknown DocumentReference the-document',
    });
    expect(changeOf).not.toHaveBeenCalled();
  });

  it('answers a caller the patient never authorised as for an unknown document, without evaluating the change', async () => {
    const { passerelle, visible } = await setUp();
    const { command, changeOf } = patch({ logicalIds: [visible.logicalId] }, archive);
    const outcome = await passerelle.changeDocumentMetadata.execute(aMedecin(), command);
    const { code, message } = failed(outcome);
    expect({ code, message }).toEqual(await unknownAnswer(passerelle));
    expect(changeOf).not.toHaveBeenCalled();
    expect((await latest(passerelle, visible)).status).toBe('Approved');
  });

  it('answers a blocked professional as for an unknown document, without evaluating the change', async () => {
    const { passerelle, patient, authorised, visible } = await setUp();
    await passerelle.givenBlock(patient, authorised.subjectId);
    const { command, changeOf } = patch({ logicalIds: [visible.logicalId] }, archive);
    const { code, message } = failed(
      await passerelle.changeDocumentMetadata.execute(authorised, command),
    );
    expect({ code, message }).toEqual(await unknownAnswer(passerelle));
    expect(changeOf).not.toHaveBeenCalled();
  });

  it('answers a document hidden by MASQUE_PS from a non-author as for an unknown one, without evaluating the change', async () => {
    const { passerelle, authorised, masked } = await setUp();
    const { command, changeOf } = patch({ logicalIds: [masked.logicalId] }, archive);
    const outcome = await passerelle.changeDocumentMetadata.execute(authorised, command);
    const { code, message } = failed(outcome);
    expect({ code, message }).toEqual(await unknownAnswer(passerelle));
    expect(changeOf).not.toHaveBeenCalled();
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'DOCUMENT_HIDDEN' });
  });

  it('refuses a non-author who sees the document to archive it (403 NOT_AUTHOR), changing nothing', async () => {
    const { passerelle, authorised, visible } = await setUp();
    const { command } = patch({ logicalIds: [visible.logicalId] }, archive);
    const outcome = await passerelle.changeDocumentMetadata.execute(authorised, command);
    const error = failed(outcome);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/\(NOT_AUTHOR\)$/);
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'NOT_AUTHOR' });
    expect(await latest(passerelle, visible)).toEqual(visible);
  });

  it('lets the author archive his document, in place', async () => {
    const { passerelle, author, visible } = await setUp();
    const { command, changeOf } = patch({ logicalIds: [visible.logicalId] }, archive);
    const updated = succeeded(await passerelle.changeDocumentMetadata.execute(author, command));
    expect(changeOf).toHaveBeenCalledWith(visible);
    expect(updated).toMatchObject({ status: 'Archived', version: 1, entryUuid: visible.entryUuid });
    expect(await latest(passerelle, visible)).toEqual(updated);
  });

  it('lets a médecin traitant lift INVISIBLE_PATIENT, which owes the patient a new-document notice {count: 1}', async () => {
    const { passerelle, patient, author } = await setUp();
    const invisible = await passerelle.givenDocument(author, patient, {
      restrictions: ['INVISIBLE_PATIENT'],
    });
    const medecinTraitant = aMedecin();
    await passerelle.givenMedecinTraitant(patient, medecinTraitant);
    const { command } = patch({ logicalIds: [invisible.logicalId] }, (current) => ({
      confidentialityCodes: current.confidentialityCodes.filter(
        (code) => code.code !== 'INVISIBLE_PATIENT',
      ),
    }));

    const outcome = await passerelle.changeDocumentMetadata.execute(medecinTraitant, command);

    const released = succeeded(outcome);
    expect(released.version).toBe(2);
    expect(released.confidentialityCodes.map((c) => c.code)).toEqual(['N']);
    expect(outcome.audit.notifications).toEqual([
      expect.objectContaining({
        kind: 'new-document',
        patientKey: patient.key,
        payload: { count: 1 },
      }),
    ]);
  });
});
