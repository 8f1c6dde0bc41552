import type { Professional } from '@passerelle/access-control';
import type { Principal } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aHospitalSystem,
  aMedecin,
  aPatient,
  failed,
  succeeded,
  thePatientOf,
} from '@passerelle/testing';
import seedProfessionals from '../../../../fixtures/directory/seed-professionals.json';

const FIRST_PAGE = { limit: 20, offset: 0 };
const MARTIN = '810000000017';
const HELENE: Professional = {
  idNat: '810000000090',
  family: 'DUPRÉ-LAFORÊT',
  given: 'Marie-Hélène',
  professionCode: '60',
  exercises: [
    { structureId: '1990000090', structureName: 'CENTRE HOSPITALIER ÉTIENNE MARTIN' },
    { structureId: '1990000090', sectorCode: 'SA01', role: 'FON-AU' },
  ],
};

describe('SearchDirectory', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    await passerelle.directory.upsert([...seedProfessionals, HELENE]);
    const search = (actor: Principal, command: Record<string, unknown>) =>
      passerelle.searchDirectory.execute(actor, { page: FIRST_PAGE, ...command });
    const ids = async (actor: Principal, command: Record<string, unknown>) =>
      succeeded(await search(actor, command)).items.map((p) => p.idNat);
    return { passerelle, search, ids };
  };

  it.each<[string, () => Principal]>([
    ['a professional', () => aMedecin()],
    ['an establishment’s system', () => aHospitalSystem()],
    ['the patient', () => thePatientOf(aPatient())],
    ['a legal representative', () => thePatientOf(aPatient(), { role: 'REPRESENTANT_LEGAL' })],
  ])('lets %s search, audited as a directory search of no patient', async (_who, actorOf) => {
    const { search } = await setUp();
    const outcome = await search(actorOf(), { name: 'martin' });
    expect(succeeded(outcome).items.map((p) => p.idNat)).toEqual([MARTIN]);
    expect(outcome.audit).toMatchObject({
      transaction: 'directory-search',
      action: 'professional.search',
      outcome: 'allowed',
      patientKey: undefined,
      notifications: [],
    });
  });

  it.each<[string, () => Principal]>([
    [
      'a health-insurance médecin-conseil (the directory says so)',
      () => aMedecin({ subjectId: '810000000041' }),
    ],
    ['a professional acting for an insurer', () => aMedecin({ sectorCode: 'SA23' })],
    ['an insurer’s system', () => aHospitalSystem({ sectorCode: 'SA24' })],
  ])('refuses %s (FORBIDDEN_ACTOR), searching nothing', async (_who, actorOf) => {
    const { passerelle, search } = await setUp();
    const searched = jest.spyOn(passerelle.directory, 'searchProfessionals');
    const outcome = await search(actorOf(), { name: 'martin' });
    const error = failed(outcome);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/\(FORBIDDEN_ACTOR\)$/);
    expect(searched).not.toHaveBeenCalled();
    expect(outcome.audit).toMatchObject({
      transaction: 'directory-search',
      outcome: 'denied',
      reason: 'FORBIDDEN_ACTOR',
      patientKey: undefined,
    });
  });

  it('finds by the beginning of any word of the family or given names, case and accents aside', async () => {
    const { ids } = await setUp();
    const patient = thePatientOf(aPatient());
    expect(await ids(patient, { name: 'mar' })).toEqual([HELENE.idNat, MARTIN]);
    expect(await ids(patient, { name: 'HELENE' })).toEqual([HELENE.idNat]);
    expect(await ids(patient, { name: 'laforet' })).toEqual([HELENE.idNat]);
    expect(await ids(patient, { name: 'Jeanne Martin' })).toEqual([MARTIN]);
    expect(await ids(patient, { name: 'martin  j.' })).toEqual([MARTIN]);
    expect(await ids(patient, { name: 'artin' })).toEqual([]);
    expect(await ids(patient, { name: 'martin paul' })).toEqual([]);
  });

  it('finds by idNat_PS, by the RPPS alone, by profession, every criterion holding', async () => {
    const { ids } = await setUp();
    const medecin = aMedecin();
    expect(await ids(medecin, { identifier: MARTIN })).toEqual([MARTIN]);
    expect(await ids(medecin, { identifier: '10000000017' })).toEqual([MARTIN]);
    expect(await ids(medecin, { identifier: '0759912345' })).toEqual(['0759912345']);
    expect(await ids(medecin, { professionCode: '60' })).toEqual([HELENE.idNat, '0759912345']);
    expect(await ids(medecin, { professionCode: '60', name: 'petit' })).toEqual(['0759912345']);
    expect(await ids(medecin, { identifier: MARTIN, professionCode: '21' })).toEqual([]);
  });

  it('pages by name order, never more than 50 a page, with the total', async () => {
    const { passerelle, search } = await setUp();
    await passerelle.directory.upsert(
      Array.from({ length: 60 }, (_, i) => ({
        idNat: `8200000${String(i).padStart(5, '0')}`,
        family: 'MARCHAND',
        given: `Prénom${String(i).padStart(2, '0')}`,
        professionCode: '10',
        exercises: [],
      })),
    );
    const page = succeeded(
      await search(aMedecin(), { name: 'marchand', page: { limit: 500, offset: 5 } }),
    );
    expect(page.total).toBe(60);
    expect(page.items).toHaveLength(50);
    expect(page.items[0].given).toBe('Prénom05');
  });

  it.each([
    ['a name without a word of two letters', { name: 'a' }, 'METADATA_INVALID'],
    ['a name of accents and punctuation only', { name: ' é-. ' }, 'METADATA_INVALID'],
    ['a name of more than five words', { name: 'a b c d e fg' }, 'METADATA_INVALID'],
    ['no criterion', {}, 'METADATA_MISSING'],
  ])('refuses %s (400), searching nothing', async (_what, command, code) => {
    const { passerelle, search } = await setUp();
    const searched = jest.spyOn(passerelle.directory, 'searchProfessionals');
    expect(failed(await search(aMedecin(), command)).code).toBe(code);
    expect(searched).not.toHaveBeenCalled();
  });
});

