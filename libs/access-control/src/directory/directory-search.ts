import type { Page, PageRequest } from '@passerelle/domain';
import type { Professional } from './professional';

/** A structure as the directory knows it: from the exercises of the professionals practising there. */
export interface Structure {
  /** idNat_Struct: `1`+FINESS, `3`+SIRET, `0`/`4`+cabinet id. */
  readonly structureId: string;
  readonly name?: string;
  /** TRE_R02 Secteur d'activité. */
  readonly sectorCode?: string;
}

/** What a directory search asks for: every criterion given must hold. */
export interface ProfessionalCriteria {
  /** Each word, as {@link nameWords} writes it, begins a word of the family or given names. */
  readonly nameWords?: readonly string[];
  readonly idNat?: string;
  /** TRE_G15 profession. */
  readonly professionCode?: string;
}

export interface StructureCriteria {
  /** Each word, as {@link nameWords} writes it, begins a word of the structure's name. */
  readonly nameWords?: readonly string[];
  readonly structureId?: string;
}

export const DIRECTORY_SEARCH = Symbol('DirectorySearch');

/**
 * The directory's search port, apart from {@link ProfessionalDirectory}: access control and
 * the RPPS import never search. Results are ordered by their name's words, then by id.
 */
export interface DirectorySearch {
  searchProfessionals(
    criteria: ProfessionalCriteria,
    page: PageRequest,
  ): Promise<Page<Professional>>;
  searchStructures(criteria: StructureCriteria, page: PageRequest): Promise<Page<Structure>>;
}

/**
 * A name's words as searches compare them: lower case, without accents or ligatures, split on
 * anything but letters and digits (`Marie-Hélène` → `marie`, `helene`). Done here rather than
 * in SQL: PGlite has no `unaccent`.
 */
export function nameWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** What a name is sorted by: its words, family names first. */
export function searchName(...names: readonly (string | undefined)[]): string {
  return names.flatMap((name) => nameWords(name ?? '')).join(' ');
}

const RPPS = /^\d{11}$/;

/** The idNat_PS an identifier names: itself, or `8` + the RPPS number given alone. */
export function professionalIdNat(identifier: string): string {
  return RPPS.test(identifier) ? `8${identifier}` : identifier;
}
