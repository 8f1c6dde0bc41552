import type { CapabilityStatement, Parameters } from 'fhir/r4';
import {
  Database,
  PostgresAccessStateStore,
  PostgresProfessionalDirectory,
} from '@passerelle/persistence';
import { freshPatient } from '@passerelle/testing';
import {
  BERNARD,
  DmpRecord,
  DmpTestBed,
  EVERY_CERTIFICATE,
  IDNAT,
  PORTAL_STRUCTURE,
} from './support/dmp-test-bed';
import { openTestDatabase } from './support/test-database';

/** A médecin the directory places in one structure, and that structure (known to no other test). */
const HOSPITALIER = '810000000082';
const SERVICE = '1990000082';

/** The audit trail's subject_id of each certificate of the test bed. */
const SUBJECT_OF: Record<(typeof EVERY_CERTIFICATE)[number], string> = {
  'medecin-generaliste': IDNAT.medecin,
  pharmacien: IDNAT.pharmacien,
  infirmier: IDNAT.infirmier,
  bernard: BERNARD,
  'hopital-org': IDNAT.hopital,
  'laboratoire-org': IDNAT.laboratoire,
  portail: PORTAL_STRUCTURE,
};

/**
 * Authorisations and blocks of structures reach the professionals acting for them; a
 * professional never declares, revokes or blocks for a structure; the patient's consents
 * (FHIR Consent) are his alone. Over mutual TLS against PostgreSQL.
 */
