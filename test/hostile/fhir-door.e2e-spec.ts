import { provideBundle } from '@passerelle/testing';
import { Client } from 'pg';
import { DmpRecord, DmpTestBed } from '../support/dmp-test-bed';
import { JsonKind, MUTANTS, kindOf, mutated } from './json-mutations';

/**
 * The FHIR door under hostile input (issue 17): every element of a valid ITI-65 Bundle replaced
 * by a value of each JSON kind, searches with broken values, and broken bodies. Whatever is
 * sent: never a 5xx; a refusal is an OperationOutcome and stores nothing; a value of the wrong
 * kind where FHIR fixes the kind is a 400.
 */

/** Elements of the Bundle that `provideBundle` builds (List, then DocumentReference, Binary). */
const ELEMENTS: readonly (readonly [path: string, kind: JsonKind])[] = [
  ['entry', 'array'],
  ['entry.0', 'object'],
  ['entry.1.resource', 'object'],
  ['entry.1.request', 'object'],
  ['entry.1.request.method', 'string'],
  ['entry.1.request.url', 'string'],
  ['entry.1.fullUrl', 'string'],
  ['entry.0.resource.identifier', 'array'],
  ['entry.0.resource.identifier.0.value', 'string'],
  ['entry.0.resource.extension', 'array'],
  ['entry.0.resource.extension.0.url', 'string'],
  ['entry.0.resource.entry', 'array'],
  ['entry.0.resource.entry.0.item', 'object'],
  ['entry.0.resource.entry.0.item.reference', 'string'],
  ['entry.0.resource.subject', 'object'],
  ['entry.0.resource.subject.reference', 'string'],
  ['entry.0.resource.date', 'string'],
  ['entry.0.resource.code', 'object'],
  ['entry.0.resource.code.coding', 'array'],
  ['entry.0.resource.contained', 'array'],
  ['entry.0.resource.status', 'string'],
  ['entry.1.resource.status', 'string'],
  ['entry.1.resource.contained', 'array'],
  ['entry.1.resource.contained.0.identifier', 'array'],
  ['entry.1.resource.masterIdentifier', 'object'],
  ['entry.1.resource.masterIdentifier.value', 'string'],
  ['entry.1.resource.type', 'object'],
  ['entry.1.resource.type.coding', 'array'],
  ['entry.1.resource.type.coding.0.code', 'string'],
  ['entry.1.resource.category', 'array'],
  ['entry.1.resource.category.0.coding', 'array'],
  ['entry.1.resource.subject', 'object'],
  ['entry.1.resource.subject.reference', 'string'],
  ['entry.1.resource.author', 'array'],
  ['entry.1.resource.author.0.reference', 'string'],
  ['entry.1.resource.securityLabel', 'array'],
  ['entry.1.resource.securityLabel.0.coding', 'array'],
  ['entry.1.resource.content', 'array'],
  ['entry.1.resource.content.0.attachment', 'object'],
  ['entry.1.resource.content.0.attachment.contentType', 'string'],
  ['entry.1.resource.content.0.attachment.url', 'string'],
  ['entry.1.resource.content.0.attachment.title', 'string'],
  ['entry.1.resource.content.0.attachment.creation', 'string'],
  ['entry.1.resource.content.0.format', 'object'],
  ['entry.1.resource.context', 'object'],
  ['entry.1.resource.context.period', 'object'],
  ['entry.1.resource.context.period.start', 'string'],
  ['entry.1.resource.context.facilityType', 'object'],
  ['entry.1.resource.relatesTo', 'array'],
  ['entry.1.resource.identifier', 'array'],
  ['entry.1.resource.extension', 'array'],
  ['entry.2.resource.contentType', 'string'],
  ['entry.2.resource.data', 'string'],
];

