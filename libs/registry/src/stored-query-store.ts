import type {
  Association,
  AssociationType,
  AvailabilityStatus,
  CodeFilter,
  DocumentEntry,
  DocumentQuery,
  Folder,
  SubmissionSet,
  TimeRange,
} from '@passerelle/domain';

export const STORED_QUERY_STORE = Symbol('StoredQueryStore');

/** Objects named by entryUUID, uniqueId or logicalId (each stored query takes one kind). */
export interface ObjectIds {
  readonly uuids?: readonly string[];
  readonly uniqueIds?: readonly string[];
  readonly logicalIds?: readonly string[];
}

/**
 * A document search within one patient's record: the MHD/ITI-18 search criteria, plus lookups
 * by entryUUID; `allVersions` includes the deprecated prior versions of updated metadata.
 */
export type DocumentFilter = Omit<DocumentQuery, 'limit' | 'offset'> & {
  readonly entryUuids?: readonly string[];
  readonly allVersions?: boolean;
};

export interface SubmissionSetFilter {
  readonly ids?: ObjectIds;
  readonly sourceIds?: readonly string[];
  readonly submissionTime?: TimeRange;
  /** authorPerson patterns, SQL LIKE (`%`, `_`) as ITI-18 defines them. */
  readonly authorPerson?: readonly string[];
  readonly contentTypeCodes?: readonly CodeFilter[];
  readonly statuses?: readonly AvailabilityStatus[];
}

export interface FolderFilter {
  readonly ids?: ObjectIds;
  readonly lastUpdateTime?: TimeRange;
  /** AND of ORs, as $XDSFolderCodeList. */
  readonly codes?: readonly (readonly CodeFilter[])[];
  readonly statuses?: readonly AvailabilityStatus[];
}

export interface AssociationFilter {
  /** Associations whose source or target is one of these. */
  readonly touching?: readonly string[];
  readonly sources?: readonly string[];
  readonly targets?: readonly string[];
  /** Associations whose source and target are both among these. */
  readonly between?: readonly string[];
  readonly types?: readonly AssociationType[];
}

/** What ITI-18 reads; every method but `patientsOf` is scoped to one patient's record. */
export interface StoredQueryStore {
  /** The patients owning the named objects (documents, submission sets, folders, associations). */
  patientsOf(ids: ObjectIds): Promise<string[]>;
  documents(filter: DocumentFilter, limit: number): Promise<DocumentEntry[]>;
  submissionSets(
    patientKey: string,
    filter: SubmissionSetFilter,
    limit: number,
  ): Promise<SubmissionSet[]>;
  folders(patientKey: string, filter: FolderFilter, limit: number): Promise<Folder[]>;
  associations(
    patientKey: string,
    filter: AssociationFilter,
    limit: number,
  ): Promise<Association[]>;
}
