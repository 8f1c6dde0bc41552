import type {
  AvailabilityStatus,
  Coded,
  DocumentEntry,
  PatientRecord,
  Submission,
  WriteUnit,
} from '@passerelle/domain';

export const REGISTRY_WRITER = Symbol('RegistryWriter');

/** What the registry knows of a document uniqueId (uniqueIds are unique across records). */
export interface DocumentLocatorEntry {
  readonly uniqueId: string;
  readonly patientKey: string;
  readonly logicalId: string;
  readonly hashSha1: string;
  readonly size: number;
}

/** What registering a submission must know first: the record, and what is already registered. */
export interface SubmissionContext {
  readonly record?: PatientRecord;
  readonly submissionSetExists: boolean;
  /** Registered documents with one of the submission's uniqueIds, whichever their record. */
  readonly locators: readonly DocumentLocatorEntry[];
}

/** What registering submissions to several records (a bulk import's batch) must know first. */
export interface RecordsContext {
  /** The records that exist, by patient key. */
  readonly records: ReadonlyMap<string, PatientRecord>;
  /** Registered documents with one of the uniqueIds asked, whichever their record. */
  readonly locators: readonly DocumentLocatorEntry[];
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
    | 'custodian'
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

/** Raised on commit when a document uniqueId of the submission is already registered. */
export class DocumentAlreadyRegistered extends Error {
  constructor() {
    super('A document uniqueId of the submission is already registered');
  }
}

/** Writes to one patient's record. */
export interface RegistryWriter {
  submissionContext(
    patientKey: string,
    submissionSetUniqueId: string,
    documentUniqueIds: readonly string[],
  ): Promise<SubmissionContext>;
  /** {@link submissionContext} of several records at once, in one round trip. */
  recordsContext(
    patientKeys: readonly string[],
    documentUniqueIds: readonly string[],
  ): Promise<RecordsContext>;
  begin(patientKey: string): WriteUnit;
  /** Stages the submission's rows; at commit the record must be open and replaced entries current. */
  stageSubmission(unit: WriteUnit, submission: Submission): void;
  /** Writes everything staged in one statement; {@link DocumentAlreadyRegistered} on a uniqueId conflict. */
  commit(unit: WriteUnit): Promise<void>;
  /**
   * Writes the units (of different records) in one transaction, all or none: what `commit`
   * writes for each, whole batches of rows at once. A failure says nothing of which unit.
   */
  commitAll(units: readonly WriteUnit[]): Promise<void>;
  /**
   * Applies every change in one transaction, each against its `expectedVersion` (a concurrent
   * change fails the whole set); returns the new latest entries in the same order.
   */
  updateDocuments(patientKey: string, updates: readonly DocumentUpdate[]): Promise<DocumentEntry[]>;
}
