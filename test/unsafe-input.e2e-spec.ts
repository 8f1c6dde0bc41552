import { freshPatient, provideBundle } from '@passerelle/testing';
import { DmpTestBed } from './support/dmp-test-bed';

/** Strings no database column can store, and absurd nesting: a 400 and nothing stored. */
describe('unsafe JSON at the FHIR door', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  it('refuses a NUL or an unpaired surrogate in a submitted string, storing nothing', async () => {
    const record = await bed.newRecord();
    for (const title of ['CR\u0000operatoire', 'CR \uD83D seul']) {
      const bundle = provideBundle(record.token, [{ title }]);
      const answer = await bed.call('hopital-org', 'POST', '', bundle);
      expect(answer.status).toBe(400);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.body.issue?.[0]?.diagnostics).toMatch(/NUL character or an unpaired surrogate/);
    }
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(0);
  });

  it('refuses a NUL in a search parameter', async () => {
    const patient = freshPatient();
    const answer = await bed.call(
      'medecin-generaliste',
      'GET',
      `/DocumentReference?patient.identifier=${encodeURIComponent(patient.token)}%00`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.issue?.[0]?.diagnostics).toMatch(/query\.patient\.identifier holds a NUL/);
  });

  it('refuses a body nested 10,000 deep with a 400, not a stack overflow', async () => {
    const deep = `{"resourceType":"Bundle","type":"transaction","entry":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const response = await fetch(`${bed.gateway.fhirUrl}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: deep,
      dispatcher: bed.agent('hopital-org'),
    } as unknown as RequestInit);
    expect(response.status).toBe(400);
    const outcome = (await response.json()) as { issue: { diagnostics: string }[] };
    expect(outcome.issue[0].diagnostics).toMatch(/nested deeper than 64 levels/);
  });
});
