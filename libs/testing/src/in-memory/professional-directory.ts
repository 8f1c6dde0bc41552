import {
  DirectorySearch,
  Professional,
  ProfessionalCriteria,
  ProfessionalDirectory,
  Structure,
  StructureCriteria,
  nameWords,
  searchName,
} from '@passerelle/access-control';
import type { Page, PageRequest } from '@passerelle/domain';

/**
 * The professional directory, in memory: one entry per idNat, the last one written wins. Its
 * search reads as the PostgreSQL one: every word begins a word of the name, sorted by name.
 */
export class InMemoryProfessionalDirectory implements ProfessionalDirectory, DirectorySearch {
  private readonly professionals = new Map<string, Professional>();
  private readonly structures = new Map<string, Structure>();

  find(idNat: string): Promise<Professional | undefined> {
    return Promise.resolve(this.professionals.get(idNat));
  }

  upsert(professionals: readonly Professional[]): Promise<number> {
    const distinct = new Map(professionals.map((p) => [p.idNat, p]));
    for (const [idNat, professional] of distinct) {
      this.professionals.set(idNat, professional);
      for (const { structureId, structureName, sectorCode } of professional.exercises) {
        const known = this.structures.get(structureId);
        const name = structureName || known?.name;
        const sector = sectorCode || known?.sectorCode;
        this.structures.set(structureId, {
          structureId,
          ...(name ? { name } : {}),
          ...(sector ? { sectorCode: sector } : {}),
        });
      }
    }
    return Promise.resolve(distinct.size);
  }

  searchProfessionals(
    { nameWords: words, idNat, professionCode }: ProfessionalCriteria,
    page: PageRequest,
  ): Promise<Page<Professional>> {
    const matching = [...this.professionals.values()].filter(
      (p) =>
        namedBy(`${p.family} ${p.given}`, words) &&
        (idNat === undefined || p.idNat === idNat) &&
        (professionCode === undefined || p.professionCode === professionCode),
    );
    return pageOf(matching, (p) => [searchName(p.family, p.given), p.idNat], page);
  }

  searchStructures(
    { nameWords: words, structureId }: StructureCriteria,
    page: PageRequest,
  ): Promise<Page<Structure>> {
    const matching = [...this.structures.values()].filter(
      (s) =>
        namedBy(s.name ?? '', words) &&
        (structureId === undefined || s.structureId === structureId),
    );
    return pageOf(matching, (s) => [searchName(s.name), s.structureId], page);
  }
}

function namedBy(name: string, words: readonly string[] = []): boolean {
  const own = nameWords(name);
  return words.every((word) => own.some((candidate) => candidate.startsWith(word)));
}

/** Sorted as the C collation sorts: by code unit. */
function pageOf<T>(
  items: T[],
  sortKey: (item: T) => [string, string],
  { limit, offset }: PageRequest,
): Promise<Page<T>> {
  const key = (item: T) => sortKey(item).join('\u0000');
  const sorted = items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return Promise.resolve({ items: sorted.slice(offset, offset + limit), total: items.length });
}
