import type { DocumentReference } from 'fhir/r4';
import { freshPatient, mintAssertion, provideBundle, vihfClaims } from '@passerelle/testing';
import { Database, PostgresProfessionalDirectory } from '@passerelle/persistence';
import seedProfessionals from '../fixtures/directory/seed-professionals.json';
import { Answer, BERNARD, DmpTestBed, IDNAT, PRESCRIPTION } from './support/dmp-test-bed';
import { openTestDatabase } from './support/test-database';

/**
 * The DMP's access rules through the MHD door. No certificate acts as the patient (a patient
 * login comes later): the patient's decisions (blocks, médecins traitants, emergency consents,
 * closing the record) are set up directly in PostgreSQL.
 */
describe('DMP access rules through the MHD door (real mutual TLS, real PostgreSQL)', () => {
  let bed: DmpTestBed;
  let directoryDatabase: Database;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
    directoryDatabase = await openTestDatabase();
  });

  afterAll(async () => {
    await directoryDatabase.close();
    await bed.close();
  });

  function expectNoLeak(answer: Answer) {
    expect(answer.body.resourceType).toBe('OperationOutcome');
    expect(answer.text).not.toMatch(/Compte rendu|total|entry/);
  }

  it('the opener holds an authorisation; a PS without one is refused explicitly, audited, nothing leaked', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(1);
    const refused = await bed.search('bernard', record);
    expect(refused.status).toBe(403);
    expectNoLeak(refused);
    expect(refused.body.issue![0].diagnostics).toMatch(/NO_AUTHORISATION/);
    const denied = (await bed.auditRows(record)).filter((row) => row.outcome === 'denied');
    expect(denied).toEqual([
      expect.objectContaining({ subject_id: BERNARD, reason: 'NO_AUTHORISATION' }),
    ]);
  });

  it('applies the habilitation matrix: a pharmacien sees prescriptions, not consultation notes', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}, { typeCode: PRESCRIPTION }]);
    expect((await bed.operation('pharmacien', record, '$declare-authorisation')).status).toBe(200);
    const visible = await bed.search('pharmacien', record);
    expect(visible.body.total).toBe(1);
    expect((visible.body.entry![0].resource as DocumentReference).type!.coding![0].code).toBe(
      PRESCRIPTION,
    );
  });

  it('hides masked documents, but not from the médecin traitant nor from their author', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}, { securityLabels: ['N', 'MASQUE_PS'] }]);
    await bed.operation('bernard', record, '$declare-authorisation');
    expect((await bed.search('bernard', record)).body.total).toBe(1);
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(2);
    expect((await bed.operation('bernard', record, '$declare-medecin-traitant')).status).toBe(200);
    expect((await bed.search('bernard', record)).body.total).toBe(2);
  });

  it('no certificate consults the record as the patient: the former portal’s ORG certificate is an establishment that may not consult', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [
      {},
      { securityLabels: ['N', 'MASQUE_PS'] },
      { securityLabels: ['N', 'INVISIBLE_PATIENT'] },
    ]);
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(3);
    const portal = await bed.search('portail', record);
    expect(portal.status).toBe(403);
    expectNoLeak(portal);
    expect(portal.body.issue![0].diagnostics).toMatch(/\(INDIRECT_CANNOT_CONSULT\)$/);
  });

  it('a professional the patient blocked can neither read nor write, but a médecin traitant cannot be blocked', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    await bed.operation('bernard', record, '$declare-authorisation');
    await bed.patient.block(record, BERNARD);
    const read = await bed.search('bernard', record);
    expect(read.status).toBe(403);
    expect(read.body.issue![0].diagnostics).toMatch(/\(BLOCKED\)$/);
    const write = await bed.call(
      'bernard',
      'POST',
      '',
      provideBundle(record.token, [{ authorId: BERNARD }]),
    );
    expect(write.status).toBe(403);
    expect(write.body.issue![0].diagnostics).toMatch(/BLOCKED/);

    await bed.patient.declareMedecinTraitant(record, IDNAT.medecin);
    await bed.patient.block(record, IDNAT.medecin);
    expect((await bed.search('medecin-generaliste', record)).status).toBe(200);
    await bed.patient.unblock(record, BERNARD);
    expect((await bed.search('bernard', record)).status).toBe(200);
  });

  it('grants bris de glace with a reason, notifies the patient, and honours the patient’s refusal', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}, { securityLabels: ['N', 'MASQUE_PS'] }]);
    const assertion = (purpose: string, reason?: string) =>
      mintAssertion({
        signer: bed.certificate('bernard'),
        claims: vihfClaims({
          sub: BERNARD,
          roles: ['10', 'SM26'],
          mode: 'DIRECTE',
          purposeOfUse: purpose,
          accessReason: reason,
        }),
      });
    expect((await bed.search('bernard', record, '', await assertion('bris_de_glace'))).status).toBe(
      401,
    );
    const emergency = await bed.search(
      'bernard',
      record,
      '',
      await assertion('bris_de_glace', 'Patient inconscient aux urgences'),
    );
    expect(emergency.status).toBe(200);
    expect(emergency.body.total).toBe(2);
    expect((await bed.notificationRows(record)).map((row) => row.kind)).toEqual(
      expect.arrayContaining(['emergency-access', 'first-access']),
    );

    await bed.patient.emergencyConsents(record, { otherProfessionals: false });
    const refused = await bed.search(
      'bernard',
      record,
      '',
      await assertion('bris_de_glace', 'Urgence'),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.issue![0].diagnostics).toMatch(/EMERGENCY_REFUSED_BY_PATIENT/);
  });

  it('refuses an assertion issued for another patient', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    const other = freshPatient();
    const [system, nir] = other.token.split('|');
    const bearer = await mintAssertion({
      signer: bed.certificate('medecin-generaliste'),
      claims: vihfClaims({
        sub: IDNAT.medecin,
        roles: ['10', 'SM26'],
        mode: 'DIRECTE',
        patientId: `${nir}^^^&${system.slice('urn:oid:'.length)}&ISO`,
      }),
    });
    const answer = await bed.search('medecin-generaliste', record, '', bearer);
    expect(answer.status).toBe(401);
    expectNoLeak(answer);
  });

  it('refuses an access change under an assertion issued for another patient', async () => {
    const record = await bed.newRecord();
    const [system, nir] = freshPatient().token.split('|');
    const bearer = await mintAssertion({
      signer: bed.certificate('pharmacien'),
      claims: vihfClaims({
        sub: IDNAT.pharmacien,
        roles: ['21', 'SM26'],
        mode: 'DIRECTE',
        patientId: `${nir}^^^&${system.slice('urn:oid:'.length)}&ISO`,
      }),
    });
    const answer = await bed.call(
      'pharmacien',
      'POST',
      `/Patient/${record.resourceId}/$declare-authorisation`,
      { resourceType: 'Parameters', parameter: [] },
      { bearer },
    );
    expect(answer.status).toBe(401);
    expectNoLeak(answer);
    expect(await bed.auditRows(record)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcome: 'denied', reason: 'ASSERTION_PATIENT_MISMATCH' }),
      ]),
    );
    expect((await bed.operation('pharmacien', record, '$declare-authorisation')).status).toBe(200);
  });

  it('lets an establishment system feed and manage its own documents but not consult', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    const consult = await bed.search('hopital-org', record);
    expect(consult.status).toBe(403);
    expect(consult.body.issue![0].diagnostics).toMatch(/INDIRECT_CANNOT_CONSULT/);
    const own = (await bed.search('medecin-generaliste', record)).body.entry![0]
      .resource as DocumentReference;
    const archive = await bed.patch('laboratoire-org', { id: own.id! }, [
      { op: 'replace', path: '/status', value: 'entered-in-error' },
    ]);
    expect(archive.status).toBe(404);
  });

  it('reserves the logical delete to the author, then hides the document from others', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    await bed.operation('bernard', record, '$declare-authorisation');
    const reference = (await bed.search('bernard', record)).body.entry![0]
      .resource as DocumentReference;
    const remove = (who: string) =>
      bed.patch(who, { id: reference.id! }, [
        { op: 'replace', path: '/status', value: 'entered-in-error' },
      ]);
    expect((await remove('bernard')).status).toBe(403);
    expect((await remove('medecin-generaliste')).status).toBe(200);
    const binary = new URL(reference.content[0].attachment.url!).pathname.replace('/fhir', '');
    expect((await bed.call('bernard', 'GET', binary)).status).toBe(404);
    expect((await bed.call('bernard', 'GET', `/DocumentReference/${reference.id}`)).status).toBe(
      404,
    );
    expect((await bed.search('bernard', record, '&status=entered-in-error')).body.total).toBe(0);
  });

  it('a record the patient closed (with a reason) refuses everything but its status; reopened, it is open again', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    const closing = await bed.operation('medecin-generaliste', record, '$close', [
      { name: 'reason', valueString: 'décès' },
    ]);
    expect(closing.status).toBe(403);
    await bed.patient.close(record, 'décès');
    const search = await bed.search('medecin-generaliste', record);
    expect(search.status).toBe(403);
    expect(search.body.issue![0].diagnostics).toMatch(/\(RECORD_CLOSED\)$/);
    expect(
      (await bed.call('hopital-org', 'POST', '', provideBundle(record.token, [{}]))).status,
    ).toBe(403);
    const status = await bed.call('medecin-generaliste', 'GET', `/Patient/${record.resourceId}`);
    expect(status.status).toBe(200);
    expect(status.text).toContain('décès');
    await bed.patient.reopen(record);
    expect((await bed.search('medecin-generaliste', record)).status).toBe(200);
  });

  it('lets a médecin du travail in only with express consent, and never an insurer', async () => {
    const record = await bed.newRecord();
    const directory = new PostgresProfessionalDirectory(directoryDatabase.dataSource);
    await directory.upsert(seedProfessionals);
    for (const [name, idNat, family] of [
      ['travail', '810000000033', 'LEROY'],
      ['conseil', '810000000041', 'GARNIER'],
    ]) {
      bed.addProfessional(name, idNat, family, 'Test', 'Médecin');
      await bed.patient.authorise(record, idNat);
    }
    const travail = await bed.search('travail', record);
    expect(travail.status).toBe(403);
    expect(travail.body.issue![0].diagnostics).toMatch(/EXPRESS_CONSENT_REQUIRED/);
    await bed.patient.authorise(record, '810000000033', { expressConsent: true });
    expect((await bed.search('travail', record)).status).toBe(200);
    const insurer = await bed.search('conseil', record);
    expect(insurer.status).toBe(403);
    expect(insurer.body.issue![0].diagnostics).toMatch(/FORBIDDEN_ACTOR/);
  });

  it('fails the request, returning nothing, when its audit record cannot be written', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    await bed.database.query('ALTER TABLE audit_event RENAME TO audit_event_unavailable');
    try {
      const answer = await bed.search('medecin-generaliste', record);
      expect(answer.status).toBe(500);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.text).not.toMatch(/DocumentReference|audit_event/);
    } finally {
      await bed.database.query('ALTER TABLE audit_event_unavailable RENAME TO audit_event');
    }
  });

  it('keeps the access history in the audit trail: the refusal and the ITI-65 feed, and notifies the new document', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    await bed.search('bernard', record);
    const rows = await bed.auditRows(record);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcome: 'denied', reason: 'NO_AUTHORISATION' }),
        expect.objectContaining({ outcome: 'allowed', transaction: 'ITI-65' }),
      ]),
    );
    expect((await bed.notificationRows(record)).map((row) => row.kind)).toEqual(
      expect.arrayContaining(['new-document']),
    );
  });

  it('the former patient’s channel (ORG 1990000001) acts for the patient no more: its decisions and the access history → 403 PATIENT_ONLY', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{}]);
    const before = await bed.patient.snapshot(record);
    for (const [name, parameters] of [
      ['$block', [{ name: 'professional', valueString: BERNARD }]],
      ['$unblock', [{ name: 'professional', valueString: BERNARD }]],
      ['$emergency-consents', [{ name: 'otherProfessionals', valueBoolean: false }]],
      ['$close', [{ name: 'reason', valueString: 'décès' }]],
      ['$reopen', []],
    ] as const) {
      const answer = await bed.operation('portail', record, name, [...parameters]);
      await bed.expectRefused(answer, 'PATIENT_ONLY', record);
    }
    const history = await bed.call('portail', 'GET', `/AuditEvent?patient=${record.resourceId}`);
    await bed.expectRefused(history, 'PATIENT_ONLY', record);
    expect(await bed.patient.snapshot(record)).toEqual(before);
  });
});