describe('SearchStructures', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    await passerelle.directory.upsert([...seedProfessionals, HELENE]);
    const search = (actor: Principal, command: Record<string, unknown>) =>
      passerelle.searchStructures.execute(actor, { page: FIRST_PAGE, ...command });
    return { passerelle, search };
  };

  it('finds the structures of the exercises by a word of their name or by idNat_Struct', async () => {
    const { search } = await setUp();
    const patient = thePatientOf(aPatient());
    const byName = await search(patient, { name: 'martin' });
    expect(succeeded(byName).items).toEqual([
      { structureId: '399999999900106', name: 'CABINET DU DR MARTIN (TEST)', sectorCode: 'SA07' },
      {
        structureId: '1990000090',
        name: 'CENTRE HOSPITALIER ÉTIENNE MARTIN',
        sectorCode: 'SA01',
      },
    ]);
    expect(byName.audit).toMatchObject({
      transaction: 'directory-search',
      action: 'structure.search',
      outcome: 'allowed',
      patientKey: undefined,
    });
    const byId = succeeded(await search(patient, { structureId: '1999900025' }));
    expect(byId.items.map((s) => s.name)).toEqual(['PHARMACIE DURAND (TEST)']);
    expect(succeeded(await search(patient, { name: 'etienne hosp' })).total).toBe(1);
  });

  it('refuses an insurer (FORBIDDEN_ACTOR), a name too short, no criterion', async () => {
    const { search } = await setUp();
    expect(
      failed(await search(aHospitalSystem({ sectorCode: 'SA24' }), { name: 'martin' })).message,
    ).toMatch(/\(FORBIDDEN_ACTOR\)$/);
    expect(failed(await search(aMedecin(), { name: 'c' })).code).toBe('METADATA_INVALID');
    expect(failed(await search(aMedecin(), {})).code).toBe('METADATA_MISSING');
  });
});
