import type { Hl7Field, Hl7Message, Hl7Segment } from '@medplum/core';
import {
  CdaMetadata,
  TYPE_CLASS_FILE,
  classCodeForType,
  formatCodeForMediaType,
  hl7DateToFhirDate,
  parseHl7Instant,
} from '@passerelle/cda';
import type {
  Author,
  Coded,
  ErrorDetail,
  Institution,
  PatientId,
  PersonName,
} from '@passerelle/domain';
import type { Hl7v2Options } from '../hl7v2-options';
import {
  componentText,
  fieldOf,
  isObservationResult,
  missing,
  repetitionsOf,
  subcomponents,
} from './hl7-fields';

export const PDF_MEDIA_TYPE = 'application/pdf';

const LOINC = '2.16.840.1.113883.6.1';
/** CE-3 coding systems of a document type (the volet: LN or TRE_A05). */
const TYPE_CODE_SYSTEMS: Readonly<Record<string, string>> = {
  LN: LOINC,
  TRE_A05: '1.2.250.1.213.1.1.4.12',
};
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const CONFIDENTIALITY_SYSTEM = '2.16.840.1.113883.5.25';
/** TXA-18, HL7 table 0272 → the HL7 v3 confidentiality level (U usual control is N). */
const CONFIDENTIALITY_OF_STATUS: Readonly<Record<string, string>> = { U: 'N', R: 'R', V: 'V' };
const GENDERS: Readonly<Record<string, string>> = { F: 'female', M: 'male', U: 'unknown' };
/** The DMP's documents are French: no field of these messages says another language. */
const LANGUAGE = 'fr-FR';

/** OBX-5 ED type and subtype of a PDF: AP^PDF (HL7 table 0191), or application^pdf. */
export function isPdf(type: string | undefined, subtype: string | undefined): boolean {
  return subtype === 'PDF' && (type === 'AP' || type === 'APPLICATION');
}

/**
 * A PDF has no header: its metadata come from the message, by the HL7 v2.6 meaning of its fields
 * (the ANS volet profiles CDA R2 only). MDM: type TXA-2 (coding system from OBX-3), unique id
 * TXA-12 (root^extension as EI-3^EI-1, or EI-1), author TXA-9, creation TXA-6 (else TXA-4),
 * service start TXA-4, confidentiality TXA-18, replaced document TXA-13. ORU: type OBR-4, unique
 * id OBX-21, author OBR-32 (else OBR-16), creation OBR-22 (else OBR-7), service start OBR-7. Both:
 * the author's institution from the volet's sender PRT (PRT-4 SB, PRT-8), the patient's
 * identity from PID, class by type, formatCode by media type, facility type and practice
 * setting from the settings of the feeding structure.
 */
export function pdfMetadata(
  message: Hl7Message,
  obx: Hl7Segment,
  resultStatus: 'F' | 'C',
  patientId: PatientId | undefined,
  options: Hl7v2Options,
  problems: ErrorDetail[],
): { metadata: CdaMetadata; replacedDocumentId?: string } | undefined {
  const fields = isObservationResult(message)
    ? observationFields(message.getSegment('OBR'), obx, problems)
    : documentFields(message.getSegment('TXA'), obx, resultStatus, problems);
  const configured = configuredCodes(options, problems);
  if (!fields || !configured || !patientId) return undefined;
  const pid = message.getSegment('PID');
  return {
    metadata: {
      uniqueId: fields.uniqueId,
      patientId,
      title: fields.typeCode.display,
      classCode: fields.classCode,
      typeCode: fields.typeCode,
      formatCode: formatCodeForMediaType(PDF_MEDIA_TYPE),
      confidentialityCodes: [{ code: fields.confidentiality, codeSystem: CONFIDENTIALITY_SYSTEM }],
      eventCodes: [],
      ...configured,
      creationTime: fields.creationTime,
      serviceStartTime: fields.serviceStartTime,
      languageCode: LANGUAGE,
      mimeType: PDF_MEDIA_TYPE,
      authors: [
        {
          person: fields.author,
          institutions: senderOrganization(message),
          roles: [],
          specialties: [],
          telecom: [],
        } satisfies Author,
      ],
      sourcePatientId: sourcePatientIdOf(pid) ?? patientId.key,
      sourcePatientInfo: withoutUndefined({
        family: componentText(fieldOf(pid, 5), 1),
        given: componentText(fieldOf(pid, 5), 2),
        birthDate: hl7DateToFhirDate(componentText(fieldOf(pid, 7)) ?? ''),
        gender: GENDERS[componentText(fieldOf(pid, 8)) ?? ''],
      }),
    },
    replacedDocumentId: fields.replacedDocumentId,
  };
}

