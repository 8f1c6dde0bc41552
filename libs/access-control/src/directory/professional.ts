/**
 * A health professional as the directory knows them: what a CPS certificate does not carry
 * (specialty, the structures where they practise). Codes are those of the national
 * nomenclatures (NOS), as published in the RPPS extracts.
 */
export interface Professional {
  /** idNat_PS: `8`+RPPS, `0`+ADELI, `3`+FINESS-based for employees. */
  readonly idNat: string;
  readonly family: string;
  readonly given: string;
  /** TRE_G15 Profession: `10` médecin, `21` pharmacien, `60` infirmier, … */
  readonly professionCode: string;
  readonly professionLabel?: string;
  /**
   * TRE_R38 Spécialité ordinale: `SM26` qualifié en médecine générale, `SM25` médecine du
   * travail, … Pharmaciens have no ordinal specialty: theirs is the section of the Ordre's
   * register, written `G15_21/<section>` as in the CI-SIS author specialty value set
   * (`G15_21/A` titulaire d'officine).
   */
  readonly specialtyCode?: string;
  readonly specialtyLabel?: string;
  readonly exercises: readonly Exercise[];
}

/** One activity of a professional in a structure. */
export interface Exercise {
  /** idNat_Struct: `1`+FINESS, `3`+SIRET, `0`/`4`+cabinet id. */
  readonly structureId: string;
  readonly structureName?: string;
  /** TRE_R02 Secteur d'activité, e.g. `SA07` cabinet individuel, `SA24` sécurité sociale. */
  readonly sectorCode?: string;
  /** The professional's function in the structure (RPPS "Code fonction" / "Code rôle"). */
  readonly role?: string;
}

/** TRE_R02 sectors an access policy treats specially. */
export const SECTOR = {
  /** Assurance privée: insurers' physicians. */
  PRIVATE_INSURANCE: 'SA23',
  /** Organisme de sécurité sociale: where the health-insurance médecins-conseils practise. */
  SOCIAL_SECURITY: 'SA24',
  /** Services de prévention et de santé au travail: occupational physicians. */
  OCCUPATIONAL_HEALTH: 'SA66',
} as const;

export const INSURER_SECTORS: readonly string[] = [
  SECTOR.PRIVATE_INSURANCE,
  SECTOR.SOCIAL_SECURITY,
];

/** Whether the professional practises for an insurer or the health-insurance fund. */
export function practisesForAnInsurer(professional: Professional): boolean {
  return professional.exercises.some(
    ({ sectorCode }) => sectorCode !== undefined && INSURER_SECTORS.includes(sectorCode),
  );
}

export const PROFESSIONAL_DIRECTORY = Symbol('ProfessionalDirectory');

/** The professional directory port. */
export interface ProfessionalDirectory {
  find(idNat: string): Promise<Professional | undefined>;
  /** Inserts or replaces each professional (by idNat); returns how many were written. */
  upsert(professionals: readonly Professional[]): Promise<number>;
}

/** `latest` with the exercises of both, each structure/sector/role once. */
export function withMergedExercises(earlier: Professional, latest: Professional): Professional {
  const byKey = new Map<string, Exercise>();
  for (const exercise of [...earlier.exercises, ...latest.exercises]) {
    byKey.set(exerciseKey(exercise), exercise);
  }
  return { ...earlier, ...latest, exercises: [...byKey.values()] };
}

export function exerciseKey(exercise: Exercise): string {
  return [exercise.structureId, exercise.sectorCode ?? '', exercise.role ?? ''].join('|');
}
