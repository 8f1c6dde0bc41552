import type { Professional, ProfessionalDirectory } from '@passerelle/access-control';

/** The professional directory, in memory: one entry per idNat, the last one written wins. */
export class InMemoryProfessionalDirectory implements ProfessionalDirectory {
  private readonly professionals = new Map<string, Professional>();

  find(idNat: string): Promise<Professional | undefined> {
    return Promise.resolve(this.professionals.get(idNat));
  }

  upsert(professionals: readonly Professional[]): Promise<number> {
    const distinct = new Map(professionals.map((p) => [p.idNat, p]));
    for (const [idNat, professional] of distinct) this.professionals.set(idNat, professional);
    return Promise.resolve(distinct.size);
  }
}
