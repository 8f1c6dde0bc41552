/**
 * The data a case folder holds (`case.json`), as the runner reads it. The reference for case
 * authors is conformance/README.md; `case-schema.ts` checks every file against these shapes.
 */

export const XDS_TRANSACTIONS = ['ITI-18', 'ITI-41', 'ITI-42', 'ITI-43', 'ITI-57'] as const;
export type XdsTransaction = (typeof XDS_TRANSACTIONS)[number];

export const FHIR_TRANSACTIONS = [
  'ITI-65',
  'ITI-105',
  'ITI-66',
  'ITI-67',
  'ITI-68',
  'metadata-update',
  'capabilities',
  'record',
] as const;
export type FhirTransaction = (typeof FHIR_TRANSACTIONS)[number];

export const STORED_QUERIES = {
  FindDocuments: 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d',
  FindSubmissionSets: 'urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9',
  FindFolders: 'urn:uuid:958f3006-baad-4929-a4de-b5cd65fd1d36',
  GetAll: 'urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3',
  GetDocuments: 'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4',
  GetFolders: 'urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4',
  GetAssociations: 'urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155',
  GetDocumentsAndAssociations: 'urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a',
  GetSubmissionSets: 'urn:uuid:51224314-5390-4169-9b91-b1980040715a',
  GetSubmissionSetAndContents: 'urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83',
  GetFolderAndContents: 'urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7',
  GetFoldersForDocument: 'urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578',
  GetRelatedDocuments: 'urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6',
} as const;
export type StoredQueryName = keyof typeof STORED_QUERIES;

export const REGISTRY_STATUSES = ['Success', 'Failure', 'PartialSuccess'] as const;
export type RegistryStatus = (typeof REGISTRY_STATUSES)[number];

export const REGISTRY_OBJECT_KINDS = [
  'ExtrinsicObject',
  'RegistryPackage',
  'Association',
  'Classification',
  'ObjectRef',
] as const;
export type RegistryObjectKind = (typeof REGISTRY_OBJECT_KINDS)[number];

/** Target capabilities a case may need; without them it is skipped, never passed. */
export const REQUIREMENTS = ['fhir-xml'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export const PACKAGINGS = [
  'soap',
  'mtom',
  'inline',
  'envelope',
  'http-capture',
  'mime-capture',
] as const;
/**
 * soap: the message wrapped in a SOAP 1.2 envelope; mtom / inline: ITI-41 documents as XOP
 * parts or base64; envelope: the file is a whole SOAP envelope; http-capture: the file is a raw
 * HTTP request (request line, headers, body); mime-capture: the file is a raw MIME body.
 */
export type Packaging = (typeof PACKAGINGS)[number];

export interface TextReplacement {
  /** A regular expression (JavaScript syntax, applied globally). */
  readonly pattern: string;
  readonly with: string;
}

export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

/**
 * A message read from a file: `fixtures:<path>` (the package's fixtures/), `suite:<path>`
 * (this folder) or a path relative to the case folder. Applied in order: `fragments` (a
 * placeholder replaced by another file's content, as asbestos templates do), regular-expression
 * `replacements`, literal `substitutions`, `{{variables}}`, then `jsonPatch`.
 */
export interface FileSource {
  readonly file: string;
  readonly fragments?: Readonly<Record<string, string>>;
  readonly substitutions?: Readonly<Record<string, string>>;
  readonly replacements?: readonly TextReplacement[];
  readonly jsonPatch?: readonly JsonPatchOperation[];
}

/** A JSON body written in the case itself; `{{variables}}` expand in its strings. */
export interface InlineJsonSource {
  readonly json: unknown;
}

export type Source = FileSource | InlineJsonSource;

export interface XdsMessageSource extends FileSource {
  /** A NIST toolkit metadata template: ebRIM 2.1 → 3.0, patient ids, fresh uniqueIds. */
  readonly nistTemplate?: boolean;
  /** NIST `<AssignUuids/>`: symbolic object ids become fresh entryUUIDs. */
  readonly assignUuids?: boolean;
  /** A capture from another affinity domain: its codes become national ones, as a template's. */
  readonly nationalCodes?: boolean;
}

export interface ProvidedDocumentSpec {
  /** The ExtrinsicObject id (symbolic, as in the metadata). */
  readonly id: string;
  readonly file: string;
  readonly mimeType?: string;
}

export interface StoredQuerySpec {
  readonly query: StoredQueryName;
  readonly returnType?: 'LeafClass' | 'ObjectRef';
  /** Slot name → its rim:Value texts, written as ITI-18 wants them (quoted, in lists…). */
  readonly slots: Readonly<Record<string, readonly string[]>>;
}

export interface DocumentRequestSpec {
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
}

export interface XdsRequestSpec {
  readonly message?: XdsMessageSource;
  readonly storedQuery?: StoredQuerySpec;
  readonly retrieve?: readonly DocumentRequestSpec[];
  readonly documents?: readonly ProvidedDocumentSpec[];
  readonly packaging?: Packaging;
  /** Content-Type of a mime-capture body. */
  readonly contentType?: string;
  readonly boundary?: string;
  readonly rootContentId?: string;
}

export interface FhirRequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the FHIR base URL (query string included); `{{variables}}` are URL-encoded. */
  readonly path?: string;
  /** An absolute URL, e.g. an attachment URL captured earlier. */
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A `.json` file or inline JSON is sent as FHIR JSON; any other file as it is (FHIR XML). */
  readonly body?: Source;
}

