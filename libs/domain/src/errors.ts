/**
 * The one error catalogue: every failure the gateway reports, with its XDS error code, FHIR
 * issue code and HTTP status, so both protocol doors answer the same failure the same way.
 */
export interface CatalogueEntry {
  readonly xdsCode: string;
  readonly fhirIssueCode: FhirIssueCode;
  readonly httpStatus: number;
  readonly summary: string;
}

export type FhirIssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'code-invalid'
  | 'not-found'
  | 'duplicate'
  | 'conflict'
  | 'business-rule'
  | 'forbidden'
  | 'login'
  | 'security'
  | 'not-supported'
  | 'too-costly'
  | 'transient'
  | 'exception';

const entry = (
  xdsCode: string,
  fhirIssueCode: FhirIssueCode,
  httpStatus: number,
  summary: string,
): CatalogueEntry => ({ xdsCode, fhirIssueCode, httpStatus, summary });

export const ERROR_CATALOGUE = {
  MALFORMED_REQUEST: entry('XDSRegistryError', 'structure', 400, 'The request is malformed'),
  INVALID_RESOURCE: entry('XDSRegistryMetadataError', 'invalid', 400, 'Invalid resource'),
  METADATA_MISSING: entry('XDSRegistryMetadataError', 'required', 400, 'Required metadata missing'),
  METADATA_INVALID: entry('XDSRegistryMetadataError', 'value', 400, 'Invalid metadata value'),
  /** A code outside its national (ANS) value set: understood, but not acceptable (MHD: 422). */
  CODE_NOT_IN_VALUE_SET: entry(
    'XDSRegistryMetadataError',
    'code-invalid',
    422,
    'Code outside its national value set',
  ),
  UNRESOLVED_REFERENCE: entry('XDSRegistryMetadataError', 'invalid', 400, 'Unresolved reference'),
  INS_MALFORMED: entry('XDSRegistryMetadataError', 'value', 400, 'Malformed INS'),
  INS_BAD_KEY: entry('XDSRegistryMetadataError', 'value', 400, 'INS key does not match'),
  INS_UNKNOWN_AUTHORITY: entry('XDSRegistryMetadataError', 'value', 400, 'Unknown INS authority'),
  INS_RETIRED: entry('XDSRegistryMetadataError', 'value', 400, 'INS-C is retired'),
  UNKNOWN_PATIENT: entry('XDSUnknownPatientId', 'not-found', 404, 'No open record for patient'),
  RECORD_CLOSED: entry('XDSUnknownPatientId', 'business-rule', 422, 'The record is closed'),
  RECORD_SUSPENDED: entry('XDSUnknownPatientId', 'business-rule', 422, 'The record is suspended'),
  RECORD_STATE_CONFLICT: entry(
    'XDSRegistryError',
    'conflict',
    409,
    'The record is not in a state that allows this step',
  ),
  OPPOSITION_PERIOD_OVER: entry(
    'XDSRegistryError',
    'business-rule',
    422,
    'The opposition period is over',
  ),
  PATIENT_ID_MISMATCH: entry(
    'XDSPatientIdDoesNotMatch',
    'business-rule',
    422,
    'Patient ids differ within the submission',
  ),
  MISSING_DOCUMENT: entry('XDSMissingDocument', 'required', 400, 'Document content missing'),
  MISSING_DOCUMENT_METADATA: entry(
    'XDSMissingDocumentMetadata',
    'required',
    400,
    'Content without metadata',
  ),
  HASH_MISMATCH: entry(
    'XDSRepositoryMetadataError',
    'value',
    422,
    'Supplied hash differs from content',
  ),
  SIZE_MISMATCH: entry(
    'XDSRepositoryMetadataError',
    'value',
    422,
    'Supplied size differs from content',
  ),
  NON_IDENTICAL_HASH: entry(
    'XDSNonIdenticalHash',
    'duplicate',
    409,
    'uniqueId already used for other content',
  ),
  DUPLICATE_UNIQUE_ID: entry(
    'XDSDuplicateUniqueIdInRegistry',
    'duplicate',
    409,
    'uniqueId already in registry',
  ),
  DUPLICATE_UNIQUE_ID_IN_MESSAGE: entry(
    'XDSRegistryDuplicateUniqueIdInMessage',
    'duplicate',
    400,
    'uniqueId used twice in the submission',
  ),
  DUPLICATE_ENTRY_UUID: entry(
    'XDSRegistryMetadataError',
    'duplicate',
    409,
    'entryUUID already in registry',
  ),
  DUPLICATE_ENTRY_UUID_IN_MESSAGE: entry(
    'XDSRegistryMetadataError',
    'duplicate',
    400,
    'entryUUID used twice in the submission',
  ),
  DOCUMENT_NOT_FOUND: entry('XDSMissingDocument', 'not-found', 404, 'Document not found'),
  RESOURCE_NOT_FOUND: entry('XDSRegistryError', 'not-found', 404, 'Resource not found'),
  REPLACED_NOT_FOUND: entry(
    'XDSRegistryMetadataError',
    'not-found',
    422,
    'Replaced document not found or not current',
  ),
  FORBIDDEN_CHANGE: entry(
    'XDSMetadataUpdateError',
    'not-supported',
    405,
    'Only status, securityLabel and the archive flag may change',
  ),
  UNSUPPORTED_OPERATION: entry('XDSRegistryError', 'not-supported', 405, 'Not supported'),
  UNSUPPORTED_MEDIA_TYPE: entry('XDSRegistryError', 'not-supported', 415, 'Unsupported media type'),
  NOT_ACCEPTABLE: entry('XDSRegistryError', 'not-supported', 406, 'Format not available'),
  UNSUPPORTED_PROFILE: entry(
    'XDSRegistryMetadataError',
    'not-supported',
    422,
    'Profile not supported',
  ),
  PRECONDITION_FAILED: entry('XDSRegistryError', 'conflict', 412, 'Precondition failed'),
  TOO_MANY_RESULTS: entry('XDSTooManyResults', 'too-costly', 400, 'Too many results'),
  NOTIFICATION_REQUIRED: entry(
    'XDSRegistryError',
    'business-rule',
    422,
    'This notification cannot be turned off',
  ),
  RESULT_NOT_SINGLE_PATIENT: entry(
    'XDSResultNotSinglePatient',
    'business-rule',
    422,
    'The result would span several patients',
  ),
  UNKNOWN_STORED_QUERY: entry(
    'XDSUnknownStoredQuery',
    'not-supported',
    400,
    'Unknown stored query',
  ),
  STORED_QUERY_MISSING_PARAM: entry(
    'XDSStoredQueryMissingParam',
    'required',
    400,
    'A required query parameter is missing',
  ),
  STORED_QUERY_PARAM_NUMBER: entry(
    'XDSStoredQueryParamNumber',
    'invalid',
    400,
    'A query parameter is repeated or conflicts with another',
  ),
  METADATA_VERSION_ERROR: entry(
    'XDSMetadataVersionError',
    'conflict',
    409,
    'The previous version is unknown or not the latest',
  ),
  UNKNOWN_REPOSITORY: entry('XDSUnknownRepositoryId', 'not-found', 404, 'Unknown repository'),
  PAYLOAD_TOO_LARGE: entry('XDSRegistryError', 'too-costly', 413, 'Request too large'),
  // IHE DSG has no error code of its own: a signature that does not hold is metadata in error.
  SIGNATURE_INVALID: entry(
    'XDSRegistryMetadataError',
    'invalid',
    422,
    'The submission set signature does not verify',
  ),
  SIGNATURE_REQUIRED: entry(
    'XDSRegistryMetadataError',
    'required',
    422,
    'The submission set must be signed',
  ),
  UNAUTHENTICATED: entry('XDSRegistryError', 'login', 401, 'Authentication required'),
  FORBIDDEN: entry('XDSRegistryError', 'forbidden', 403, 'Access denied'),
  // Retryable: the request did nothing; the same request may succeed a little later.
  REGISTRY_BUSY: entry('XDSRegistryBusy', 'transient', 503, 'Too much activity'),
  REPOSITORY_BUSY: entry('XDSRepositoryBusy', 'transient', 503, 'Too much activity'),
  REGISTRY_UNAVAILABLE: entry(
    'XDSRegistryNotAvailable',
    'transient',
    503,
    'The registry is temporarily unavailable',
  ),
  REPOSITORY_UNAVAILABLE: entry(
    'XDSRepositoryNotAvailable',
    'transient',
    503,
    'The repository is temporarily unavailable',
  ),
  INTERNAL: entry('XDSRegistryError', 'exception', 500, 'Internal error'),
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A located problem: which element of the request failed, for clients to fix their message. */
export interface ErrorDetail {
  readonly code: ErrorCode;
  readonly message: string;
  readonly location?: string;
}

/** A failure the gateway reports to the caller; never carries driver or stack details. */
export class DomainError extends Error {
  readonly details: readonly ErrorDetail[];

  constructor(
    readonly code: ErrorCode,
    message: string,
    location?: string,
    moreDetails: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
    this.details = [{ code, message, location }, ...moreDetails];
  }

  get catalogue(): CatalogueEntry {
    return ERROR_CATALOGUE[this.code];
  }

  /** Several problems found at once (validation reports all, not just the first). */
  static of(details: readonly ErrorDetail[]): DomainError {
    const [first, ...rest] = details;
    return new DomainError(first.code, first.message, first.location, rest);
  }
}

/**
 * A problem a door found translating a request, naming the draft field it could not read, so
 * that validation reports it once and not again as that field missing.
 */
export interface TranslationProblem extends ErrorDetail {
  readonly field?: string;
}

/**
 * Problems collected instead of stopping at the first, so that a sender learns everything wrong
 * with its request in one answer.
 */
export class ProblemList {
  private readonly found: TranslationProblem[] = [];

  get all(): readonly TranslationProblem[] {
    return this.found;
  }

  add(problem: TranslationProblem): void {
    this.found.push(problem);
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw DomainError.of(this.found);
  }

  /**
   * What `read` returns; undefined once its DomainError is recorded, located at `location`
   * unless it says where, and naming the unreadable `field`.
   */
  attempt<T>(read: () => T, location?: string, field?: string): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      for (const detail of error.details) {
        this.found.push({ ...detail, location: detail.location ?? location, field });
      }
      return undefined;
    }
  }
}
