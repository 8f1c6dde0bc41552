import type { Hl7Message, Hl7Segment } from '@medplum/core';
import {
  CdaHeader,
  CdaHeaderError,
  CdaMetadata,
  CdaXmlError,
  contentTypeForEncounter,
  isClinicalDocument,
  metadataOfCdaHeader,
  parseCdaXml,
  parseHl7Instant,
  readCdaHeader,
} from '@passerelle/cda';
import {
  Coded,
  DomainError,
  ErrorDetail,
  INS_OID,
  PatientId,
  RESTRICTION_CODE_SYSTEM,
} from '@passerelle/domain';
import type { DocumentEntryDraft, SubmissionDraft } from '@passerelle/registry';
import { createHash } from 'node:crypto';
import type { Hl7v2Options } from '../hl7v2-options';
import {
  componentText,
  controlIdOf,
  fieldOf,
  isObservationResult,
  messageTypeOf,
  missing,
  repetitionsOf,
  subcomponents,
} from './hl7-fields';
import { PDF_MEDIA_TYPE, isPdf, pdfMetadata } from './pdf-document';

const INS_ROOTS: ReadonlySet<string> = new Set(Object.values(INS_OID));
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PDF_SIGNATURE = Buffer.from('%PDF-');
/** OBX-3 coding system of the volet's DMP/MSSanté flags (MASQUE_PS, INVISIBLE_PATIENT…). */
const FLAG_CODING_SYSTEM = 'MetaDMPMSS';
/** Flag set to Y → the DMP restriction code it stands for. */
const RESTRICTION_OF_FLAG: Readonly<Record<string, string>> = {
  MASQUE_PS: 'MASQUE_PS',
  INVISIBLE_PATIENT: 'INVISIBLE_PATIENT',
  INVISIBLE_REP_LEGAUX: 'INVISIBLE_REPRESENTANTS_LEGAUX',
};
/** PV1-2 patient class → the HL7 v3 ActCode the SubmissionSet contentTypeCode is derived from. */
const ENCOUNTER_OF_PATIENT_CLASS: Readonly<Record<string, string>> = {
  I: 'IMP',
  O: 'AMB',
  E: 'EMER',
};
const ACT_CODE_SYSTEM = '2.16.840.1.113883.5.4';

/** OBX-11 (HL7 table 0085): F a new final document, C a correction replacing one. */
export type ResultStatus = 'F' | 'C';
const RESULT_STATUS_MEANING: Readonly<Record<ResultStatus, string>> = {
  F: 'a final, validated document',
  C: 'a correction replacing a final document',
};

/** What a document message read into: the submission, and what a correction replaces. */
export interface DocumentMessage {
  readonly draft: SubmissionDraft;
  /** The uniqueId of the document a correction (OBX-11 C) replaces. */
  readonly replacedDocumentId?: string;
}

/** The document an OBX ED carries: a CDA R2 (^text^XML^Base64^…) or a PDF (^AP^PDF^Base64^…). */
interface CarriedDocument {
  readonly content: Buffer;
  readonly mediaType: 'text/xml' | typeof PDF_MEDIA_TYPE;
  readonly obx: Hl7Segment;
}

/** The metadata of the document, from its CDA header or (a PDF) from the message. */
interface DescribedDocument {
  readonly metadata: CdaMetadata;
  readonly replacedDocumentId?: string;
}

/**
 * An MDM or ORU message carrying a document, as the ANS volet "Transmission de documents CDA en
 * HL7v2" profiles it → the ITI-41 submission of its one document: the patient from PID-3 (the INS, by
 * its OID authority), the document from the OBX whose OBX-5 is an ED with the result status of
 * the event (OBX-11), restriction codes from the volet's Y/N flags, the SubmissionSet from MSH
 * (sending application OID, time, control id). A CDA R2 gives its metadata by its header, and
 * TXA (MDM) or OBR (ORU) names the same document or the message is refused; a PDF, which the
 * volet does not profile, has no header: the message gives them (pdf-document.ts). A correction
 * (OBX-11 C) names the document it replaces. Every problem is reported at once.
 */
