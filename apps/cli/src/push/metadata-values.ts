import { Coded, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import { CLASS_CODE_SYSTEM, CONTENT_TYPE_CODE_SYSTEM, classCode } from '@passerelle/cda';
import { HL7_CONFIDENTIALITY_SYSTEM } from './document-metadata';

/** The code system a bare code of each coded field belongs to. */
export const DEFAULT_CODE_SYSTEMS = {
  typeCode: '2.16.840.1.113883.6.1',
  classCode: CLASS_CODE_SYSTEM,
  healthcareFacilityTypeCode: '1.2.250.1.71.4.2.4',
  practiceSettingCode: '1.2.250.1.213.1.1.4.9',
  contentTypeCode: CONTENT_TYPE_CODE_SYSTEM,
  /** TRE_A02-ProfessionSavFaire-CISIS, as in CDA assignedAuthor/code. */
  authorSpecialty: '1.2.250.1.213.1.1.4.5',
} as const;

const IHE_FORMAT_CODE_SYSTEM = '1.3.6.1.4.1.19376.1.2.3';
const FRENCH_FORMAT_CODE_SYSTEM = '1.2.250.1.213.1.1.4.2.282';
const CONFIDENTIALITY_LEVELS = ['N', 'R', 'V'];
const RESTRICTIONS = ['MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'];

/** A value the user wrote was wrong; the message says which and what is expected. */
export class ValueError extends Error {}

/** `code` in the field's default system, or `system|code` (system as OID or urn:oid:). */
export function parseCodeToken(token: string, defaultSystem: string): Coded {
  const separator = token.lastIndexOf('|');
  const code = token.slice(separator + 1).trim();
  const system = separator < 0 ? defaultSystem : token.slice(0, separator).trim();
  if (!code || !system) throw new ValueError(`"${token}" is not a code (code or system|code)`);
  return { code, codeSystem: system.replace(/^urn:oid:/, '') };
}

export function parseClassCode(token: string): Coded {
  const coded = parseCodeToken(token, CLASS_CODE_SYSTEM);
  if (coded.codeSystem !== CLASS_CODE_SYSTEM) return coded;
  const known = classCode(coded.code);
  if (!known) throw new ValueError(`"${coded.code}" is not a TRE_A03 class (10, 11, 31, …)`);
  return known;
}

/** Format codes are URNs: IHE ones (urn:ihe:) or French ones (urn:asip:, urn:ans:). */
export function parseFormatCode(token: string): Coded {
  if (token.includes('|')) return parseCodeToken(token, IHE_FORMAT_CODE_SYSTEM);
  const system = /^urn:ihe:/.test(token) ? IHE_FORMAT_CODE_SYSTEM : FRENCH_FORMAT_CODE_SYSTEM;
  return parseCodeToken(token, system);
}

/** N, R or V (HL7 level) and the DMP restriction codes, comma-separated or as a list. */
export function parseConfidentiality(tokens: string | readonly string[]): Coded[] {
  const codes = typeof tokens === 'string' ? tokens.split(',') : tokens;
  return codes.map((token) => {
    const code = token.trim();
    if (CONFIDENTIALITY_LEVELS.includes(code)) {
      return { code, codeSystem: HL7_CONFIDENTIALITY_SYSTEM };
    }
    if (RESTRICTIONS.includes(code)) return { code, codeSystem: RESTRICTION_CODE_SYSTEM };
    throw new ValueError(
      `"${code}" is not a confidentiality code (${[...CONFIDENTIALITY_LEVELS, ...RESTRICTIONS].join(', ')})`,
    );
  });
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date (read as midnight UTC) or date-time with its offset. */
export function parseInstant(value: string): Date {
  const text = value.trim();
  const instant = ISO_DATE.test(text) || ISO_DATE_TIME.test(text) ? new Date(text) : undefined;
  if (!instant || Number.isNaN(instant.getTime())) {
    throw new ValueError(`"${value}" is not a date (YYYY-MM-DD) or date-time with offset`);
  }
  return instant;
}
