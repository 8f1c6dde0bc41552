import type { AuditEntry } from '@passerelle/audit';
import type {
  Association,
  AssociationFilter,
  DocumentEntry,
  DocumentFilter,
  Folder,
  FolderFilter,
  ObjectIds,
  Page,
  PageRequest,
  SubmissionSet,
  SubmissionSetFilter,
  VisibilityFilter,
} from '@passerelle/domain';

export const REGISTRY_READER = Symbol('RegistryReader');
export const DOCUMENT_LOCATOR = Symbol('DocumentLocator');

/**
 * What a read may return: what the caller may see (the access decision's filter), or — for the
 * registry's own checks, never for an answer — everything.
 */
export type Visibility = VisibilityFilter | 'unfiltered';

/**
 * Reads of one patient's record, in the one query vocabulary of `@passerelle/domain`; every
 * method names the record and what the caller may see, so hidden objects are not even counted.
 */
/** A document as an ObjectRef answer names it: its id, and its uniqueId for the audit. */
export type DocumentRef = Pick<DocumentEntry, 'entryUuid' | 'uniqueId'>;

export interface RegistryReader {
  documents(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<DocumentEntry>>;
  /**
   * The documents `documents` returns, each with the documents it replaces, transforms, appends
   * or signs (MHD relatesTo) among those the caller may see: in one read where it can be. The
   * audit entry, if given, is written with the read, naming the documents returned.
   */
  documentsWithRelations(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
    audit?: AuditEntry,
  ): Promise<Page<DocumentEntry>>;
  /**
   * The documents `documents` returns (same filter, visibility and order), as ids only. The
   * audit entry, if given, is written with the read, naming the documents returned — when fewer
   * than `page.limit` are found: a page is asked one longer than the caller's cap, and a query
   * past it is refused (the door audits the refusal).
   */
  documentRefs(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
    audit?: AuditEntry,
  ): Promise<Page<DocumentRef>>;
  submissionSets(
    patientKey: string,
    filter: SubmissionSetFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<SubmissionSet>>;
  folders(
    patientKey: string,
    filter: FolderFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<Folder>>;
  associations(
    patientKey: string,
    filter: AssociationFilter,
    visibility: Visibility,
    limit: number,
  ): Promise<Association[]>;
}

/** What ids name across every record: the records holding them, and the documents named. */
export interface Located {
  readonly patientKeys: readonly string[];
  /** The latest version of each document the ids name (by any version, uniqueId or content). */
  readonly documents: readonly DocumentEntry[];
}

/**
 * The one lookup that is not scoped by patient: it finds which record an id belongs to, so
 * that the access decision about that record can be made before anything else is read.
 */
export interface DocumentLocator {
  locate(ids: ObjectIds): Promise<Located>;
}