describe('Structures and the patient’s consents (MHD door, mutual TLS, PostgreSQL)', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
    bed.addProfessional('hospitalier', HOSPITALIER, 'HOSPIT', 'Alex', 'Médecin');
    await bed.gateway.gateway.app.get(PostgresProfessionalDirectory).upsert([
      {
        idNat: HOSPITALIER,
        family: 'HOSPIT',
        given: 'Alex',
        professionCode: '10',
        specialtyCode: 'SM26',
        exercises: [{ structureId: SERVICE, sectorCode: 'SA01' }],
      },
    ]);
  });

  afterAll(() => bed.close());

  /** The patient's decision about a structure, written straight into the table (no login yet). */
  const authoriseStructure = (record: DmpRecord, state: 'valid' | 'forbidden') =>
    bed.database.query(
      `INSERT INTO access_authorisation
         (patient_key, subject_id, subject_kind, state, express_consent, declared_by, declared_at)
       VALUES ($1, $2, 'STRUCTURE', $3, false, 'patient', now())`,
      [record.key, SERVICE, state],
    );
  const blockStructure = (record: DmpRecord) =>
    bed.database.query(
      `INSERT INTO access_block (patient_key, subject_id, subject_kind, declared_by, declared_at)
       VALUES ($1, $2, 'STRUCTURE', 'patient', now())`,
      [record.key, SERVICE],
    );
  const diagnosticsOf = (answer: { body: { issue?: { diagnostics?: string }[] } }) =>
    answer.body.issue?.[0]?.diagnostics;

  describe('a structure’s authorisation or block reaches the professionals acting for it', () => {
    it('a médecin consults on the authorisation of the structure the directory places him in', async () => {
      const record = await bed.newRecord();
      const before = await bed.search('hospitalier', record);
      expect({ status: before.status, diagnostics: diagnosticsOf(before) }).toEqual({
        status: 403,
        diagnostics: expect.stringMatching(/\(NO_AUTHORISATION\)$/),
      });
      await authoriseStructure(record, 'valid');
      expect((await bed.search('hospitalier', record)).status).toBe(200);
      expect((await bed.search('bernard', record)).status).toBe(403);
    });

    it('a blocked structure refuses him, even with his own authorisation (BLOCKED)', async () => {
      const record = await bed.newRecord();
      await bed.patient.authorise(record, HOSPITALIER);
      expect((await bed.search('hospitalier', record)).status).toBe(200);
      await blockStructure(record);
      await bed.expectRefused(
        await bed.search('hospitalier', record),
        'BLOCKED',
        record,
        HOSPITALIER,
      );
    });

    it('the structure’s refusal refuses him, even with his own authorisation (AUTHORISATION_FORBIDDEN)', async () => {
      const record = await bed.newRecord();
      await bed.patient.authorise(record, HOSPITALIER);
      await authoriseStructure(record, 'forbidden');
      await bed.expectRefused(
        await bed.search('hospitalier', record),
        'AUTHORISATION_FORBIDDEN',
        record,
        HOSPITALIER,
      );
    });
  });

  describe('a professional never acts for a structure', () => {
    it('$declare-authorisation for a structure, even his own, is refused (NOT_FOR_HIMSELF): nothing written', async () => {
      const record = await bed.newRecord();
      for (const structure of [SERVICE, IDNAT.hopital]) {
        const declared = await bed.operation('hospitalier', record, '$declare-authorisation', [
          { name: 'structure', valueString: structure },
        ]);
        await bed.expectRefused(declared, 'NOT_FOR_HIMSELF', record, HOSPITALIER);
      }
      expect((await bed.patient.snapshot(record)).authorisations).not.toContainEqual(
        expect.objectContaining({ subject_id: SERVICE }),
      );
      expect((await bed.search('hospitalier', record)).status).toBe(403);
    });

    it('$revoke-authorisation of his structure’s is refused (NOT_FOR_HIMSELF): it stands', async () => {
      const record = await bed.newRecord();
      await authoriseStructure(record, 'valid');
      const revoked = await bed.operation('hospitalier', record, '$revoke-authorisation', [
        { name: 'structure', valueString: SERVICE },
      ]);
      await bed.expectRefused(revoked, 'NOT_FOR_HIMSELF', record, HOSPITALIER);
      expect((await bed.search('hospitalier', record)).status).toBe(200);
    });

    it.each(['$block', '$unblock'])(
      '%s of a structure is the patient’s alone (PATIENT_ONLY): nothing changes',
      async (name) => {
        const record = await bed.newRecord();
        const before = await bed.patient.snapshot(record);
        const answer = await bed.operation('hospitalier', record, name, [
          { name: 'structure', valueString: SERVICE },
        ]);
        await bed.expectRefused(answer, 'PATIENT_ONLY', record, HOSPITALIER);
        expect(await bed.patient.snapshot(record)).toEqual(before);
      },
    );

    it('his own declaration is recorded as a professional’s (subject_kind PS)', async () => {
      const record = await bed.newRecord();
      expect((await bed.operation('bernard', record, '$declare-authorisation')).status).toBe(200);
      const { rows } = await bed.database.query(
        `SELECT subject_id, subject_kind FROM access_authorisation
          WHERE patient_key = $1 AND subject_id = $2`,
        [record.key, BERNARD],
      );
      expect(rows).toEqual([{ subject_id: BERNARD, subject_kind: 'PS' }]);
    });
  });

  describe('professional or structure: exactly one', () => {
    const BOTH: Parameters['parameter'] = [
      { name: 'professional', valueString: BERNARD },
      { name: 'structure', valueString: SERVICE },
    ];

    it.each(['$declare-authorisation', '$revoke-authorisation', '$block', '$unblock'])(
      '%s naming both is malformed: 400 METADATA_INVALID, nothing changes',
      async (name) => {
        const record = await bed.newRecord();
        const before = await bed.patient.snapshot(record);
        const answer = await bed.operation('bernard', record, name, BOTH);
        expect(answer.status).toBe(400);
        expect(answer.body.issue![0]).toMatchObject({
          code: 'value',
          diagnostics: 'Give either professional or structure, not both',
        });
        expect(await bed.patient.snapshot(record)).toEqual(before);
      },
    );

    it.each(['$block', '$unblock'])(
      '%s naming neither is incomplete: 400 METADATA_MISSING',
      async (name) => {
        const record = await bed.newRecord();
        const answer = await bed.operation('bernard', record, name);
        expect(answer.status).toBe(400);
        expect(answer.body.issue![0]).toMatchObject({
          code: 'required',
          diagnostics: 'Parameter professional or structure is required',
        });
      },
    );
  });

  describe('Consent: the patient’s consents are his alone', () => {
    it('GET Consent?patient= answers PATIENT_ONLY to every certificate, in both forms of the reference', async () => {
      const record = await bed.newRecord();
      await authoriseStructure(record, 'valid');
      for (const who of EVERY_CERTIFICATE) {
        for (const patient of [`Patient/${record.resourceId}`, record.resourceId]) {
          const answer = await bed.call(
            who,
            'GET',
            `/Consent?patient=${encodeURIComponent(patient)}`,
          );
          await bed.expectRefused(answer, 'PATIENT_ONLY', record, SUBJECT_OF[who]);
          expect(answer.text).not.toMatch(new RegExp(`Consent"|${SERVICE}`));
        }
      }
    });

    it('GET Consent/<id> answers PATIENT_ONLY to a professional, even the one who opened the record', async () => {
      const record = await bed.newRecord();
      const answer = await bed.call(
        'medecin-generaliste',
        'GET',
        `/Consent/${record.resourceId}-emergency`,
      );
      await bed.expectRefused(answer, 'PATIENT_ONLY', record, IDNAT.medecin);
    });

    it('a search without its patient is incomplete (400 required), with another parameter refused (400)', async () => {
      const missing = await bed.call('bernard', 'GET', '/Consent');
      expect(missing.status).toBe(400);
      expect(missing.body.issue![0].code).toBe('required');
      const record = await bed.newRecord();
      const other = await bed.call(
        'bernard',
        'GET',
        `/Consent?patient.identifier=${encodeURIComponent(record.token)}`,
      );
      expect(other.status).toBe(400);
      expect(diagnosticsOf(other)).toMatch(/Unsupported search parameter\(s\): patient.identifier/);
    });

    it('an id that names no Consent is not found (404)', async () => {
      const answer = await bed.call('bernard', 'GET', '/Consent/not-a-consent');
      expect(answer.status).toBe(404);
      expect(answer.body.issue![0].code).toBe('not-found');
    });

    it('the CapabilityStatement lists Consent read and search by patient', async () => {
      const answer = await bed.call('bernard', 'GET', '/metadata');
      const resources = (answer.body as unknown as CapabilityStatement).rest![0].resource!;
      expect(resources.find((resource) => resource.type === 'Consent')).toEqual({
        type: 'Consent',
        interaction: [{ code: 'search-type' }, { code: 'read' }],
        searchParam: [{ name: 'patient', type: 'reference' }],
      });
    });
  });
});

