import type {
  Association,
  AssociationType,
  AvailabilityStatus,
  CodeFilter,
  DocumentEntry,
  DocumentFilter,
  Folder,
  ObjectIds,
  SubmissionSet,
  TimeRange,
} from '@passerelle/domain';
import type { DocumentRef } from '../ports';

export type ReturnType = 'LeafClass' | 'ObjectRef';

/** Filters FindDocuments, GetAll and the *AndContents queries share. */
export interface DocumentFilters {
  readonly statuses?: readonly AvailabilityStatus[];
  readonly formatCodes?: readonly CodeFilter[];
  readonly confidentialityCodes?: readonly (readonly CodeFilter[])[];
}

/** The ITI-18 stored queries (ITI TF-2a 3.18.4.1.2.3.7) in registry terms. */
export type StoredQuery = { readonly returnType: ReturnType } & (
  | { readonly name: 'FindDocuments'; readonly patientKey: string; readonly filter: DocumentFilter }
  | {
      readonly name: 'FindSubmissionSets';
      readonly patientKey: string;
      readonly sourceIds?: readonly string[];
      readonly submissionTime?: TimeRange;
      readonly authorPerson?: readonly string[];
      readonly contentTypeCodes?: readonly CodeFilter[];
      readonly statuses: readonly AvailabilityStatus[];
    }
  | {
      readonly name: 'FindFolders';
      readonly patientKey: string;
      readonly lastUpdateTime?: TimeRange;
      readonly codes?: readonly (readonly CodeFilter[])[];
      readonly statuses: readonly AvailabilityStatus[];
    }
  | {
      readonly name: 'GetAll';
      readonly patientKey: string;
      readonly documents: DocumentFilters;
      readonly submissionSetStatuses: readonly AvailabilityStatus[];
      readonly folderStatuses: readonly AvailabilityStatus[];
    }
  | {
      readonly name:
        'GetDocuments' | 'GetFolders' | 'GetDocumentsAndAssociations' | 'GetFoldersForDocument';
      readonly ids: ObjectIds;
    }
  | { readonly name: 'GetAssociations' | 'GetSubmissionSets'; readonly ids: ObjectIds }
  | {
      readonly name: 'GetSubmissionSetAndContents' | 'GetFolderAndContents';
      readonly ids: ObjectIds;
      readonly documents: DocumentFilters;
    }
  | {
      readonly name: 'GetRelatedDocuments';
      readonly ids: ObjectIds;
      readonly associationTypes: readonly AssociationType[];
    }
);

/** The objects a stored query found, its documents whole or (`DocumentRef`) as ids only. */
export interface StoredQueryObjects<Document extends DocumentRef = DocumentEntry> {
  readonly documents: readonly Document[];
  readonly submissionSets: readonly SubmissionSet[];
  readonly folders: readonly Folder[];
  readonly associations: readonly Association[];
}

/**
 * A LeafClass answer holds whole objects; an ObjectRef one only needs ids, so its documents may
 * be read as ids only (FindDocuments is).
 */
export type StoredQueryResult =
  | ({ readonly returnType: 'LeafClass' } & StoredQueryObjects)
  | ({ readonly returnType: 'ObjectRef' } & StoredQueryObjects<DocumentRef>);

/** An ITI-18 request: the stored query, and the most objects an answer may hold. */
export interface StoredQueryCommand {
  readonly query: StoredQuery;
  readonly maxResults: number;
}
