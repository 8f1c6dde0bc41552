import type { Bundle, DocumentReference, OperationOutcome, Parameters } from 'fhir/r4';
import { IssuedCertificate, issueCertificate, orgSubject, psSubject } from '@passerelle/platform';
import {
  DocumentSpec,
  freshPatient,
  mintAssertion,
  provideBundle,
  vihfClaims,
} from '@passerelle/testing';
import { Database, PostgresProfessionalDirectory, openDatabase } from '@passerelle/persistence';
import { readFileSync } from 'node:fs';
import seedProfessionals from '../fixtures/directory/seed-professionals.json';
import { Client } from 'pg';
import { Agent } from 'undici';
import { TestGateway, startTestGateway } from './support/test-gateway';

const PORTAL_STRUCTURE = '1990000001';
const BERNARD = '810000000058';
const PRESCRIPTION = '57833-6';

type Answer = {
  status: number;
  body: Record<string, unknown> & Partial<Bundle> & Partial<OperationOutcome>;
};

describe('DMP access rules through the MHD door (real mutual TLS, real PostgreSQL)', () => {
  let gateway: TestGateway;
  let database: Client;
  let directoryDatabase: Database;
  let ca: IssuedCertificate;
  const agents = new Map<string, Agent>();
  const certificates = new Map<string, IssuedCertificate>();

  beforeAll(async () => {
    gateway = await startTestGateway({ PATIENT_CHANNEL_STRUCTURES: PORTAL_STRUCTURE });
    ca = {
      certPem: readFileSync(gateway.pki.caPath, 'utf8'),
      keyPem: readFileSync(gateway.pki.caKeyPath, 'utf8'),
    };
    certificates.set(
      'bernard',
      issueCertificate(ca, {
        subject: psSubject({
          idNat: BERNARD,
          family: 'BERNARD',
          given: 'Sophie',
          professionLabel: 'Médecin',
        }),
        kind: 'client',
      }),
    );
    certificates.set(
      'portail',
      issueCertificate(ca, {
        subject: orgSubject({
          serviceName: 'Portail patient',
          structureId: PORTAL_STRUCTURE,
          organisationName: 'Mon espace santé (test)',
        }),
        kind: 'client',
      }),
    );
    for (const persona of Object.keys(gateway.pki.personas)) {
      const files = gateway.pki.personas[persona];
      certificates.set(persona, {
        certPem: readFileSync(files.certPath, 'utf8'),
        keyPem: readFileSync(files.keyPath, 'utf8'),
      });
    }
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
    directoryDatabase = await openDatabase({
      databaseUrl: process.env.PASSERELLE_TEST_DATABASE_URL,
      dataDir: '/nonexistent',
      poolSize: 1,
    });
  });

  afterAll(async () => {
    await Promise.all([...agents.values()].map((agent) => agent.close()));
    await database.end();
    await directoryDatabase.close();
    await gateway.close();
  });

  function agentOf(who: string): Agent {
    if (!agents.has(who)) {
      const certificate = certificates.get(who)!;
      agents.set(
        who,
        new Agent({
          connect: { ca: ca.certPem, cert: certificate.certPem, key: certificate.keyPem },
        }),
      );
    }
    return agents.get(who)!;
  }

  async function call(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    bearer?: string,
  ): Promise<Answer> {
    const response = await fetch(`${gateway.fhirUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: agentOf(who),
    } as unknown as RequestInit);
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
  }

  const search = (who: string, token: string, extra = '', bearer?: string) =>
    call(
      who,
      'GET',
      `/DocumentReference?patient.identifier=${encodeURIComponent(token)}${extra}`,
      undefined,
      bearer,
    );

  const operation = (
    who: string,
    patientId: string,
    name: string,
    parameters: Parameters['parameter'] = [],
  ) =>
    call(who, 'POST', `/Patient/${patientId}/${name}`, {
      resourceType: 'Parameters',
      parameter: parameters,
    });

  async function newRecord(documents: DocumentSpec[] = []) {
    const patient = freshPatient();
    const resourceId = `${patient.system.slice('urn:oid:'.length)}-${patient.nir}`;
    const opened = await call('medecin-generaliste', 'POST', '/Patient', {
      resourceType: 'Patient',
      identifier: [{ system: patient.system, value: patient.nir }],
    });
    expect(opened.status).toBe(201);
    if (documents.length) {
      expect(
        (await call('hopital-org', 'POST', '', provideBundle(patient.token, documents))).status,
      ).toBe(200);
    }
    return { ...patient, resourceId };
  }

  async function auditRows(patientToken: string) {
    const [system, nir] = patientToken.split('|');
    const { rows } = await database.query<{
      outcome: string;
      reason: string | null;
      subject_id: string;
      action: string;
    }>(
      `SELECT outcome, reason, subject_id, action FROM audit_event WHERE patient_key = $1 ORDER BY recorded_at`,
      [`${nir}^^^&${system.slice('urn:oid:'.length)}&ISO`],
    );
    return rows;
  }

  async function notifications(patientToken: string) {
    const [system, nir] = patientToken.split('|');
    const { rows } = await database.query<{ kind: string }>(
      `SELECT kind FROM notification_outbox WHERE patient_key = $1 ORDER BY created_at`,
      [`${nir}^^^&${system.slice('urn:oid:'.length)}&ISO`],
    );
    return rows.map((row) => row.kind);
  }

  function expectNoLeak(answer: Answer) {
    expect(answer.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(answer.body)).not.toMatch(/Compte rendu|total|entry/);
  }

  it('the opener holds an authorisation; a PS without one is refused explicitly, audited, nothing leaked', async () => {
    const patient = await newRecord([{}]);
    expect((await search('medecin-generaliste', patient.token)).body.total).toBe(1);
    const refused = await search('bernard', patient.token);
    expect(refused.status).toBe(403);
    expectNoLeak(refused);
    expect(refused.body.issue![0].diagnostics).toMatch(/NO_AUTHORISATION/);
    const denied = (await auditRows(patient.token)).filter((row) => row.outcome === 'denied');
    expect(denied).toEqual([
      expect.objectContaining({ subject_id: BERNARD, reason: 'NO_AUTHORISATION' }),
    ]);
  });

  it('applies the habilitation matrix: a pharmacien sees prescriptions, not consultation notes', async () => {
    const patient = await newRecord([{}, { typeCode: PRESCRIPTION }]);
    expect(
      (await operation('pharmacien', patient.resourceId, '$declare-authorisation')).status,
    ).toBe(200);
    const visible = await search('pharmacien', patient.token);
    expect(visible.body.total).toBe(1);
    expect((visible.body.entry![0].resource as DocumentReference).type!.coding![0].code).toBe(
      PRESCRIPTION,
    );
  });

  it('hides masked documents, but not from the médecin traitant nor from their author', async () => {
    const patient = await newRecord([{}, { securityLabels: ['N', 'MASQUE_PS'] }]);
    await operation('bernard', patient.resourceId, '$declare-authorisation');
    expect((await search('bernard', patient.token)).body.total).toBe(1);
    expect((await search('medecin-generaliste', patient.token)).body.total).toBe(2);
    expect(
      (await operation('bernard', patient.resourceId, '$declare-medecin-traitant')).status,
    ).toBe(200);
    expect((await search('bernard', patient.token)).body.total).toBe(2);
  });

  it("lets the patient's channel read the record, except what is invisible to the patient", async () => {
    const patient = await newRecord([
      {},
      { securityLabels: ['N', 'MASQUE_PS'] },
      { securityLabels: ['N', 'INVISIBLE_PATIENT'] },
    ]);
    expect((await search('medecin-generaliste', patient.token)).body.total).toBe(3);
    const portal = await search('portail', patient.token);
    expect(portal.status).toBe(200);
    expect(portal.body.total).toBe(2);
    expect(JSON.stringify(portal.body)).not.toContain('INVISIBLE_PATIENT');
  });

  it('lets the patient block a professional from reading and writing, but never the médecin traitant', async () => {
    const patient = await newRecord([{}]);
    await operation('bernard', patient.resourceId, '$declare-authorisation');
    const param = [{ name: 'professional', valueString: BERNARD }];
    expect((await operation('bernard', patient.resourceId, '$block', param)).status).toBe(403);
    expect((await operation('portail', patient.resourceId, '$block', param)).status).toBe(200);
    expect((await search('bernard', patient.token)).status).toBe(403);
    const write = await call(
      'bernard',
      'POST',
      '',
      provideBundle(patient.token, [{ authorId: BERNARD }]),
    );
    expect(write.status).toBe(403);
    expect(write.body.issue![0].diagnostics).toMatch(/BLOCKED/);

    await operation('medecin-generaliste', patient.resourceId, '$declare-medecin-traitant');
    await operation('portail', patient.resourceId, '$block', [
      { name: 'professional', valueString: '810000000017' },
    ]);
    expect((await search('medecin-generaliste', patient.token)).status).toBe(200);
    await operation('portail', patient.resourceId, '$unblock', param);
    expect((await search('bernard', patient.token)).status).toBe(200);
  });

  it('grants bris de glace with a reason, notifies the patient, and honours a refusal', async () => {
    const patient = await newRecord([{}, { securityLabels: ['N', 'MASQUE_PS'] }]);
    const assertion = (purpose: string, reason?: string) =>
      mintAssertion({
        signer: certificates.get('bernard')!,
        claims: vihfClaims({
          sub: BERNARD,
          roles: ['10', 'SM26'],
          mode: 'DIRECTE',
          purposeOfUse: purpose,
          accessReason: reason,
        }),
      });
    expect(
      (await search('bernard', patient.token, '', await assertion('bris_de_glace'))).status,
    ).toBe(401);
    const emergency = await search(
      'bernard',
      patient.token,
      '',
      await assertion('bris_de_glace', 'Patient inconscient aux urgences'),
    );
    expect(emergency.status).toBe(200);
    expect(emergency.body.total).toBe(2);
    expect(await notifications(patient.token)).toEqual(
      expect.arrayContaining(['emergency-access', 'first-access']),
    );

    await operation('portail', patient.resourceId, '$emergency-consents', [
      { name: 'otherProfessionals', valueBoolean: false },
    ]);
    const refused = await search(
      'bernard',
      patient.token,
      '',
      await assertion('bris_de_glace', 'Urgence'),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.issue![0].diagnostics).toMatch(/EMERGENCY_REFUSED_BY_PATIENT/);
  });

  it('refuses an assertion issued for another patient', async () => {
    const patient = await newRecord([{}]);
    const other = freshPatient();
    const [system, nir] = other.token.split('|');
    const bearer = await mintAssertion({
      signer: certificates.get('medecin-generaliste')!,
      claims: vihfClaims({
        sub: '810000000017',
        roles: ['10', 'SM26'],
        mode: 'DIRECTE',
        patientId: `${nir}^^^&${system.slice('urn:oid:'.length)}&ISO`,
      }),
    });
    const answer = await search('medecin-generaliste', patient.token, '', bearer);
    expect(answer.status).toBe(401);
    expectNoLeak(answer);
  });

  it('lets an establishment system feed and manage its own documents but not consult', async () => {
    const patient = await newRecord([{}]);
    const consult = await search('hopital-org', patient.token);
    expect(consult.status).toBe(403);
    expect(consult.body.issue![0].diagnostics).toMatch(/INDIRECT_CANNOT_CONSULT/);
    const own = (await search('medecin-generaliste', patient.token)).body.entry![0]
      .resource as DocumentReference;
    const archive = await fetch(`${gateway.fhirUrl}/DocumentReference/${own.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'replace', path: '/status', value: 'entered-in-error' }]),
      dispatcher: agentOf('laboratoire-org'),
    } as unknown as RequestInit);
    expect(archive.status).toBe(404);
  });

  it('reserves the logical delete to the author, then hides the document from others', async () => {
    const patient = await newRecord([{}]);
    await operation('bernard', patient.resourceId, '$declare-authorisation');
    const reference = (await search('bernard', patient.token)).body.entry![0]
      .resource as DocumentReference;
    const remove = (who: string) =>
      fetch(`${gateway.fhirUrl}/DocumentReference/${reference.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json-patch+json' },
        body: JSON.stringify([{ op: 'replace', path: '/status', value: 'entered-in-error' }]),
        dispatcher: agentOf(who),
      } as unknown as RequestInit);
    expect((await remove('bernard')).status).toBe(403);
    expect((await remove('medecin-generaliste')).status).toBe(200);
    const binary = new URL(reference.content[0].attachment.url!).pathname.replace('/fhir', '');
    expect((await call('bernard', 'GET', binary)).status).toBe(404);
    expect((await call('bernard', 'GET', `/DocumentReference/${reference.id}`)).status).toBe(404);
    expect((await search('bernard', patient.token, '&status=entered-in-error')).body.total).toBe(0);
  });

  it('closes the record with a reason (everything but the status refused), then reopens it', async () => {
    const patient = await newRecord([{}]);
    expect(
      (
        await operation('medecin-generaliste', patient.resourceId, '$close', [
          { name: 'reason', valueString: 'décès' },
        ])
      ).status,
    ).toBe(403);
    expect(
      (
        await operation('portail', patient.resourceId, '$close', [
          { name: 'reason', valueString: 'décès' },
        ])
      ).status,
    ).toBe(200);
    expect((await search('medecin-generaliste', patient.token)).status).toBe(403);
    expect((await call('hopital-org', 'POST', '', provideBundle(patient.token, [{}]))).status).toBe(
      403,
    );
    const status = await call('medecin-generaliste', 'GET', `/Patient/${patient.resourceId}`);
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body)).toContain('décès');
    expect((await operation('portail', patient.resourceId, '$reopen')).status).toBe(200);
    expect((await search('medecin-generaliste', patient.token)).status).toBe(200);
  });

  it('lets a médecin du travail in only with express consent, and never an insurer', async () => {
    const patient = await newRecord([{}]);
    const directory = new PostgresProfessionalDirectory(directoryDatabase.dataSource);
    await directory.upsert(seedProfessionals);
    for (const [name, idNat, family] of [
      ['travail', '810000000033', 'LEROY'],
      ['conseil', '810000000041', 'GARNIER'],
    ]) {
      certificates.set(
        name,
        issueCertificate(ca, {
          subject: psSubject({ idNat, family, given: 'Test', professionLabel: 'Médecin' }),
          kind: 'client',
        }),
      );
      await operation(name, patient.resourceId, '$declare-authorisation');
    }
    const travail = await search('travail', patient.token);
    expect(travail.status).toBe(403);
    expect(travail.body.issue![0].diagnostics).toMatch(/EXPRESS_CONSENT_REQUIRED/);
    await operation('medecin-generaliste', patient.resourceId, '$declare-authorisation', [
      { name: 'professional', valueString: '810000000033' },
      { name: 'expressConsent', valueBoolean: true },
    ]);
    expect((await search('travail', patient.token)).status).toBe(200);
    const insurer = await search('conseil', patient.token);
    expect(insurer.status).toBe(403);
    expect(insurer.body.issue![0].diagnostics).toMatch(/FORBIDDEN_ACTOR/);
  });

  it('fails the request, returning nothing, when its audit record cannot be written', async () => {
    const patient = await newRecord([{}]);
    await database.query('ALTER TABLE audit_event RENAME TO audit_event_unavailable');
    try {
      const answer = await search('medecin-generaliste', patient.token);
      expect(answer.status).toBe(500);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(answer.body)).not.toMatch(/DocumentReference|audit_event/);
    } finally {
      await database.query('ALTER TABLE audit_event_unavailable RENAME TO audit_event');
    }
  });

  it("gives the patient's channel the access history as AuditEvents, and refuses it to others", async () => {
    const patient = await newRecord([{}]);
    await search('bernard', patient.token);
    const history = await call(
      'portail',
      'GET',
      `/AuditEvent?patient=Patient/${patient.resourceId}`,
    );
    expect(history.status).toBe(200);
    const events = (history.body.entry ?? []).map(
      (e) =>
        e.resource as unknown as {
          outcome: string;
          outcomeDesc?: string;
          subtype: { code: string }[];
        },
    );
    expect(events.some((e) => e.outcome === '4' && e.outcomeDesc === 'NO_AUTHORISATION')).toBe(
      true,
    );
    expect(events.some((e) => e.subtype[0].code === 'ITI-65')).toBe(true);
    expect(
      (await call('bernard', 'GET', `/AuditEvent?patient=Patient/${patient.resourceId}`)).status,
    ).toBe(403);
    expect(await notifications(patient.token)).toEqual(expect.arrayContaining(['new-document']));
  });
});
