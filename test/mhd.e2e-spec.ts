import type { Bundle, DocumentReference, List, OperationOutcome, Organization } from 'fhir/r4';
import { randomUUID } from 'node:crypto';
import {
  folderList,
  freshOid,
  freshPatient,
  instantiateFixture,
  provideBundle,
} from '@passerelle/testing';
import type { FhirClient } from './support/test-gateway';
import { TestGateway, startTestGateway } from './support/test-gateway';

type HttpError = { response: { status: number; data: OperationOutcome } };

async function failure(promise: Promise<unknown>): Promise<HttpError['response']> {
  try {
    await promise;
  } catch (error) {
    return (error as HttpError).response;
  }
  throw new Error('expected the request to fail');
}

function xdsCode(outcome: OperationOutcome): string | undefined {
  return outcome.issue[0].details?.coding?.[0].code;
}

describe('MHD door over mutual TLS on PostgreSQL', () => {
  let gateway: TestGateway;
  let hospital: FhirClient;
  let doctor: FhirClient;

  beforeAll(async () => {
    gateway = await startTestGateway();
    hospital = gateway.fhir('hopital-org');
    doctor = gateway.fhir('medecin-generaliste');
  });

  afterAll(() => gateway.close());

  const push = (bundle: unknown) => hospital.transaction({ body: bundle });

  async function openRecord(token: string): Promise<unknown> {
    const [system, value] = token.split('|');
    return doctor.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
      options: { headers: { 'If-None-Exist': `identifier=${token}` } },
    });
  }

  async function documentsOf(token: string, extra: Record<string, string> = {}): Promise<Bundle> {
    return (await doctor.search({
      resourceType: 'DocumentReference',
      searchParams: { 'patient.identifier': token, ...extra },
    })) as unknown as Bundle;
  }

  async function download(url: string, persona = 'medecin-generaliste') {
    const response = await fetch(url, {
      dispatcher: gateway.agent(persona),
    } as unknown as RequestInit);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  it('publishes a truthful CapabilityStatement', async () => {
    const statement = (await doctor.capabilityStatement()) as unknown as {
      fhirVersion: string;
      rest: { resource: { type: string; operation?: { name: string }[] }[] }[];
    };
    expect(statement.fhirVersion).toBe('4.0.1');
    const resources = statement.rest[0].resource;
    expect(resources.map((r) => r.type)).toEqual([
      'DocumentReference',
      'List',
      'Binary',
      'Patient',
      'AuditEvent',
      'Consent',
      'Practitioner',
      'Organization',
    ]);
    expect(resources.find((r) => r.type === 'Patient')!.operation!.map((o) => o.name)).toEqual([
      'declare-authorisation',
      'revoke-authorisation',
      'declare-medecin-traitant',
      'remove-medecin-traitant',
      'block',
      'unblock',
      'emergency-consents',
      'close',
      'reopen',
      'request-deletion',
      'oppose',
      'notification-preferences',
      'contact',
      'everything',
      'archive',
    ]);
  });

  it('exposes Prometheus metrics by route pattern, never by id', async () => {
    await download(`${gateway.fhirUrl}/Binary/00000000-0000-4000-8000-000000000000`);
    const response = await fetch(`${gateway.baseUrl}/metrics`, {
      dispatcher: gateway.agent(),
    } as unknown as RequestInit);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('passerelle_http_request_duration_seconds_count');
    expect(text).toContain('route="/fhir/Binary/:id",status="404"');
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
  });

  it('refuses a request without a client certificate, and one from an unknown CA', async () => {
    const anonymous = await fetch(`${gateway.fhirUrl}/DocumentReference`, {
      dispatcher: gateway.agent(),
    } as unknown as RequestInit);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  it('opens a record conditionally and reports its status', async () => {
    const patient = freshPatient();
    const created = (await openRecord(patient.token)) as { id: string };
    const again = (await openRecord(patient.token)) as { id: string };
    expect(again.id).toBe(created.id);
    const duplicate = await failure(
      doctor.create({
        resourceType: 'Patient',
        body: {
          resourceType: 'Patient',
          identifier: [{ system: patient.system, value: patient.nir }],
        },
      }),
    );
    expect(duplicate.status).toBe(409);
    const found = (await doctor.search({
      resourceType: 'Patient',
      searchParams: { identifier: patient.token },
    })) as unknown as Bundle;
    expect(found.total).toBe(1);
    const resource = found.entry![0].resource as unknown as {
      active: boolean;
      extension: { extension: { url: string; valueCode?: string }[] }[];
    };
    expect(resource.active).toBe(true);
    expect(resource.extension[0].extension.find((e) => e.url === 'status')?.valueCode).toBe('open');
  });

  it('pushes a document, finds it and reads it back byte-identical', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    const content = Buffer.from([0, 1, 2, 250, 251, 252, ...Buffer.from('%PDF-1.7 rapport')]);
    const response = (await hospital.transaction({
      body: provideBundle(patient.token, [
        { content, mimeType: 'application/pdf', supplyHash: true },
      ]),
    })) as Bundle;
    expect(response.type).toBe('transaction-response');
    expect(response.entry!.map((e) => e.response!.status)).toEqual([
      '201 Created',
      '201 Created',
      '201 Created',
    ]);

    const found = await documentsOf(patient.token, { status: 'current' });
    expect(found.total).toBe(1);
    const reference = found.entry![0].resource as DocumentReference;
    const downloaded = await download(reference.content[0].attachment.url!);
    expect(downloaded.status).toBe(200);
    expect(downloaded.type).toBe('application/pdf');
    expect(downloaded.bytes.equals(content)).toBe(true);
  });

  /** The national (JDV_J02, JDV_J04) facility type and practice setting, for IHE examples. */
  function nationalContext(reference: DocumentReference): void {
    reference.context = {
      ...reference.context,
      facilityType: { coding: [{ system: 'urn:oid:1.2.250.1.71.4.2.4', code: 'SA01' }] },
      practiceSetting: {
        coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.9', code: 'ETABLISSEMENT' }],
      },
    };
  }

  /** A SubmissionSet contentTypeCode of JDV_J59 (TRE_R209 07), for examples coded otherwise. */
  function nationalContentType(list: List): void {
    const designation = list.extension!.find((e) => e.url.endsWith('/ihe-designationType'))!;
    designation.valueCodeableConcept = {
      coding: [{ system: 'urn:oid:1.2.250.1.213.2.2', code: '07' }],
    };
  }

  it('accepts the ANS PDSm-for-DMP ITI-65 example once its SNOMED CT context codes are national', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    const bundle = instantiateFixture<Bundle>('mhd/ok/ans-pdsm4dmp-td2-iti65-lot-soumission.json', {
      'urn:oid:1.2.250.1.213.1.4.8|123456789012345': patient.token,
      '"value": "123456789012345"': `"value": "${patient.nir}"`,
      'urn:oid:1.2.250.1.213.1.4.8': patient.system,
      '1.2.250.1.213.1.4.8.99999.2': freshOid(),
    });
    // The published example omits the SubmissionSet uniqueId that XDS requires.
    (bundle.entry![0].resource as List).identifier = [
      { use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:${freshOid()}` },
    ];
    // Its contentTypeCode (designationType) is a TRE_A03 class, its facility type and practice
    // setting the IHE examples' SNOMED CT codes: outside the value sets the DMP requires.
    const outside = await failure(push(bundle));
    expect(outside.status).toBe(422);
    expect(xdsCode(outside.data)).toBe('XDSRegistryMetadataError');
    expect(outside.data.issue.map((i) => [i.code, i.diagnostics])).toEqual([
      [
        'code-invalid',
        'SubmissionSet.contentTypeCode "11" (code system 1.2.250.1.213.1.1.4.1) is in the value set JDV_J59-ContentTypeCode-DMP version 20240927120000 under code system 1.2.250.1.213.1.6.1.128, 1.2.250.1.213.2.2, not 1.2.250.1.213.1.1.4.1',
      ],
      [
        'code-invalid',
        'DocumentEntry.healthcareFacilityTypeCode "22232009" (code system 2.16.840.1.113883.6.96) is not in the value set JDV_J02-XdsHealthcareFacilityTypeCode-CISIS version 20241213120000',
      ],
      [
        'code-invalid',
        'DocumentEntry.practiceSettingCode "394802001" (code system 2.16.840.1.113883.6.96) is not in the value set JDV_J04-XdsPracticeSettingCode-CISIS version 20240927120000',
      ],
    ]);
    expect((await documentsOf(patient.token)).total).toBe(0);

    nationalContentType(bundle.entry![0].resource as List);
    nationalContext(bundle.entry![1].resource as DocumentReference);
    const response = (await push(bundle)) as Bundle;
    expect(response.entry).toHaveLength(3);
    const found = await documentsOf(patient.token, { type: 'http://loinc.org|11488-4' });
    expect(found.total).toBe(1);
    const reference = found.entry![0].resource as DocumentReference;
    const content = await download(reference.content[0].attachment.url!);
    expect(content.bytes.toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>',
    );
  });

  it('applies the French profile to the IPF/IHE ITI-65 example: author and national codes required, then accepted', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    const instantiate = () =>
      instantiateFixture<Bundle>('mhd/ok/ipf-iti65-comprehensive.json', {
        'Patient/ex-patient': `Patient/${patient.system.slice('urn:oid:'.length)}-${patient.nir}`,
        '1.2.840.113556.1.8000.2554.53432.348.12973.17740.34205.4355.50220.62012': freshOid(),
        '1.2.840.113556.1.8000.2554.58783.21864.3474.19410.44358.58254.41281.46346': freshOid(),
      });
    const withoutAuthor = await failure(push(instantiate()));
    expect(withoutAuthor.status).toBe(400);
    expect(withoutAuthor.data.issue.map((i) => i.diagnostics)).toContain(
      'DocumentEntry.author is required',
    );

    const bundle = instantiate();
    const reference = bundle.entry![1].resource as DocumentReference;
    reference.contained!.push({
      resourceType: 'Organization',
      id: 'org',
      name: 'my Hospital',
    } as Organization);
    reference.author = [{ reference: '#org' }];
    const outside = await failure(push(bundle));
    expect(outside.status).toBe(422);
    expect(outside.data.issue.map((i) => i.diagnostics)).toEqual([
      expect.stringMatching(/^SubmissionSet\.contentTypeCode "225728007" .* JDV_J59/),
      expect.stringMatching(/^DocumentEntry\.classCode "11369-6" .* not in the value set JDV_J57/),
      expect.stringMatching(/^DocumentEntry\.healthcareFacilityTypeCode "82242000" .* JDV_J02/),
      expect.stringMatching(/^DocumentEntry\.practiceSettingCode "408467006" .* JDV_J04/),
    ]);
    reference.category = [{ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '10' }] }];
    nationalContentType(bundle.entry![0].resource as List);
    nationalContext(reference);
    await push(bundle);
    const found = await documentsOf(patient.token);
    const stored = found.entry![0].resource as DocumentReference;
    expect(stored.content[0].attachment.title).toBe('Hello World');
    expect((await download(stored.content[0].attachment.url!)).bytes.toString()).toBe(
      'Hello World',
    );
  });

  it('checks the ANS PDSm REPLACE bundle (relatesTo + PATCH superseded)', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    await push(provideBundle(patient.token, [{ title: 'doc-old' }]));
    const old = (await documentsOf(patient.token)).entry![0].resource as DocumentReference;
    const bundle = instantiateFixture<Bundle>('mhd/ok/ans-pdsm-iti65-replace.json', {
      'Patient/fr-patient-123': `Patient/${patient.system.slice('urn:oid:'.length)}-${patient.nir}`,
      'DocumentReference/doc-old': `DocumentReference/${old.id}`,
      // The published sourceId "SRC-01" is not the OID XDS requires.
      '"value" : "SRC-01"': '"value" : "urn:oid:1.2.250.1.213.1.1.1.42"',
    });
    // The published example omits the SubmissionSet uniqueId that XDS requires.
    (bundle.entry![0].resource as List).identifier = [
      { use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:${freshOid()}` },
    ];
    // The published example's attachment.hash is the SHA-1 of "hello", not of its Binary.
    const inconsistent = await failure(push(bundle));
    expect(inconsistent.status).toBe(422);
    expect(xdsCode(inconsistent.data)).toBe('XDSRepositoryMetadataError');
    expect((await documentsOf(patient.token, { status: 'current' })).entry![0].resource!.id).toBe(
      old.id,
    );

    const replacement = bundle.entry![1].resource as DocumentReference;
    delete replacement.content[0].attachment.hash;
    // Its contentTypeCode (designationType) is the facility type SA01 of TRE_R02, not among the
    // TRE_R02 codes of JDV_J59; its securityLabel is N in TRE_A07, whose codes are the DMP's
    // restrictions: N is HL7's.
    const misplaced = await failure(push(bundle));
    expect(misplaced.status).toBe(422);
    expect(misplaced.data.issue.map((i) => i.diagnostics)).toEqual([
      'SubmissionSet.contentTypeCode "SA01" (code system 1.2.250.1.71.4.2.4) is not in the value set JDV_J59-ContentTypeCode-DMP version 20240927120000',
      expect.stringMatching(
        /^DocumentEntry\.confidentialityCode "N" \(code system https:\/\/mos\.esante\.gouv\.fr\/NOS\/TRE_A07-StatusVisibiliteDocument\/.*\) is in the value set JDV_J58-ConfidentialityCode-DMP version 20200424120000 under code system 2\.16\.840\.1\.113883\.5\.25, not https:/,
      ),
    ]);
    nationalContentType(bundle.entry![0].resource as List);
    replacement.securityLabel = [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }],
      },
    ];
    const response = (await push(bundle)) as Bundle;
    expect(response.entry!.map((e) => e.response!.status)).toEqual([
      '201 Created',
      '201 Created',
      '200 OK',
      '201 Created',
    ]);
    const current = await documentsOf(patient.token, { status: 'current' });
    expect((current.entry![0].resource as DocumentReference).content[0].attachment.title).toBe(
      'CR Consultation - Version remplaçante',
    );
    const superseded = await documentsOf(patient.token, { status: 'superseded' });
    expect((superseded.entry![0].resource as DocumentReference).id).toBe(old.id);
  });

  it('searches by type, category, date, author and security label, with paging', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    await hospital.transaction({
      body: provideBundle(patient.token, [
        { typeCode: '11488-4' },
        { typeCode: '11488-4' },
        { typeCode: '11490-0', securityLabels: ['N', 'MASQUE_PS'] },
      ]),
    });
    expect((await documentsOf(patient.token, { type: '11488-4' })).total).toBe(2);
    expect(
      (
        await documentsOf(patient.token, {
          type: 'http://loinc.org|11490-0,http://loinc.org|11488-4',
        })
      ).total,
    ).toBe(3);
    expect((await documentsOf(patient.token, { 'security-label': 'MASQUE_PS' })).total).toBe(1);
    expect((await documentsOf(patient.token, { 'author.family': 'mar' })).total).toBe(3);
    expect((await documentsOf(patient.token, { 'author.family': 'dupont' })).total).toBe(0);
    expect(
      (
        await documentsOf(patient.token, {
          date: `ge${new Date(Date.now() - 60_000).toISOString().slice(0, 10)}`,
        })
      ).total,
    ).toBe(3);
    expect((await documentsOf(patient.token, { date: 'lt2000-01-01' })).total).toBe(0);
    const page = await documentsOf(patient.token, { _count: '2' });
    expect(page.entry).toHaveLength(2);
    const next = page.link!.find((l) => l.relation === 'next')!;
    const second = (await doctor.nextPage({ bundle: page })) as Bundle;
    expect(next.url).toContain('_offset=2');
    expect(second.entry).toHaveLength(1);
  });

  it('lists submission sets with their documents (ITI-66)', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    await hospital.transaction({ body: provideBundle(patient.token, [{}, {}]) });
    const lists = (await doctor.search({
      resourceType: 'List',
      searchParams: { 'patient.identifier': patient.token, code: 'submissionset' },
    })) as unknown as Bundle;
    expect(lists.total).toBe(1);
    expect((lists.entry![0].resource as unknown as { entry: unknown[] }).entry).toHaveLength(2);
  });

  it('replaces a document: the old one becomes superseded', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    await hospital.transaction({ body: provideBundle(patient.token, [{ title: 'v1' }]) });
    const original = (await documentsOf(patient.token)).entry![0].resource as DocumentReference;
    await hospital.transaction({
      body: provideBundle(patient.token, [{ title: 'v2', replaces: original.id }]),
    });
    const current = await documentsOf(patient.token, { status: 'current' });
    expect(current.total).toBe(1);
    expect((current.entry![0].resource as DocumentReference).content[0].attachment.title).toBe(
      'v2',
    );
    const superseded = await documentsOf(patient.token, { status: 'superseded' });
    expect((superseded.entry![0].resource as DocumentReference).id).toBe(original.id);

    const again = await failure(
      hospital.transaction({ body: provideBundle(patient.token, [{ replaces: original.id }]) }),
    );
    expect(again.status).toBe(422);
  });

  it("refuses to replace another patient's document: XDSPatientIdDoesNotMatch to whom may see it, an unknown document to anyone else", async () => {
    const [patient, other] = [freshPatient(), freshPatient()];
    await openRecord(patient.token);
    await openRecord(other.token);
    await hospital.transaction({ body: provideBundle(other.token, [{ title: 'theirs' }]) });
    const theirs = (await documentsOf(other.token)).entry![0].resource as DocumentReference;
    const replacement = () => provideBundle(patient.token, [{ replaces: theirs.id }]);
    const named = await failure(doctor.transaction({ body: replacement() }));
    expect(named.status).toBe(422);
    expect(xdsCode(named.data)).toBe('XDSPatientIdDoesNotMatch');
    const laboratory = gateway.fhir('laboratoire-org');
    const unknown = await failure(laboratory.transaction({ body: replacement() }));
    expect(unknown.status).toBe(422);
    expect(xdsCode(unknown.data)).toBe('XDSRegistryMetadataError');
    expect(JSON.stringify(unknown.data)).not.toContain('another patient');
    expect((await documentsOf(patient.token)).total).toBe(0);
    expect((await documentsOf(other.token, { status: 'current' })).total).toBe(1);
  });

  describe('adding a document to a registered Folder (PUT of its List in ITI-65)', () => {
    /** The patient's Folder, registered with one document: its List. */
    async function registeredFolder(token: string): Promise<List> {
      const bundle = provideBundle(token, [{}]);
      const folder = folderList(token, [bundle.entry![1].fullUrl!]);
      bundle.entry!.push({
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: folder,
        request: { method: 'POST', url: 'List' },
      });
      await hospital.transaction({ body: bundle });
      return (await foldersOf(token))[0];
    }

    async function foldersOf(token: string): Promise<List[]> {
      const found = (await doctor.search({
        resourceType: 'List',
        searchParams: { 'patient.identifier': token, code: 'folder' },
      })) as unknown as Bundle;
      return (found.entry ?? []).map((entry) => entry.resource as List);
    }

    /** A bundle of one new document for `token`, adding it to the Folder `folder` (PUT). */
    const additionTo = (token: string, folder: List) => {
      const bundle = provideBundle(token, [{}]);
      const update: List = {
        ...folderList(token, [
          ...folder.entry!.map((e) => e.item.reference!),
          bundle.entry![1].fullUrl!,
        ]),
        id: folder.id,
      };
      bundle.entry!.push({
        fullUrl: `List/${folder.id}`,
        resource: update,
        request: { method: 'PUT', url: `List/${folder.id}` },
      });
      return bundle;
    };

    it("adds the bundle's document to the Folder and moves its date; the registered member stays", async () => {
      const patient = freshPatient();
      await openRecord(patient.token);
      const folder = await registeredFolder(patient.token);
      expect(folder.entry).toHaveLength(1);
      const answer = (await hospital.transaction({
        body: additionTo(patient.token, folder),
      })) as Bundle;
      expect(answer.entry!.at(-1)!.response).toEqual({
        status: '200 OK',
        location: `List/${folder.id}`,
      });
      const [updated] = await foldersOf(patient.token);
      expect(updated.id).toBe(folder.id);
      expect(updated.entry).toHaveLength(2);
      expect(updated.entry!.map((e) => e.item.reference)).toContain(
        folder.entry![0].item.reference,
      );
      expect(new Date(updated.date!).getTime()).toBeGreaterThan(new Date(folder.date!).getTime());
    });

    it("refuses another patient's Folder: XDSPatientIdDoesNotMatch to whom may consult that record, an unknown Folder to anyone else", async () => {
      const [patient, other] = [freshPatient(), freshPatient()];
      await openRecord(patient.token);
      await openRecord(other.token);
      const theirs = await registeredFolder(other.token);
      const bundle = () => {
        const addition = additionTo(patient.token, theirs);
        const update = addition.entry!.at(-1)!.resource as List;
        update.entry = update.entry!.slice(-1);
        return addition;
      };
      const named = await failure(doctor.transaction({ body: bundle() }));
      expect(named.status).toBe(422);
      expect(xdsCode(named.data)).toBe('XDSPatientIdDoesNotMatch');
      const laboratory = gateway.fhir('laboratoire-org');
      const unknown = await failure(laboratory.transaction({ body: bundle() }));
      expect(xdsCode(unknown.data)).toBe('XDSRegistryMetadataError');
      expect(JSON.stringify(unknown.data)).not.toContain('another patient');
      expect((await documentsOf(patient.token)).total).toBe(0);
      expect((await foldersOf(other.token))[0].entry).toHaveLength(1);
    });
  });

  it('updates status, archive flag and security labels by conditional PATCH; refuses other changes', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    const uniqueId = freshOid();
    await hospital.transaction({ body: provideBundle(patient.token, [{ uniqueId }]) });
    const patch = (body: unknown) =>
      fetch(
        `${gateway.fhirUrl}/DocumentReference?identifier=urn:ietf:rfc:3986|urn:oid:${uniqueId}`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/json-patch+json' },
          body: JSON.stringify(body),
          dispatcher: gateway.agent('hopital-org'),
        } as unknown as RequestInit,
      );

    const masked = await patch([
      {
        op: 'add',
        path: '/securityLabel/-',
        value: { coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' }] },
      },
    ]);
    expect(masked.status).toBe(200);
    const labels = ((await masked.json()) as DocumentReference).securityLabel!.map(
      (l) => l.coding![0].code,
    );
    expect(labels).toEqual(['N', 'MASQUE_PS']);

    const archived = await patch([
      {
        op: 'add',
        path: '/extension',
        value: [
          {
            url: 'http://esante.gouv.fr/cisis/fhir/StructureDefinition/PDSm_isArchived',
            valueBoolean: true,
          },
        ],
      },
    ]);
    expect(archived.status).toBe(200);
    expect(((await archived.json()) as DocumentReference).extension).toHaveLength(1);

    const forbidden = await patch([{ op: 'add', path: '/description', value: 'changed' }]);
    expect(forbidden.status).toBe(405);
    expect(((await forbidden.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');

    const invalidPatch = await patch([{ op: 'replace', path: '/nope', value: 1 }]);
    expect(invalidPatch.status).toBe(400);

    const reference = (await documentsOf(patient.token)).entry![0].resource as DocumentReference;
    expect((await download(reference.content[0].attachment.url!)).status).toBe(200);
    const deleted = await patch([{ op: 'replace', path: '/status', value: 'entered-in-error' }]);
    expect(deleted.status).toBe(200);
    expect((await documentsOf(patient.token, { status: 'current' })).total).toBe(0);
    // Dr MARTIN authored it: a logically deleted document stays visible to its author only
    // (hidden from everyone else: test/access-control.e2e-spec.ts).
    expect((await download(reference.content[0].attachment.url!)).status).toBe(200);
    const undelete = await patch([{ op: 'replace', path: '/status', value: 'current' }]);
    expect(undelete.status).toBe(400);
  });

  describe('refuses bad submissions and stores nothing', () => {
    let patient: ReturnType<typeof freshPatient>;

    beforeAll(async () => {
      patient = freshPatient();
      await openRecord(patient.token);
    });

    afterEach(async () => {
      expect((await documentsOf(patient.token)).total).toBe(0);
    });

    it('unknown patient (no record): 404 XDSUnknownPatientId', async () => {
      const stranger = freshPatient();
      const response = await failure(
        hospital.transaction({ body: provideBundle(stranger.token, [{}]) }),
      );
      expect(response.status).toBe(404);
      expect(xdsCode(response.data)).toBe('XDSUnknownPatientId');
    });

    it('bad NIR key: 400', async () => {
      const badKey =
        patient.token.slice(0, -2) +
        String((Number(patient.nir.slice(-2)) + 1) % 97).padStart(2, '0');
      const response = await failure(hospital.transaction({ body: provideBundle(badKey, [{}]) }));
      expect(response.status).toBe(400);
      expect(response.data.issue[0].diagnostics).toMatch(/wrong key/);
    });

    it('retired INS-C: 400', async () => {
      const response = await failure(
        hospital.transaction({
          body: provideBundle(`urn:oid:1.2.250.1.213.1.4.2|${patient.nir}`, [{}]),
        }),
      );
      expect(response.status).toBe(400);
      expect(response.data.issue[0].diagnostics).toMatch(/retired/);
    });

    it('missing type: 400 XDSRegistryMetadataError', async () => {
      const response = await failure(
        hospital.transaction({ body: provideBundle(patient.token, [{}, { typeCode: '' }]) }),
      );
      expect(response.status).toBe(400);
      expect(xdsCode(response.data)).toBe('XDSRegistryMetadataError');
    });

    it('supplied hash or size that does not match the content: 422 XDSRepositoryMetadataError', async () => {
      const bundle = provideBundle(patient.token, [{ supplyHash: true }]);
      const reference = bundle.entry![1].resource as DocumentReference;
      reference.content[0].attachment.size = 3;
      const response = await failure(hospital.transaction({ body: bundle }));
      expect(response.status).toBe(422);
      expect(xdsCode(response.data)).toBe('XDSRepositoryMetadataError');
    });

    it('missing patient subject: 400', async () => {
      const bundle = provideBundle(patient.token, [{}]);
      delete (bundle.entry![1].resource as Partial<DocumentReference>).subject;
      const response = await failure(hospital.transaction({ body: bundle }));
      expect(response.status).toBe(400);
    });

    it('malformed JSON and wrong resourceType: 400 OperationOutcome', async () => {
      const post = (body: string, type = 'application/fhir+json') =>
        fetch(gateway.fhirUrl, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
          dispatcher: gateway.agent('hopital-org'),
        } as unknown as RequestInit);
      const malformed = await post('{"resourceType": "Bundle",');
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
      const wrongType = await post(JSON.stringify({ resourceType: 'Patient' }));
      expect(wrongType.status).toBe(400);
      const xml = await post('<Bundle xmlns="http://hl7.org/fhir"/>', 'application/fhir+xml');
      expect(xml.status).toBe(400);
      const csv = await post('a,b', 'text/csv');
      expect(csv.status).toBe(415);
    });
  });

  it('refuses a uniqueId already used for other content (409), accepts an identical resubmission', async () => {
    const patient = freshPatient();
    await openRecord(patient.token);
    const uniqueId = freshOid();
    const content = Buffer.from('identique');
    await hospital.transaction({
      body: provideBundle(patient.token, [{ uniqueId, content, supplyHash: true }]),
    });
    const same = (await hospital.transaction({
      body: provideBundle(patient.token, [{ uniqueId, content, supplyHash: true }]),
    })) as Bundle;
    expect(same.entry![1].response!.status).toBe('200 OK');
    const different = await failure(
      hospital.transaction({
        body: provideBundle(patient.token, [
          { uniqueId, content: Buffer.from('autre'), supplyHash: true },
        ]),
      }),
    );
    expect(different.status).toBe(409);
    expect(xdsCode(different.data)).toBe('XDSNonIdenticalHash');
    expect((await documentsOf(patient.token)).total).toBe(1);
  });
});
