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

/** A metadata change: a new version of the entry (securityLabel) or a status change in place. */
export interface MetadataChange {
  readonly status?: AvailabilityStatus;
  readonly confidentialityCodes?: readonly Coded[];
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
  /** Applies the change atomically against `expectedVersion`; returns the new latest entry. */
  updateDocument(
    patientKey: string,
    logicalId: string,
    expectedVersion: number,
    change: MetadataChange,
  ): Promise<DocumentEntry>;
  findSubmissionSets(query: SubmissionSetQuery): Promise<Page<SubmissionSet>>;
  findFolders(patientKey: string, limit: number, offset: number): Promise<Page<Folder>>;
  /** HasMember associations whose source is one of the given lists (submission sets, folders). */
  findMembers(patientKey: string, sourceUuids: readonly string[]): Promise<Association[]>;
  /** Maps entryUuids to the logical ids of their documents (for List.entry references). */
  logicalIdsOf(patientKey: string, entryUuids: readonly string[]): Promise<Map<string, string>>;
}
