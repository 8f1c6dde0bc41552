import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Professional } from './professional';
import { RejectedLine, RppsBatch, RppsFormatError, readRppsExtract } from './rpps-extract';

const SAMPLE = join(__dirname, '../../../../fixtures/directory/rpps-extract-sample.txt');
const MINIMAL_HEADER =
  "Identification nationale PP|Nom d'exercice|Prénom d'exercice|Code profession|Numéro FINESS site|";

async function readAll(
  source: Readable | Iterable<string>,
  batchSize?: number,
): Promise<{ batches: RppsBatch[]; professionals: Professional[]; rejected: RejectedLine[] }> {
  const batches: RppsBatch[] = [];
  for await (const batch of readRppsExtract(source, batchSize)) batches.push(batch);
  return {
    batches,
    professionals: batches.flatMap((batch) => batch.professionals),
    rejected: batches.flatMap((batch) => batch.rejected),
  };
}

const linesFrom = (...lines: string[]): string[] => lines;

describe('readRppsExtract on the sample extract', () => {
  let professionals: Professional[];
  let rejected: RejectedLine[];

  beforeAll(async () => {
    ({ professionals, rejected } = await readAll(createReadStream(SAMPLE)));
  });

  const byId = (idNat: string) => professionals.find((p) => p.idNat === idNat);

  it('merges the lines of one person into one professional with one exercise per site', () => {
    expect(professionals.map((p) => p.idNat)).toEqual([
      '819999900011',
      '819999900029',
      '819999900037',
      '0999912345',
    ]);
    expect(byId('819999900011')).toEqual({
      idNat: '819999900011',
      family: 'TESTARD',
      given: 'SOPHIE',
      professionCode: '10',
      professionLabel: 'Médecin',
      specialtyCode: 'SM26',
      specialtyLabel: 'Qualifié en Médecine Générale',
      exercises: [
        {
          structureId: '399999999900011',
          structureName: 'CABINET MEDICAL DES ESSAIS',
          sectorCode: 'SA08',
          role: 'FON-AU',
        },
        {
          structureId: '1999999991',
          structureName: 'CENTRE HOSPITALIER FICTIF',
          sectorCode: 'SA01',
          role: 'FON-AU',
        },
      ],
    });
  });

  it('gives a pharmacien the section of the Ordre as specialty', () => {
    expect(byId('819999900037')).toMatchObject({
      professionCode: '21',
      specialtyCode: 'G15_21/A',
      specialtyLabel: "Pharmacien titulaire d'officine",
    });
  });

  it('identifies a practice without SIRET nor FINESS by its former structure id', () => {
    expect(byId('0999912345')?.exercises.map((e) => e.structureId)).toEqual(['099991234500']);
    expect(byId('0999912345')).not.toHaveProperty('specialtyCode');
  });

  it('reports malformed lines with their line number and goes on', () => {
    expect(rejected).toEqual([
      { line: 5, reason: 'expected 56 columns, found 17' },
      { line: 7, reason: 'no "Identification nationale PP"' },
    ]);
  });
});

describe('readRppsExtract', () => {
  it('cuts batches between people only, and counts the lines read', async () => {
    const { batches } = await readAll(createReadStream(SAMPLE), 1);
    expect(batches.map((batch) => batch.professionals.map((p) => p.idNat))).toEqual([
      ['819999900011'],
      ['819999900029'],
      ['819999900037'],
      ['0999912345'],
    ]);
    expect(batches[0].professionals[0].exercises).toHaveLength(2);
    expect(batches.map((batch) => batch.linesRead)).toEqual([3, 5, 7, 8]);
  });

  it('finds columns by name whatever their order, after a BOM, with CRLF line ends', async () => {
    const { professionals } = await readAll(
      Readable.from([
        "\uFEFFCode profession|Prénom d’exercice|Identification nationale PP|NOM D'EXERCICE|",
        'Numéro SIRET site\r\n60|Marc|0999912345|ESSAI|\r\n',
      ]),
    );
    expect(professionals).toEqual([
      { idNat: '0999912345', family: 'ESSAI', given: 'Marc', professionCode: '60', exercises: [] },
    ]);
  });

  it('refuses the other extracts of the Annuaire Santé, which have no structure', async () => {
    const savoirFaire =
      "Identification nationale PP|Nom d'exercice|Prénom d'exercice|Code profession|Code savoir-faire|";
    await expect(readAll(linesFrom(savoirFaire))).rejects.toThrow(
      'Not the extract of persons and activities (PS_LibreAcces_Personne_activite): no structure',
    );
  });

  it('takes only ordinal specialties (savoir-faire of type S)', async () => {
    const header = `${MINIMAL_HEADER}Code type savoir-faire|Code savoir-faire|`;
    const { professionals } = await readAll(
      linesFrom(
        header,
        '819999900011|TESTARD|SOPHIE|10||CAPA|CAPA07|',
        '819999900011|TESTARD|SOPHIE|10||S|SM26|',
      ),
    );
    expect(professionals).toEqual([expect.objectContaining({ specialtyCode: 'SM26' })]);
  });

  it('rejects a line without a profession code', async () => {
    const { rejected } = await readAll(linesFrom(MINIMAL_HEADER, '819999900011|TESTARD|SOPHIE|||'));
    expect(rejected).toEqual([{ line: 2, reason: 'no "Code profession" for 819999900011' }]);
  });

  it('refuses a file whose header lacks a required column', async () => {
    const reading = readAll(linesFrom('Identifiant PP|Nom|Prénom|', '19999900011|TESTARD|SOPHIE|'));
    await expect(reading).rejects.toThrow(RppsFormatError);
    await expect(readAll(linesFrom('Identifiant PP|'))).rejects.toThrow(
      /no column "Identification nationale PP", "Nom d'exercice", "Prénom d'exercice", "Code profession"/,
    );
  });

  it('refuses an empty file', async () => {
    await expect(readAll(linesFrom())).rejects.toThrow('Empty file: expected a header line');
  });
});
