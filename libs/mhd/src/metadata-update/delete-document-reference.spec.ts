import {
  type DocumentEntry,
  type PatientId,
  type Principal,
  stripUrnUuid,
} from '@passerelle/domain';
import { InMemoryPasserelle, aMedecin, failed, succeeded, thePatientOf } from '@passerelle/testing';
import { route } from '../door/fhir-transactions';
import { DELETE_DOCUMENT_REFERENCE, deletion } from './update-document-metadata';

describe('DELETE DocumentReference/{id}: the logical delete, by the author or the patient', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    const author = aMedecin();
    await passerelle.givenAuthorisation(patient, author);
    const document = await passerelle.givenDocument(author, patient);
    const colleague = aMedecin();
    await passerelle.givenAuthorisation(patient, colleague);
    return { passerelle, patient, author, colleague, document };
  };

  const remove = (passerelle: InMemoryPasserelle, actor: Principal, document: DocumentEntry) =>
    passerelle.changeDocumentMetadata.execute(actor, deletion(stripUrnUuid(document.logicalId)));

  const found = async (passerelle: InMemoryPasserelle, actor: Principal, patient: PatientId) => {
    const page = succeeded(
      await passerelle.findDocumentReferences.execute(actor, {
        patientKey: patient.key,
        filter: {},
        page: { limit: 10, offset: 0 },
      }),
    );
    return page.items.map((entry) => entry.logicalId);
  };

  it('is routed, answered 204 without a body', () => {
    const match = route('DELETE', 'DocumentReference/0b3d8c52-3c0f-4a5b-9a5e-0c1d2e3f4a5b');
    expect(match).toMatchObject({
      transaction: DELETE_DOCUMENT_REFERENCE,
      params: { id: '0b3d8c52-3c0f-4a5b-9a5e-0c1d2e3f4a5b' },
    });
    expect(route('DELETE', 'DocumentReference')).toEqual({ methods: ['POST', 'GET', 'PATCH'] });
  });

  it('lets the patient delete a document of his record: it is gone from his searches', async () => {
    const { passerelle, patient, document } = await setUp();
    const himself = thePatientOf(patient);
    expect(await found(passerelle, himself, patient)).toEqual([document.logicalId]);
    const deleted = succeeded(await remove(passerelle, himself, document));
    expect(deleted).toMatchObject({ logicalId: document.logicalId, status: 'Deleted' });
    expect(await found(passerelle, himself, patient)).toEqual([]);
    const again = failed(await remove(passerelle, himself, document));
    expect(again.code).toBe('RESOURCE_NOT_FOUND');
  });

  it('lets the author delete his document: gone for the others, kept for him as entered-in-error', async () => {
    const { passerelle, patient, author, colleague, document } = await setUp();
    expect(await found(passerelle, colleague, patient)).toEqual([document.logicalId]);
    const deleted = succeeded(await remove(passerelle, author, document));
    expect(deleted.status).toBe('Deleted');
    expect(await found(passerelle, colleague, patient)).toEqual([]);
    expect(await found(passerelle, thePatientOf(patient), patient)).toEqual([]);
    expect(await found(passerelle, author, patient)).toEqual([document.logicalId]);
  });

  it('refuses a professional who sees the document but is not its author (403 NOT_AUTHOR), deleting nothing', async () => {
    const { passerelle, patient, colleague, document } = await setUp();
    const outcome = await remove(passerelle, colleague, document);
    const error = failed(outcome);
    expect(error.catalogue.httpStatus).toBe(403);
    expect(error.message).toMatch(/\(NOT_AUTHOR\)$/);
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'NOT_AUTHOR' });
    expect(await found(passerelle, colleague, patient)).toEqual([document.logicalId]);
  });

  it('answers a professional the patient never authorised as for an unknown document (404)', async () => {
    const { passerelle, patient, colleague, document } = await setUp();
    const stranger = failed(await remove(passerelle, aMedecin(), document));
    const unknown = failed(
      await passerelle.changeDocumentMetadata.execute(
        aMedecin(),
        deletion('00000000-0000-4000-8000-000000000000'),
      ),
    );
    expect(stranger.catalogue.httpStatus).toBe(404);
    expect(unknown.catalogue.httpStatus).toBe(404);
    expect(stranger.code).toBe(unknown.code);
    expect(await found(passerelle, colleague, patient)).toEqual([document.logicalId]);
  });
});
