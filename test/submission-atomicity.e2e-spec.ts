import { provideBundle } from '@passerelle/testing';
import { Client } from 'pg';
import { DmpTestBed } from './support/dmp-test-bed';
import { postSoap, statusOf } from './support/xds-client';
import { nistBytes, nistText, provideRequest } from './support/xds-fixtures';

/**
 * A submission, its audit record and its notification commit together (a transactional outbox);
 * a sender's unchanged retry of a committed submission is a success, not a duplicate; and a
 * submission larger than one statement's bind parameters is stored whole.
 */
describe('submissions: atomic with their audit, idempotent, of any size', () => {
  let bed: DmpTestBed;
  let database: Client;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
  });

  afterAll(async () => {
    await database.end();
    await bed.close();
  });

  const locations = (answer: { body: { entry?: { response?: { location?: string } }[] } }) =>
    (answer.body.entry ?? []).map((entry) => entry.response?.location);

  it('answers an identical ITI-65 retry as a success, storing and notifying nothing again', async () => {
    const record = await bed.newRecord();
    const bundle = provideBundle(record.token, [{ title: 'CR 1' }, { title: 'CR 2' }]);
    const first = await bed.call('hopital-org', 'POST', '', bundle);
    expect(first.status).toBe(200);
    const retry = await bed.call('hopital-org', 'POST', '', bundle);
    expect(retry.status).toBe(200);
    expect(retry.body.type).toBe('transaction-response');
    expect(locations(retry)).toEqual(locations(first));
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(2);
    expect(await bed.notificationRows(record, 'new-document')).toHaveLength(1);
    const provided = (await bed.auditRows(record)).filter((row) => row.transaction === 'ITI-65');
    expect(provided.map((row) => row.outcome)).toEqual(['allowed', 'allowed']);
  });

  it('still refuses the same SubmissionSet uniqueId with other documents', async () => {
    const record = await bed.newRecord();
    const bundle = provideBundle(record.token, [{ title: 'CR 1' }]);
    expect((await bed.call('hopital-org', 'POST', '', bundle)).status).toBe(200);
    const other = provideBundle(record.token, [{ title: 'CR autre' }]);
    const submissionSet = other.entry!.find((entry) => entry.resource?.resourceType === 'List')!;
    const original = bundle.entry!.find((entry) => entry.resource?.resourceType === 'List')!;
    (submissionSet.resource as { identifier: unknown }).identifier = (
      original.resource as { identifier: unknown }
    ).identifier;
    const answer = await bed.call('hopital-org', 'POST', '', other);
    expect(answer.status).toBe(409);
    expect(answer.body.resourceType).toBe('OperationOutcome');
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(1);
    expect(await bed.notificationRows(record, 'new-document')).toHaveLength(1);
  });

  it('answers an identical ITI-41 retry with Success, storing nothing again', async () => {
    const record = await bed.newRecord();
    const request = provideRequest(
      nistText('11966', 'submit', 'single_doc.xml'),
      { patient: record.cx },
      [{ id: 'Document01', bytes: nistBytes('11966', 'submit', 'my_document.txt') }],
    );
    expect(statusOf((await postSoap(bed.gateway, 'repository', request)).body)).toBe('Success');
    expect(statusOf((await postSoap(bed.gateway, 'repository', request)).body)).toBe('Success');
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(1);
    expect(await bed.notificationRows(record, 'new-document')).toHaveLength(1);
  });

  it('stores nothing when the audit record cannot be written: no unaudited document', async () => {
    const record = await bed.newRecord();
    await database.query(`
      CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit store refused'; END $$;
      CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_event FOR EACH ROW
        WHEN (NEW.transaction = 'ITI-65' AND NEW.outcome = 'allowed')
        EXECUTE FUNCTION test_refuse_audit()`);
    try {
      const answer = await bed.call(
        'hopital-org',
        'POST',
        '',
        provideBundle(record.token, [{ title: 'CR' }]),
      );
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(answer.text).not.toMatch(/audit store refused|audit_event/);
    } finally {
      await database.query(`DROP TRIGGER test_refuse_audit ON audit_event;
                            DROP FUNCTION test_refuse_audit()`);
    }
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(0);
    expect(await bed.notificationRows(record, 'new-document')).toHaveLength(0);
    const { rows } = await database.query(
      `SELECT count(*)::int AS n FROM document_entry WHERE patient_key = $1`,
      [record.key],
    );
    expect(rows[0].n).toBe(0);
  });

  it('writes one audit record, under the request id, with the submission', async () => {
    const record = await bed.newRecord();
    const response = await fetch(bed.gateway.fhirUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', 'x-request-id': 'atomic-submission-1' },
      body: JSON.stringify(provideBundle(record.token, [{ title: 'CR' }])),
      dispatcher: bed.agent('hopital-org'),
    } as unknown as RequestInit);
    expect(response.status).toBe(200);
    const { rows } = await database.query(
      `SELECT transaction, outcome, http_status, request_id FROM audit_event
        WHERE patient_key = $1 AND transaction = 'ITI-65'`,
      [record.key],
    );
    expect(rows).toEqual([
      {
        transaction: 'ITI-65',
        outcome: 'allowed',
        http_status: 200,
        request_id: 'atomic-submission-1',
      },
    ]);
  });

  it('stores an ITI-65 of 5,000 documents, past the 65,535 bind parameters of one statement', async () => {
    const record = await bed.newRecord();
    const documents = Array.from({ length: 5_000 }, (_, index) => ({
      title: `Résultat ${index}`,
      content: Buffer.from(`résultat ${index}`),
    }));
    const answer = await bed.call(
      'hopital-org',
      'POST',
      '',
      provideBundle(record.token, documents),
    );
    expect(answer.status).toBe(200);
    expect((await bed.search('medecin-generaliste', record, '&_count=1')).body.total).toBe(5_000);
    expect(await bed.notificationRows(record, 'new-document')).toEqual([
      expect.objectContaining({ payload: { count: 5_000 } }),
    ]);
  }, 180_000);
});