export function readDocumentMessage(
  message: Hl7Message,
  resultStatus: ResultStatus,
  options: Hl7v2Options,
): DocumentMessage {
  const problems: ErrorDetail[] = [];
  const patientId = insOf(message.getSegment('PID'), problems);
  const carried = documentContent(message, resultStatus, problems);
  let described: DescribedDocument | undefined;
  if (carried?.mediaType === PDF_MEDIA_TYPE) {
    described = pdfMetadata(message, carried.obx, resultStatus, patientId, options, problems);
  } else if (carried) {
    described = cdaMetadata(message, carried.content, resultStatus, problems);
  }
  if (described && patientId && !described.metadata.patientId.equals(patientId)) {
    problems.push({
      code: 'PATIENT_ID_MISMATCH',
      message: `PID-3 (${patientId.value}) is not the patient of the CDA recordTarget (${described.metadata.patientId.value})`,
      location: 'PID-3',
    });
  }
  const sourceId = sourceIdOf(message, problems);
  const controlId = controlIdOf(message);
  if (!controlId) problems.push(missing('MSH-10', 'the message control id'));
  if (problems.length > 0 || !described || !carried || !sourceId || !controlId) {
    throw DomainError.of(problems);
  }
  const { metadata } = described;
  const document = documentEntry(metadata, carried.content, restrictionsOf(message));
  const draft: SubmissionDraft = {
    submissionSet: {
      ref: 'submission-set',
      uniqueId: submissionSetUniqueId(sourceId, controlId, metadata.uniqueId),
      patientId: metadata.patientId,
      sourceId,
      submissionTime: parseHl7Instant(componentText(fieldOf(message.header, 7)) ?? ''),
      contentTypeCode:
        metadata.contentTypeCode ??
        contentTypeForEncounter(encounterOfPatientClass(message.getSegment('PV1'))),
      authors: metadata.authors.slice(0, 1),
      intendedRecipients: [],
    },
    documents: [document],
    folders: [],
    associations: [],
  };
  return { draft, replacedDocumentId: described.replacedDocumentId };
}

/** A CDA R2: its header by the one CI-SIS mapping (libs/cda), checked against TXA or OBR. */
function cdaMetadata(
  message: Hl7Message,
  content: Buffer,
  resultStatus: ResultStatus,
  problems: ErrorDetail[],
): DescribedDocument | undefined {
  const header = cdaHeaderOf(content, problems);
  if (!header) return undefined;
  if (isObservationResult(message)) checkObr(message.getSegment('OBR'), header, problems);
  else checkTxa(message.getSegment('TXA'), header, problems);
  return {
    metadata: metadataOfCdaHeader(header),
    replacedDocumentId:
      resultStatus === 'C' ? replacedCdaDocument(message, header, problems) : undefined,
  };
}

/** The CDA names the version it replaces; TXA-13, when given, names it too. */
function replacedCdaDocument(
  message: Hl7Message,
  header: CdaHeader,
  problems: ErrorDetail[],
): string | undefined {
  const parent = componentText(fieldOf(message.getSegment('TXA'), 13));
  if (!header.replacedDocumentId) {
    problems.push(
      missing(
        'OBX-5',
        'the replaced document (CDA relatedDocument[@typeCode=RPLC]/parentDocument/id)',
      ),
    );
  } else if (parent && !namesDocument(parent, header.replacedDocumentId)) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `TXA-13 (${parent}) is not the document the CDA replaces (${header.replacedDocumentId})`,
      location: 'TXA-13',
    });
  }
  return header.replacedDocumentId;
}

/** The document's entry, with the volet's restriction flags. */
function documentEntry(
  metadata: CdaMetadata,
  content: Buffer,
  restrictions: readonly Coded[],
): DocumentEntryDraft {
  const { contentTypeCode: _contentTypeCode, ...entry } = metadata;
  return {
    ...entry,
    ref: 'document',
    confidentialityCodes: [...metadata.confidentialityCodes, ...restrictions],
    referenceIds: [],
    content,
  };
}

