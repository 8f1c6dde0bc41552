import type { CapabilityStatementRestResource } from 'fhir/r4';
import { freshPatient } from '@passerelle/testing';
import { DmpTestBed, EVERY_CERTIFICATE } from './support/dmp-test-bed';

const OPERATIONS = ['$everything', '$archive'] as const;

/**
 * The patient's "download everything" (DESIGN §4, §9) over mutual TLS: the routes exist, and no
 * certificate — a professional's, an establishment's — ever downloads a record. (The patient's
 * own export, with his token, is tested once the patient's login exists.)
 */
describe('Patient $everything and $archive: the patient’s alone (MHD door, mutual TLS, PostgreSQL)', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  it.each(OPERATIONS)(
    'GET Patient/{id}/%s answers every certificate 403 PATIENT_ONLY as an OperationOutcome, audited, nothing of the record',
    async (operation) => {
      const record = await bed.newRecord();
      await bed.provide(record, [{ title: 'Compte rendu opératoire' }]);
      for (const who of EVERY_CERTIFICATE) {
        const answer = await bed.call(who, 'GET', `/Patient/${record.resourceId}/${operation}`);
        await bed.expectRefused(answer, 'PATIENT_ONLY', record);
        expect(answer.text).not.toMatch(/DocumentReference|Compte rendu|PK/);
      }
      const refusals = (await bed.auditRows(record)).filter(
        (row) => row.transaction === 'record-export' && row.reason === 'PATIENT_ONLY',
      );
      expect(refusals).toHaveLength(EVERY_CERTIFICATE.length);
    },
  );

  it.each(OPERATIONS)(
    'GET Patient/{id}/%s of a record that does not exist answers 404, an OperationOutcome',
    async (operation) => {
      const patient = freshPatient();
      const resourceId = `${patient.system.slice('urn:oid:'.length)}-${patient.nir}`;
      const answer = await bed.call(
        'medecin-generaliste',
        'GET',
        `/Patient/${resourceId}/${operation}`,
      );
      expect(answer.status).toBe(404);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.body.issue![0].code).toBe('not-found');
    },
  );

  it.each(OPERATIONS)(
    'GET Patient/{id}/%s refuses a parameter it does not take (400)',
    async (operation) => {
      const record = await bed.newRecord();
      const answer = await bed.call(
        'medecin-generaliste',
        'GET',
        `/Patient/${record.resourceId}/${operation}?_since=2026-01-01`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.resourceType).toBe('OperationOutcome');
    },
  );

  it('the CapabilityStatement lists both operations on Patient', async () => {
    const answer = await bed.call('medecin-generaliste', 'GET', '/metadata');
    const resources = (answer.body as { rest: { resource: CapabilityStatementRestResource[] }[] })
      .rest[0].resource;
    const patient = resources.find((resource) => resource.type === 'Patient');
    expect(patient?.operation?.map((operation) => operation.name)).toEqual(
      expect.arrayContaining(['everything', 'archive']),
    );
  });
});
