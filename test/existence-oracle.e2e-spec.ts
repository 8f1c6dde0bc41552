import type { Bundle, DocumentReference } from 'fhir/r4';
import { randomUUID } from 'node:crypto';
import { NS, XmlElement, attributeOf, childrenOf } from '@passerelle/xds';
import { freshOid } from '@passerelle/testing';
import {
  ABSENT_AUTHOR,
  Answer,
  DmpRecord,
  DmpTestBed,
  IDNAT,
  PRESCRIPTION,
} from './support/dmp-test-bed';
import {
  SoapAnswer,
  documentsOf,
  errorCodesOf,
  expectSuccess,
  postSoap,
  statusOf,
} from './support/xds-client';
import {
  findDocumentsQuery,
  nistBytes,
  nistText,
  provideRequest,
  registerRequest,
  retrieveRequest,
} from './support/xds-fixtures';
import { APPROVED, ARCHIVED, statusUpdateRequest } from './support/xds-status-update';

const REPOSITORY = '1.2.250.1.999.1.1.1';
const DOCUMENT_UNIQUE_ID = 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab';
const PASSING_TEST = [{ op: 'test', path: '/status', value: 'current' }];
const FAILING_TEST = [{ op: 'test', path: '/status', value: 'superseded' }];

/** An answer with the requested id replaced by a placeholder, to compare it with another. */
function withPlaceholder(answer: Answer, id: string) {
  return { status: answer.status, body: answer.text.split(id).join('<ID>') };
}

/** The SOAP body element (status, errors, codeContext…) with the requested id replaced. */
function soapWithPlaceholder(answer: SoapAnswer, id: string) {
  return JSON.stringify(answer.body).split(id).join('<ID>');
}

/**
 * The entry as the registry keeps it: the ids of its Classifications and ExternalIdentifiers
 * are made anew in each answer.
 */
const PART_ELEMENTS = new Set(['Classification', 'ExternalIdentifier']);

function withoutPartIds(element: XmlElement): unknown {
  const { id: _id, ...attributes } = element.attributes;
  return {
    ...element,
    attributes: PART_ELEMENTS.has(element.local) ? attributes : element.attributes,
    children: element.children.map(withoutPartIds),
  };
}

function uniqueIdOf(entry: XmlElement): string | undefined {
  return childrenOf(entry, NS.rim, 'ExternalIdentifier').find(
    (identifier) => attributeOf(identifier, 'identificationScheme') === DOCUMENT_UNIQUE_ID,
  )?.attributes.value;
}

/**
 * No existence oracle (DESIGN §4): a caller who may not see a document gets, byte for byte, the
 * answer an id that does not exist gets; and every store lookup is scoped by patient.
 */