/** PID-3: the repetition whose assigning authority (CX-4.2) is an INS OID. */
export function insOf(pid: Hl7Segment | undefined, problems: ErrorDetail[]): PatientId | undefined {
  const identifiers = fieldOf(pid, 3);
  for (let repetition = 0; repetition < repetitionsOf(identifiers); repetition++) {
    const authority = subcomponents(identifiers, 4, repetition)[1];
    if (!INS_ROOTS.has(authority)) continue;
    try {
      return PatientId.of(authority, componentText(identifiers, 1, repetition) ?? '');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push(...error.details.map((detail) => ({ ...detail, location: 'PID-3' })));
      return undefined;
    }
  }
  problems.push(
    missing(
      'PID-3',
      'the INS (an identifier whose CX-4 authority is an INS OID, e.g. 1.2.250.1.213.1.4.8)',
    ),
  );
  return undefined;
}

/** The OBX segments carrying a document: OBX-2 = ED, other than the volet's ED flags (mail body). */
function documentCarriers(message: Hl7Message): Hl7Segment[] {
  return message
    .getAllSegments('OBX')
    .filter(
      (obx) =>
        componentText(fieldOf(obx, 2)) === 'ED' &&
        componentText(fieldOf(obx, 3), 3) !== FLAG_CODING_SYSTEM,
    );
}

/** OBX-11 of the document's OBX, when the message carries exactly one document. */
export function documentResultStatus(message: Hl7Message): string | undefined {
  const carriers = documentCarriers(message);
  return carriers.length === 1 ? componentText(fieldOf(carriers[0], 11)) : undefined;
}

/**
 * The one OBX carrying the document: OBX-2 = ED, OBX-5 = ^text^XML^Base64^<data> (a CDA R2) or
 * ^AP^PDF^Base64^<data> (a PDF: HL7 ED type AP, application data, or the MIME type's parts).
 */
function documentContent(
  message: Hl7Message,
  resultStatus: ResultStatus,
  problems: ErrorDetail[],
): CarriedDocument | undefined {
  const carriers = documentCarriers(message);
  if (carriers.length !== 1) {
    problems.push({
      code: carriers.length === 0 ? 'MISSING_DOCUMENT' : 'MALFORMED_REQUEST',
      message: `an ${messageTypeOf(message)} carries exactly one document (an OBX with OBX-2 = ED), found ${carriers.length}`,
      location: 'OBX-5',
    });
    return undefined;
  }
  const [obx] = carriers;
  const data = fieldOf(obx, 5);
  const type = componentText(data, 2)?.toUpperCase();
  const subtype = componentText(data, 3)?.toUpperCase();
  const encoding = componentText(data, 4)?.toUpperCase();
  const mediaType =
    subtype === 'XML' ? 'text/xml' : isPdf(type, subtype) ? PDF_MEDIA_TYPE : undefined;
  if (!mediaType || encoding !== 'BASE64') {
    problems.push({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `OBX-5 must be a base64 CDA R2 (^text^XML^Base64^…) or PDF (^AP^PDF^Base64^…), got subtype ${subtype ?? '(none)'} and encoding ${encoding ?? '(none)'}`,
      location: 'OBX-5',
    });
    return undefined;
  }
  if (componentText(fieldOf(obx, 11)) !== resultStatus) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `OBX-11 must be ${resultStatus} (${RESULT_STATUS_MEANING[resultStatus]}) in this message`,
      location: 'OBX-11',
    });
  }
  const base64 = (componentText(data, 5) ?? '').replace(/\s+/g, '');
  if (base64 === '' || base64.length % 4 !== 0 || !BASE64.test(base64)) {
    problems.push({
      code: 'MALFORMED_REQUEST',
      message: 'OBX-5.5 is not base64 data',
      location: 'OBX-5',
    });
    return undefined;
  }
  const content = Buffer.from(base64, 'base64');
  if (mediaType === PDF_MEDIA_TYPE && !content.subarray(0, 5).equals(PDF_SIGNATURE)) {
    problems.push({
      code: 'INVALID_RESOURCE',
      message: 'OBX-5 says PDF but its data is not a PDF (no %PDF- header)',
      location: 'OBX-5',
    });
    return undefined;
  }
  return { content, mediaType, obx };
}

