import { join } from 'node:path';
import { passerelle } from './support/cli';

const SAMPLE = join(__dirname, '../fixtures/directory/rpps-extract-sample.txt');

describe('directory commands of the operator CLI (built) against PostgreSQL', () => {
  it('imports an RPPS extract, reporting the malformed lines, then shows merged exercises', () => {
    const imported = passerelle('directory', 'import', SAMPLE, '--json');
    expect(imported.status).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({
      file: SAMPLE,
      linesRead: 8,
      professionals: 4,
      rejected: 2,
      firstRejected: [
        { line: 5, reason: 'expected 56 columns, found 17' },
        { line: 7, reason: 'no "Identification nationale PP"' },
      ],
    });
    expect(imported.stderr).toContain('line 5 rejected: expected 56 columns, found 17');
    expect(imported.stderr).toContain('8 lines read: 4 professionals, 2 lines rejected, done.');

    const shown = passerelle('directory', 'show', '819999900011', '--json');
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      idNat: '819999900011',
      professionCode: '10',
      specialtyCode: 'SM26',
      exercises: [
        { structureId: '399999999900011', sectorCode: 'SA08' },
        { structureId: '1999999991', sectorCode: 'SA01' },
      ],
    });
  });

  it('imports again without duplicating anyone', () => {
    expect(passerelle('directory', 'import', SAMPLE).status).toBe(0);
    const again = passerelle('directory', 'import', SAMPLE);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^Imported 4 professionals from .*; 2 lines rejected/);
    const shown = JSON.parse(passerelle('directory', 'show', '819999900011', '--json').stdout);
    expect(shown.exercises).toHaveLength(2);
  });

  it('seeds the test personas and shows one in text', () => {
    const seeded = passerelle('directory', 'seed', '--json');
    expect(seeded.status).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ seeded: 5 });

    const shown = passerelle('directory', 'show', '810000000017');
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('Jeanne MARTIN');
    expect(shown.stdout).toContain('SM26 Qualifié en Médecine Générale');
    const adviser = JSON.parse(passerelle('directory', 'show', '810000000041', '--json').stdout);
    expect(adviser.exercises[0].sectorCode).toBe('SA24');
  });

  it('refuses a file that is not an RPPS extract, with exit code 2', () => {
    const result = passerelle('directory', 'import', join(__dirname, '../package.json'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Not an RPPS extract header: no column "Identification/);
  });

  it('says when a professional is not in the directory, with exit code 1', () => {
    const result = passerelle('directory', 'show', '819999999999');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('error: No professional 819999999999 in the directory\n');
  });
});