describe('No existence oracle, every lookup scoped by patient (MHD and XDS doors)', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  /** Asserts the hidden answer is the unknown one, a 404 (FHIR) with the same body. */
  function expectSameAsUnknown(
    hidden: Answer,
    hiddenId: string,
    unknown: Answer,
    unknownId: string,
  ) {
    expect(unknown.status).toBe(404);
    expect(withPlaceholder(hidden, hiddenId)).toEqual(withPlaceholder(unknown, unknownId));
  }

  describe('a document of a record the caller may not consult', () => {
    it('GET DocumentReference/{id} by a médecin without authorisation answers as an unknown id (404)', async () => {
      const record = await bed.newRecord();
      const { documentIds } = await bed.provide(record, [{}]);
      expect((await bed.search('bernard', record)).status).toBe(403);
      const unknownId = randomUUID();
      expectSameAsUnknown(
        await bed.call('bernard', 'GET', `/DocumentReference/${documentIds[0]}`),
        documentIds[0],
        await bed.call('bernard', 'GET', `/DocumentReference/${unknownId}`),
        unknownId,
      );
    });

    it('PATCH DocumentReference/{id} answers as an unknown id, whether its test op passes or fails (no test before the access decision)', async () => {
      const record = await bed.newRecord();
      const { documentIds } = await bed.provide(record, [{}]);
      const unknownId = randomUUID();
      for (const patch of [PASSING_TEST, FAILING_TEST]) {
        expectSameAsUnknown(
          await bed.patch('bernard', { id: documentIds[0] }, patch),
          documentIds[0],
          await bed.patch('bernard', { id: unknownId }, patch),
          unknownId,
        );
      }
    });

    it('conditional PATCH DocumentReference?identifier= answers as an unknown identifier, whether its test op passes or fails', async () => {
      const record = await bed.newRecord();
      const uniqueId = freshOid();
      await bed.provide(record, [{ uniqueId }]);
      const unknownUniqueId = freshOid();
      const identifier = (oid: string) => ({ identifier: `urn:ietf:rfc:3986|urn:oid:${oid}` });
      for (const patch of [PASSING_TEST, FAILING_TEST]) {
        expectSameAsUnknown(
          await bed.patch('bernard', identifier(uniqueId), patch),
          uniqueId,
          await bed.patch('bernard', identifier(unknownUniqueId), patch),
          unknownUniqueId,
        );
      }
    });

    it('ITI-43 of a document the PS may not consult answers XDSMissingDocument, as for an unknown uniqueId', async () => {
      const record = await bed.newRecord();
      const uniqueId = freshOid();
      await bed.provide(record, [{ uniqueId, typeCode: PRESCRIPTION }]);
      const unknownUniqueId = freshOid();
      const retrieve = (documentUniqueId: string) =>
        postSoap(
          bed.gateway,
          'repository',
          retrieveRequest([{ repositoryUniqueId: REPOSITORY, documentUniqueId }]),
          'pharmacien',
        );
      const hidden = await retrieve(uniqueId);
      const unknown = await retrieve(unknownUniqueId);
      expect(errorCodesOf(unknown.body)).toEqual(['XDSMissingDocument']);
      expect(errorCodesOf(hidden.body)).toEqual(['XDSMissingDocument']);
      expect(soapWithPlaceholder(hidden, uniqueId)).toEqual(
        soapWithPlaceholder(unknown, unknownUniqueId),
      );
    });
  });

  describe('a MASQUE_PS document, to an authorised professional who is neither its author nor médecin traitant', () => {
    /** The opener (médecin généraliste) and the pharmacien hold an authorisation. */
    async function maskedRecord() {
      const record = await bed.newRecord();
      await bed.patient.authorise(record, IDNAT.pharmacien);
      const visible = await bed.provide(record, [
        { authorId: ABSENT_AUTHOR, typeCode: PRESCRIPTION },
      ]);
      const masked = await bed.provide(record, [
        {
          authorId: ABSENT_AUTHOR,
          typeCode: PRESCRIPTION,
          uniqueId: freshOid(),
          securityLabels: ['N', 'MASQUE_PS'],
        },
      ]);
      return { record, visible, masked };
    }

    const READERS = ['medecin-generaliste', 'pharmacien'];

    it('GET DocumentReference/{id} answers as an unknown id (404)', async () => {
      const { visible, masked } = await maskedRecord();
      const unknownId = randomUUID();
      for (const reader of READERS) {
        const control = await bed.call(
          reader,
          'GET',
          `/DocumentReference/${visible.documentIds[0]}`,
        );
        expect(control.status).toBe(200);
        expectSameAsUnknown(
          await bed.call(reader, 'GET', `/DocumentReference/${masked.documentIds[0]}`),
          masked.documentIds[0],
          await bed.call(reader, 'GET', `/DocumentReference/${unknownId}`),
          unknownId,
        );
      }
    });

    it('PATCH DocumentReference/{id} answers as an unknown id, whether its test op passes or fails', async () => {
      const { masked } = await maskedRecord();
      const unknownId = randomUUID();
      for (const reader of READERS) {
        for (const patch of [PASSING_TEST, FAILING_TEST]) {
          expectSameAsUnknown(
            await bed.patch(reader, { id: masked.documentIds[0] }, patch),
            masked.documentIds[0],
            await bed.patch(reader, { id: unknownId }, patch),
            unknownId,
          );
        }
      }
    });

    it('GET Binary/{id} (the attachment URL) answers as an unknown Binary', async () => {
      const { visible, masked } = await maskedRecord();
      const unknownId = randomUUID();
      for (const reader of READERS) {
        expect((await bed.call(reader, 'GET', `/Binary/${visible.binaryIds[0]}`)).status).toBe(200);
        expectSameAsUnknown(
          await bed.call(reader, 'GET', `/Binary/${masked.binaryIds[0]}`),
          masked.binaryIds[0],
          await bed.call(reader, 'GET', `/Binary/${unknownId}`),
          unknownId,
        );
      }
    });

    const submissionSets = (who: string, record: DmpRecord) =>
      bed.call(
        who,
        'GET',
        `/List?patient.identifier=${encodeURIComponent(record.token)}&code=submissionset`,
      );

    it('a SubmissionSet whose only member is masked is neither listed nor counted (ITI-66)', async () => {
      const { record, visible } = await maskedRecord();
      for (const reader of READERS) {
        const lists = await submissionSets(reader, record);
        expect(lists.status).toBe(200);
        expect({
          total: lists.body.total,
          ids: (lists.body.entry ?? []).map((entry) => entry.resource!.id),
        }).toEqual({ total: 1, ids: visible.listIds });
      }
    });

    it('the médecin traitant (declared by himself, authorised) lists that SubmissionSet with its member', async () => {
      const { record, visible, masked } = await maskedRecord();
      expect((await bed.operation('bernard', record, '$declare-authorisation')).status).toBe(200);
      expect((await bed.operation('bernard', record, '$declare-medecin-traitant')).status).toBe(
        200,
      );
      const lists = await submissionSets('bernard', record);
      expect(lists.body.total).toBe(2);
      const byId = new Map(
        (lists.body.entry ?? []).map((entry) => [
          entry.resource!.id,
          entry.resource as unknown as { entry?: { item: { reference?: string } }[] },
        ]),
      );
      expect([...byId.keys()].sort()).toEqual([...visible.listIds, ...masked.listIds].sort());
      expect(byId.get(masked.listIds[0])!.entry!.map((e) => e.item.reference)).toEqual([
        `DocumentReference/${masked.documentIds[0]}`,
      ]);
    });

    it('ITI-57 on it answers as on a nonexistent document (same status, errorCode and codeContext)', async () => {
      const { record, masked } = await maskedRecord();
      const logicalId = `urn:uuid:${masked.documentIds[0]}`;
      const unknownId = `urn:uuid:${randomUUID()}`;
      const archive = (target: string) =>
        postSoap(
          bed.gateway,
          'registry',
          statusUpdateRequest(record.cx, target, APPROVED, ARCHIVED),
          'medecin-generaliste',
        );
      const hidden = await archive(logicalId);
      const unknown = await archive(unknownId);
      expect(statusOf(unknown.body)).toBe('Failure');
      expect(statusOf(hidden.body)).toBe('Failure');
      expect(errorCodesOf(hidden.body)).toEqual(errorCodesOf(unknown.body));
      expect(soapWithPlaceholder(hidden, logicalId)).toEqual(
        soapWithPlaceholder(unknown, unknownId),
      );
      const { rows } = await bed.database.query<{ status: string }>(
        `SELECT status FROM document_entry WHERE patient_key = $1 AND logical_id = $2 AND is_latest`,
        [record.key, logicalId],
      );
      expect(rows.map((row) => row.status)).toEqual(['Approved']);
    });
  });

  describe('every store lookup is scoped by patient', () => {
    const findDocuments = async (record: DmpRecord) => {
      const answer = await postSoap(
        bed.gateway,
        'registry',
        findDocumentsQuery(record.cx),
        'medecin-generaliste',
      );
      expectSuccess(answer);
      return documentsOf(answer.body);
    };

    /** A's document as its authorised médecin reads it, by ITI-18 and by MHD. */
    async function documentOf(record: DmpRecord) {
      const [entry] = await findDocuments(record);
      const id = entry.attributes.id.slice('urn:uuid:'.length);
      const read = await bed.call('medecin-generaliste', 'GET', `/DocumentReference/${id}`);
      expect(read.status).toBe(200);
      const reference = read.body as unknown as DocumentReference;
      return { entry, reference };
    }

    /** Document01 must be named in `entryUuids`: ITI-41 sends its bytes under that id. */
    type Submit = (record: DmpRecord, entryUuids: Map<string, string>) => Promise<SoapAnswer>;

    const iti42: Submit = (record, entryUuids) =>
      postSoap(
        bed.gateway,
        'registry',
        registerRequest(nistText('11990', 'submit', 'single_doc.xml'), {
          patient: record.cx,
          entryUuids,
        }),
      );

    const iti41: Submit = (record, entryUuids) =>
      postSoap(
        bed.gateway,
        'repository',
        provideRequest(
          nistText('11966', 'submit', 'single_doc.xml'),
          { patient: record.cx, entryUuids },
          [
            {
              id: entryUuids.get('Document01')!,
              bytes: nistBytes('11966', 'submit', 'my_document.txt'),
            },
          ],
        ),
      );

    it.each([
      ['ITI-42', iti42],
      ['ITI-41', iti41],
    ])(
      '%s for patient B reusing an entryUUID of patient A’s record fails (XDSRegistryMetadataError): nothing stored for B, A’s document unchanged',
      async (_name, submit) => {
        const a = await bed.newRecord();
        const b = await bed.newRecord();
        const uuidsOfA = new Map([['Document01', `urn:uuid:${randomUUID()}`]]);
        expectSuccess(await submit(a, uuidsOfA));
        const before = await documentOf(a);
        expect(before.entry.attributes.id).toBe(uuidsOfA.get('Document01'));

        const reused = new Map([['Document01', uuidsOfA.get('Document01')!]]);
        const answer = await submit(b, reused);
        expect(statusOf(answer.body)).toBe('Failure');
        expect(errorCodesOf(answer.body)).toContain('XDSRegistryMetadataError');

        expect(await findDocuments(b)).toEqual([]);
        const after = await documentOf(a);
        expect(withoutPartIds(after.entry)).toEqual(withoutPartIds(before.entry));
        expect(after.reference).toEqual(before.reference);
        expect(after.reference.subject!.identifier!.value).toBe(a.nir);
        expect(uniqueIdOf(after.entry)).toBe(uniqueIdOf(before.entry));
        const search = await bed.search('medecin-generaliste', a);
        expect((search.body as Bundle).total).toBe(1);
      },
    );
  });
});
