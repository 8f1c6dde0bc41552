import type { Bundle, Practitioner, PractitionerRole } from 'fhir/r4';
import type { Professional } from '@passerelle/access-control';
import { PostgresProfessionalDirectory } from '@passerelle/persistence';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Agent, fetch as undiciFetch } from 'undici';
import seedProfessionals from '../fixtures/directory/seed-professionals.json';
import { ProfessionalDirectory1764000000000 } from '../libs/persistence/src/migrations/1764000000000-professional-directory';
import { DirectorySearch1764800000000 } from '../libs/persistence/src/migrations/1764800000000-directory-search';
import { startBuiltGateway } from './support/built-gateway';
import { Answer, DmpTestBed, IDNAT } from './support/dmp-test-bed';
import {
  PatientChannel,
  PatientTestBed,
  fhirJson,
  startPatientTestBed,
} from './support/patient-session';

const CLI = join(__dirname, '../dist/apps/cli/apps/cli/src/main.js');
const ID_NAT_PS = 'urn:oid:1.2.250.1.71.4.2.1';
const ID_NAT_STRUCT = 'urn:oid:1.2.250.1.71.4.2.2';
const MARTIN = IDNAT.medecin;
/** Her family and given names carry accents a patient does not type. */
const HELENE: Professional = {
  idNat: '810000000199',
  family: 'FAURÉ-DELÉTANG',
  given: 'Hélène',
  professionCode: '10',
  professionLabel: 'Médecin',
  specialtyCode: 'SM26',
  specialtyLabel: 'Qualifié en Médecine Générale',
  exercises: [
    {
      structureId: '1990000199',
      structureName: 'CENTRE HOSPITALIER DE SAINT-ÉTIENNE (TEST)',
      sectorCode: 'SA01',
    },
  ],
};

const practitioners = (body: Bundle) =>
  (body.entry ?? [])
    .filter((entry) => entry.search?.mode === 'match')
    .map((entry) => entry.resource as Practitioner);
const idsOf = (answer: Answer) => practitioners(answer.body as Bundle).map((p) => p.id);

/**
 * The professional directory through the FHIR door (real mutual TLS, a patient token, real
 * PostgreSQL): what the patient's portal searches to choose whom to authorise or block.
 */
