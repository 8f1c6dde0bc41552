import type { Author, Coded, Institution, PersonName } from '@passerelle/domain';
import { extname, basename } from 'node:path';
import { FORMAT_CODE_NOT_CDA } from '@passerelle/cda';
import { CliError } from '../cli-error';
import { DEFAULT_INS_OID, parsePatientId } from '../patient-arguments';
import { MetadataDraft, MetadataError } from './document-metadata';
import {
  DEFAULT_CODE_SYSTEMS,
  ValueError,
  parseClassCode,
  parseCodeToken,
  parseConfidentiality,
  parseFormatCode,
  parseInstant,
} from './metadata-values';

/** The metadata flags of push and watch, as commander gives them. */
export interface MetadataOptions {
  readonly ins?: string;
  readonly oid?: string;
  readonly title?: string;
  readonly type?: string;
  readonly class?: string;
  readonly format?: string;
  readonly confidentiality?: string;
  readonly facilityType?: string;
  readonly practiceSetting?: string;
  readonly contentType?: string;
  readonly serviceStart?: string;
  readonly serviceStop?: string;
  readonly language?: string;
  readonly mimeType?: string;
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.xml': 'text/xml',
  '.rtf': 'text/rtf',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.html': 'text/html',
};

/** What a file that is not CDA says by itself: its type by extension, its name, its date. */
export function draftFromPlainFile(path: string, modified: Date): MetadataDraft {
  const extension = extname(path).toLowerCase();
  return {
    title: basename(path, extname(path)),
    mimeType: MIME_TYPES[extension],
    formatCode: FORMAT_CODE_NOT_CDA,
    creationTime: modified,
  };
}

/** The metadata flags; every wrong value is reported at once, naming its flag. */
export function draftFromOptions(options: MetadataOptions): MetadataDraft {
  const problems: string[] = [];
  const read = <T>(flag: string, value: string | undefined, parse: (v: string) => T) =>
    value === undefined ? undefined : attempt(() => parse(value), flag, problems);
  const draft: MetadataDraft = {
    patientId: read('--ins', options.ins, (ins) => parsePatientId(ins, options.oid)),
    title: options.title,
    typeCode: read('--type', options.type, (v) => parseCodeToken(v, DEFAULT_CODE_SYSTEMS.typeCode)),
    classCode: read('--class', options.class, parseClassCode),
    formatCode: read('--format', options.format, parseFormatCode),
    confidentialityCodes: read('--confidentiality', options.confidentiality, parseConfidentiality),
    healthcareFacilityTypeCode: read('--facility-type', options.facilityType, (v) =>
      parseCodeToken(v, DEFAULT_CODE_SYSTEMS.healthcareFacilityTypeCode),
    ),
    practiceSettingCode: read('--practice-setting', options.practiceSetting, (v) =>
      parseCodeToken(v, DEFAULT_CODE_SYSTEMS.practiceSettingCode),
    ),
    contentTypeCode: read('--content-type', options.contentType, (v) =>
      parseCodeToken(v, DEFAULT_CODE_SYSTEMS.contentTypeCode),
    ),
    serviceStartTime: read('--service-start', options.serviceStart, parseInstant),
    serviceStopTime: read('--service-stop', options.serviceStop, parseInstant),
    languageCode: options.language,
    mimeType: options.mimeType,
  };
  if (problems.length > 0) throw new MetadataError(problems);
  return draft;
}

function attempt<T>(parse: () => T, where: string, problems: string[]): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ValueError || error instanceof CliError)) throw error;
    problems.push(`${where}: ${error.message}`);
    return undefined;
  }
}

type FieldReader = (value: unknown) => Partial<MetadataDraft>;

const codedReader =
  (field: keyof MetadataDraft, defaultSystem: string): FieldReader =>
  (value) => ({ [field]: codedValue(value, (token) => parseCodeToken(token, defaultSystem)) });

const instantReader =
  (field: keyof MetadataDraft): FieldReader =>
  (value) => ({ [field]: parseInstant(stringValue(value)) });

const stringReader =
  (field: keyof MetadataDraft): FieldReader =>
  (value) => ({ [field]: stringValue(value) });

