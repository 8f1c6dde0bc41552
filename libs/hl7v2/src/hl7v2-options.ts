import type { Coded } from '@passerelle/domain';

export const HL7V2_OPTIONS = Symbol('Hl7v2Options');

/**
 * What the feeding structure's documents are, for a document whose message cannot say it (a PDF
 * in OBX has no CDA header): XDS healthcareFacilityTypeCode and practiceSettingCode. Unset, a
 * PDF is refused.
 */
export interface Hl7v2Options {
  readonly healthcareFacilityTypeCode?: Coded;
  readonly practiceSettingCode?: Coded;
}