describe('hostile input at the FHIR door', () => {
  let bed: DmpTestBed;
  let database: Client;
  let record: DmpRecord;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
    record = await bed.newRecord();
  });

  afterAll(async () => {
    await database.end();
    await bed.close();
  });

  const storedUniqueIds = async (uniqueId: string): Promise<number> => {
    const { rows } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM document_locator WHERE unique_id = $1`,
      [uniqueId],
    );
    return rows[0].n;
  };

  describe.each(ELEMENTS)('a Bundle whose %s is replaced', (path, kind) => {
    it.each(MUTANTS.map((mutant) => [kindOf(mutant.value), mutant.label, mutant.value] as const))(
      'by %s %s: never 5xx, a refusal stores nothing',
      async (mutantKind, _label, value) => {
        const bundle = provideBundle(record.token, [{ title: 'CR hostile' }]);
        const uniqueId = (
          bundle.entry![1].resource as { masterIdentifier: { value: string } }
        ).masterIdentifier.value.replace(/^urn:oid:/, '');
        const answer = await bed.call('hopital-org', 'POST', '', mutated(bundle, path, value));
        expect(answer.status).toBeLessThan(500);
        if (mutantKind !== kind) expect(answer.status).toBe(400);
        if (answer.status >= 400) {
          expect(answer.body.resourceType).toBe('OperationOutcome');
          expect(await storedUniqueIds(uniqueId)).toBe(0);
        } else {
          expect(answer.body.type).toBe('transaction-response');
        }
      },
    );
  });

  const SEARCH_PARAMETERS = [
    'patient.identifier',
    'patient',
    'date',
    'period',
    'creation',
    'status',
    'type',
    'category',
    'setting',
    'facility',
    'event',
    'security-label',
    'format',
    'author.family',
    'identifier',
    '_id',
    '_count',
    '_sort',
  ];
  const BROKEN_VALUES: readonly (readonly [label: string, value: string])[] = [
    ['an impossible date', '2026-02-30'],
    ['a prefixed impossible month', 'ge2026-13-01'],
    ['an impossible hour', 'le2026-01-01T25:00:00Z'],
    ['a bad percent-escape', '%ZZ'],
    ['a Latin-1 escape (invalid UTF-8)', '%E9'],
    ['a NUL', '%00'],
    ['10,000 characters', encodeURIComponent('x'.repeat(10_000))],
    ['a lone bar', '|'],
    ['a system without code', encodeURIComponent('urn:oid:|%')],
    ['a negative number', '-1'],
  ];

  describe.each(SEARCH_PARAMETERS)('an ITI-67 search whose %s is broken', (parameter) => {
    it.each(BROKEN_VALUES)(
      'as %s: never 5xx, a refusal is an OperationOutcome',
      async (_label, value) => {
        const base = `/DocumentReference?patient.identifier=${encodeURIComponent(record.token)}`;
        const answer = await bed.call(
          'medecin-generaliste',
          'GET',
          `${base}&${parameter}=${value}`,
        );
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.body.resourceType).toBe('OperationOutcome');
        expect(answer.text.length).toBeLessThan(5_000);
      },
    );
  });

  const RAW_BODIES: readonly (readonly [string, string, string | Buffer])[] = [
    ['truncated JSON', 'application/fhir+json', '{"resourceType":"Bundle","type":"trans'],
    ['a JSON array', 'application/fhir+json', '[]'],
    ['a JSON string', 'application/fhir+json', '"Bundle"'],
    ['a JSON number', 'application/fhir+json', '42'],
    ['JSON null', 'application/fhir+json', 'null'],
    ['an empty body', 'application/fhir+json', ''],
    [
      'a Bundle of another type',
      'application/fhir+json',
      '{"resourceType":"Bundle","type":"batch"}',
    ],
    ['a Patient', 'application/fhir+json', '{"resourceType":"Patient"}'],
    ['no resourceType', 'application/fhir+json', '{"type":"transaction","entry":[]}'],
    ['an unknown content type', 'text/csv', 'a,b,c'],
    ['XML', 'application/fhir+xml', '<Bundle xmlns="http://hl7.org/fhir"/>'],
    ['invalid UTF-8', 'application/fhir+json', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
    ['a UTF-8 BOM then garbage', 'application/fhir+json', '\uFEFF{garbage'],
  ];

  it.each(RAW_BODIES)(
    'an ITI-65 body that is %s: a 4xx OperationOutcome',
    async (_l, type, body) => {
      const response = await fetch(bed.gateway.fhirUrl, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
        dispatcher: bed.agent('hopital-org'),
      } as unknown as RequestInit);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    },
  );

  it.each(['gzip', 'deflate', 'br'])(
    'an ITI-65 body announced as %s that is not: a 4xx',
    async (encoding) => {
      const response = await fetch(bed.gateway.fhirUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', 'content-encoding': encoding },
        body: 'definitely not compressed',
        dispatcher: bed.agent('hopital-org'),
      } as unknown as RequestInit);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    },
  );

  const READ_PATHS = [
    '/DocumentReference/%ZZ',
    `/DocumentReference/${'a'.repeat(300)}`,
    '/DocumentReference/..%2F..%2Fetc%2Fpasswd',
    '/Binary/%00',
    '/Binary/not-a-content-id',
    '/List/%',
    '/Patient/%E9/$everything',
    '/DocumentReference?_count=1e9',
  ];

  it.each(READ_PATHS)('a read of %s: never 5xx', async (path) => {
    const answer = await bed.call('medecin-generaliste', 'GET', path);
    expect(answer.status).toBeLessThan(500);
    expect(answer.status).toBeGreaterThanOrEqual(400);
  });
});
