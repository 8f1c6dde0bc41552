import { Coded, codeKey } from '@passerelle/domain';
// National tables shipped as data in fixtures/ (as libs/mhd reads its own), not another lib.
// eslint-disable-next-line no-restricted-imports
import formatCodes from '../../../../fixtures/terminology/cda-format-codes.json';
// eslint-disable-next-line no-restricted-imports
import encounterContentTypes from '../../../../fixtures/terminology/encounter-content-type.json';
// eslint-disable-next-line no-restricted-imports
import typeClasses from '../../../../fixtures/terminology/type-class-correspondence.json';
// eslint-disable-next-line no-restricted-imports
import valueSets from '../../../../fixtures/terminology/value-sets.json';

/** Where the type→class table is kept, for the messages that point to it. */
export const TYPE_CLASS_FILE = 'fixtures/terminology/type-class-correspondence.json';

export const CLASS_CODE_SYSTEM = typeClasses.classCodeSystem;

/** The TRE_A03 classes of JDV_J57-ClassCode-DMP, with their labels. */
const CLASSES: Readonly<Record<string, string>> = (
  valueSets.valueSets.classCode.codes as Record<string, Record<string, string>>
)[CLASS_CODE_SYSTEM];

const CLASS_BY_TYPE = new Map(
  typeClasses.types.map((type): [string, Coded] => [
    codeKey(type),
    {
      code: type.classCode,
      codeSystem: CLASS_CODE_SYSTEM,
      display: CLASSES[type.classCode],
    },
  ]),
);

const FORMAT_BY_TEMPLATE: Readonly<Record<string, Coded>> = formatCodes.byTemplateId;
const FORMAT_BY_MEDIA_TYPE: Readonly<Record<string, Coded>> = formatCodes.byUnstructuredMediaType;
const CONTENT_TYPE_BY_ENCOUNTER: Readonly<Record<string, { code: string; display: string }>> =
  encounterContentTypes.byEncounterCode;
const ACT_CODE_SYSTEM = '2.16.840.1.113883.5.4';

/** TRE_A03 class of a document type (ASS_X04 correspondence). */
export function classCodeForType(typeCode: Coded): Coded | undefined {
  return CLASS_BY_TYPE.get(codeKey(typeCode));
}

/** A TRE_A03 class code with its system and label, if it is one. */
export function classCode(code: string): Coded | undefined {
  const display = Object.hasOwn(CLASSES, code) ? CLASSES[code] : undefined;
  return display ? { code, codeSystem: CLASS_CODE_SYSTEM, display } : undefined;
}

/**
 * formatCode of a CDA: a level-1 document by its body's media type (ASS_A12), a structured one
 * by the first of its templateIds the national table knows (ASS_A11).
 */
export function formatCodeForCda(
  templateIds: readonly string[],
  unstructuredBodyMediaType: string | undefined,
): Coded | undefined {
  if (unstructuredBodyMediaType !== undefined) {
    return formatCodeForMediaType(unstructuredBodyMediaType);
  }
  return templateIds.map((id) => FORMAT_BY_TEMPLATE[id]).find((coded) => coded !== undefined);
}

/** formatCode of a document of this media type (ASS_A12: application/pdf → xds-sd:pdf:2008). */
export function formatCodeForMediaType(mediaType: string): Coded | undefined {
  return FORMAT_BY_MEDIA_TYPE[mediaType.toLowerCase()];
}

/** A document that is not CDA: its mimeType says enough (IHE mimeTypeSufficient). */
export const FORMAT_CODE_NOT_CDA: Coded = formatCodes.notCda;

/** SubmissionSet contentTypeCode from the CDA encounter (IMP, AMB, EMER). */
export function contentTypeForEncounter(encounterCode: Coded | undefined): Coded | undefined {
  if (encounterCode?.codeSystem !== ACT_CODE_SYSTEM) return undefined;
  const contentType = CONTENT_TYPE_BY_ENCOUNTER[encounterCode.code];
  return contentType && { ...contentType, codeSystem: encounterContentTypes.codeSystem };
}

export const CONTENT_TYPE_CODE_SYSTEM = encounterContentTypes.codeSystem;
