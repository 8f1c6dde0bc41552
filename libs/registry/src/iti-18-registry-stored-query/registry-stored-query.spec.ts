import { InMemoryPasserelle, aMedecin, failed, succeeded } from '@passerelle/testing';
import type { StoredQuery, StoredQueryCommand } from './stored-query';

const command = (query: StoredQuery): StoredQueryCommand => ({ query, maxResults: 100 });

const getDocuments = (uuid: string) =>
  command({ name: 'GetDocuments', returnType: 'LeafClass', ids: { uuids: [uuid] } });

const NOTHING = {
  returnType: 'LeafClass',
  documents: [],
  submissionSets: [],
  folders: [],
  associations: [],
};

describe('RegistryStoredQuery (ITI-18)', () => {
  /** Another patient's record, and a médecin who treats his own patient but not this one. */
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const other = await passerelle.givenRecord();
    const document = await passerelle.givenDocument(aMedecin(), other);
    const own = await passerelle.givenRecord();
    const caller = aMedecin();
    await passerelle.givenAuthorisation(own, caller);
    await passerelle.givenDocument(caller, own);
    return { passerelle, other, own, caller, document };
  };

  it('answers GetDocuments by the entryUUID of a record the caller may not consult as for an unknown entryUUID: empty, Success', async () => {
    const { passerelle, caller, document } = await setUp();
    const query = passerelle.registryStoredQuery;
    const named = await query.execute(caller, getDocuments(document.entryUuid));
    const unknown = await query.execute(
      caller,
      getDocuments('urn:uuid:00000000-0000-4000-8000-000000000000'),
    );
    expect(succeeded(named)).toEqual(NOTHING);
    expect(succeeded(unknown)).toEqual(NOTHING);
  });

  it('records the denial of the named record in the audit facts, and nothing for an unknown entryUUID', async () => {
    const { passerelle, other, caller, document } = await setUp();
    const query = passerelle.registryStoredQuery;
    const named = await query.execute(caller, getDocuments(document.entryUuid));
    const unknown = await query.execute(
      caller,
      getDocuments('urn:uuid:00000000-0000-4000-8000-000000000000'),
    );
    expect(named.audit).toMatchObject({
      outcome: 'denied',
      reason: 'NO_AUTHORISATION',
      patientKey: other.key,
      documents: [],
    });
    expect(unknown.audit).toMatchObject({ reason: undefined, patientKey: undefined });
  });

  it('gives GetDocuments the document once the patient authorised the caller', async () => {
    const { passerelle, other, caller, document } = await setUp();
    await passerelle.givenAuthorisation(other, caller);
    const outcome = await passerelle.registryStoredQuery.execute(
      caller,
      getDocuments(document.entryUuid),
    );
    expect(succeeded(outcome).documents).toEqual([document]);
    expect(outcome.audit).toMatchObject({
      outcome: 'allowed',
      patientKey: other.key,
      documents: [document.uniqueId],
    });
  });

  it('refuses FindDocuments naming a patient the caller may not consult: an explicit FORBIDDEN (NO_AUTHORISATION)', async () => {
    const { passerelle, other, caller } = await setUp();
    const outcome = await passerelle.registryStoredQuery.execute(
      caller,
      command({
        name: 'FindDocuments',
        returnType: 'LeafClass',
        patientKey: other.key,
        filter: { statuses: ['Approved'] },
      }),
    );
    const error = failed(outcome);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/\(NO_AUTHORISATION\)$/);
    expect(outcome.audit).toMatchObject({
      outcome: 'denied',
      reason: 'NO_AUTHORISATION',
      patientKey: other.key,
    });
  });

  it('answers FindDocuments as ObjectRef with the ids of the documents LeafClass returns, audited alike', async () => {
    const { passerelle, own, caller } = await setUp();
    await passerelle.givenDocument(caller, own);
    const find = (returnType: 'LeafClass' | 'ObjectRef') =>
      passerelle.registryStoredQuery.execute(
        caller,
        command({
          name: 'FindDocuments',
          returnType,
          patientKey: own.key,
          filter: { statuses: ['Approved'] },
        }),
      );
    const leafClass = await find('LeafClass');
    const objectRef = await find('ObjectRef');
    const entries = succeeded(leafClass).documents;
    expect(entries).toHaveLength(2);
    expect(succeeded(objectRef)).toEqual({
      returnType: 'ObjectRef',
      documents: entries.map(({ entryUuid, uniqueId }) => ({ entryUuid, uniqueId })),
      submissionSets: [],
      folders: [],
      associations: [],
    });
    expect(objectRef.audit.documents).toEqual(leafClass.audit.documents);
  });
});
