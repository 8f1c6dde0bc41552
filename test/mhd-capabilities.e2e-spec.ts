import type { Bundle, CapabilityStatement, List, OperationOutcome, Organization } from 'fhir/r4';
import { provideBundle } from '@passerelle/testing';
import { BERNARD, DmpRecord, DmpTestBed } from './support/dmp-test-bed';

const ID_NAT_PS = 'urn:oid:1.2.250.1.71.4.2.1';
const ID_NAT_STRUCT = 'urn:oid:1.2.250.1.71.4.2.2';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * The CapabilityStatement says exactly what the FHIR door serves (issue 12), walked over real
 * mutual TLS on PostgreSQL; and PDSm's author searches: `author.identifier` on ITI-67,
 * `authorOrg` on ITI-66.
 */
describe('The FHIR door serves what its CapabilityStatement declares, and nothing else', () => {
  let bed: DmpTestBed;
  let record: DmpRecord;
  let statement: CapabilityStatement;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
    record = await bed.newRecord();
    statement = (await bed.call('medecin-generaliste', 'GET', '/metadata'))
      .body as unknown as CapabilityStatement;
  });

  afterAll(() => bed.close());

  async function send(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; prefer?: string } = {},
  ): Promise<{ status: number; body: OperationOutcome & Omit<Bundle, 'resourceType'> }> {
    const response = await fetch(`${bed.gateway.fhirUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined
          ? {}
          : { 'content-type': options.contentType ?? 'application/fhir+json' }),
        ...(options.prefer ? { prefer: options.prefer } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      dispatcher: bed.agent('medecin-generaliste'),
    } as unknown as RequestInit);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  }

  /** Neither 405 nor the door's own 404 for a path no transaction serves. */
  function expectServed(answer: { status: number; body: OperationOutcome }, what: string) {
    expect({ what, status: answer.status }).not.toEqual({ what, status: 405 });
    expect({ what, diagnostics: answer.body.issue?.[0]?.diagnostics }).not.toEqual({
      what,
      diagnostics: 'No such FHIR endpoint',
    });
  }

  const resources = () => statement.rest![0].resource!;

  /** What a search of each resource needs besides the parameter tried (the record searched). */
  const context = (type: string, name: string): string => {
    const byPatient = `patient.identifier=${encodeURIComponent(record.token)}`;
    if (name.startsWith('patient')) return '';
    if (type === 'DocumentReference' || type === 'List' || type === 'AuditEvent') return byPatient;
    if (type === 'Consent') return `patient=Patient/${record.resourceId}`;
    return '';
  };

  /** A well-formed value of each declared parameter. */
  const sample = (type: string, name: string, kind: string): string => {
    const values: Record<string, string> = {
      patient: `Patient/${record.resourceId}`,
      'patient.identifier': record.token,
      status: 'current',
      type: 'http://loinc.org|11488-4',
      category: 'urn:oid:1.2.250.1.213.1.1.4.1|11',
      isArchived: 'false',
      'author.given': 'Jeanne',
      'author.family': 'MARTIN',
      'author.identifier': `${ID_NAT_PS}|810000000017`,
      setting: 'urn:oid:1.2.250.1.213.1.1.4.9|ETABLISSEMENT',
      facility: 'urn:oid:1.2.250.1.71.4.2.4|SA01',
      event: 'urn:oid:1.2.250.1.213.2.5|X',
      'security-label': 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality|N',
      format: 'urn:oid:1.3.6.1.4.1.19376.1.2.3|urn:ihe:iti:xds-sd:text:2008',
      related: 'urn:oid:1.2.3',
      identifier: type === 'Patient' ? record.token : 'urn:oid:1.2.3.4',
      _id: type === 'Patient' ? record.resourceId : UNKNOWN_ID,
      code: 'submissionset',
      'source.identifier': 'urn:oid:1.2.3',
      designationType: 'urn:oid:1.2.250.1.213.2.2|04',
      authorOrg: 'Organization/1750000000',
      name: 'MARTIN',
      qualification: 'urn:oid:1.2.250.1.71.1.2.7|10',
    };
    if (type === 'Practitioner' && name === 'identifier') return '810000000017';
    if (type === 'Organization' && name === 'identifier') return '1750000000';
    return values[name] ?? (kind === 'date' ? 'ge2020-01-01' : 'x');
  };

  it('declares the transactions of the door: ITI-105 create, AuditEvent search, the operations', () => {
    const byType = new Map(resources().map((r) => [r.type, r]));
    expect(byType.get('DocumentReference')!.interaction!.map((i) => i.code)).toEqual([
      'create',
      'search-type',
      'read',
      'patch',
      'delete',
    ]);
    expect(byType.get('DocumentReference')!.supportedProfile).toEqual([
      'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.SimplifiedPublish.DocumentReference',
    ]);
    expect(byType.get('AuditEvent')!.interaction!.map((i) => i.code)).toEqual(['search-type']);
    expect(byType.get('Binary')!.interaction!.map((i) => i.code)).toEqual(['read']);
    expect(statement.rest![0].interaction).toEqual([{ code: 'transaction' }]);
    expect(statement.instantiates).toContain(
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient.Simplified',
    );
  });

  it('serves every declared interaction and operation (never 405, never an unknown endpoint)', async () => {
    // The operations change the record's state ($close, $block…): a record of their own.
    const probed = await bed.newRecord();
    const probes: { what: string; answer: Promise<{ status: number; body: OperationOutcome }> }[] =
      [{ what: 'transaction', answer: send('POST', '', { body: {} }) }];
    for (const resource of resources()) {
      const id = resource.type === 'Patient' ? probed.resourceId : UNKNOWN_ID;
      for (const { code } of resource.interaction ?? []) {
        const what = `${resource.type} ${code}`;
        const answer =
          code === 'read'
            ? send('GET', `/${resource.type}/${id}`)
            : code === 'search-type'
              ? send('GET', `/${resource.type}?${context(resource.type, '')}`)
              : code === 'create'
                ? send('POST', `/${resource.type}`, { body: {} })
                : code === 'patch'
                  ? send('PATCH', `/${resource.type}/${id}`, {
                      body: [],
                      contentType: 'application/json-patch+json',
                    })
                  : send('DELETE', `/${resource.type}/${id}`);
        probes.push({ what, answer });
      }
      for (const operation of resource.operation ?? []) {
        const path = `/${resource.type}/${id}/$${operation.name}`;
        probes.push({
          what: `${resource.type} $${operation.name}`,
          answer: send('POST', path, { body: { resourceType: 'Parameters' } }).then((posted) =>
            posted.status === 405 ? send('GET', path) : posted,
          ),
        });
      }
    }
    expect(probes.length).toBeGreaterThan(25);
    for (const { what, answer } of probes) expectServed(await answer, what);
  });

  it('accepts each declared search parameter under Prefer: handling=strict', async () => {
    const searched: string[] = [];
    for (const resource of resources()) {
      for (const parameter of resource.searchParam ?? []) {
        const query = [
          context(resource.type, parameter.name),
          `${parameter.name}=${encodeURIComponent(sample(resource.type, parameter.name, parameter.type))}`,
        ]
          .filter(Boolean)
          .join('&');
        const answer = await send('GET', `/${resource.type}?${query}`, {
          prefer: 'handling=strict',
        });
        searched.push(`${resource.type}?${parameter.name}`);
        // The parameters are checked before the access decision: a patient's own resource
        // (his access history, his consents) refused to a certificate got past that check.
        const patientOnly = /\(PATIENT_ONLY\)$/.test(answer.body.issue?.[0]?.diagnostics ?? '');
        expect({ query: `${resource.type}?${query}`, status: answer.status }).toEqual({
          query: `${resource.type}?${query}`,
          status: patientOnly ? 403 : 200,
        });
        if (!patientOnly) expect(answer.body.resourceType as string).toBe('Bundle');
      }
    }
    expect(searched).toEqual(
      expect.arrayContaining([
        'DocumentReference?author.identifier',
        'List?authorOrg',
        'AuditEvent?patient.identifier',
      ]),
    );
  });

  it('refuses an undeclared search parameter under strict handling, and leaves it out when lenient', async () => {
    for (const resource of resources()) {
      if (!resource.interaction?.some((i) => i.code === 'search-type')) continue;
      const query = [context(resource.type, ''), 'not-declared=1'].filter(Boolean).join('&');
      const strict = await send('GET', `/${resource.type}?${query}`, {
        prefer: 'handling=strict',
      });
      expect({ type: resource.type, status: strict.status }).toEqual({
        type: resource.type,
        status: 400,
      });
      expect(strict.body.issue[0].diagnostics).toMatch(
        /Unsupported search parameter.*not-declared/,
      );
    }
    const lenient = await send(
      'GET',
      `/DocumentReference?${context('DocumentReference', '')}&not-declared=1`,
      { prefer: 'handling=lenient' },
    );
    expect(lenient.status).toBe(200);
  });

  describe('PDSm author searches', () => {
    it('ITI-67 author.identifier finds the documents of an author, by idNat_PS, its system matched when given', async () => {
      const authored = await bed.newRecord();
      await bed.provide(authored, [{}, { authorId: BERNARD }]);
      const total = async (value: string) =>
        (
          await bed.search(
            'medecin-generaliste',
            authored,
            `&author.identifier=${encodeURIComponent(value)}`,
          )
        ).body.total;
      expect(await total(`${ID_NAT_PS}|${BERNARD}`)).toBe(1);
      expect(await total('810000000017')).toBe(1);
      expect(await total(`810000000017,${BERNARD}`)).toBe(2);
      expect(await total('810000000099')).toBe(0);
      // The system, when given, must be the identifier's: an INS system names no idNat_PS.
      expect(await total(`urn:oid:1.2.250.1.213.1.4.8|${BERNARD}`)).toBe(0);
    });

    it('ITI-66 authorOrg finds the SubmissionSets an organisation authored, and no Folder', async () => {
      const authored = await bed.newRecord();
      const bundle = provideBundle(authored.token, [{}]);
      const submissionSet = bundle.entry![0].resource as List;
      const hospital: Organization = {
        resourceType: 'Organization',
        id: 'org',
        identifier: [{ system: ID_NAT_STRUCT, value: '1750000000' }],
        name: 'Hôpital de test',
      };
      submissionSet.contained = [...(submissionSet.contained ?? []), hospital];
      submissionSet.extension = [
        ...(submissionSet.extension ?? []),
        {
          url: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-authorOrg',
          valueReference: { reference: '#org' },
        },
      ];
      expect((await bed.call('hopital-org', 'POST', '', bundle)).status).toBe(200);
      await bed.provide(authored, [{}]);
      const lists = (value: string) =>
        send(
          'GET',
          `/List?patient.identifier=${encodeURIComponent(authored.token)}&authorOrg=${encodeURIComponent(value)}`,
        );
      const found = await lists('Organization/1750000000');
      expect(found.status).toBe(200);
      expect(found.body.total).toBe(1);
      expect((found.body.entry![0].resource as List).id).toBeDefined();
      expect((await lists(`${bed.gateway.fhirUrl}/Organization/1750000000`)).body.total).toBe(1);
      expect((await lists('Organization/1990000001')).body.total).toBe(0);
      const all = await send(
        'GET',
        `/List?patient.identifier=${encodeURIComponent(authored.token)}`,
      );
      expect(all.body.total).toBe(2);
      const wrong = await lists('Practitioner/810000000017');
      expect(wrong.status).toBe(400);
      expect(wrong.body.issue[0].diagnostics).toMatch(/authorOrg must reference an Organization/);
    });
  });
});
