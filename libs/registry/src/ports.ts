import type {
  DocumentEntry,
  DocumentQuery,
  Folder,
  Page,
  PatientRecord,
  Submission,
  SubmissionSet,
  SubmissionSetQuery,
  AvailabilityStatus,
  Association,
  Coded,
} from '@passerelle/domain';

export const PATIENT_RECORD_STORE = Symbol('PatientRecordStore');
export const REGISTRY_STORE = Symbol('RegistryStore');

export interface PatientRecordStore {
  find(patientKey: string): Promise<PatientRecord | undefined>;
  /** Inserts the record unless one exists; returns the stored record and whether it was created. */
  openIfAbsent(record: PatientRecord): Promise<{ record: PatientRecord; created: boolean }>;
}

/** What the registry knows of a document uniqueId, whichever patient it belongs to. */
export interface DocumentLocator {
  readonly uniqueId: string;
  readonly patientKey: string;
  readonly logicalId: string;
  readonly hashSha1: string;
  readonly size: number;
}

/**
 * Metadata an update (ITI-57 new version) may replace; identity, hash and patient stay, and so
 * do size, repository and mime type of a document whose content this repository holds.
 */
export type ReplaceableMetadata = Partial<
  Pick<
    DocumentEntry,
    | 'title'
    | 'comments'
    | 'classCode'
    | 'typeCode'
    | 'formatCode'
    | 'eventCodes'
    | 'healthcareFacilityTypeCode'
    | 'practiceSettingCode'
    | 'creationTime'
    | 'serviceStartTime'
    | 'serviceStopTime'
    | 'languageCode'
    | 'authors'
    | 'legalAuthenticator'
    | 'sourcePatientInfo'
    | 'referenceIds'
    | 'size'
    | 'repositoryUniqueId'
    | 'mimeType'
  >
>;

/**
 * A metadata change: a status change in place, or — when confidentiality codes or other
 * metadata change — a new version of the entry, the previous one deprecated.
 */
export interface MetadataChange {
  /** entryUUID of the new version when the sender chose it (ITI-57); assigned otherwise. */
  readonly entryUuid?: string;
  readonly status?: AvailabilityStatus;
  readonly confidentialityCodes?: readonly Coded[];
  readonly metadata?: ReplaceableMetadata;
}

/** One document's change, applied only if its latest version is still `expectedVersion`. */
export interface DocumentUpdate {
  readonly logicalId: string;
  readonly expectedVersion: number;
  readonly change: MetadataChange;
}

/** What registering a submission must know first: the record, and what is already registered. */
export interface SubmissionContext {
  readonly record?: PatientRecord;
  readonly submissionSetExists: boolean;
  readonly locators: readonly DocumentLocator[];
}

/** Raised by the store when a document uniqueId of the submission is already registered. */
export class DocumentAlreadyRegistered extends Error {
  constructor() {
    super('A document uniqueId of the submission is already registered');
  }
}

export interface RegistryStore {
  /**
   * Stores the whole submission atomically: the patient's record must be open at commit time,
   * replaced entries must still be current, and every row is written or none is. A document
   * uniqueId already registered raises {@link DocumentAlreadyRegistered}.
   */
  storeSubmission(submission: Submission): Promise<void>;
  findLocators(uniqueIds: readonly string[]): Promise<DocumentLocator[]>;
  submissionContext(
    patientKey: string,
    submissionSetUniqueId: string,
    documentUniqueIds: readonly string[],
  ): Promise<SubmissionContext>;
  findDocuments(query: DocumentQuery): Promise<Page<DocumentEntry>>;
  /** The latest version of the document whose content this is. */
  findLatestDocumentByContent(
    patientKey: string,
    contentId: string,
  ): Promise<DocumentEntry | undefined>;
  /** The latest version of a document, by its logical id, whatever the patient. */
  findLatestDocument(logicalId: string): Promise<DocumentEntry | undefined>;
  /** The entry with this entryUUID if it is the latest version of its document. */
  findLatestDocumentByEntryUuid(
    patientKey: string,
    entryUuid: string,
  ): Promise<DocumentEntry | undefined>;
  /**
   * Applies every change in one transaction, each against its `expectedVersion` (a concurrent
   * change fails the whole set); returns the new latest entries in the same order.
   */
  updateDocuments(patientKey: string, updates: readonly DocumentUpdate[]): Promise<DocumentEntry[]>;
  findSubmissionSets(query: SubmissionSetQuery): Promise<Page<SubmissionSet>>;
  findFolders(patientKey: string, limit: number, offset: number): Promise<Page<Folder>>;
  /** HasMember associations whose source is one of the given lists (submission sets, folders). */
  findMembers(patientKey: string, sourceUuids: readonly string[]): Promise<Association[]>;
  /** Maps entryUuids to the logical ids of their documents (for List.entry references). */
  logicalIdsOf(patientKey: string, entryUuids: readonly string[]): Promise<Map<string, string>>;
}