interface MessageFields {
  readonly uniqueId: string;
  readonly typeCode: Coded;
  readonly classCode: Coded;
  readonly author: PersonName;
  readonly creationTime: Date;
  readonly serviceStartTime?: Date;
  readonly confidentiality: string;
  readonly replacedDocumentId?: string;
}

/** MDM: TXA. */
function documentFields(
  txa: Hl7Segment | undefined,
  obx: Hl7Segment,
  resultStatus: 'F' | 'C',
  problems: ErrorDetail[],
): MessageFields | undefined {
  if (!txa) {
    problems.push(missing('TXA', 'the document notification segment'));
    return undefined;
  }
  const type = typeOf(componentText(fieldOf(txa, 2)), fieldOf(obx, 3), 'TXA-2', problems);
  const uniqueId = entityId(fieldOf(txa, 12));
  if (!uniqueId) problems.push(missing('TXA-12', 'the unique document number of the PDF'));
  const author = xcnPerson(fieldOf(txa, 9));
  if (!author) problems.push(missing('TXA-9', 'the originator (author) of the PDF'));
  const creationTime = instant(txa, 6, problems) ?? instant(txa, 4, problems);
  if (!creationTime) {
    problems.push(missing('TXA-6', 'the origination date/time of the PDF (or TXA-4)'));
  }
  const status = componentText(fieldOf(txa, 18)) ?? 'U';
  const confidentiality = CONFIDENTIALITY_OF_STATUS[status];
  if (!confidentiality) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `TXA-18 (${status}) is not a document confidentiality status (HL7 table 0272: U, R, V)`,
      location: 'TXA-18',
    });
  }
  const replacedDocumentId = resultStatus === 'C' ? entityId(fieldOf(txa, 13)) : undefined;
  if (resultStatus === 'C' && !replacedDocumentId) {
    problems.push(missing('TXA-13', 'the parent document number (the document the PDF replaces)'));
  }
  if (!type || !uniqueId || !author || !creationTime || !confidentiality) return undefined;
  return {
    ...type,
    uniqueId,
    author,
    creationTime,
    serviceStartTime: instant(txa, 4, problems),
    confidentiality,
    replacedDocumentId,
  };
}

/** ORU: OBR, and the document's OBX for its id. A correction names its parent by TXA only. */
function observationFields(
  obr: Hl7Segment | undefined,
  obx: Hl7Segment,
  problems: ErrorDetail[],
): MessageFields | undefined {
  if (!obr) {
    problems.push(missing('OBR', 'the observation request segment of the report'));
    return undefined;
  }
  const type = typeOf(componentText(fieldOf(obr, 4)), fieldOf(obr, 4), 'OBR-4', problems);
  const uniqueId = entityId(fieldOf(obx, 21));
  if (!uniqueId) problems.push(missing('OBX-21', 'the observation instance id of the PDF'));
  const author = cnnPerson(fieldOf(obr, 32)) ?? xcnPerson(fieldOf(obr, 16));
  if (!author) {
    problems.push(
      missing('OBR-32', 'the principal result interpreter (or OBR-16), author of the PDF'),
    );
  }
  const creationTime = instant(obr, 22, problems) ?? instant(obr, 7, problems);
  if (!creationTime) {
    problems.push(missing('OBR-22', 'the report date/time of the PDF (or OBR-7)'));
  }
  if (componentText(fieldOf(obx, 11)) === 'C') {
    problems.push({
      code: 'UNSUPPORTED_OPERATION',
      message:
        'an ORU^R01 cannot name the document a PDF correction replaces: send an MDM^T10 (TXA-13)',
      location: 'OBX-11',
    });
  }
  if (!type || !uniqueId || !author || !creationTime) return undefined;
  return {
    ...type,
    uniqueId,
    author,
    creationTime,
    serviceStartTime: instant(obr, 7, problems),
    confidentiality: 'N',
  };
}