describe('the professional directory as FHIR Practitioner and Organization', () => {
  let patients: PatientTestBed;
  let bed: DmpTestBed;
  let anonymous: Agent;
  let channel: PatientChannel;
  let directoryDataSource: DataSource;

  beforeAll(async () => {
    patients = await startPatientTestBed();
    ({ bed, channel, anonymous } = patients);
    // The gateway migrated the database: the directory is written as `passerelle directory` does.
    directoryDataSource = await new DataSource({
      type: 'postgres',
      url: process.env.PASSERELLE_TEST_DATABASE_URL,
    }).initialize();
    await new PostgresProfessionalDirectory(directoryDataSource).upsert([
      ...seedProfessionals,
      HELENE,
    ]);
  });

  afterAll(async () => {
    await directoryDataSource.destroy();
    await patients.close();
  });

  it('lets a professional find Dr MARTIN by the beginning of her name, and by her RPPS', async () => {
    const byName = await bed.call('pharmacien', 'GET', '/Practitioner?name=mar');
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(idsOf(byName)).toContain(MARTIN);
    const martin = practitioners(byName.body as Bundle).find((p) => p.id === MARTIN)!;
    expect(martin).toMatchObject({
      identifier: [{ system: ID_NAT_PS, value: MARTIN }],
      name: [{ family: 'MARTIN', given: ['Jeanne'] }],
      qualification: [
        { code: { coding: [{ code: '10', display: 'Médecin' }] } },
        { code: { coding: [{ code: 'SM26' }] } },
      ],
    });

    const byRpps = await bed.call(
      'pharmacien',
      'GET',
      `/Practitioner?identifier=${MARTIN.slice(1)}&_include=Practitioner:role`,
    );
    expect(byRpps.body.total).toBe(1);
    expect(idsOf(byRpps)).toEqual([MARTIN]);
    const [role] = (byRpps.body.entry ?? []).filter((entry) => entry.search?.mode === 'include');
    expect(role.resource as PractitionerRole).toMatchObject({
      resourceType: 'PractitionerRole',
      practitioner: { reference: `Practitioner/${MARTIN}` },
      organization: {
        identifier: { system: ID_NAT_STRUCT, value: '399999999900106' },
        display: 'CABINET DU DR MARTIN (TEST)',
      },
    });
    const byIdNat = await bed.call(
      'pharmacien',
      'GET',
      `/Practitioner?identifier=${encodeURIComponent(`${ID_NAT_PS}|${MARTIN}`)}`,
    );
    expect(idsOf(byIdNat)).toEqual([MARTIN]);
  });

  it('finds Hélène by "helene" and by a word of her family name, case and accents aside', async () => {
    for (const name of ['helene', 'HÉLÈNE', 'deletang', 'faure helene']) {
      const answer = await bed.call(
        'medecin-generaliste',
        'GET',
        `/Practitioner?name=${encodeURIComponent(name)}`,
      );
      expect({ name, ids: idsOf(answer) }).toEqual({ name, ids: [HELENE.idNat] });
    }
    const structures = await bed.call('medecin-generaliste', 'GET', '/Organization?name=etienne');
    expect(structures.body.entry!.map((entry) => entry.resource)).toEqual([
      expect.objectContaining({
        resourceType: 'Organization',
        id: '1990000199',
        identifier: [{ use: 'official', system: ID_NAT_STRUCT, value: '1990000199' }],
        name: 'CENTRE HOSPITALIER DE SAINT-ÉTIENNE (TEST)',
      }),
    ]);
  });

  it('lets the patient, with his token, find professionals and structures', async () => {
    const { token } = await channel.loggedInPatient('directory');
    const found = await fhirJson(await channel.fhir(token, 'GET', '/Practitioner?name=martin'));
    expect(found.status).toBe(200);
    expect(practitioners(found.body as Bundle).map((p) => p.id)).toContain(MARTIN);
    const byProfession = await fhirJson(
      await channel.fhir(token, 'GET', '/Practitioner?qualification=21&name=durand'),
    );
    expect(practitioners(byProfession.body as Bundle).map((p) => p.id)).toEqual([IDNAT.pharmacien]);
    const structure = await fhirJson(
      await channel.fhir(token, 'GET', `/Organization?identifier=${ID_NAT_STRUCT}|1999900025`),
    );
    expect(structure.body.entry!.map((entry) => entry.resource!.id)).toEqual(['1999900025']);
  });

  it('audits every search as a directory search naming no patient', async () => {
    await bed.call('infirmier', 'GET', '/Practitioner?name=petit');
    const { rows } = await bed.database.query<{ patient_key: string; outcome: string }>(
      `SELECT patient_key, outcome FROM audit_event
        WHERE transaction = 'directory-search' AND subject_id = $1`,
      [IDNAT.infirmier],
    );
    expect(rows).toEqual([{ patient_key: '', outcome: 'allowed' }]);
  });

  it('refuses a health-insurance médecin-conseil (403 FORBIDDEN_ACTOR)', async () => {
    bed.addProfessional('conseil', '810000000041', 'GARNIER', 'Anne', 'Médecin');
    const answer = await bed.call('conseil', 'GET', '/Practitioner?name=martin');
    expect(answer.status).toBe(403);
    expect(answer.body.issue![0].diagnostics).toMatch(/\(FORBIDDEN_ACTOR\)$/);
    expect(answer.text).not.toContain('MARTIN');
  });

  it('answers 401 without a certificate and without a patient token', async () => {
    const answer = await undiciFetch(`${bed.gateway.fhirUrl}/Practitioner?name=martin`, {
      dispatcher: anonymous,
    });
    expect(answer.status).toBe(401);
    expect(await answer.text()).not.toContain('MARTIN');
  });

  it.each([
    ['a one-letter name', '/Practitioner?name=a', /2 letters or digits/],
    [
      'an unknown parameter',
      '/Practitioner?family=martin',
      /Unsupported search parameter\(s\): family/,
    ],
    ['no criterion', '/Organization', /by name or identifier/],
  ])('refuses %s (400)', async (_what, path, diagnostics) => {
    const answer = await bed.call('pharmacien', 'GET', path);
    expect(answer.status).toBe(400);
    expect(answer.body.issue![0].diagnostics).toMatch(diagnostics);
  });
});

