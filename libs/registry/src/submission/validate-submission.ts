import {
  Coded,
  DomainError,
  ErrorDetail,
  PatientId,
  SubmissionSet,
  excerpt,
  isMediaType,
  newEntryUuid,
} from '@passerelle/domain';
import type { DocumentEntryDraft, SubmissionDraft } from './submission-draft';
import { ValueSetPolicy, valueSetProblems } from './value-sets';

/**
 * sourceId: dotted numbers. Real sources (the NIST toolkit's own `129.6.58.92.1.1`) use
 * registered-looking ids whose first arc is not 0–2; refusing them breaks interoperability.
 */
const DOTTED_NUMBERS = /^\d+(\.\d+)+$/;
const UNIQUE_ID =
  /^([0-2](\.(0|[1-9][0-9]*))+(\^[A-Za-z0-9.\-_]{1,16})?|urn:uuid:[0-9a-fA-F-]{36})$/;

/** A document draft whose required metadata is all present (DESIGN §6, French profile). */
export type CompleteDocumentDraft = DocumentEntryDraft &
  Required<
    Pick<
      DocumentEntryDraft,
      | 'uniqueId'
      | 'patientId'
      | 'classCode'
      | 'typeCode'
      | 'formatCode'
      | 'healthcareFacilityTypeCode'
      | 'practiceSettingCode'
      | 'creationTime'
      | 'languageCode'
      | 'mimeType'
      | 'sourcePatientId'
    >
  >;

export interface ValidatedDraft {
  readonly patientId: PatientId;
  readonly submissionSet: Omit<SubmissionSet, 'status'>;
  readonly documents: readonly CompleteDocumentDraft[];
  /** Codes outside their national value set, accepted under `VALUE_SET_POLICY=warn`. */
  readonly outsideValueSets: readonly ErrorDetail[];
}

/**
 * The record a submission is for, the first thing its access decision needs; without one, every
 * problem of the submission is reported (but its codes: the registrar knows VALUE_SET_POLICY).
 */
export function submissionPatientKey(draft: SubmissionDraft): string {
  return (
    draft.submissionSet.patientId?.key ??
    validateSubmission(draft, { registerOnly: false }, 'warn').patientId.key
  );
}

/** How the submission reached the registry: with its documents' bytes, or their metadata only. */
export interface SubmissionKind {
  /**
   * ITI-42 Register Document Set-b: no content travels, so the entry must say where the document
   * is and what it is: repositoryUniqueId, hash and size are R for the XDS Document Repository's ITI-42
   * (ITI TF-3 4.3.1, Table 4.3.1-3; ITI TF-2b 3.41.4.1.3).
   */
  readonly registerOnly: boolean;
}

/**
 * Checks the metadata rules that hold for any submission, whichever door it came through, and
 * reports every problem at once, the door's (`draft.problems`) first; a code outside its national
 * value set is one of them unless the policy is `warn`.
 */
export function validateSubmission(
  draft: SubmissionDraft,
  kind: SubmissionKind = { registerOnly: false },
  valueSets: ValueSetPolicy = 'strict',
): ValidatedDraft {
  const problems: ErrorDetail[] = [...(draft.problems ?? [])];
  const unreadable = unreadableFields(draft);
  const missing = (location: string, what: string, field?: string) => {
    if (field && unreadable.has(`${location}|${field}`)) return;
    problems.push({ code: 'METADATA_MISSING', message: `${what} is required`, location });
  };
  const set = draft.submissionSet;

  if (!set.uniqueId) missing(set.ref, 'SubmissionSet.uniqueId');
  else checkUniqueId(set.uniqueId, set.ref, problems);
  if (!set.patientId) missing(set.ref, 'SubmissionSet.patientId', 'patientId');
  if (!set.sourceId) missing(set.ref, 'SubmissionSet.sourceId');
  else if (!DOTTED_NUMBERS.test(set.sourceId)) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `SubmissionSet.sourceId must be an OID (dotted numbers), got "${excerpt(set.sourceId)}"`,
      location: set.ref,
    });
  }
  if (!set.submissionTime) missing(set.ref, 'SubmissionSet.submissionTime', 'submissionTime');
  if (!set.contentTypeCode) missing(set.ref, 'SubmissionSet.contentTypeCode');
  if (set.authors.length === 0) missing(set.ref, 'SubmissionSet.author', 'authors');

  draft.documents.forEach((document) => checkDocument(document, problems, unreadable));
  if (kind.registerOnly) {
    draft.documents.forEach((document) =>
      checkLocated(document, problems, 'Register Document Set-b'),
    );
  }
  checkDistinctUniqueIds(draft, problems);
  checkDistinctEntryUuids(draft, problems);
  checkSinglePatient(draft, problems);
  checkAssociations(draft, problems);
  const outsideValueSets = valueSetProblems(draft);
  if (valueSets === 'strict') problems.push(...outsideValueSets);

  if (problems.length > 0) throw DomainError.of(distinct(problems));
  return {
    patientId: set.patientId!,
    submissionSet: {
      entryUuid: set.entryUuid ?? newEntryUuid(),
      uniqueId: set.uniqueId!,
      patientKey: set.patientId!.key,
      sourceId: set.sourceId!,
      submissionTime: set.submissionTime!,
      contentTypeCode: set.contentTypeCode!,
      title: set.title,
      comments: set.comments,
      authors: set.authors,
      intendedRecipients: set.intendedRecipients,
    },
    documents: draft.documents as CompleteDocumentDraft[],
    outsideValueSets: valueSets === 'warn' ? outsideValueSets : [],
  };
}

