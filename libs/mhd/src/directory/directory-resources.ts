import type {
  Coding,
  Organization,
  Practitioner,
  PractitionerQualification,
  PractitionerRole,
} from 'fhir/r4';
import type { Exercise, Professional, Structure } from '@passerelle/record-management';
import { codeSystemToSystem } from '../resources/code-systems';

/** The national identifiers of the Annuaire Santé: idNat_PS and idNat_Struct. */
export const ID_NAT_PS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
export const ID_NAT_STRUCT_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.2';
/** TRE_G15 Profession. */
export const PROFESSION_SYSTEM = 'urn:oid:1.2.250.1.71.1.2.7';
/** TRE_R38 Spécialité ordinale (`SM26`…). */
const ORDINAL_SPECIALTY_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.5';
/** The CI-SIS author specialties, where a pharmacien's section of the Ordre is `G15_21/<section>`. */
const AUTHOR_SPECIALTY_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.5';
/** TRE_R02 Secteur d'activité. */
const SECTOR_SYSTEM = codeSystemToSystem('1.2.250.1.71.4.2.4');

/**
 * A professional of the directory as a FHIR Practitioner: his idNat_PS, his name as the RPPS
 * writes it, his profession (TRE_G15) and specialty as qualifications. His id is his idNat.
 */
export function practitionerFrom(professional: Professional): Practitioner {
  const { idNat, family, given } = professional;
  return {
    resourceType: 'Practitioner',
    id: idNat,
    identifier: [{ use: 'official', system: ID_NAT_PS_SYSTEM, value: idNat }],
    active: true,
    name: [{ family, ...(given ? { given: [given] } : {}) }],
    qualification: qualificationsOf(professional),
  };
}

function qualificationsOf(professional: Professional): PractitionerQualification[] {
  const { professionCode, professionLabel, specialtyCode, specialtyLabel } = professional;
  const profession = coding(PROFESSION_SYSTEM, professionCode, professionLabel);
  if (!specialtyCode) return [{ code: { coding: [profession] } }];
  const specialtySystem = specialtyCode.startsWith('G15_')
    ? AUTHOR_SPECIALTY_SYSTEM
    : ORDINAL_SPECIALTY_SYSTEM;
  return [
    { code: { coding: [profession] } },
    { code: { coding: [coding(specialtySystem, specialtyCode, specialtyLabel)] } },
  ];
}

/**
 * Where the professional practises: one PractitionerRole per structure of his exercises, the
 * structure named by its idNat_Struct and its name. Ids are `<idNat>-<structure>`.
 */
export function practitionerRolesOf(professional: Professional): PractitionerRole[] {
  return structuresOf(professional.exercises).map((exercise) => ({
    resourceType: 'PractitionerRole',
    id: `${professional.idNat}-${exercise.structureId}`,
    active: true,
    practitioner: { reference: `Practitioner/${professional.idNat}` },
    organization: {
      identifier: { system: ID_NAT_STRUCT_SYSTEM, value: exercise.structureId },
      ...(exercise.structureName ? { display: exercise.structureName } : {}),
    },
  }));
}

/** Each structure once, named by the first exercise there that names it. */
function structuresOf(exercises: readonly Exercise[]): Exercise[] {
  const byStructure = new Map<string, Exercise>();
  for (const exercise of exercises) {
    const known = byStructure.get(exercise.structureId);
    if (!known || (!known.structureName && exercise.structureName)) {
      byStructure.set(exercise.structureId, exercise);
    }
  }
  return [...byStructure.values()];
}

/** A structure of the directory as a FHIR Organization, its id its idNat_Struct. */
export function organizationFrom(structure: Structure): Organization {
  return {
    resourceType: 'Organization',
    id: structure.structureId,
    identifier: [{ use: 'official', system: ID_NAT_STRUCT_SYSTEM, value: structure.structureId }],
    active: true,
    ...(structure.sectorCode
      ? { type: [{ coding: [{ system: SECTOR_SYSTEM, code: structure.sectorCode }] }] }
      : {}),
    ...(structure.name ? { name: structure.name } : {}),
  };
}

function coding(system: string, code: string, display: string | undefined): Coding {
  return { system, code, ...(display ? { display } : {}) };
}
