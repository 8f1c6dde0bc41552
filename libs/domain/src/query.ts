import { AssociationType, AvailabilityStatus } from './model';

/**
 * The one query vocabulary of the registry, whichever door asks (ITI-18 stored queries, ITI-66,
 * ITI-67): every query is about one patient's record, named separately, and filtered by what the
 * caller may see.
 */

/** A code to match; without codeSystem any system matches. */
export interface CodeFilter {
  readonly code: string;
  readonly codeSystem?: string;
}

/** Half-open time range: from inclusive, to exclusive (ITI-18 semantics). */
export interface TimeRange {
  readonly from?: Date;
  readonly to?: Date;
}

/** Objects named by entryUUID, uniqueId, logical id or repository content id. */
export interface ObjectIds {
  readonly uuids?: readonly string[];
  readonly uniqueIds?: readonly string[];
  readonly logicalIds?: readonly string[];
  readonly contentIds?: readonly string[];
}

/**
 * Document search criteria: each list of codes is an OR, and `eventCodes` /
 * `confidentialityCodes` are ANDs of ORs as in ITI-18.
 */
export interface DocumentFilter {
  readonly ids?: ObjectIds;
  /** Prior versions too (ITI-18 GetDocuments); otherwise the latest version of each document. */
  readonly allVersions?: boolean;
  readonly statuses?: readonly AvailabilityStatus[];
  readonly classCodes?: readonly CodeFilter[];
  /**
   * ORed with `classCodes`: any class but these. A category that gathers every class the other
   * categories do not (a patient category such as "autres") is searched this way.
   */
  readonly classCodesOutside?: readonly CodeFilter[];
  readonly typeCodes?: readonly CodeFilter[];
  readonly formatCodes?: readonly CodeFilter[];
  readonly practiceSettingCodes?: readonly CodeFilter[];
  readonly healthcareFacilityTypeCodes?: readonly CodeFilter[];
  readonly confidentialityCodes?: readonly (readonly CodeFilter[])[];
  readonly eventCodes?: readonly (readonly CodeFilter[])[];
  readonly creationTime?: TimeRange;
  readonly submissionTime?: TimeRange;
  readonly serviceStartTime?: TimeRange;
  readonly serviceStopTime?: TimeRange;
  /** Author name fragments, matched as prefixes, case-insensitively (MHD). */
  readonly authorGiven?: string;
  readonly authorFamily?: string;
  /**
   * Author person identifiers (idNat_PS, INS…), any of them (PDSm `author.identifier`): `code`
   * the id, `codeSystem` its assigning authority when it must match too.
   */
  readonly authorPersonIds?: readonly CodeFilter[];
  /** ITI-18 authorPerson: SQL LIKE patterns (`%`, `_`) on the author's XCN. */
  readonly authorPerson?: readonly string[];
  readonly referenceIds?: readonly string[];
}

export interface SubmissionSetFilter {
  readonly ids?: ObjectIds;
  readonly sourceIds?: readonly string[];
  readonly submissionTime?: TimeRange;
  /** ITI-18 authorPerson: SQL LIKE patterns on the author's XCN. */
  readonly authorPerson?: readonly string[];
  /** Author institution identifiers (idNat_Struct…), any of them (PDSm `authorOrg`). */
  readonly authorInstitutionIds?: readonly string[];
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

/**
 * Documents authored by `authorIds` are always visible; others only if of an allowed type,
 * carrying none of the hidden confidentiality codes, and not deleted. `onlyAuthored` restricts
 * the caller to its own documents (an establishment's system). A list (SubmissionSet, Folder)
 * whose documents are all hidden is hidden too, and so is an association to a hidden document.
 */
export interface VisibilityFilter {
  readonly authorIds: readonly string[];
  readonly onlyAuthored: boolean;
  /** Allowed type codes; undefined: every type. */
  readonly typeCodes?: readonly string[];
  /** `system|code` confidentiality keys that hide a document. */
  readonly hiddenConfidentialityKeys: readonly string[];
}

/** Which page of the answer: `limit` rows from `offset`, newest first. */
export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}