/**
 * What the store answers of structures, and the patient's decisions as he will read them
 * (his token's tests come with his login). PGlite cannot load under Jest: the built gateway's
 * tests boot it, migrations included.
 */
describe('The access state store on PostgreSQL: structures and the patient’s consents', () => {
  let database: Database;
  let store: PostgresAccessStateStore;

  beforeAll(async () => {
    database = await openTestDatabase();
    store = new PostgresAccessStateStore(database.dataSource);
  });

  afterAll(() => database.close());

  /** An open record whose patient decided about a médecin, two structures and emergencies. */
  const decidedRecord = async () => {
    const patient = freshPatient();
    const key = `${patient.nir}^^^&${patient.system.slice('urn:oid:'.length)}&ISO`;
    await database.dataSource.query(
      `INSERT INTO patient_record (patient_key, ins_value, ins_oid, status, opened_at, opened_by)
       VALUES ($1, $2, $3, 'open', now(), 'test')`,
      [key, patient.nir, patient.system.slice('urn:oid:'.length)],
    );
    const declare = (subjectId: string, subjectKind: 'PS' | 'STRUCTURE', extra = {}) =>
      store.declareAuthorisation({
        patientKey: key,
        subjectId,
        subjectKind,
        state: 'valid',
        expressConsent: false,
        declaredBy: 'PATIENT:account',
        ...extra,
      });
    await declare(HOSPITALIER, 'PS', { validUntil: new Date(Date.now() - 60_000) });
    await declare(SERVICE, 'STRUCTURE', { expressConsent: true });
    await declare(IDNAT.hopital, 'STRUCTURE', { state: 'forbidden' });
    await store.setBlocked({
      patientKey: key,
      subjectId: IDNAT.laboratoire,
      subjectKind: 'STRUCTURE',
      blocked: true,
      declaredBy: 'PATIENT:account',
    });
    await store.declareMedecinTraitant(key, BERNARD, 'PATIENT:account');
    await store.setEmergencyConsents(key, {
      centre15: false,
      otherProfessionals: true,
      maskedDocuments: false,
    });
    return key;
  };

  it('authorises through a structure; a structure refused or blocked refuses; express consent stays personal', async () => {
    const key = await decidedRecord();
    expect(await store.load(key, HOSPITALIER, { actingFor: [], confirmed: [] })).toMatchObject({
      authorisation: 'expired',
      blocked: false,
    });
    expect(
      await store.load(key, HOSPITALIER, { actingFor: [SERVICE], confirmed: [SERVICE] }),
    ).toMatchObject({
      authorisation: 'valid',
      expressConsent: false,
      blocked: false,
      medecinTraitant: false,
    });
    expect(
      await store.load(key, HOSPITALIER, {
        actingFor: [SERVICE, IDNAT.hopital],
        confirmed: [SERVICE, IDNAT.hopital],
      }),
    ).toMatchObject({
      authorisation: 'forbidden',
    });
    expect(
      await store.load(key, BERNARD, {
        actingFor: [IDNAT.laboratoire],
        confirmed: [IDNAT.laboratoire],
      }),
    ).toMatchObject({
      authorisation: 'none',
      blocked: true,
      medecinTraitant: true,
    });
    expect(
      await store.load(key, BERNARD, { actingFor: [SERVICE], confirmed: [SERVICE] }),
    ).toMatchObject({
      authorisation: 'valid',
      blocked: false,
    });
  });

  it('lists every decision of the record, with its kind of subject, state and dates', async () => {
    const key = await decidedRecord();
    const decisions = await store.list(key);
    expect(decisions).toEqual({
      authorisations: expect.arrayContaining([
        expect.objectContaining({
          subjectId: HOSPITALIER,
          subjectKind: 'PS',
          state: 'expired',
          validUntil: expect.any(Date),
        }),
        expect.objectContaining({
          subjectId: SERVICE,
          subjectKind: 'STRUCTURE',
          state: 'valid',
          expressConsent: true,
        }),
        expect.objectContaining({
          subjectId: IDNAT.hopital,
          subjectKind: 'STRUCTURE',
          state: 'forbidden',
        }),
      ]),
      blocks: [
        {
          subjectId: IDNAT.laboratoire,
          subjectKind: 'STRUCTURE',
          declaredBy: 'PATIENT:account',
          declaredAt: expect.any(Date),
        },
      ],
      medecinsTraitants: [
        { subjectId: BERNARD, declaredBy: 'PATIENT:account', declaredAt: expect.any(Date) },
      ],
      emergencyConsents: { centre15: false, otherProfessionals: true, maskedDocuments: false },
    });
    expect(decisions.authorisations).toHaveLength(3);
    const service = decisions.authorisations.find(({ subjectId }) => subjectId === SERVICE);
    expect(service).not.toHaveProperty('validUntil');
  });

  it('lists nothing but the default emergency consents of a record without decisions', async () => {
    expect(await store.list('no-such-record')).toEqual({
      authorisations: [],
      blocks: [],
      medecinsTraitants: [],
      emergencyConsents: { centre15: true, otherProfessionals: true, maskedDocuments: true },
    });
  });
});
