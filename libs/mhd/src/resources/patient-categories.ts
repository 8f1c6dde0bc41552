import type { Coding } from 'fhir/r4';
import { CodeFilter, Coded, DocumentFilter, DomainError, excerpt } from '@passerelle/domain';
// A national table shipped as data in fixtures/ (as the CLI reads its own), not another lib.
// eslint-disable-next-line no-restricted-imports
import categoriesFile from '../../../../fixtures/terminology/patient-categories.json';

/** The code system of the categories the patient sees in Mon espace santé (ours: none is published). */
export const PATIENT_CATEGORY_SYSTEM = 'urn:passerelle:fhir:CodeSystem:categorie-mon-espace-sante';

export interface PatientCategory {
  readonly code: string;
  readonly display: string;
  /** TRE_A03 class codes of the category (the fallback also takes every class no other lists). */
  readonly classCodes: readonly string[];
}

interface PatientCategoriesFile {
  readonly classCodeSystem: string;
  readonly fallback: string;
  readonly categories: readonly PatientCategory[];
}

const FILE: PatientCategoriesFile = categoriesFile;
const BY_CODE = new Map(FILE.categories.map((category) => [category.code, category]));
const FALLBACK = BY_CODE.get(FILE.fallback)!;
const BY_CLASS = new Map(
  FILE.categories.flatMap((category) => category.classCodes.map((code) => [code, category])),
);
/** The classes of every category but the fallback: the fallback is any class but these. */
const NAMED_CLASSES: readonly CodeFilter[] = FILE.categories
  .filter((category) => category !== FALLBACK)
  .flatMap((category) => category.classCodes)
  .map((code) => ({ code, codeSystem: FILE.classCodeSystem }));

export const PATIENT_CATEGORIES: readonly PatientCategory[] = FILE.categories;

/** The category a document of this class is shown under; the fallback for any class not listed. */
export function patientCategoryOf(classCode: Coded): PatientCategory {
  const category =
    classCode.codeSystem === FILE.classCodeSystem ? BY_CLASS.get(classCode.code) : undefined;
  return category ?? FALLBACK;
}

/** The patient category of a document, as a coding beside its classCode. */
export function patientCategoryCoding(classCode: Coded): Coding {
  const { code, display } = patientCategoryOf(classCode);
  return { system: PATIENT_CATEGORY_SYSTEM, code, display };
}

/**
 * The `category` search parameter: class codes as given, and patient categories expanded to
 * their classes (the fallback to any class the other categories do not list). An unknown
 * patient category is refused.
 */
export function classSearchOf(
  filters: readonly CodeFilter[] | undefined,
): Pick<DocumentFilter, 'classCodes' | 'classCodesOutside'> {
  if (!filters) return {};
  const classCodes: CodeFilter[] = [];
  let fallback = false;
  for (const filter of filters) {
    if (filter.codeSystem !== PATIENT_CATEGORY_SYSTEM) {
      classCodes.push(filter);
      continue;
    }
    const category = BY_CODE.get(filter.code);
    if (!category) {
      throw new DomainError(
        'METADATA_INVALID',
        `Unknown category ${excerpt(filter.code)} of ${PATIENT_CATEGORY_SYSTEM}; known: ${[...BY_CODE.keys()].join(', ')}`,
      );
    }
    if (category === FALLBACK) fallback = true;
    else {
      classCodes.push(
        ...category.classCodes.map((code) => ({ code, codeSystem: FILE.classCodeSystem })),
      );
    }
  }
  return {
    ...(classCodes.length ? { classCodes } : {}),
    ...(fallback ? { classCodesOutside: NAMED_CLASSES } : {}),
  };
}