/** The document type (its coding system and label from the CE naming the same code), its class. */
function typeOf(
  code: string | undefined,
  coded: Hl7Field | undefined,
  location: string,
  problems: ErrorDetail[],
): { typeCode: Coded; classCode: Coded } | undefined {
  if (!code) {
    problems.push(missing(location, 'the document type (JDV_J07-XdsTypeCode-CISIS)'));
    return undefined;
  }
  const same = componentText(coded, 1) === code;
  const system = (same && componentText(coded, 3)) || 'LN';
  const codeSystem = TYPE_CODE_SYSTEMS[system] ?? (OID.test(system) ? system : undefined);
  if (!codeSystem) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `the coding system of the document type ${code} (${system}) is neither LN, TRE_A05 nor an OID`,
      location,
    });
    return undefined;
  }
  const display = same ? componentText(coded, 2) : undefined;
  const typeCode: Coded = display ? { code, codeSystem, display } : { code, codeSystem };
  const classCode = classCodeForType(typeCode);
  if (!classCode) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `no class is known for the document type ${code} (${TYPE_CLASS_FILE})`,
      location,
    });
    return undefined;
  }
  return { typeCode, classCode };
}

function configuredCodes(
  options: Hl7v2Options,
  problems: ErrorDetail[],
): Pick<CdaMetadata, 'healthcareFacilityTypeCode' | 'practiceSettingCode'> | undefined {
  const { healthcareFacilityTypeCode, practiceSettingCode } = options;
  for (const [value, setting] of [
    [healthcareFacilityTypeCode, 'HL7V2_FACILITY_TYPE'],
    [practiceSettingCode, 'HL7V2_PRACTICE_SETTING'],
  ] as const) {
    if (!value) {
      problems.push({
        code: 'METADATA_MISSING',
        message: `a PDF needs the feeding structure's ${setting} setting, which this gateway does not set`,
        location: 'OBX-5',
      });
    }
  }
  return healthcareFacilityTypeCode && practiceSettingCode
    ? { healthcareFacilityTypeCode, practiceSettingCode }
    : undefined;
}

/** EI: the volet's root^extension (EI-3 the root, EI-1 the extension), or an id in EI-1. */
function entityId(field: Hl7Field | undefined): string | undefined {
  const id = componentText(field, 1);
  const root = componentText(field, 3);
  if (!id) return undefined;
  return root ? `${root}^${id}` : id;
}

/** XCN: id^family^given^…^prefix(6)^…^assigning authority(9, HD: namespace&OID&ISO). */
function xcnPerson(field: Hl7Field | undefined): PersonName | undefined {
  return person(
    [1, 2, 3, 6]
      .map((component) => componentText(field, component))
      .concat(subcomponents(field, 9)[1] || undefined),
  );
}

/** NDL-1, a CNN: id&family&given&second&suffix&prefix&degree&table&namespace&OID&type. */
function cnnPerson(field: Hl7Field | undefined): PersonName | undefined {
  const parts = subcomponents(field, 1);
  return person([0, 1, 2, 5, 9].map((index) => parts[index] || undefined));
}

function person([id, family, given, prefix, assigningAuthority]: (string | undefined)[]):
  PersonName | undefined {
  if (!id && !family) return undefined;
  return withoutUndefined({ id, assigningAuthority, family, given, prefix });
}

/** The volet's sender PRT (PRT-4 SB): PRT-8, an XON name^…^authority(6)^type^…^id(10). */
function senderOrganization(message: Hl7Message): Institution[] {
  const sender = message
    .getAllSegments('PRT')
    .find((prt) => componentText(fieldOf(prt, 4)) === 'SB');
  const organization = fieldOf(sender, 8);
  const name = componentText(organization, 1);
  const id = componentText(organization, 10);
  if (!name && !id) return [];
  return [
    withoutUndefined({
      name: name ?? id ?? '',
      id,
      assigningAuthority: subcomponents(organization, 6)[1] || undefined,
    }),
  ];
}

/** PID-3's repetition of type PI (the producer's own patient id, IPP), as CX. */
function sourcePatientIdOf(pid: Hl7Segment | undefined): string | undefined {
  const identifiers = fieldOf(pid, 3);
  for (let repetition = 0; repetition < repetitionsOf(identifiers); repetition++) {
    const id = componentText(identifiers, 1, repetition);
    const authority = subcomponents(identifiers, 4, repetition)[1];
    if (componentText(identifiers, 5, repetition) === 'PI' && id && authority) {
      return `${id}^^^&${authority}&ISO`;
    }
  }
  return undefined;
}

/** A TS field: undefined when empty; a wrong one is a problem. */
function instant(segment: Hl7Segment, index: number, problems: ErrorDetail[]): Date | undefined {
  const text = componentText(fieldOf(segment, index));
  if (!text) return undefined;
  const parsed = parseHl7Instant(text);
  if (!parsed) {
    const location = `${segment.name}-${index}`;
    if (!problems.some((problem) => problem.location === location)) {
      problems.push({
        code: 'METADATA_INVALID',
        message: `${location} (${text}) is not an HL7 date/time`,
        location,
      });
    }
  }
  return parsed;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
