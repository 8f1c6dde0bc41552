import { AvailabilityStatus } from './model';

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

/**
 * A document search, in the terms of the registry: each list of codes is an OR, and `eventCodes`
 * is an AND of ORs as in ITI-18. Every query is scoped to one patient.
 */
export interface DocumentQuery {
  readonly patientKey: string;
  readonly statuses?: readonly AvailabilityStatus[];
  readonly classCodes?: readonly CodeFilter[];
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
  /** Author name fragments, matched as prefixes, case-insensitively. */
  readonly authorGiven?: string;
  readonly authorFamily?: string;
  readonly uniqueIds?: readonly string[];
  readonly logicalIds?: readonly string[];
  readonly referenceIds?: readonly string[];
  /** What the caller may see (access control), applied in the query so counts leak nothing. */
  readonly visibility?: VisibilityFilter;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Documents authored by `authorIds` are always visible; others only if of an allowed type,
 * carrying none of the hidden confidentiality codes, and not deleted. `onlyAuthored` restricts
 * the caller to its own documents (an establishment's system).
 */
export interface VisibilityFilter {
  readonly authorIds: readonly string[];
  readonly onlyAuthored: boolean;
  /** Allowed type codes; undefined: every type. */
  readonly typeCodes?: readonly string[];
  /** `system|code` confidentiality keys that hide a document. */
  readonly hiddenConfidentialityKeys: readonly string[];
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
}

export interface SubmissionSetQuery {
  readonly patientKey: string;
  readonly sourceIds?: readonly string[];
  readonly uniqueIds?: readonly string[];
  readonly submissionTime?: TimeRange;
  readonly contentTypeCodes?: readonly CodeFilter[];
  readonly statuses?: readonly AvailabilityStatus[];
  readonly limit: number;
  readonly offset: number;
}
