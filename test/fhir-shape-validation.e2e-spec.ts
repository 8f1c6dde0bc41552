import { provideBundle } from '@passerelle/testing';
import { gzipSync } from 'node:zlib';
import { Answer, BERNARD, DmpRecord, DmpTestBed } from './support/dmp-test-bed';

/**
 * Shape checks at the FHIR door (issue 17): each bad input is a 4xx OperationOutcome whose
 * issue names the FHIR issue code and where (FHIRPath-like `expression`), and nothing is stored.
 */
describe('FHIR shapes checked at the door', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  type Json = Record<string, unknown>;

  /** An ITI-65 Bundle for the record, each element at a dotted path set to its value. */
  function bundleWith(record: DmpRecord, changes: Record<string, unknown>): unknown {
    const bundle = provideBundle(record.token, [{ title: 'CR forme' }]) as unknown as Json;
    for (const [path, value] of Object.entries(changes)) {
      const keys = path.split('.');
      const parent = keys
        .slice(0, -1)
        .reduce((node, key) => (node as Json)[key], bundle as unknown);
      (parent as Json)[keys[keys.length - 1]] = value;
    }
    return bundle;
  }

  const issues = (answer: Answer) =>
    (answer.body.issue ?? []).map(({ code, expression }) => ({ code, expression }));

  const storedDocuments = async (record: DmpRecord) =>
    (await bed.search('medecin-generaliste', record)).body.total;

  const raw = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Buffer,
  ) =>
    fetch(`${bed.gateway.fhirUrl}${path}`, {
      method,
      headers,
      body,
      dispatcher: bed.agent('hopital-org'),
    } as unknown as RequestInit);

  it.each([
    ['a non-array author', 'entry.1.resource.author', { reference: '#author' }],
    ['a non-array identifier', 'entry.0.resource.identifier', 'x'],
    ['a non-array contained', 'entry.1.resource.contained', {}],
    ['a null entry', 'entry.1', null],
    ['a number where a string is due', 'entry.1.resource.content.0.attachment.title', 42],
    ['an object where a code is due', 'entry.1.resource.status', {}],
  ])(
    'refuses an ITI-65 with %s: 400 structure at its place, nothing stored',
    async (_l, path, value) => {
      const record = await bed.newRecord();
      const answer = await bed.call(
        'hopital-org',
        'POST',
        '',
        bundleWith(record, { [path]: value }),
      );
      expect(answer.status).toBe(400);
      const expression = `Bundle.${path.replace(/\.(\d+)/g, '[$1]')}`;
      expect(issues(answer)).toEqual([{ code: 'structure', expression: [expression] }]);
      expect(await storedDocuments(record)).toBe(0);
    },
  );

  it('reports every shape problem of a request in one OperationOutcome', async () => {
    const record = await bed.newRecord();
    const answer = await bed.call(
      'hopital-org',
      'POST',
      '',
      bundleWith(record, {
        'entry.1.resource.securityLabel': 42,
        'entry.1.resource.relatesTo': [null],
        'entry.1.resource.content.0.attachment.creation': '2026-02-30T10:00:00Z',
        'entry.2.resource.contentType': 'text/plain\r\nX-Injected: yes',
      }),
    );
    expect(answer.status).toBe(400);
    expect(issues(answer)).toEqual([
      { code: 'structure', expression: ['Bundle.entry[1].resource.relatesTo[0]'] },
      { code: 'structure', expression: ['Bundle.entry[1].resource.securityLabel'] },
      { code: 'value', expression: ['Bundle.entry[1].resource.content[0].attachment.creation'] },
      { code: 'value', expression: ['Bundle.entry[2].resource.contentType'] },
    ]);
    expect(await storedDocuments(record)).toBe(0);
  });

  it('refuses a Patient whose identifier is not an array, opening no record', async () => {
    const record = await bed.newRecord();
    const answer = await bed.call('medecin-generaliste', 'POST', '/Patient', {
      resourceType: 'Patient',
      identifier: { system: 'urn:oid:1.2.250.1.213.1.4.10', value: '1' },
      birthDate: '2026-02-30',
    });
    expect(answer.status).toBe(400);
    expect(issues(answer)).toEqual([
      { code: 'structure', expression: ['Patient.identifier'] },
      { code: 'value', expression: ['Patient.birthDate'] },
    ]);
    expect(record.token).toBeDefined();
  });

  it('refuses an operation whose date does not exist, changing nothing', async () => {
    const record = await bed.newRecord();
    const before = await bed.patient.snapshot(record);
    const answer = await bed.operation('medecin-generaliste', record, '$declare-authorisation', [
      { name: 'professional', valueString: BERNARD },
      { name: 'validUntil', valueDate: '2027-02-29' },
    ]);
    expect(answer.status).toBe(400);
    expect(issues(answer)).toEqual([
      { code: 'value', expression: ['Parameters.parameter[1].valueDate'] },
    ]);
    expect(await bed.patient.snapshot(record)).toEqual(before);
  });

  it('refuses a JSON Patch of the wrong shape, or one leaving a DocumentReference of the wrong shape', async () => {
    const record = await bed.newRecord();
    const { documentIds } = await bed.provide(record, [{ title: 'CR à archiver' }]);
    const target = { id: documentIds[0] };
    const notAnArray = await bed.call(
      'hopital-org',
      'PATCH',
      `/DocumentReference/${target.id}`,
      {
        op: 'replace',
      },
      { contentType: 'application/json-patch+json' },
    );
    expect(notAnArray.status).toBe(400);
    expect(issues(notAnArray)).toEqual([{ code: 'structure', expression: ['JSONPatch'] }]);
    const badOperation = await bed.patch('hopital-org', target, [
      { op: 'delete', path: '/status' },
    ]);
    expect(badOperation.status).toBe(400);
    expect(issues(badOperation)).toEqual([{ code: 'value', expression: ['JSONPatch[0].op'] }]);
    const badResult = await bed.patch('hopital-org', target, [
      { op: 'replace', path: '/securityLabel', value: 'N' },
    ]);
    expect(badResult.status).toBe(400);
    expect(issues(badResult)).toEqual([
      { code: 'structure', expression: ['DocumentReference.securityLabel'] },
    ]);
    const read = await bed.call(
      'medecin-generaliste',
      'GET',
      `/DocumentReference/${documentIds[0]}`,
    );
    expect(read.body.status).toBe('current');
    expect(read.body.securityLabel).toEqual([{ coding: [expect.objectContaining({ code: 'N' })] }]);
  });

  it.each([
    ['date', '2026-02-30'],
    ['date', 'ge2026-13-01'],
    ['period', 'le2026-01-01T25:00:00Z'],
    ['type', '|'],
    ['_count', '-1'],
  ])('refuses an ITI-67 search whose %s is %s, naming the parameter', async (name, value) => {
    const record = await bed.newRecord();
    const answer = await bed.search('medecin-generaliste', record, `&${name}=${value}`);
    expect(answer.status).toBe(400);
    expect(issues(answer)).toEqual([{ code: 'value', expression: [`query.${name}`] }]);
  });

  it('quotes at most 100 characters of an offending value', async () => {
    const record = await bed.newRecord();
    const answer = await bed.search('medecin-generaliste', record, `&status=${'y'.repeat(1000)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.issue?.[0]?.diagnostics).toMatch(/y{100}… \(1000 characters\)/);
    expect(answer.text).not.toMatch(/y{101}/);
    const long = await bed.search('medecin-generaliste', record, `&type=${'z'.repeat(2000)}`);
    expect(long.status).toBe(400);
    expect(long.text).not.toMatch(/z{101}/);
  });

  it('refuses bad percent-encoding in the query or the path with a 400', async () => {
    const record = await bed.newRecord();
    const query = await bed.search('medecin-generaliste', record, '&type=%E9');
    expect(query.status).toBe(400);
    expect(issues(query)).toEqual([{ code: 'structure', expression: ['query'] }]);
    const path = await bed.call('medecin-generaliste', 'GET', '/DocumentReference/%ZZ');
    expect(path.status).toBe(400);
    const nul = await bed.call('medecin-generaliste', 'GET', '/Binary/%00');
    expect(nul.status).toBe(400);
  });

  it('reads a gzip body, refuses one that does not decompress (400), an unknown encoding (415) and a non-JSON type (415)', async () => {
    const record = await bed.newRecord();
    const json = JSON.stringify(provideBundle(record.token, [{ title: 'CR compressé' }]));
    const fhirJson = { 'content-type': 'application/fhir+json' };
    const zipped = await raw(
      'POST',
      '',
      { ...fhirJson, 'content-encoding': 'gzip' },
      gzipSync(json),
    );
    expect(zipped.status).toBe(200);
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const broken = await raw('POST', '', { ...fhirJson, 'content-encoding': encoding }, 'plain');
      expect(broken.status).toBe(400);
      expect(await broken.json()).toMatchObject({ issue: [{ code: 'structure' }] });
    }
    const unknown = await raw('POST', '', { ...fhirJson, 'content-encoding': 'compress' }, json);
    expect(unknown.status).toBe(415);
    const csv = await raw('POST', '', { 'content-type': 'text/csv' }, 'a,b');
    expect(csv.status).toBe(415);
    expect(await storedDocuments(record)).toBe(1);
  });
});