export interface ContentReference {
  readonly file: string;
}

export interface FhirExpectation {
  readonly status?: number | readonly number[];
  readonly resourceType?: string;
  /** The XDS code an OperationOutcome carries in issue.details.coding.code (any of these). */
  readonly issueCode?: string | readonly string[];
  /** A regular expression one issue's diagnostics must match. */
  readonly diagnostics?: string;
  /** Bundle.total. */
  readonly total?: number;
  /** JSON path (dot-separated, `*` maps over an array, `length`) → expected JSON value (null: absent). */
  readonly values?: Readonly<Record<string, unknown>>;
  readonly contentType?: string;
  /** The response body must be byte-identical to this file. */
  readonly sameContentAs?: ContentReference;
}

export interface XdsExpectation {
  readonly httpStatus?: number | readonly number[];
  readonly status?: RegistryStatus | readonly RegistryStatus[];
  /** At least one of these codes among the rs:RegistryError elements. */
  readonly errorCodes?: readonly string[];
  /** The SOAP Fault code expected instead of a registry response (e.g. `Sender`). */
  readonly soapFault?: string;
  /** Counts of the children of rim:RegistryObjectList, by element name. */
  readonly objects?: Readonly<Partial<Record<RegistryObjectKind, number>>>;
  /** ITI-43: number of xdsb:DocumentResponse elements. */
  readonly documents?: number;
  /** ITI-43: the bytes of each DocumentResponse, in order. */
  readonly sameContentAs?: readonly ContentReference[];
  /** Response path (see README: `ExtrinsicObject[0].slot:hash`…) → expected text. */
  readonly values?: Readonly<Record<string, string>>;
  /** Passes when one of these passes (mismatches of all are reported otherwise). */
  readonly anyOf?: readonly XdsExpectation[];
}

interface StepCommon {
  readonly id: string;
  readonly title: string;
  /** feeder (default), consumer, anonymous, or persona:<name> (a --pki-dir persona). */
  readonly as?: string;
  /** Variable name → response path; captured values are usable by later steps and cases. */
  readonly capture?: Readonly<Record<string, string>>;
}

export interface FhirStep extends StepCommon {
  readonly transaction: FhirTransaction;
  readonly fhir: FhirRequestSpec;
  readonly expect: FhirExpectation;
}

export interface XdsStep extends StepCommon {
  readonly transaction: XdsTransaction;
  readonly xds: XdsRequestSpec;
  readonly expect: XdsExpectation;
}

export type Step = FhirStep | XdsStep;

export function isXdsStep(step: Step): step is XdsStep {
  return 'xds' in step;
}

export interface PatientSpec {
  /** open: a record is opened before the case; unknown: no record, never fed. */
  readonly record: 'open' | 'unknown';
  /** A fixed INS (a capture's own patient); otherwise a fresh test NIR is drawn. */
  readonly nir?: string;
  readonly oid?: string;
}

export interface CaseDefinition {
  /** The folder path under the cases directory, e.g. `xds/nist-11966-iti41-mtom`. */
  readonly id: string;
  readonly dir: string;
  readonly title: string;
  readonly description?: string;
  /** Where the case and its messages come from (the upstream test, or this project). */
  readonly origin: string;
  readonly dependsOn?: readonly string[];
  readonly requires?: readonly Requirement[];
  readonly patients?: Readonly<Record<string, PatientSpec | 'open' | 'unknown'>>;
  readonly steps: readonly Step[];
}