/** The fields of a metadata file (`<file>.meta.json`), by name. */
const METADATA_FILE_FIELDS: Readonly<Record<string, FieldReader>> = {
  uniqueId: stringReader('uniqueId'),
  title: stringReader('title'),
  typeCode: codedReader('typeCode', DEFAULT_CODE_SYSTEMS.typeCode),
  classCode: (value) => ({ classCode: codedValue(value, parseClassCode) }),
  formatCode: (value) => ({ formatCode: codedValue(value, parseFormatCode) }),
  confidentiality: (value) => ({ confidentialityCodes: confidentialityValue(value) }),
  healthcareFacilityTypeCode: codedReader(
    'healthcareFacilityTypeCode',
    DEFAULT_CODE_SYSTEMS.healthcareFacilityTypeCode,
  ),
  practiceSettingCode: codedReader('practiceSettingCode', DEFAULT_CODE_SYSTEMS.practiceSettingCode),
  contentTypeCode: codedReader('contentTypeCode', DEFAULT_CODE_SYSTEMS.contentTypeCode),
  creationTime: instantReader('creationTime'),
  serviceStartTime: instantReader('serviceStartTime'),
  serviceStopTime: instantReader('serviceStopTime'),
  languageCode: stringReader('languageCode'),
  mimeType: stringReader('mimeType'),
  authors: (value) => ({ authors: arrayValue(value).map(authorValue) }),
};

/**
 * A metadata file: a JSON object with the fields above (and `ins` / `insOid` for the patient).
 * Unknown fields are refused, so that a misspelt name is not silently ignored.
 */
export function draftFromMetadataFile(json: unknown, source: string): MetadataDraft {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MetadataError([`${source}: expected a JSON object`]);
  }
  const problems: string[] = [];
  const { ins, insOid, ...fields } = json as Record<string, unknown>;
  let draft: MetadataDraft = {};
  if (ins !== undefined) {
    const patientId = attempt(
      () =>
        parsePatientId(
          stringValue(ins),
          insOid === undefined ? DEFAULT_INS_OID : stringValue(insOid),
        ),
      `${source}: ins`,
      problems,
    );
    draft = { patientId };
  }
  for (const [name, value] of Object.entries(fields)) {
    const reader = METADATA_FILE_FIELDS[name];
    if (!reader) {
      problems.push(
        `${source}: unknown field "${name}" (fields: ins, insOid, ${Object.keys(METADATA_FILE_FIELDS).join(', ')})`,
      );
      continue;
    }
    draft = { ...draft, ...attempt(() => reader(value), `${source}: ${name}`, problems) };
  }
  if (problems.length > 0) throw new MetadataError(problems);
  return draft;
}

function stringValue(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValueError('expected a non-empty string');
  }
  return value;
}

function arrayValue(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ValueError('expected a list');
  return value;
}

function objectValue(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError('expected an object');
  }
  return value as Record<string, unknown>;
}

function optionalString(object: Record<string, unknown>, key: string): string | undefined {
  return object[key] === undefined ? undefined : stringValue(object[key]);
}

/** A code as a string (`code` or `system|code`) or as {code, codeSystem, display}. */
function codedValue(value: unknown, parse: (token: string) => Coded): Coded {
  if (typeof value === 'string') return parse(value);
  const object = objectValue(value);
  const display = optionalString(object, 'display');
  const coded = parse(`${stringValue(object.codeSystem)}|${stringValue(object.code)}`);
  return display ? { ...coded, display } : coded;
}

function confidentialityValue(value: unknown): Coded[] {
  return parseConfidentiality(
    typeof value === 'string' ? value : arrayValue(value).map(stringValue),
  );
}

/**
 * {person?: {id, assigningAuthority, family, given, prefix},
 *  institution?: {name, id, assigningAuthority}, role?, specialty?, telecom?}
 */
function authorValue(value: unknown): Author {
  const object = objectValue(value);
  const person = object.person === undefined ? undefined : personValue(objectValue(object.person));
  const institution =
    object.institution === undefined
      ? undefined
      : institutionValue(objectValue(object.institution));
  if (!person && !institution) throw new ValueError('an author needs a person or an institution');
  return {
    ...(person ? { person } : {}),
    institutions: institution ? [institution] : [],
    roles: object.role === undefined ? [] : [codedValue(object.role, (t) => parseCodeToken(t, ''))],
    specialties:
      object.specialty === undefined
        ? []
        : [
            codedValue(object.specialty, (t) =>
              parseCodeToken(t, DEFAULT_CODE_SYSTEMS.authorSpecialty),
            ),
          ],
    telecom: object.telecom === undefined ? [] : arrayValue(object.telecom).map(stringValue),
  };
}

function personValue(object: Record<string, unknown>): PersonName {
  const fields = ['id', 'assigningAuthority', 'family', 'given', 'prefix'] as const;
  return Object.fromEntries(
    fields.flatMap((field) => {
      const value = optionalString(object, field);
      return value === undefined ? [] : [[field, value]];
    }),
  );
}

function institutionValue(object: Record<string, unknown>): Institution {
  const id = optionalString(object, 'id');
  const assigningAuthority = optionalString(object, 'assigningAuthority');
  return {
    name: stringValue(object.name),
    ...(id ? { id } : {}),
    ...(assigningAuthority ? { assigningAuthority } : {}),
  };
}
