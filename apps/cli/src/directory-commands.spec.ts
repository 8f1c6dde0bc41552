import { EXIT } from './cli-error';
import type { CliIo } from './cli-io';
import { runCli } from './cli';
import { formatImport, formatProfessional } from './directory-output';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => (output.out += text),
    err: (text) => (output.err += text),
  };
  const code = await runCli(['node', 'passerelle', ...args], io);
  return { code, ...output };
}

describe('passerelle directory', () => {
  it('has help with examples on every command', async () => {
    for (const command of ['import', 'seed', 'show']) {
      const { code, out } = await run('directory', command, '--help');
      expect(code).toBe(EXIT.OK);
      expect(out).toContain('Examples:');
    }
  });

  it('refuses a missing file or a wrong batch size with exit 2, before opening any database', async () => {
    const missing = await run('directory', 'import', '/nonexistent/extract.txt');
    expect(missing.code).toBe(EXIT.INVALID);
    expect(missing.err).toMatch(/^error: Cannot read \/nonexistent\/extract\.txt: ENOENT/);
    const batchSize = await run('directory', 'import', 'x.txt', '--batch-size', '0');
    expect(batchSize.code).toBe(EXIT.INVALID);
    expect(batchSize.err).toContain('expected a positive integer');
  });
});

describe('directory output', () => {
  it('describes a professional, one line per exercise', () => {
    const text = formatProfessional(
      {
        idNat: '810000000017',
        family: 'MARTIN',
        given: 'Jeanne',
        professionCode: '10',
        professionLabel: 'Médecin',
        specialtyCode: 'SM26',
        exercises: [
          { structureId: '399999999900106', structureName: 'CABINET', sectorCode: 'SA07' },
          { structureId: '1999999991' },
        ],
      },
      false,
    );
    expect(text).toBe(
      [
        'idNat       810000000017',
        'Name        Jeanne MARTIN',
        'Profession  10 Médecin',
        'Specialty   SM26',
        'Exercises   399999999900106 CABINET (SA07)',
        '            1999999991',
        '',
      ].join('\n'),
    );
  });

  it('says how many lines were rejected and whether all are listed', () => {
    const summary = { linesRead: 30, professionals: 4, rejected: 25 };
    const firstRejected = Array.from({ length: 20 }, (_, i) => ({ line: i + 2, reason: 'x' }));
    expect(formatImport('extract.txt', summary, firstRejected, false)).toBe(
      'Imported 4 professionals from extract.txt; 25 lines rejected (the first 20 listed on stderr).\n',
    );
  });
});
