import type { Bundle, DocumentReference } from 'fhir/r4';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { AvailabilityStatus, XDS_STATUS_URN } from '@passerelle/domain';
import { NS, attributeOf, childOf, childrenOf } from '@passerelle/xds';
import {
  XdsPatient,
  freshOid,
  freshXdsPatient,
  instantiateXdsTemplate,
  provideBundle,
} from '@passerelle/testing';
import type { FhirClient } from './support/test-gateway';
import { TestGateway, startTestGateway } from './support/test-gateway';
import {
  DOCUMENT_UNIQUE_ID,
  documentsOf,
  errorCodesOf,
  errorContextsOf,
  expectSuccess,
  externalIdentifier,
  objectRefsOf,
  postSoap,
  statusOf,
} from './support/xds-client';
import { APPROVED, ARCHIVED, statusUpdateRequest } from './support/xds-status-update';
import {
  STORED_QUERY,
  nistBytes,
  nistText,
  provideRequest,
  registerRequest,
  retrieveRequest,
  soapCall,
  ACTIONS,
  findDocumentsQuery,
  storedQuery,
  withSymbols,
} from './support/xds-fixtures';

const REPOSITORY = '1.2.250.1.999.1.1.1';

/** An ITI-57 request from a metadata body, patient ids instantiated. */
function updateRequest(template: string, patient: XdsPatient, entryUuids?: Map<string, string>) {
  const body = instantiateXdsTemplate(template, { patient: patient.cx, entryUuids });
  return soapCall(ACTIONS.update, body);
}

