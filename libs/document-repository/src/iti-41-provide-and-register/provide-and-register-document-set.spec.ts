import { randomUUID } from 'node:crypto';
import type { AssociationType, PatientId, Principal, SignaturePolicy } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aMedecin,
  aPatient,
  documentDraft,
  failed,
  signatureDocument,
  signedDraft,
  submissionDraft,
  succeeded,
} from '@passerelle/testing';

describe('ProvideAndRegisterDocumentSet (ITI-41)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    return { passerelle, patient, author: aMedecin() };
  };

  const everything = (passerelle: InMemoryPasserelle, patient: PatientId) =>
    passerelle.registry.documents(patient.key, { allVersions: true }, 'unfiltered', {
      limit: 100,
      offset: 0,
    });

  it('owes the patient a new-document notice {count: 1} for a normal document', async () => {
    const { passerelle, patient, author } = await setUp();
    const draft = submissionDraft(patient, [documentDraft(patient)]);
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
    succeeded(outcome);
    expect(outcome.audit.notifications).toEqual([
      expect.objectContaining({
        kind: 'new-document',
        patientKey: patient.key,
        payload: { count: 1 },
      }),
    ]);
  });

  it('owes no notice for a document invisible to the patient', async () => {
    const { passerelle, patient, author } = await setUp();
    const draft = submissionDraft(patient, [
      documentDraft(patient, { restrictions: ['INVISIBLE_PATIENT'] }),
    ]);
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
    succeeded(outcome);
    expect(outcome.audit.notifications).toEqual([]);
  });

  it('counts only the documents visible to the patient in the notice', async () => {
    const { passerelle, patient, author } = await setUp();
    const draft = submissionDraft(patient, [
      documentDraft(patient),
      documentDraft(patient, { restrictions: ['INVISIBLE_PATIENT'] }),
      documentDraft(patient),
    ]);
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
    succeeded(outcome);
    expect(outcome.audit.notifications.map((n) => n.payload)).toEqual([{ count: 2 }]);
  });

  it('stores the bytes with the entry, under its content id, with the content’s hash and size', async () => {
    const { passerelle, patient, author } = await setUp();
    const document = documentDraft(patient);
    const registered = succeeded(
      await passerelle.provideAndRegisterDocumentSet.execute(
        author,
        submissionDraft(patient, [document]),
      ),
    );
    const entry = registered.documents[0].entry;
    const content = await passerelle.contents.read(patient.key, entry.contentId!);
    expect(content?.bytes).toEqual(document.content);
    expect(entry).toMatchObject({
      hashSha1: content?.hashSha1,
      size: document.content!.length,
      repositoryUniqueId: passerelle.repository.repositoryUniqueId,
      submitter: { kind: 'PS', subjectId: author.subjectId },
    });
  });

  it('refuses a supplied hash that differs from the content (HASH_MISMATCH), committing nothing', async () => {
    const { passerelle, patient, author } = await setUp();
    const commit = jest.spyOn(passerelle.registry, 'commit');
    const draft = submissionDraft(patient, [
      documentDraft(patient, { suppliedHashSha1: '0'.repeat(40) }),
    ]);
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
    expect(failed(outcome).code).toBe('HASH_MISMATCH');
    expect(commit).not.toHaveBeenCalled();
    expect((await everything(passerelle, patient)).items).toEqual([]);
    expect(passerelle.contents.size).toBe(0);
    expect(outcome.audit.notifications).toEqual([]);
  });

  it("reports every problem in one refusal: the door's, the content's and the value sets'", async () => {
    const { passerelle, patient, author } = await setUp();
    const document = documentDraft(patient, {
      suppliedHashSha1: '0'.repeat(40),
      creationTime: undefined,
      typeCode: { code: '99999-9', codeSystem: '2.16.840.1.113883.6.1' },
    });
    const unreadable = {
      code: 'METADATA_INVALID' as const,
      message: 'creationTime 2026-13-45 is not an HL7 DTM',
      location: document.ref,
      field: 'creationTime',
    };
    const draft = { ...submissionDraft(patient, [document]), problems: [unreadable] };
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
    expect(failed(outcome).details.map((d) => d.code)).toEqual([
      'METADATA_INVALID',
      'HASH_MISMATCH',
      'CODE_NOT_IN_VALUE_SET',
    ]);
    expect(passerelle.contents.size).toBe(0);
  });

  it('refuses what the door could not translate even when the content is right, storing nothing', async () => {
    const { passerelle, patient, author } = await setUp();
    const document = documentDraft(patient);
    const unreadable = {
      code: 'UNRESOLVED_REFERENCE' as const,
      message: 'relatesTo must be replaces|transforms|appends|signs a DocumentReference/<id>',
      location: document.ref,
    };
    const draft = { ...submissionDraft(patient, [document]), problems: [unreadable] };
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
    expect(failed(outcome).details).toEqual([unreadable]);
    expect((await everything(passerelle, patient)).items).toEqual([]);
  });

  it('refuses a blocked professional (FORBIDDEN BLOCKED) before anything is read or written', async () => {
    const { passerelle, patient, author } = await setUp();
    await passerelle.givenBlock(patient, author.subjectId);
    const { registry, contents } = passerelle;
    const touched = [
      jest.spyOn(registry, 'documents'),
      jest.spyOn(registry, 'locate'),
      jest.spyOn(registry, 'submissionContext'),
      jest.spyOn(registry, 'begin'),
      jest.spyOn(registry, 'stageSubmission'),
      jest.spyOn(registry, 'commit'),
      jest.spyOn(contents, 'put'),
      jest.spyOn(contents, 'read'),
    ];
    const draft = submissionDraft(patient, [documentDraft(patient)]);
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
    const error = failed(outcome);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/\(BLOCKED\)$/);
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'BLOCKED' });
    for (const spy of touched) expect(spy).not.toHaveBeenCalled();
  });

  it('refuses an entryUUID the sender reuses (DUPLICATE_ENTRY_UUID), committing nothing more', async () => {
    const { passerelle, patient, author } = await setUp();
    const first = documentDraft(patient, {
      entryUuid: 'urn:uuid:5b1d2b8e-3c4f-4a7b-9d0e-1f2a3b4c5d6e',
    });
    succeeded(
      await passerelle.provideAndRegisterDocumentSet.execute(
        author,
        submissionDraft(patient, [first]),
      ),
    );
    const again = documentDraft(patient, { entryUuid: first.entryUuid });
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(
      author,
      submissionDraft(patient, [again]),
    );
    expect(failed(outcome).code).toBe('DUPLICATE_ENTRY_UUID');
    expect((await everything(passerelle, patient)).total).toBe(1);
    expect(passerelle.contents.size).toBe(1);
  });

  it('accepts an identical resubmission as already registered, storing nothing again and owing no notice', async () => {
    const { passerelle, patient, author } = await setUp();
    const document = documentDraft(patient);
    const first = succeeded(
      await passerelle.provideAndRegisterDocumentSet.execute(
        author,
        submissionDraft(patient, [document]),
      ),
    );
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(
      author,
      submissionDraft(patient, [{ ...document, ref: 'urn:uuid:resubmitted' }]),
    );
    const again = succeeded(outcome);
    expect(again.documents[0]).toMatchObject({
      alreadyRegistered: true,
      entry: first.documents[0].entry,
    });
    expect(outcome.audit.notifications).toEqual([]);
    expect((await everything(passerelle, patient)).total).toBe(1);
    expect(passerelle.contents.size).toBe(1);
  });

  it('refuses a document for a patient without a record (UNKNOWN_PATIENT)', async () => {
    const { passerelle, author } = await setUp();
    const stranger = aPatient();
    const outcome = await passerelle.provideAndRegisterDocumentSet.execute(
      author,
      submissionDraft(stranger, [documentDraft(stranger)]),
    );
    expect(failed(outcome).code).toBe('UNKNOWN_PATIENT');
    expect(passerelle.contents.size).toBe(0);
  });

  describe('a relationship (RPLC, XFRM, APND, XFRM_RPLC) to a document of another record', () => {
    const relationTo = (
      passerelle: InMemoryPasserelle,
      submitter: Principal,
      patient: PatientId,
      type: AssociationType,
      target: string,
    ) =>
      passerelle.provideAndRegisterDocumentSet.execute(
        submitter,
        submissionDraft(patient, [documentDraft(patient, { ref: 'new' })], {
          associations: [{ type, source: { ref: 'new' }, target: { existingEntryUuid: target } }],
        }),
      );

    it.each<AssociationType>(['RPLC', 'XFRM', 'APND', 'XFRM_RPLC'])(
      '%s: PATIENT_ID_MISMATCH to a submitter who may see that document, nothing stored',
      async (type) => {
        const { passerelle, patient, author } = await setUp();
        const other = await passerelle.givenRecord();
        const target = await passerelle.givenDocument(author, other);
        const error = failed(await relationTo(passerelle, author, patient, type, target.entryUuid));
        expect(error.code).toBe('PATIENT_ID_MISMATCH');
        expect(error.catalogue.xdsCode).toBe('XDSPatientIdDoesNotMatch');
        expect((await everything(passerelle, patient)).total).toBe(0);
        expect((await everything(passerelle, other)).items.map((e) => e.status)).toEqual([
          'Approved',
        ]);
      },
    );

    it('is PATIENT_ID_MISMATCH for a professional the other patient authorised', async () => {
      const { passerelle, patient, author } = await setUp();
      const other = await passerelle.givenRecord();
      const target = await passerelle.givenDocument(author, other);
      const colleague = aMedecin();
      await passerelle.givenAuthorisation(other, colleague);
      const outcome = await relationTo(passerelle, colleague, patient, 'RPLC', target.entryUuid);
      expect(failed(outcome).code).toBe('PATIENT_ID_MISMATCH');
    });

    it('is an unknown document (REPLACED_NOT_FOUND) to a submitter who may not see it, as an id that names nothing', async () => {
      const { passerelle, patient, author } = await setUp();
      const other = await passerelle.givenRecord();
      const target = await passerelle.givenDocument(author, other);
      const stranger = aMedecin();
      const hidden = failed(
        await relationTo(passerelle, stranger, patient, 'RPLC', target.entryUuid),
      );
      const nothing = failed(
        await relationTo(passerelle, stranger, patient, 'RPLC', `urn:uuid:${randomUUID()}`),
      );
      expect([hidden.code, nothing.code]).toEqual(['REPLACED_NOT_FOUND', 'REPLACED_NOT_FOUND']);
      expect(hidden.message).toBe(
        `Document ${target.entryUuid} is not a current document of this patient`,
      );
      expect(hidden.message).not.toContain('another patient');
    });

    it('is an unknown document to a professional in bris de glace, unless he is its author', async () => {
      const { passerelle, patient, author } = await setUp();
      const other = await passerelle.givenRecord();
      const target = await passerelle.givenDocument(author, other);
      const emergency = {
        purposeOfUse: 'bris_de_glace' as const,
        accessReason: 'Patient inconscient',
      };
      const urgentiste = aMedecin(emergency);
      const refused = failed(
        await relationTo(passerelle, urgentiste, patient, 'RPLC', target.entryUuid),
      );
      expect(refused.code).toBe('REPLACED_NOT_FOUND');
      const itsAuthor = { ...author, ...emergency };
      const named = failed(
        await relationTo(passerelle, itsAuthor, patient, 'RPLC', target.entryUuid),
      );
      expect(named.code).toBe('PATIENT_ID_MISMATCH');
    });

    it('is an unknown document to an authorised professional for a document hidden from him', async () => {
      const { passerelle, patient, author } = await setUp();
      const other = await passerelle.givenRecord();
      const target = await passerelle.givenDocument(author, other, { restrictions: ['MASQUE_PS'] });
      const colleague = aMedecin();
      await passerelle.givenAuthorisation(other, colleague);
      const outcome = await relationTo(passerelle, colleague, patient, 'RPLC', target.entryUuid);
      expect(failed(outcome).code).toBe('REPLACED_NOT_FOUND');
    });
  });

  describe('adding a DocumentEntry to a Folder already registered', () => {
    const LONG_AGO = new Date('2020-01-01T00:00:00Z');

    /** A Folder of the patient, registered long ago with one document. */
    const givenFolder = async (
      passerelle: InMemoryPasserelle,
      author: Principal,
      patient: PatientId,
    ) => {
      const draft = submissionDraft(patient, [documentDraft(patient, { ref: 'first' })], {
        folders: [
          {
            ref: 'folder',
            uniqueId: `2.25.${randomUUID().replace(/\D/g, '')}`,
            patientId: patient,
            codeList: [],
          },
        ],
        associations: [{ type: 'HasMember', source: { ref: 'folder' }, target: { ref: 'first' } }],
      });
      const registered = succeeded(
        await passerelle.provideAndRegisterDocumentSet.execute(author, {
          ...draft,
          submissionSet: { ...draft.submissionSet, submissionTime: LONG_AGO },
        }),
      );
      return registered.folders[0].folder;
    };

    const addTo = (
      passerelle: InMemoryPasserelle,
      submitter: Principal,
      patient: PatientId,
      folderUuid: string,
    ) =>
      passerelle.provideAndRegisterDocumentSet.execute(
        submitter,
        submissionDraft(patient, [documentDraft(patient, { ref: 'added' })], {
          associations: [
            {
              type: 'HasMember',
              source: { existingFolderUuid: folderUuid },
              target: { ref: 'added' },
            },
          ],
        }),
      );

    it('makes the document a member of the Folder and moves its lastUpdateTime to the time of the commit', async () => {
      const { passerelle, patient, author } = await setUp();
      const folder = await givenFolder(passerelle, author, patient);
      expect(folder.lastUpdateTime).toEqual(LONG_AGO);
      const before = Date.now();
      const added = succeeded(await addTo(passerelle, author, patient, folder.entryUuid));
      const members = await passerelle.registry.associations(
        patient.key,
        { sources: [folder.entryUuid], types: ['HasMember'] },
        'unfiltered',
        10,
      );
      expect(members.map((m) => m.targetUuid)).toContain(added.documents[0].entry.entryUuid);
      expect(members).toHaveLength(2);
      const [updated] = (
        await passerelle.registry.folders(patient.key, {}, 'unfiltered', { limit: 10, offset: 0 })
      ).items;
      expect(updated.lastUpdateTime.getTime()).toBeGreaterThanOrEqual(before);
    });

    it("is PATIENT_ID_MISMATCH for another patient's Folder to a submitter who may consult that record", async () => {
      const { passerelle, patient, author } = await setUp();
      const other = await passerelle.givenRecord();
      const folder = await givenFolder(passerelle, author, other);
      await passerelle.givenAuthorisation(other, author);
      const error = failed(await addTo(passerelle, author, patient, folder.entryUuid));
      expect(error.code).toBe('PATIENT_ID_MISMATCH');
      expect(error.catalogue.xdsCode).toBe('XDSPatientIdDoesNotMatch');
      expect((await everything(passerelle, patient)).total).toBe(0);
    });

    it('is an unknown Folder to a professional in bris de glace', async () => {
      const { passerelle, patient, author } = await setUp();
      const other = await passerelle.givenRecord();
      const folder = await givenFolder(passerelle, author, other);
      const urgentiste = aMedecin({
        purposeOfUse: 'bris_de_glace',
        accessReason: 'Patient inconscient',
      });
      const error = failed(await addTo(passerelle, urgentiste, patient, folder.entryUuid));
      expect(error.code).toBe('UNRESOLVED_REFERENCE');
    });

    it('is an unknown Folder (UNRESOLVED_REFERENCE) to anyone else, as an entryUUID that names nothing', async () => {
      const { passerelle, patient, author } = await setUp();
      const other = await passerelle.givenRecord();
      const folder = await givenFolder(passerelle, author, other);
      const hidden = failed(await addTo(passerelle, author, patient, folder.entryUuid));
      const nothing = failed(await addTo(passerelle, author, patient, `urn:uuid:${randomUUID()}`));
      expect([hidden.code, nothing.code]).toEqual(['UNRESOLVED_REFERENCE', 'UNRESOLVED_REFERENCE']);
      expect(hidden.message).toBe(`Folder ${folder.entryUuid} is not a Folder of this patient`);
    });
  });

  describe('the submission set signature (IHE DSG), by SIGNATURE_POLICY', () => {
    const withPolicy = async (signaturePolicy: SignaturePolicy) => {
      const passerelle = new InMemoryPasserelle({ signaturePolicy });
      const patient = await passerelle.givenRecord();
      return { passerelle, patient, author: aMedecin() };
    };

    it('stores a signed submission whose signature holds, each document naming its signer', async () => {
      const { passerelle, patient, author } = await withPolicy('verified-if-present');
      const draft = await signedDraft(submissionDraft(patient, [documentDraft(patient)]));
      const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
      const [document, signature] = succeeded(outcome).documents.map(({ entry }) => entry);
      expect(document.signedBy).toEqual({
        name: 'CLAIRE SIGNATAIRE',
        subject: expect.stringContaining('810000000042'),
      });
      expect(signature.formatCode.code).toBe('urn:ihe:iti:dsg:detached:2014');
      expect(signature.signedBy).toBeUndefined();
      expect(passerelle.contents.size).toBe(2);
    });

    it('refuses a document changed after signing (SIGNATURE_INVALID), storing nothing, audited', async () => {
      const { passerelle, patient, author } = await withPolicy('verified-if-present');
      const signed = await signedDraft(submissionDraft(patient, [documentDraft(patient)]));
      const [document, signature] = signed.documents;
      const draft = {
        ...signed,
        documents: [{ ...document, content: Buffer.from('altered') }, signature],
      };
      const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
      const error = failed(outcome);
      expect(error.code).toBe('SIGNATURE_INVALID');
      expect(error.details[0].location).toBe(signature.ref);
      expect(outcome.audit).toMatchObject({ outcome: 'failed', reason: 'SIGNATURE_INVALID' });
      expect((await everything(passerelle, patient)).items).toEqual([]);
      expect(passerelle.contents.size).toBe(0);
    });

    it('accepts an unsigned submission unless the policy requires a signature', async () => {
      const { passerelle, patient, author } = await withPolicy('verified-if-present');
      const draft = submissionDraft(patient, [documentDraft(patient)]);
      succeeded(await passerelle.provideAndRegisterDocumentSet.execute(author, draft));
    });

    it('refuses an unsigned ITI-41 submission under `required` (SIGNATURE_REQUIRED), storing nothing', async () => {
      const { passerelle, patient, author } = await withPolicy('required');
      const draft = submissionDraft(patient, [documentDraft(patient)]);
      const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, draft);
      expect(failed(outcome).code).toBe('SIGNATURE_REQUIRED');
      expect(outcome.audit).toMatchObject({ outcome: 'failed', reason: 'SIGNATURE_REQUIRED' });
      expect(passerelle.contents.size).toBe(0);
    });

    it('requires no signature of an ITI-65 bundle, but verifies the one it carries', async () => {
      const { passerelle, patient, author } = await withPolicy('required');
      const unsigned = submissionDraft(patient, [documentDraft(patient)]);
      succeeded(await passerelle.provideDocumentBundle.execute(author, unsigned));
      const signed = await signedDraft(submissionDraft(patient, [documentDraft(patient)]));
      const [document, signature] = signed.documents;
      const outcome = await passerelle.provideDocumentBundle.execute(author, {
        ...signed,
        documents: [document, documentDraft(patient), signature],
      });
      expect(failed(outcome).code).toBe('SIGNATURE_INVALID');
    });

    it('refuses two signature documents in one submission', async () => {
      const { passerelle, patient, author } = await withPolicy('verified-if-present');
      const signed = await signedDraft(submissionDraft(patient, [documentDraft(patient)]));
      const second = await signatureDocument(signed, undefined, {
        ref: 'urn:uuid:second-signature',
        uniqueId: `${signed.submissionSet.uniqueId}.98`,
      });
      const outcome = await passerelle.provideAndRegisterDocumentSet.execute(author, {
        ...signed,
        documents: [...signed.documents, second],
      });
      expect(failed(outcome).message).toMatch(/carries 2 signature documents/);
    });

    it('reads no signature under `off`: a signature document is stored as any other', async () => {
      const { passerelle, patient, author } = await withPolicy('off');
      const signed = await signedDraft(submissionDraft(patient, [documentDraft(patient)]));
      const [document, signature] = signed.documents;
      const draft = {
        ...signed,
        documents: [{ ...document, content: Buffer.from('altered') }, signature],
      };
      const stored = succeeded(
        await passerelle.provideAndRegisterDocumentSet.execute(author, draft),
      );
      expect(stored.documents.map(({ entry }) => entry.signedBy)).toEqual([undefined, undefined]);
      expect(passerelle.contents.size).toBe(2);
    });
  });

  describe('codes outside the national value sets (VALUE_SET_POLICY)', () => {
    const offList = (patient: PatientId) =>
      submissionDraft(patient, [
        documentDraft(patient, {
          typeCode: { code: '99999-9', codeSystem: '2.16.840.1.113883.6.1' },
        }),
      ]);
    const message =
      'DocumentEntry.typeCode "99999-9" (code system 2.16.840.1.113883.6.1) is not in the value set JDV_J07-XdsTypeCode-CISIS version 20240927120000';

    it('refuses the submission by default, naming the code and the value set, storing nothing', async () => {
      const { passerelle, patient, author } = await setUp();
      const outcome = await passerelle.provideAndRegisterDocumentSet.execute(
        author,
        offList(patient),
      );
      expect(failed(outcome)).toMatchObject({ code: 'CODE_NOT_IN_VALUE_SET', message });
      expect(failed(outcome).catalogue).toMatchObject({
        xdsCode: 'XDSRegistryMetadataError',
        httpStatus: 422,
      });
      expect(passerelle.contents.size).toBe(0);
    });

    it('accepts it under warn, and its audit record says which code was outside which set', async () => {
      const passerelle = new InMemoryPasserelle({ valueSetPolicy: 'warn' });
      const patient = await passerelle.givenRecord();
      const outcome = await passerelle.provideAndRegisterDocumentSet.execute(
        aMedecin(),
        offList(patient),
      );
      succeeded(outcome);
      expect(outcome.audit.reason).toBe(
        `Accepted outside the national value sets (VALUE_SET_POLICY=warn): ${message}`,
      );
      expect((await everything(passerelle, patient)).items).toHaveLength(1);
      expect(succeeded(outcome).warnings).toEqual([
        expect.objectContaining({ code: 'CODE_NOT_IN_VALUE_SET', message }),
      ]);
    });
  });
});