const REQUIRED_DOCUMENT_FIELDS: readonly [keyof DocumentEntryDraft, string][] = [
  ['uniqueId', 'DocumentEntry.uniqueId'],
  ['patientId', 'DocumentEntry.patientId'],
  ['classCode', 'DocumentEntry.classCode'],
  ['typeCode', 'DocumentEntry.typeCode'],
  ['formatCode', 'DocumentEntry.formatCode'],
  ['healthcareFacilityTypeCode', 'DocumentEntry.healthcareFacilityTypeCode'],
  ['practiceSettingCode', 'DocumentEntry.practiceSettingCode'],
  ['creationTime', 'DocumentEntry.creationTime'],
  ['languageCode', 'DocumentEntry.languageCode'],
  ['mimeType', 'DocumentEntry.mimeType'],
  ['sourcePatientId', 'DocumentEntry.sourcePatientId'],
];

/** A rule the door checks too (a duplicate entryUUID) is reported once. */
function distinct(problems: readonly ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return problems.filter(({ code, message, location }) => {
    const key = `${code}|${location}|${message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `location|field` of every field the door found but could not read. */
function unreadableFields(draft: SubmissionDraft): ReadonlySet<string> {
  return new Set(
    (draft.problems ?? []).flatMap((p) => (p.field ? [`${p.location}|${p.field}`] : [])),
  );
}

function checkDocument(
  document: DocumentEntryDraft,
  problems: ErrorDetail[],
  unreadable: ReadonlySet<string> = new Set(),
): void {
  for (const [field, name] of REQUIRED_DOCUMENT_FIELDS) {
    if (unreadable.has(`${document.ref}|${field}`)) continue;
    if (document[field] === undefined || document[field] === '') {
      problems.push({
        code: 'METADATA_MISSING',
        message: `${name} is required`,
        location: document.ref,
      });
    }
  }
  if (document.uniqueId) checkUniqueId(document.uniqueId, document.ref, problems);
  checkMimeType(document, problems);
  if (document.authors.length === 0 && !unreadable.has(`${document.ref}|authors`)) {
    problems.push({
      code: 'METADATA_MISSING',
      message: 'DocumentEntry.author is required',
      location: document.ref,
    });
  }
  checkConfidentiality(document.confidentialityCodes, document.ref, problems);
  for (const [name, code] of codedFields(document)) {
    if (code && (!code.code || !code.codeSystem)) {
      problems.push({
        code: 'METADATA_INVALID',
        message: `${name} needs a code and a code system`,
        location: document.ref,
      });
    }
  }
  if (
    document.serviceStartTime &&
    document.serviceStopTime &&
    document.serviceStopTime < document.serviceStartTime
  ) {
    problems.push({
      code: 'METADATA_INVALID',
      message: 'DocumentEntry.serviceStopTime is before serviceStartTime',
      location: document.ref,
    });
  }
  if (document.suppliedSize !== undefined && !(document.suppliedSize >= 0)) {
    problems.push({
      code: 'METADATA_INVALID',
      message: 'DocumentEntry.size must be a non-negative integer',
      location: document.ref,
    });
  }
  if (
    document.suppliedHashSha1 !== undefined &&
    !/^[0-9a-fA-F]{40}$/.test(document.suppliedHashSha1)
  ) {
    problems.push({
      code: 'METADATA_INVALID',
      message: 'DocumentEntry.hash must be a SHA-1 digest',
      location: document.ref,
    });
  }
}

const REGISTER_ONLY_FIELDS: readonly [keyof DocumentEntryDraft, string][] = [
  ['repositoryUniqueId', 'repositoryUniqueId'],
  ['suppliedHashSha1', 'hash'],
  ['suppliedSize', 'size'],
];

/**
 * A DocumentEntry as a whole, as the registry keeps it (ITI-57's new version is one): every
 * required attribute, its repository, hash and size included.
 */
export function checkCompleteDocumentEntry(
  document: DocumentEntryDraft,
  problems: ErrorDetail[],
): void {
  checkDocument(document, problems);
  checkLocated(document, problems, 'Update Document Set');
}

/** An entry registered without its content names its repository, hash and size (ITI-42). */
function checkLocated(
  document: DocumentEntryDraft,
  problems: ErrorDetail[],
  transaction: string,
): void {
  for (const [field, slot] of REGISTER_ONLY_FIELDS) {
    if (document[field] === undefined || document[field] === '') {
      problems.push({
        code: 'METADATA_MISSING',
        message: `DocumentEntry ${excerpt(document.ref)}: the ${slot} slot is required in ${transaction}`,
        location: document.ref,
      });
    }
  }
}

/** A mime type is written into Content-Type headers by ITI-43 and ITI-68: RFC 6838 syntax only. */
function checkMimeType(
  { mimeType, ref }: Pick<DocumentEntryDraft, 'mimeType' | 'ref'>,
  problems: ErrorDetail[],
): void {
  if (mimeType === undefined || mimeType === '' || isMediaType(mimeType)) return;
  problems.push({
    code: 'METADATA_INVALID',
    message: `DocumentEntry ${excerpt(ref)}: mimeType "${excerpt(mimeType)}" is not a media type (RFC 6838 type/subtype, optional parameters)`,
    location: ref,
  });
}

function codedFields(document: DocumentEntryDraft): [string, Coded | undefined][] {
  return [
    ['classCode', document.classCode],
    ['typeCode', document.typeCode],
    ['formatCode', document.formatCode],
    ['healthcareFacilityTypeCode', document.healthcareFacilityTypeCode],
    ['practiceSettingCode', document.practiceSettingCode],
  ];
}

/** confidentialityCode is a list of 1 to 4 codes (N plus the DMP restriction codes). */
function checkConfidentiality(codes: readonly Coded[], ref: string, problems: ErrorDetail[]): void {
  if (codes.length === 0) {
    problems.push({
      code: 'METADATA_MISSING',
      message: 'DocumentEntry.confidentialityCode is required',
      location: ref,
    });
  } else if (codes.length > 4) {
    problems.push({
      code: 'METADATA_INVALID',
      message: 'DocumentEntry.confidentialityCode holds at most 4 codes',
      location: ref,
    });
  }
}

function checkUniqueId(uniqueId: string, ref: string, problems: ErrorDetail[]): void {
  if (uniqueId.length > 128 || !UNIQUE_ID.test(uniqueId)) {
    problems.push({
      code: 'METADATA_INVALID',
      message: `uniqueId must be an OID (with optional ^extension) or a urn:uuid, got "${excerpt(uniqueId)}"`,
      location: ref,
    });
  }
}

function checkDistinctUniqueIds(draft: SubmissionDraft, problems: ErrorDetail[]): void {
  const seen = new Set<string>();
  for (const { uniqueId, ref } of [draft.submissionSet, ...draft.documents, ...draft.folders]) {
    if (!uniqueId) continue;
    if (seen.has(uniqueId)) {
      problems.push({
        code: 'DUPLICATE_UNIQUE_ID_IN_MESSAGE',
        message: `uniqueId ${excerpt(uniqueId)} appears twice in the submission`,
        location: ref,
      });
    }
    seen.add(uniqueId);
  }
}

/**
 * An entryUUID identifies one object: two objects of one submission sharing one are reported as
 * such. XDSRegistryDuplicateUniqueIdInMessage is for uniqueIds only and the RegistryError codes
 * of ITI TF-3 4.2.4 name none for an entryUUID, so it is XDSRegistryMetadataError.
 */
function checkDistinctEntryUuids(draft: SubmissionDraft, problems: ErrorDetail[]): void {
  const seen = new Set<string>();
  for (const { entryUuid, ref } of [draft.submissionSet, ...draft.documents, ...draft.folders]) {
    if (!entryUuid) continue;
    const key = entryUuid.toLowerCase();
    if (seen.has(key)) {
      problems.push({
        code: 'DUPLICATE_ENTRY_UUID_IN_MESSAGE',
        message: `entryUUID ${excerpt(entryUuid)} is given to two objects of the submission`,
        location: ref,
      });
    }
    seen.add(key);
  }
}

function checkSinglePatient(draft: SubmissionDraft, problems: ErrorDetail[]): void {
  const expected = draft.submissionSet.patientId;
  if (!expected) return;
  for (const { patientId, ref } of [...draft.documents, ...draft.folders]) {
    if (patientId && !patientId.equals(expected)) {
      problems.push({
        code: 'PATIENT_ID_MISMATCH',
        message: `patientId ${patientId.key} differs from the SubmissionSet's ${expected.key}`,
        location: ref,
      });
    }
  }
}

function checkAssociations(draft: SubmissionDraft, problems: ErrorDetail[]): void {
  const refs = new Set([
    draft.submissionSet.ref,
    ...draft.documents.map((d) => d.ref),
    ...draft.folders.map((f) => f.ref),
  ]);
  for (const association of draft.associations) {
    for (const end of [association.source, association.target]) {
      if ('ref' in end && !refs.has(end.ref)) {
        problems.push({
          code: 'UNRESOLVED_REFERENCE',
          message: `${association.type} association refers to ${excerpt(end.ref)}, which is not in the submission`,
          location: end.ref,
        });
      }
    }
    if (
      'ref' in association.source &&
      'ref' in association.target &&
      association.source.ref === association.target.ref
    ) {
      problems.push({
        code: 'UNRESOLVED_REFERENCE',
        message: `${association.type} association refers to itself`,
        location: association.source.ref,
      });
    }
  }
}
