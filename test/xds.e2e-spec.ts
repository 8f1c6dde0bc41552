import type { Bundle, DocumentReference } from 'fhir/r4';
import { createHash } from 'node:crypto';
import { NS, XmlElement, attributeOf, childOf, childrenOf } from '@passerelle/xds';
import { XdsPatient, freshOid, freshXdsPatient, provideBundle } from '@passerelle/testing';
import type { FhirClient } from './support/test-gateway';
import { TestGateway, startTestGateway } from './support/test-gateway';
import { errorCodesOf, postSoap, statusOf } from './support/xds-client';
import {
  STORED_QUERY,
  nistBytes,
  nistText,
  provideRequest,
  registerRequest,
  retrieveRequest,
  storedQuery,
} from './support/xds-fixtures';

const REPOSITORY = '1.2.250.1.999.1.1.1';

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

  function documentsOf(query: XmlElement): XmlElement[] {
    const list = childOf(query, NS.rim, 'RegistryObjectList');
    return list ? childrenOf(list, NS.rim, 'ExtrinsicObject') : [];
  }

  function objectRefsOf(query: XmlElement): XmlElement[] {
    const list = childOf(query, NS.rim, 'RegistryObjectList');
    return list ? childrenOf(list, NS.rim, 'ObjectRef') : [];
  }

  function externalIdentifier(object: XmlElement, scheme: string): string | undefined {
    return childrenOf(object, NS.rim, 'ExternalIdentifier').find(
      (identifier) => attributeOf(identifier, 'identificationScheme') === scheme,
    )?.attributes.value;
  }

  const DOCUMENT_UNIQUE_ID = 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab';

  async function findDocuments(patient: XdsPatient, statuses = ['Approved']) {
    const answer = await postSoap(
      gateway,
      'registry',
      storedQuery(STORED_QUERY.FindDocuments, {
        $XDSDocumentEntryPatientId: [`'${patient.cx}'`],
        $XDSDocumentEntryStatus: [
          `(${statuses.map((s) => `'urn:oasis:names:tc:ebxml-regrep:StatusType:${s}'`).join(',')})`,
        ],
      }),
      'medecin-generaliste',
    );
    expect(statusOf(answer.body)).toBe('Success');
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
        expect(statusOf(answer.body)).toBe('Success');
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
      expect(statusOf(upper.body)).toBe('Success');
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
      expect(statusOf(answer.body)).toBe('Success');
      expect(await findDocuments(patient)).toHaveLength(1);
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
      expect(statusOf(answer.body)).toBe('Success');
      const [part] = [...answer.attachments.values()];
      expect(part.body.equals(content)).toBe(true);
      expect(createHash('sha1').update(part.body).digest('hex')).toBe(
        createHash('sha1').update(content).digest('hex'),
      );
    });

    it('returns ObjectRefs when asked', async () => {
      const patient = await patientWithRecord();
      await gateway
        .fhir('hopital-org')
        .transaction({ body: provideBundle(patient.token, [{ content: Buffer.from('x') }]) });
      const answer = await postSoap(
        gateway,
        'registry',
        storedQuery(
          STORED_QUERY.FindDocuments,
          {
            $XDSDocumentEntryPatientId: [`'${patient.cx}'`],
            $XDSDocumentEntryStatus: [`('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`],
          },
          'ObjectRef',
        ),
        'medecin-generaliste',
      );
      expect(objectRefsOf(answer.body)).toHaveLength(1);
      expect(documentsOf(answer.body)).toHaveLength(0);
    });
  });
});