/**
 * The migration on a directory imported before it: a schema of its own in the run's database,
 * with the professionals as the import wrote them then.
 */
describe('the directory search migration', () => {
  const schema = `directory_backfill_${process.pid}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    const url = new URL(process.env.PASSERELLE_TEST_DATABASE_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    dataSource = await new DataSource({ type: 'postgres', url: url.toString() }).initialize();
    await dataSource.query(`CREATE SCHEMA ${schema}`);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
    await dataSource.destroy();
  });

  it('indexes the professionals already imported, then the directory keeps the index', async () => {
    const runner = dataSource.createQueryRunner();
    await new ProfessionalDirectory1764000000000().up(runner);
    await runner.query(
      `INSERT INTO professional (id_nat, family, given, profession_code, specialty_code, data)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [HELENE.idNat, HELENE.family, HELENE.given, '10', 'SM26', JSON.stringify(HELENE)],
    );
    await new DirectorySearch1764800000000().up(runner);
    await runner.release();

    const directory = new PostgresProfessionalDirectory(dataSource);
    const page = { limit: 20, offset: 0 };
    expect(await directory.searchProfessionals({ nameWords: ['helene'] }, page)).toEqual({
      items: [HELENE],
      total: 1,
    });
    expect(
      (await directory.searchStructures({ nameWords: ['saint', 'etienne'] }, page)).items,
    ).toEqual([
      {
        structureId: '1990000199',
        name: 'CENTRE HOSPITALIER DE SAINT-ÉTIENNE (TEST)',
        sectorCode: 'SA01',
      },
    ]);

    await directory.upsert([...seedProfessionals, { ...HELENE, given: 'Anne' }]);
    expect((await directory.searchProfessionals({ nameWords: ['helene'] }, page)).total).toBe(0);
    const anne = await directory.searchProfessionals({ nameWords: ['an'] }, page);
    expect(anne.items.map((p) => p.idNat)).toEqual([HELENE.idNat, '810000000041']);
    const medecins = await directory.searchProfessionals(
      { professionCode: '10' },
      { limit: 2, offset: 1 },
    );
    expect(medecins.total).toBe(4);
    expect(medecins.items.map((p) => p.family)).toEqual(['GARNIER', 'LEROY']);
  });
});

/**
 * On PGlite, the embedded default (no `unaccent`, no extension), which cannot load under Jest:
 * the built CLI seeds the directory, then the built gateway searches it.
 */
describe('the directory search on embedded PGlite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-pglite-'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finds professionals and structures the CLI wrote', async () => {
    const seeded = spawnSync(process.execPath, [CLI, 'directory', 'seed'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(seeded.status).toBe(0);
    const gateway = await startBuiltGateway(dataDir);
    try {
      const search = async (path: string) => {
        const response = await fetch(`https://localhost:${gateway.port}/fhir${path}`, {
          dispatcher: gateway.agent('pharmacien'),
        } as unknown as RequestInit);
        return (await response.json()) as Bundle;
      };
      const byName = await search('/Practitioner?name=Mar&_include=Practitioner:role');
      expect(byName.entry!.map((e) => `${e.search!.mode} ${e.resource!.id}`)).toEqual([
        `match ${MARTIN}`,
        `include ${MARTIN}-399999999900106`,
      ]);
      const medecins = await search('/Practitioner?qualification=10&_count=2&_offset=1');
      expect(medecins.total).toBe(3);
      expect(medecins.entry!.map((e) => (e.resource as Practitioner).name![0].family)).toEqual([
        'LEROY',
        'MARTIN',
      ]);
      const structures = await search('/Organization?name=sante%20trav');
      expect(structures.entry!.map((e) => e.resource!.id)).toEqual(['399999999900205']);
    } finally {
      await gateway.stop();
    }
  });
});