describe('XDS.b door over mutual TLS on PostgreSQL', () => {
  let gateway: TestGateway;
  let doctor: FhirClient;

  beforeAll(async () => {
    gateway = await startTestGateway();
    doctor = gateway.fhir('medecin-generaliste');
  });

  afterAll(() => gateway.close());

  async function openRecord(patient: XdsPatient): Promise<void> {
    const [system, value] = patient.token.split('|');
    await doctor.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
      options: { headers: { 'If-None-Exist': `identifier=${patient.token}` } },
    });
  }

  async function patientWithRecord(): Promise<XdsPatient> {
    const patient = freshXdsPatient();
    await openRecord(patient);
    return patient;
  }

  const myDocument = () => nistBytes('11966', 'submit', 'my_document.txt');

  async function findDocuments(patient: XdsPatient, statuses: AvailabilityStatus[] = ['Approved']) {
    const answer = await postSoap(
      gateway,
      'registry',
      storedQuery(STORED_QUERY.FindDocuments, {
        $XDSDocumentEntryPatientId: [`'${patient.cx}'`],
        $XDSDocumentEntryStatus: [`(${statuses.map((s) => `'${XDS_STATUS_URN[s]}'`).join(',')})`],
      }),
      'medecin-generaliste',
    );
    expectSuccess(answer);
    return documentsOf(answer.body);
  }

  describe('ITI-41 Provide and Register Document Set-b (NIST 11966)', () => {
    it.each(['mtom', 'inline'] as const)(
      'accepts a single document sent as %s, readable through MHD byte-identical',
      async (mode) => {
        const patient = await patientWithRecord();
        const uniqueIds = new Map<string, string>();
        const answer = await postSoap(
          gateway,
          'repository',
          provideRequest(
            nistText('11966', 'submit', 'single_doc.xml'),
            { patient: patient.cx, uniqueIds },
            [{ id: 'Document01', bytes: myDocument() }],
            mode,
          ),
        );
        expect(answer.status).toBe(200);
        expectSuccess(answer);
        expect(childOf(answer.header!, NS.wsa, 'Action')!.text).toBe(
          'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse',
        );
        expect(childOf(answer.header!, NS.wsa, 'RelatesTo')).toBeDefined();

        const found = (await doctor.search({
          resourceType: 'DocumentReference',
          searchParams: { 'patient.identifier': patient.token },
        })) as unknown as Bundle;
        expect(found.total).toBe(1);
        const reference = found.entry![0].resource as DocumentReference;
        expect(reference.masterIdentifier?.value).toBe(`urn:oid:${uniqueIds.get('Document01')}`);
        const download = await fetch(reference.content[0].attachment.url!, {
          dispatcher: gateway.agent('medecin-generaliste'),
        } as unknown as RequestInit);
        expect(Buffer.from(await download.arrayBuffer()).equals(myDocument())).toBe(true);
      },
    );

    it('refuses a typeCode outside JDV_J07: XDSRegistryMetadataError naming the code and the value set, nothing stored', async () => {
      const patient = await patientWithRecord();
      const outpatientNote = nistText('11966', 'submit', 'single_doc.xml').replace(
        'nodeRepresentation="11369-6"',
        'nodeRepresentation="34108-1"',
      );
      const answer = await postSoap(
        gateway,
        'repository',
        provideRequest(outpatientNote, { patient: patient.cx }, [
          { id: 'Document01', bytes: myDocument() },
        ]),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryMetadataError']);
      expect(errorContextsOf(answer.body)).toEqual([
        'DocumentEntry.typeCode "34108-1" (code system 2.16.840.1.113883.6.1) is not in the value set JDV_J07-XdsTypeCode-CISIS version 20240927120000',
      ]);
      expect(await findDocuments(patient)).toHaveLength(0);
    });

    it('refuses a DocumentEntry without its document: XDSMissingDocument (NIST 11983)', async () => {
      const patient = await patientWithRecord();
      const answer = await postSoap(
        gateway,
        'repository',
        provideRequest(
          nistText('11983', 'submit_no_doc', 'single_doc.xml'),
          {
            patient: patient.cx,
          },
          [],
        ),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toContain('XDSMissingDocument');
      expect(await findDocuments(patient)).toHaveLength(0);
    });

    it('refuses a document without metadata: XDSMissingDocumentMetadata (NIST 11983)', async () => {
      const patient = await patientWithRecord();
      const answer = await postSoap(
        gateway,
        'repository',
        provideRequest(
          nistText('11983', 'submit_no_metadata', 'no_doc.xml'),
          { patient: patient.cx },
          [
            {
              id: 'Document01',
              bytes: nistBytes('11983', 'submit_no_metadata', 'my_document.txt'),
            },
          ],
        ),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toContain('XDSMissingDocumentMetadata');
    });

    it('checks a supplied hash, case-insensitively (NIST 11981)', async () => {
      const patient = await patientWithRecord();
      const bad = await postSoap(
        gateway,
        'repository',
        provideRequest(
          nistText('11981', 'submit_bad_hash', 'single_doc.xml'),
          { patient: patient.cx },
          [{ id: 'Document01', bytes: nistBytes('11981', 'submit_bad_hash', 'my_document.txt') }],
        ),
      );
      expect(statusOf(bad.body)).toBe('Failure');
      expect(errorCodesOf(bad.body)).toContain('XDSRepositoryMetadataError');
      expect(await findDocuments(patient)).toHaveLength(0);

      const upper = await postSoap(
        gateway,
        'repository',
        provideRequest(
          nistText('11981', 'submit_uppercase_hash', 'single_doc.xml'),
          { patient: patient.cx },
          [
            {
              id: 'Document01',
              bytes: nistBytes('11981', 'submit_uppercase_hash', 'my_document.txt'),
            },
          ],
        ),
      );
      expectSuccess(upper);
    });
  });

  describe('ITI-42 Register Document Set-b', () => {
    it('registers a DocumentEntry held by another repository (NIST 11990)', async () => {
      const patient = await patientWithRecord();
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(nistText('11990', 'submit', 'single_doc.xml'), { patient: patient.cx }),
      );
      expectSuccess(answer);
      expect(await findDocuments(patient)).toHaveLength(1);
    });

    it.each(['repositoryUniqueId', 'hash', 'size'])(
      'refuses a DocumentEntry without its %s slot: XDSRegistryMetadataError naming it (ITI TF-3 Table 4.3.1-3)',
      async (slot) => {
        const patient = await patientWithRecord();
        const template = nistText('11990', 'submit', 'single_doc.xml');
        const withoutSlot = template.replace(
          new RegExp(`<rim:Slot name="${slot}">[\\s\\S]*?</rim:Slot>`),
          '',
        );
        expect(withoutSlot).not.toBe(template);
        const answer = await postSoap(
          gateway,
          'registry',
          registerRequest(withoutSlot, { patient: patient.cx }),
        );
        expect(statusOf(answer.body)).toBe('Failure');
        expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryMetadataError']);
        expect(errorContextsOf(answer.body).join(' ')).toContain(`the ${slot} slot is required`);
        expect(await findDocuments(patient)).toHaveLength(0);
      },
    );

    it('reports an entryUUID given to two objects as a duplicate entryUUID: XDSRegistryMetadataError', async () => {
      const patient = await patientWithRecord();
      const uuid = 'urn:uuid:3f1c9e2a-7b4d-4c8e-9a1f-5d6e7f809a1b';
      const template = nistText('11990', 'submit', 'single_doc.xml');
      // Distinct uniqueIds (an OID is kept as sent) for the two objects sharing one entryUUID.
      const shared = template
        .replace(/(?<=value=)"(SubmissionSet01|Document01)"/g, () => `"${freshOid()}"`)
        .replace(/"(SubmissionSet01|Document01)"/g, `"${uuid}"`);
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(shared, { patient: patient.cx }),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).not.toContain('XDSRegistryDuplicateUniqueIdInMessage');
      expect(errorContextsOf(answer.body).join(' ')).toContain(
        `entryUUID ${uuid} is given to two objects`,
      );
      expect(await findDocuments(patient)).toHaveLength(0);
    });

    it('refuses an unknown patient: XDSUnknownPatientId (NIST 11996)', async () => {
      const unknown = freshXdsPatient();
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(nistText('11996', 'submit', 'single_doc.xml'), {
          patient: unknown.cx,
          altPatient: unknown.cx,
        }),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toContain('XDSUnknownPatientId');
    });

    it('refuses patient ids that differ: XDSPatientIdDoesNotMatch (NIST 11997)', async () => {
      const patient = await patientWithRecord();
      const other = await patientWithRecord();
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(nistText('11997', 'submit', 'single_doc.xml'), {
          patient: patient.cx,
          altPatient: other.cx,
        }),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toContain('XDSPatientIdDoesNotMatch');
      expect(await findDocuments(patient)).toHaveLength(0);
      expect(await findDocuments(other)).toHaveLength(0);
    });

    it('accepts an identical resubmission and refuses other content: XDSNonIdenticalHash (NIST 12004)', async () => {
      const patient = await patientWithRecord();
      const uniqueIds = new Map<string, string>();
      const step = async (file: string) =>
        postSoap(
          gateway,
          'registry',
          registerRequest(nistText('12004', 'submit', file), { patient: patient.cx, uniqueIds }),
        );
      expect(statusOf((await step('single_doc.xml')).body)).toBe('Success');
      uniqueIds.delete('SubmissionSet01');
      expect(statusOf((await step('single_doc2.xml')).body)).toBe('Success');
      uniqueIds.delete('SubmissionSet01');
      const third = await step('single_doc3.xml');
      expect(statusOf(third.body)).toBe('Failure');
      expect(errorCodesOf(third.body)).toContain('XDSNonIdenticalHash');
    });

    it('refuses a self-referencing association: XDSRegistryMetadataError (NIST 21000)', async () => {
      const patient = await patientWithRecord();
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(nistText('21000', 'submit', 'submissionset_update_target_self.xml'), {
          patient: patient.cx,
        }),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toContain('XDSRegistryMetadataError');
    });

    it('accepts extra metadata with Success and an XDSExtraMetadataNotSaved warning per Slot, and does not return it (NIST 12379 no_support)', async () => {
      const patient = await patientWithRecord();
      const template = nistText('11990', 'submit', 'single_doc.xml');
      const extraSlot =
        '<rim:Slot name="urn:nist:extraslot"><rim:ValueList><rim:Value>importantvalue</rim:Value></rim:ValueList></rim:Slot>';
      const withExtra = template.replace(/(<rim:ExtrinsicObject[^>]*>)/, `$1${extraSlot}`);
      expect(withExtra).not.toBe(template);
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(withExtra, { patient: patient.cx }),
      );
      expect(statusOf(answer.body)).toBe('Success');
      const list = childOf(answer.body, NS.rs, 'RegistryErrorList')!;
      expect(childrenOf(list, NS.rs, 'RegistryError').map((e) => e.attributes)).toEqual([
        expect.objectContaining({
          errorCode: 'XDSExtraMetadataNotSaved',
          severity: 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning',
          location: 'Document01',
        }),
      ]);
      const [stored] = await findDocuments(patient);
      expect(
        childrenOf(stored, NS.rim, 'Slot').map((slot) => attributeOf(slot, 'name')),
      ).not.toContain('urn:nist:extraslot');
    });

    it("refuses a replacement of another patient's document: XDSPatientIdDoesNotMatch to whom may see it, an unknown document to anyone else", async () => {
      const patient = await patientWithRecord();
      const other = await patientWithRecord();
      const uuids = new Map<string, string>();
      const seed = ['12346', 'doc_for_rplc', 'single_doc_for_rplc.xml'];
      expectSuccess(await registerNist(other, seed, { entryUuids: uuids }));
      const replacement = withSymbols(nistText('12346', 'rplc', 'rplc.xml'), {
        $rplc_doc_uuid$: uuids.get('Document01')!,
      });
      const replace = (persona: string) =>
        postSoap(
          gateway,
          'registry',
          registerRequest(replacement, { patient: patient.cx }),
          persona,
        );
      const named = await replace('medecin-generaliste');
      expect(statusOf(named.body)).toBe('Failure');
      expect(errorCodesOf(named.body)).toEqual(['XDSPatientIdDoesNotMatch']);
      expect(errorContextsOf(named.body).join(' ')).toContain('belongs to another patient');
      const unknown = await replace('laboratoire-org');
      expect(statusOf(unknown.body)).toBe('Failure');
      expect(errorCodesOf(unknown.body)).toEqual(['XDSRegistryMetadataError']);
      expect(errorContextsOf(unknown.body).join(' ')).not.toContain('another patient');
      expect(await findDocuments(patient)).toHaveLength(0);
      expect(await findDocuments(other)).toHaveLength(1);
    });

    it('refuses a DocumentEntry outside its SubmissionSet (no HasMember): XDSRegistryMetadataError, nothing stored', async () => {
      const patient = await patientWithRecord();
      const template = nistText('11990', 'submit', 'single_doc.xml');
      const outside = template.replace(
        /<rim:Association[^>]*targetObject="Document01"[\s\S]*?<\/rim:Association>/,
        '',
      );
      expect(outside).not.toBe(template);
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(outside, { patient: patient.cx }),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryMetadataError']);
      expect(errorContextsOf(answer.body).join(' ')).toContain(
        'Document01 is not a member of the SubmissionSet',
      );
      expect(await findDocuments(patient)).toHaveLength(0);
    });
  });

  async function registerNist(
    patient: XdsPatient,
    path: string[],
    extra: {
      symbols?: Record<string, string>;
      entryUuids?: Map<string, string>;
      uniqueIds?: Map<string, string>;
    } = {},
  ) {
    const template = withSymbols(nistText(...path), extra.symbols ?? {});
    return postSoap(
      gateway,
      'registry',
      registerRequest(template, {
        patient: patient.cx,
        entryUuids: extra.entryUuids,
        uniqueIds: extra.uniqueIds,
      }),
    );
  }

  describe('ITI-42 adding a DocumentEntry to a registered Folder', () => {
    /** NIST 11990's DocumentEntry, made a member of a registered Folder by its entryUUID. */
    const addition = (folderUuid: string, announced = true) => {
      const template = nistText('11990', 'submit', 'single_doc.xml');
      const associations =
        `<rim:Association id="FolderMember01" associationType="HasMember" sourceObject="${folderUuid}" targetObject="Document01"/>` +
        (announced
          ? '<rim:Association id="SetMember01" associationType="HasMember" sourceObject="SubmissionSet01" targetObject="FolderMember01"/>'
          : '');
      const added = template.replace(
        '</rim:LeafRegistryObjectList>',
        `${associations}</rim:LeafRegistryObjectList>`,
      );
      expect(added).not.toBe(template);
      return added;
    };

    /** A Folder of the patient (NIST 12346 doc_w_fol): its entryUUID. */
    async function registeredFolder(patient: XdsPatient): Promise<string> {
      const uuids = new Map<string, string>();
      const seed = ['12346', 'doc_w_fol', 'single_doc_w_fol.xml'];
      expectSuccess(await registerNist(patient, seed, { entryUuids: uuids }));
      return uuids.get('Folder')!;
    }

    const folderQuery = (query: string, folderUuid: string) =>
      postSoap(
        gateway,
        'registry',
        storedQuery(query, { $XDSFolderEntryUUID: [`'${folderUuid}'`] }),
        'medecin-generaliste',
      );

    const lastUpdateTimeOf = async (folderUuid: string) => {
      const answer = await folderQuery(STORED_QUERY.GetFolders, folderUuid);
      expectSuccess(answer);
      const [folder] = childrenOf(
        childOf(answer.body, NS.rim, 'RegistryObjectList')!,
        NS.rim,
        'RegistryPackage',
      );
      const slot = childrenOf(folder, NS.rim, 'Slot').find(
        (candidate) => attributeOf(candidate, 'name') === 'lastUpdateTime',
      )!;
      return childrenOf(childOf(slot, NS.rim, 'ValueList')!, NS.rim, 'Value')[0].text;
    };

    it("adds it, with the SubmissionSet's HasMember to the association, and moves the Folder's lastUpdateTime", async () => {
      const patient = await patientWithRecord();
      const folderUuid = await registeredFolder(patient);
      const before = await lastUpdateTimeOf(folderUuid);
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(addition(folderUuid), { patient: patient.cx }),
      );
      expectSuccess(answer);
      const contents = await folderQuery(STORED_QUERY.GetFolderAndContents, folderUuid);
      expectSuccess(contents);
      expect(documentsOf(contents.body)).toHaveLength(2);
      expect(await lastUpdateTimeOf(folderUuid)).not.toBe(before);
    });

    it("refuses the addition without the SubmissionSet's HasMember to it: XDSRegistryMetadataError, nothing stored", async () => {
      const patient = await patientWithRecord();
      const folderUuid = await registeredFolder(patient);
      const answer = await postSoap(
        gateway,
        'registry',
        registerRequest(addition(folderUuid, false), { patient: patient.cx }),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryMetadataError']);
      expect(errorContextsOf(answer.body).join(' ')).toContain(
        "without the SubmissionSet's HasMember to that association",
      );
      expect(await findDocuments(patient)).toHaveLength(1);
    });

    it("refuses another patient's Folder: XDSPatientIdDoesNotMatch to whom may consult that record, an unknown Folder to anyone else", async () => {
      const patient = await patientWithRecord();
      const other = await patientWithRecord();
      const folderUuid = await registeredFolder(other);
      const add = (persona: string) =>
        postSoap(
          gateway,
          'registry',
          registerRequest(addition(folderUuid), { patient: patient.cx }),
          persona,
        );
      const named = await add('medecin-generaliste');
      expect(statusOf(named.body)).toBe('Failure');
      expect(errorCodesOf(named.body)).toEqual(['XDSPatientIdDoesNotMatch']);
      const unknown = await add('laboratoire-org');
      expect(statusOf(unknown.body)).toBe('Failure');
      expect(errorCodesOf(unknown.body)).toEqual(['XDSRegistryMetadataError']);
      expect(errorContextsOf(unknown.body).join(' ')).not.toContain('another patient');
      expect(await findDocuments(patient)).toHaveLength(0);
      const contents = await folderQuery(STORED_QUERY.GetFolderAndContents, folderUuid);
      expect(documentsOf(contents.body)).toHaveLength(1);
    });
  });

  describe('ITI-18 Registry Stored Query on the NIST 12346 seed', () => {
    let patient: XdsPatient;
    const rplcUuids = new Map<string, string>();

    beforeAll(async () => {
      patient = await patientWithRecord();
      for (const step of [
        ['12346', 'single_doc', 'single_doc.xml'],
        ['12346', 'doc_w_fol', 'single_doc_w_fol.xml'],
        ['12346', 'two_doc_w_fol', 'two_doc_w_fol.xml'],
      ]) {
        const answer = await registerNist(patient, step, { entryUuids: new Map() });
        expectSuccess(answer);
      }
      const original = await registerNist(
        patient,
        ['12346', 'doc_for_rplc', 'single_doc_for_rplc.xml'],
        {
          entryUuids: rplcUuids,
        },
      );
      expectSuccess(original);
      const replacement = await registerNist(patient, ['12346', 'rplc', 'rplc.xml'], {
        symbols: { $rplc_doc_uuid$: rplcUuids.get('Document01')! },
        entryUuids: new Map(),
      });
      expectSuccess(replacement);
    });

    async function nistQuery(file: string) {
      const query = withSymbols(nistText('11897', file, 'query.xml'), { $patient_id$: patient.cx });
      return postSoap(
        gateway,
        'registry',
        soapCall(ACTIONS.storedQuery, query),
        'medecin-generaliste',
      );
    }

    it('FindDocuments Approved returns 5 documents (11897/approved)', async () => {
      const answer = await nistQuery('approved');
      expectSuccess(answer);
      expect(documentsOf(answer.body)).toHaveLength(5);
    });

    it('FindDocuments Approved + Deprecated returns 6, the replaced one Deprecated (11897/leafclass)', async () => {
      const answer = await nistQuery('leafclass');
      const documents = documentsOf(answer.body);
      expect(documents).toHaveLength(6);
      const replaced = documents.find((d) => d.attributes.id === rplcUuids.get('Document01'));
      expect(replaced?.attributes.status).toBe(
        'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated',
      );
    });

    it('treats the creationTime To bound as exclusive (11897/creationtime_right_edge)', async () => {
      const answer = await nistQuery('creationtime_right_edge');
      expectSuccess(answer);
      expect(objectRefsOf(answer.body)).toHaveLength(0);
    });

    it('refuses a code without its coding scheme (11897/classcode_scheme_mismatch)', async () => {
      const answer = await nistQuery('classcode_scheme_mismatch');
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryError']);
    });

    it('answers GetAll, GetSubmissionSetAndContents, GetFolderAndContents and GetRelatedDocuments', async () => {
      const all = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetAll, {
          $patientId: [`'${patient.cx}'`],
          $XDSDocumentEntryStatus: [
            `('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved','urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated')`,
          ],
          $XDSSubmissionSetStatus: [`('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`],
          $XDSFolderStatus: [`('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`],
        }),
        'medecin-generaliste',
      );
      const list = childOf(all.body, NS.rim, 'RegistryObjectList')!;
      expect(childrenOf(list, NS.rim, 'ExtrinsicObject')).toHaveLength(6);
      const packages = childrenOf(list, NS.rim, 'RegistryPackage');
      expect(packages).toHaveLength(7);
      const associations = childrenOf(list, NS.rim, 'Association');
      expect(associations.some((a) => a.attributes.associationType.endsWith(':RPLC'))).toBe(true);

      const folder = packages.find(
        (p) =>
          childrenOf(p, NS.rim, 'Classification').some(
            (c) =>
              c.attributes.classificationNode === 'urn:uuid:d9d542f3-6cc4-48b6-8870-ea235fbc94c2',
          ) && childrenOf(p, NS.rim, 'VersionInfo').length === 1,
      )!;
      const contents = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetFolderAndContents, {
          $XDSFolderEntryUUID: [`'${folder.attributes.id}'`],
        }),
        'medecin-generaliste',
      );
      expectSuccess(contents);
      expect(documentsOf(contents.body).length).toBeGreaterThanOrEqual(1);

      const related = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetRelatedDocuments, {
          $XDSDocumentEntryEntryUUID: [`'${rplcUuids.get('Document01')}'`],
          $AssociationTypes: [`('urn:ihe:iti:2007:AssociationType:RPLC')`],
        }),
        'medecin-generaliste',
      );
      expect(documentsOf(related.body)).toHaveLength(2);
      expect(
        childrenOf(childOf(related.body, NS.rim, 'RegistryObjectList')!, NS.rim, 'Association'),
      ).toHaveLength(1);
    });

    it('answers every other stored query on the seed', async () => {
      const approved = `('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`;
      const ask = async (id: string, slots: Record<string, string[]>) => {
        const answer = await postSoap(
          gateway,
          'registry',
          storedQuery(id, slots),
          'medecin-generaliste',
        );
        expectSuccess(answer);
        const list = childOf(answer.body, NS.rim, 'RegistryObjectList')!;
        const count = (local: string) => childrenOf(list, NS.rim, local).length;
        return {
          documents: count('ExtrinsicObject'),
          packages: childrenOf(list, NS.rim, 'RegistryPackage'),
          associations: count('Association'),
        };
      };
      const sets = await ask(STORED_QUERY.FindSubmissionSets, {
        $XDSSubmissionSetPatientId: [`'${patient.cx}'`],
        $XDSSubmissionSetStatus: [approved],
      });
      expect(sets.packages).toHaveLength(5);
      const folders = await ask(STORED_QUERY.FindFolders, {
        $XDSFolderPatientId: [`'${patient.cx}'`],
        $XDSFolderStatus: [approved],
      });
      expect(folders.packages).toHaveLength(2);
      const [folder] = folders.packages;
      expect(
        (
          await ask(STORED_QUERY.GetFolders, {
            $XDSFolderEntryUUID: [`('${folder.attributes.id}')`],
          })
        ).packages,
      ).toHaveLength(1);
      const [setUuid] = sets.packages.map((p) => p.attributes.id);
      const contents = await ask(STORED_QUERY.GetSubmissionSetAndContents, {
        $XDSSubmissionSetEntryUUID: [`'${setUuid}'`],
      });
      expect(contents.packages.length).toBeGreaterThanOrEqual(1);
      expect(contents.documents).toBeGreaterThanOrEqual(1);
      const replaced = rplcUuids.get('Document01')!;
      const withAssociations = await ask(STORED_QUERY.GetDocumentsAndAssociations, {
        $XDSDocumentEntryEntryUUID: [`('${replaced}')`],
      });
      expect(withAssociations.documents).toBe(1);
      expect(withAssociations.associations).toBeGreaterThanOrEqual(2);
      expect(
        (await ask(STORED_QUERY.GetAssociations, { $uuid: [`('${replaced}')`] })).associations,
      ).toBeGreaterThanOrEqual(2);
      expect(
        (await ask(STORED_QUERY.GetSubmissionSets, { $uuid: [`('${replaced}')`] })).packages,
      ).toHaveLength(1);
      const inFolder = await ask(STORED_QUERY.GetFolderAndContents, {
        $XDSFolderEntryUUID: [`'${folder.attributes.id}'`],
      });
      const [member] = inFolder.packages.length ? [inFolder] : [];
      expect(member).toBeDefined();
      const folderDocument = (
        await postSoap(
          gateway,
          'registry',
          storedQuery(STORED_QUERY.GetFolderAndContents, {
            $XDSFolderEntryUUID: [`'${folder.attributes.id}'`],
          }),
          'medecin-generaliste',
        )
      ).body;
      const documentUuid = documentsOf(folderDocument)[0].attributes.id;
      expect(
        (
          await ask(STORED_QUERY.GetFoldersForDocument, {
            $XDSDocumentEntryEntryUUID: [`'${documentUuid}'`],
          })
        ).packages,
      ).toHaveLength(1);
    });

    it('requires the parameters a query needs: XDSStoredQueryMissingParam, XDSStoredQueryParamNumber', async () => {
      const missing = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.FindDocuments, {
          $XDSDocumentEntryPatientId: [`'${patient.cx}'`],
        }),
        'medecin-generaliste',
      );
      expect(errorCodesOf(missing.body)).toEqual(['XDSStoredQueryMissingParam']);
      const both = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetDocuments, {
          $XDSDocumentEntryEntryUUID: [`'${rplcUuids.get('Document01')}'`],
          $XDSDocumentEntryUniqueId: [`'1.2.3'`],
        }),
        'medecin-generaliste',
      );
      expect(errorCodesOf(both.body)).toEqual(['XDSStoredQueryParamNumber']);
      const unquoted = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.FindDocuments, {
          $XDSDocumentEntryPatientId: [patient.cx],
          $XDSDocumentEntryStatus: [`('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`],
        }),
        'medecin-generaliste',
      );
      expect(statusOf(unquoted.body)).toBe('Failure');
      expect(errorCodesOf(unquoted.body)).toEqual(['XDSRegistryError']);
    });

    it('refuses a by-id query spanning two patients: XDSResultNotSinglePatient', async () => {
      const other = await patientWithRecord();
      const otherIds = new Map<string, string>();
      await registerNist(other, ['11990', 'submit', 'single_doc.xml'], { uniqueIds: otherIds });
      const mine = new Map<string, string>();
      await registerNist(patient, ['11990', 'submit', 'single_doc.xml'], { uniqueIds: mine });
      const answer = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetDocuments, {
          $XDSDocumentEntryUniqueId: [
            `('${otherIds.get('Document01')}','${mine.get('Document01')}')`,
          ],
        }),
        'medecin-generaliste',
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSResultNotSinglePatient']);
    });
  });

  describe('ITI-57 Update Document Set', () => {
    it('makes a new version, the previous Deprecated (NIST 15800), visible through MHD', async () => {
      const patient = await patientWithRecord();
      const entryUuids = new Map<string, string>();
      const uniqueIds = new Map<string, string>();
      const original = await registerNist(patient, ['15800', 'original', 'single_doc.xml'], {
        entryUuids,
        uniqueIds,
      });
      expectSuccess(original);
      const lid = entryUuids.get('Document01')!;
      const update = withSymbols(nistText('15800', 'update', 'single_doc.xml'), {
        $lid$: lid,
        $Document01_uid$: uniqueIds.get('Document01')!,
      });
      const versionUuids = new Map<string, string>();
      const answer = await postSoap(
        gateway,
        'registry',
        updateRequest(update, patient, versionUuids),
      );
      expectSuccess(answer);
      const versions = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetDocuments, { $XDSDocumentEntryLogicalID: [`('${lid}')`] }),
        'medecin-generaliste',
      );
      const byVersion = new Map(
        documentsOf(versions.body).map((d) => [
          childOf(d, NS.rim, 'VersionInfo')!.attributes.versionName,
          d.attributes.status.split(':').pop(),
        ]),
      );
      expect(Object.fromEntries(byVersion)).toEqual({ '1': 'Deprecated', '2': 'Approved' });
      const ids = documentsOf(versions.body).map((d) => d.attributes.id);
      expect(ids).toContain(versionUuids.get('Document01'));
      const found = (await doctor.search({
        resourceType: 'DocumentReference',
        searchParams: { 'patient.identifier': patient.token },
      })) as unknown as Bundle;
      expect(found.total).toBe(1);
    });

    it('takes a new version as the whole entry: a title left out is gone, a hash left out refused', async () => {
      const patient = await patientWithRecord();
      const entryUuids = new Map<string, string>();
      const uniqueIds = new Map<string, string>();
      expectSuccess(
        await registerNist(patient, ['15800', 'original', 'single_doc.xml'], {
          entryUuids,
          uniqueIds,
        }),
      );
      const lid = entryUuids.get('Document01')!;
      const template = withSymbols(nistText('15800', 'update', 'single_doc.xml'), {
        $lid$: lid,
        $Document01_uid$: uniqueIds.get('Document01')!,
      });
      const withoutHash = template.replace(/<rim:Slot name="hash">[\s\S]*?<\/rim:Slot>/, '');
      expect(withoutHash).not.toBe(template);
      const refused = await postSoap(
        gateway,
        'registry',
        updateRequest(withoutHash, patient, new Map()),
      );
      expect(errorCodesOf(refused.body)).toEqual(['XDSRegistryMetadataError']);
      expect(errorContextsOf(refused.body).join(' ')).toContain(
        'the hash slot is required in Update Document Set',
      );

      const untitled = template.replace(/<rim:Name>[\s\S]*?<\/rim:Name>/, '');
      expectSuccess(
        await postSoap(gateway, 'registry', updateRequest(untitled, patient, new Map())),
      );
      const versions = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetDocuments, { $XDSDocumentEntryLogicalID: [`('${lid}')`] }),
        'medecin-generaliste',
      );
      const titleOf = (version: string) => {
        const document = documentsOf(versions.body).find(
          (d) => childOf(d, NS.rim, 'VersionInfo')!.attributes.versionName === version,
        )!;
        return childOf(document, NS.rim, 'Name') !== undefined;
      };
      expect({ first: titleOf('1'), second: titleOf('2') }).toEqual({ first: true, second: false });
    });

    it('answers extra metadata on a new version with Success and an XDSExtraMetadataNotSaved warning', async () => {
      const patient = await patientWithRecord();
      const entryUuids = new Map<string, string>();
      const uniqueIds = new Map<string, string>();
      const original = ['15800', 'original', 'single_doc.xml'];
      expectSuccess(await registerNist(patient, original, { entryUuids, uniqueIds }));
      const template = withSymbols(nistText('15800', 'update', 'single_doc.xml'), {
        $lid$: entryUuids.get('Document01')!,
        $Document01_uid$: uniqueIds.get('Document01')!,
      });
      const extraSlot =
        '<rim:Slot name="urn:nist:extraslot"><rim:ValueList><rim:Value>importantvalue</rim:Value></rim:ValueList></rim:Slot>';
      const update = template.replace(/(<rim:ExtrinsicObject[^>]*>)/, `$1${extraSlot}`);
      expect(update).not.toBe(template);
      const answer = await postSoap(gateway, 'registry', updateRequest(update, patient, new Map()));
      expect(statusOf(answer.body)).toBe('Success');
      expect(errorCodesOf(answer.body)).toEqual(['XDSExtraMetadataNotSaved']);
    });

    it('refuses two new versions sharing one lid in one request: XDSRegistryMetadataError, nothing stored', async () => {
      const patient = await patientWithRecord();
      const entryUuids = new Map<string, string>();
      const uniqueIds = new Map<string, string>();
      expectSuccess(
        await registerNist(patient, ['15800', 'original', 'single_doc.xml'], {
          entryUuids,
          uniqueIds,
        }),
      );
      const lid = entryUuids.get('Document01')!;
      const update = withSymbols(nistText('15800', 'update', 'single_doc.xml'), {
        $lid$: lid,
        $Document01_uid$: uniqueIds.get('Document01')!,
      });
      const block = (open: string, close: string) =>
        update.slice(update.indexOf(open), update.indexOf(close) + close.length);
      const entry = block('<rim:ExtrinsicObject', '</rim:ExtrinsicObject>');
      const member = block('<rim:Association targetObject="Document01"', '</rim:Association>');
      const twice = update
        .replace(entry, `${entry}\n${entry.split('Document01').join('Document02')}`)
        .replace(member, `${member}\n${member.split('Document01').join('Document02')}`);
      const answer = await postSoap(gateway, 'registry', updateRequest(twice, patient));
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toContain('XDSRegistryMetadataError');
      expect(errorContextsOf(answer.body).join(' ')).toContain(
        `Two new versions of ${lid} (one lid) in one request`,
      );
      const versions = await postSoap(
        gateway,
        'registry',
        storedQuery(STORED_QUERY.GetDocuments, { $XDSDocumentEntryLogicalID: [`('${lid}')`] }),
        'medecin-generaliste',
      );
      expect(documentsOf(versions.body)).toHaveLength(1);
    });

    it('refuses an update of an unknown document: XDSMetadataVersionError (NIST 15800b)', async () => {
      const patient = await patientWithRecord();
      const answer = await postSoap(
        gateway,
        'registry',
        updateRequest(nistText('15800b', 'no_orig_docentry', 'single_doc.xml'), patient),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toContain('XDSMetadataVersionError');
    });

    it('archives a document (DMP status) through UpdateAvailabilityStatus, seen by MHD; an MHD PATCH is seen by ITI-18', async () => {
      const patient = await patientWithRecord();
      const uniqueIds = new Map<string, string>();
      await postSoap(
        gateway,
        'repository',
        provideRequest(
          nistText('11966', 'submit', 'single_doc.xml'),
          { patient: patient.cx, uniqueIds },
          [{ id: 'Document01', bytes: myDocument() }],
        ),
        'medecin-generaliste',
      );
      const [entry] = await findDocuments(patient);
      const answer = await postSoap(
        gateway,
        'registry',
        statusUpdateRequest(patient.cx, entry.attributes.lid, APPROVED, ARCHIVED),
        'medecin-generaliste',
      );
      expectSuccess(answer);
      const read = (await doctor.search({
        resourceType: 'DocumentReference',
        searchParams: { 'patient.identifier': patient.token },
      })) as unknown as Bundle;
      const reference = read.entry![0].resource as DocumentReference;
      expect(
        reference.extension?.some((e) => e.url.endsWith('PDSm_isArchived') && e.valueBoolean),
      ).toBe(true);

      const stale = await postSoap(
        gateway,
        'registry',
        statusUpdateRequest(patient.cx, entry.attributes.lid, APPROVED, ARCHIVED),
        'medecin-generaliste',
      );
      expect(errorCodesOf(stale.body)).toEqual(['XDSMetadataVersionError']);

      const patched = await fetch(`${gateway.fhirUrl}/DocumentReference/${reference.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json-patch+json' },
        body: JSON.stringify([{ op: 'replace', path: '/status', value: 'entered-in-error' }]),
        dispatcher: gateway.agent('medecin-generaliste'),
      } as unknown as RequestInit);
      expect(patched.status).toBe(200);
      const deleted = await findDocuments(patient, ['Deleted']);
      expect(deleted).toHaveLength(1);
    });
  });

  describe('ITI-43 Retrieve Document Set', () => {
    it('returns the bytes as provided over MTOM, PartialSuccess for a missing one', async () => {
      const patient = await patientWithRecord();
      const uniqueIds = new Map<string, string>();
      const bytes = Buffer.concat([
        myDocument(),
        Buffer.from('\r\n--MIMEBoundary\r\n\u0000\u00ff'),
      ]);
      await postSoap(
        gateway,
        'repository',
        provideRequest(
          nistText('11966', 'submit', 'single_doc.xml'),
          { patient: patient.cx, uniqueIds },
          [{ id: 'Document01', bytes }],
        ),
      );
      const documentUniqueId = uniqueIds.get('Document01')!;
      const answer = await postSoap(
        gateway,
        'repository',
        retrieveRequest([
          { repositoryUniqueId: REPOSITORY, documentUniqueId },
          { repositoryUniqueId: REPOSITORY, documentUniqueId: freshOid() },
        ]),
        'medecin-generaliste',
      );
      expect(answer.contentType).toMatch(/^multipart\/related/);
      expect(statusOf(answer.body)).toBe('PartialSuccess');
      expect(errorCodesOf(answer.body)).toEqual(['XDSMissingDocument']);
      const [response] = childrenOf(answer.body, NS.xdsb, 'DocumentResponse');
      expect(childOf(response, NS.xdsb, 'mimeType')!.text).toBe('text/plain');
      const include = childOf(childOf(response, NS.xdsb, 'Document')!, NS.xop, 'Include')!;
      const contentId = decodeURIComponent(include.attributes.href.replace(/^cid:/, ''));
      expect(answer.attachments.get(contentId)!.body.equals(bytes)).toBe(true);
    });

    it('answers XDSUnknownRepositoryId for another repository', async () => {
      const answer = await postSoap(
        gateway,
        'repository',
        retrieveRequest([{ repositoryUniqueId: '1.2.3.4', documentUniqueId: freshOid() }]),
        'medecin-generaliste',
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSUnknownRepositoryId']);
    });
  });

  describe('one record, two doors', () => {
    it('finds a document provided through MHD with ITI-18 and reads it with ITI-43', async () => {
      const patient = await patientWithRecord();
      const content = Buffer.from('Compte rendu MHD → XDS');
      const bundle = provideBundle(patient.token, [{ content }]);
      await gateway.fhir('hopital-org').transaction({ body: bundle });
      const [entry] = await findDocuments(patient);
      const uniqueId = externalIdentifier(entry, DOCUMENT_UNIQUE_ID)!;
      const hash = childrenOf(entry, NS.rim, 'Slot').find(
        (slot) => slot.attributes.name === 'hash',
      );
      expect(hash).toBeDefined();
      const answer = await postSoap(
        gateway,
        'repository',
        retrieveRequest([{ repositoryUniqueId: REPOSITORY, documentUniqueId: uniqueId }]),
        'medecin-generaliste',
      );
      expectSuccess(answer);
      const [part] = [...answer.attachments.values()];
      expect(part.body.equals(content)).toBe(true);
      expect(createHash('sha1').update(part.body).digest('hex')).toBe(
        createHash('sha1').update(content).digest('hex'),
      );
    });

    it('hides a masked document from a professional who is not its author: absent from ITI-18, missing on ITI-43', async () => {
      const patient = await patientWithRecord();
      const uniqueId = freshOid();
      await gateway.fhir('hopital-org').transaction({
        body: provideBundle(patient.token, [
          {
            content: Buffer.from('masqué'),
            uniqueId,
            securityLabels: ['N', 'MASQUE_PS'],
            authorId: '810000000025',
          },
          { content: Buffer.from('visible'), authorId: '810000000025' },
        ]),
      });
      const visible = await findDocuments(patient);
      expect(visible.map((entry) => externalIdentifier(entry, DOCUMENT_UNIQUE_ID))).not.toContain(
        uniqueId,
      );
      expect(visible).toHaveLength(1);
      const answer = await postSoap(
        gateway,
        'repository',
        retrieveRequest([{ repositoryUniqueId: REPOSITORY, documentUniqueId: uniqueId }]),
        'medecin-generaliste',
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSMissingDocument']);
    });

    it('streams FindDocuments over 1,000 visible documents (chunked) and answers ObjectRef with exactly their ids, masked ones left out of both', async () => {
      const patient = await patientWithRecord();
      const visibleIds = new Set<string>();
      const maskedIds = new Set<string>();
      for (let bundle = 0; bundle < 10; bundle++) {
        const documents = Array.from({ length: 105 }, (_, index) => {
          const uniqueId = freshOid();
          const masked = index < 5;
          (masked ? maskedIds : visibleIds).add(uniqueId);
          return {
            content: Buffer.from(`${bundle}-${index}`),
            uniqueId,
            authorId: '810000000025',
            ...(masked ? { securityLabels: ['N', 'MASQUE_PS'] } : {}),
          };
        });
        await gateway
          .fhir('hopital-org')
          .transaction({ body: provideBundle(patient.token, documents) });
      }
      const query = (returnType: 'LeafClass' | 'ObjectRef') =>
        postSoap(
          gateway,
          'registry',
          findDocumentsQuery(patient.cx, returnType),
          'medecin-generaliste',
        );
      const leafClass = await query('LeafClass');
      expectSuccess(leafClass);
      expect(leafClass.transferEncoding).toBe('chunked');
      const entries = documentsOf(leafClass.body);
      expect(entries).toHaveLength(1000);
      const uniqueIds = entries.map((entry) => externalIdentifier(entry, DOCUMENT_UNIQUE_ID));
      expect(new Set(uniqueIds)).toEqual(visibleIds);
      expect(uniqueIds.filter((id) => maskedIds.has(id!))).toEqual([]);
      for (const entry of entries) {
        expect(childrenOf(entry, NS.rim, 'Classification').length).toBeGreaterThanOrEqual(6);
        expect(childrenOf(entry, NS.rim, 'ExternalIdentifier')).toHaveLength(2);
      }

      const objectRef = await query('ObjectRef');
      expectSuccess(objectRef);
      expect(objectRefsOf(objectRef.body).map((ref) => ref.attributes.id)).toEqual(
        entries.map((entry) => entry.attributes.id),
      );
      expect(documentsOf(objectRef.body)).toHaveLength(0);
    }, 180_000);

    it('returns ObjectRefs when asked', async () => {
      const patient = await patientWithRecord();
      await gateway
        .fhir('hopital-org')
        .transaction({ body: provideBundle(patient.token, [{ content: Buffer.from('x') }]) });
      const answer = await postSoap(
        gateway,
        'registry',
        findDocumentsQuery(patient.cx, 'ObjectRef'),
        'medecin-generaliste',
      );
      expect(objectRefsOf(answer.body)).toHaveLength(1);
      expect(documentsOf(answer.body)).toHaveLength(0);
    });
  });
});

describe('VALUE_SET_POLICY=warn: codes outside the national value sets accepted and audited', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ VALUE_SET_POLICY: 'warn' });
  });

  afterAll(() => gateway.close());

  it('registers an ITI-41 with a typeCode outside JDV_J07 and says so in its audit record', async () => {
    const patient = freshXdsPatient();
    const [system, value] = patient.token.split('|');
    await gateway.fhir('medecin-generaliste').create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
    });
    const outpatientNote = nistText('11966', 'submit', 'single_doc.xml').replace(
      'nodeRepresentation="11369-6"',
      'nodeRepresentation="34108-1"',
    );
    const answer = await postSoap(
      gateway,
      'repository',
      provideRequest(outpatientNote, { patient: patient.cx }, [
        { id: 'Document01', bytes: nistBytes('11966', 'submit', 'my_document.txt') },
      ]),
    );
    expectSuccess(answer);
    expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryMetadataError']);
    expect(JSON.stringify(answer.body)).toContain('ErrorSeverityType:Warning');
    expect(errorContextsOf(answer.body).join(' ')).toContain(
      'DocumentEntry.typeCode "34108-1" (code system 2.16.840.1.113883.6.1) is not in the value set JDV_J07-XdsTypeCode-CISIS',
    );

    const client = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ outcome: string; reason: string }>(
        `SELECT outcome, reason FROM audit_event WHERE patient_key = $1 AND transaction = 'ITI-41'`,
        [patient.cx],
      );
      expect(rows).toEqual([
        {
          outcome: 'allowed',
          reason:
            'Accepted outside the national value sets (VALUE_SET_POLICY=warn): DocumentEntry.typeCode "34108-1" (code system 2.16.840.1.113883.6.1) is not in the value set JDV_J07-XdsTypeCode-CISIS version 20240927120000',
        },
      ]);
    } finally {
      await client.end();
    }
  });

  it('answers an ITI-65 with a typeCode outside JDV_J07 with a warning on that DocumentReference', async () => {
    const patient = freshXdsPatient();
    const [system, value] = patient.token.split('|');
    await gateway.fhir('medecin-generaliste').create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
    });
    const bundle = provideBundle(patient.token, [{ typeCode: '34108-1' }]);
    const answer = (await gateway.fhir('hopital-org').transaction({ body: bundle })) as Bundle;
    const [submissionSet, document] = answer.entry!;
    expect(submissionSet.response!.outcome).toBeUndefined();
    expect(document.response!.status).toBe('201 Created');
    expect(document.response!.outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'warning',
          code: 'code-invalid',
          expression: [bundle.entry![1].fullUrl],
          diagnostics: expect.stringContaining('"34108-1"'),
        },
      ],
    });
  });
});
