import { importProfessionals } from './import-professionals';
import type { Professional, ProfessionalDirectory } from './professional';
import type { RppsBatch } from './rpps-extract';

class InMemoryDirectory implements ProfessionalDirectory {
  readonly professionals = new Map<string, Professional>();

  find(idNat: string): Promise<Professional | undefined> {
    return Promise.resolve(this.professionals.get(idNat));
  }

  upsert(professionals: readonly Professional[]): Promise<number> {
    for (const professional of professionals)
      this.professionals.set(professional.idNat, professional);
    return Promise.resolve(professionals.length);
  }
}

function professional(idNat: string, ...structureIds: string[]): Professional {
  return {
    idNat,
    family: 'TESTARD',
    given: 'SOPHIE',
    professionCode: '10',
    exercises: structureIds.map((structureId) => ({ structureId })),
  };
}

const batches = (...list: RppsBatch[]): RppsBatch[] => list;

describe('importProfessionals', () => {
  it('replaces what the directory held for each professional', async () => {
    const directory = new InMemoryDirectory();
    await directory.upsert([professional('819999900011', '3old')]);
    const summary = await importProfessionals(
      directory,
      batches({
        professionals: [professional('819999900011', '3new')],
        rejected: [],
        linesRead: 2,
      }),
    );
    expect(summary).toEqual({ linesRead: 2, professionals: 1, rejected: 0 });
    expect(directory.professionals.get('819999900011')?.exercises).toEqual([
      { structureId: '3new' },
    ]);
  });

  it('merges a person met again in a later batch, and reports progress per batch', async () => {
    const directory = new InMemoryDirectory();
    const progress: unknown[] = [];
    const summary = await importProfessionals(
      directory,
      batches(
        { professionals: [professional('819999900011', '1a')], rejected: [], linesRead: 2 },
        {
          professionals: [professional('0999912345', '3c'), professional('819999900011', '1b')],
          rejected: [{ line: 4, reason: 'no "Identification nationale PP"' }],
          linesRead: 5,
        },
      ),
      (batch) => progress.push(batch),
    );
    expect(summary).toEqual({ linesRead: 5, professionals: 2, rejected: 1 });
    expect(directory.professionals.get('819999900011')?.exercises).toEqual([
      { structureId: '1a' },
      { structureId: '1b' },
    ]);
    expect(progress).toEqual([
      { linesRead: 2, professionals: 1, rejected: 0, batchRejected: [] },
      {
        linesRead: 5,
        professionals: 2,
        rejected: 1,
        batchRejected: [{ line: 4, reason: 'no "Identification nationale PP"' }],
      },
    ]);
  });
});