function cdaHeaderOf(content: Buffer, problems: ErrorDetail[]): CdaHeader | undefined {
  try {
    const root = parseCdaXml(content);
    if (isClinicalDocument(root)) return readCdaHeader(root);
    problems.push({
      code: 'INVALID_RESOURCE',
      message: 'OBX-5 is XML but not a CDA R2 ClinicalDocument',
      location: 'OBX-5',
    });
  } catch (error) {
    if (error instanceof CdaHeaderError) {
      problems.push(
        ...error.problems.map((problem) => ({
          code: 'METADATA_INVALID' as const,
          message: `CDA header: ${problem}`,
          location: 'OBX-5',
        })),
      );
    } else if (error instanceof CdaXmlError) {
      problems.push({
        code: 'MALFORMED_REQUEST',
        message: `CDA: ${error.message}`,
        location: 'OBX-5',
      });
    } else {
      throw error;
    }
  }
  return undefined;
}

/** TXA-2 (document type) and TXA-12 (unique document number), when given, name the CDA. */
function checkTxa(txa: Hl7Segment | undefined, header: CdaHeader, problems: ErrorDetail[]): void {
  if (!txa) {
    problems.push(missing('TXA', 'the document notification segment'));
    return;
  }
  const type = componentText(fieldOf(txa, 2));
  if (type && type !== header.typeCode.code) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `TXA-2 (${type}) is not the CDA document type (${header.typeCode.code})`,
      location: 'TXA-2',
    });
  }
  const uniqueId = componentText(fieldOf(txa, 12));
  if (uniqueId && !namesDocument(uniqueId, header.uniqueId)) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `TXA-12 (${uniqueId}) is not the CDA document id (${header.uniqueId})`,
      location: 'TXA-12',
    });
  }
}

/**
 * ORU: OBR is the report's request (the volet's ORU_R01 profile, OBR [1..1]); OBR-4, when given,
 * is the document type of the CDA (11502-2 for a lab report).
 */
function checkObr(obr: Hl7Segment | undefined, header: CdaHeader, problems: ErrorDetail[]): void {
  if (!obr) {
    problems.push(missing('OBR', 'the observation request segment of the report'));
    return;
  }
  const type = componentText(fieldOf(obr, 4));
  if (type && type !== header.typeCode.code) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `OBR-4 (${type}) is not the CDA document type (${header.typeCode.code})`,
      location: 'OBR-4',
    });
  }
}

/** The volet's examples write the CDA id root^extension as "root.extension" in TXA-12.1. */
export function namesDocument(txaUniqueId: string, cdaUniqueId: string): boolean {
  return txaUniqueId === cdaUniqueId || txaUniqueId === cdaUniqueId.replace('^', '.');
}

/** MSH-3.2, the sending application's OID: the SubmissionSet sourceId. */
function sourceIdOf(message: Hl7Message, problems: ErrorDetail[]): string | undefined {
  const sourceId = componentText(fieldOf(message.header, 3), 2);
  if (sourceId && OID.test(sourceId)) return sourceId;
  problems.push(
    missing('MSH-3', 'the sending application OID in MSH-3.2 (the SubmissionSet sourceId)'),
  );
  return undefined;
}

/** The volet's OBX flags (OBX-3 from MetaDMPMSS, OBX-5 = Y) as DMP restriction codes. */
function restrictionsOf(message: Hl7Message): Coded[] {
  return message.getAllSegments('OBX').flatMap((obx) => {
    const flag = fieldOf(obx, 3);
    const restriction = RESTRICTION_OF_FLAG[componentText(flag) ?? ''];
    const set =
      componentText(flag, 3) === FLAG_CODING_SYSTEM && componentText(fieldOf(obx, 5)) === 'Y';
    return restriction && set ? [{ code: restriction, codeSystem: RESTRICTION_CODE_SYSTEM }] : [];
  });
}

function encounterOfPatientClass(pv1: Hl7Segment | undefined): Coded | undefined {
  const code = ENCOUNTER_OF_PATIENT_CLASS[componentText(fieldOf(pv1, 2)) ?? ''];
  return code ? { code, codeSystem: ACT_CODE_SYSTEM } : undefined;
}

/**
 * The same message always makes the same SubmissionSet (a UUID-derived OID, 2.25): a sender
 * resending it after a lost ACK is answered as the registrar answers an identical resubmission.
 */
function submissionSetUniqueId(sourceId: string, controlId: string, documentId: string): string {
  const digest = createHash('sha256').update(`${sourceId}|${controlId}|${documentId}`).digest();
  return `2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`).toString()}`;
}
