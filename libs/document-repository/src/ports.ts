import type { ActorStructures, NamedDocumentState } from '@passerelle/access-control';
import type { AuditEntry } from '@passerelle/audit';
import type { DocumentContent, WriteUnit } from '@passerelle/domain';

export const CONTENT_STORE = Symbol('ContentStore');
export const CONTENT_LOCATOR = Symbol('ContentLocator');

/** Where the repository keeps document bytes, exactly as provided, in each patient's record. */
export interface ContentStore {
  /** Stages the bytes into the unit: stored when it commits, with the registry's metadata. */
  put(unit: WriteUnit, content: DocumentContent): void;
  /**
   * With `audit`: written in the same statement, if and only if the content is there to be
   * opened (no audit written otherwise: the caller's door writes its own).
   */
  read(
    patientKey: string,
    contentId: string,
    audit?: AuditEntry,
  ): Promise<DocumentContent | undefined>;
}

/** ITI-68's first read: what the access decision about a content id needs, bytes left out. */
export interface ContentLocator {
  /**
   * The latest version of the document whose content this is, and its record's access state
   * for the actor, in one round trip; an unknown id costs the same read (the state of no record).
   */
  locateContent(
    contentId: string,
    subjectId: string,
    structures: ActorStructures,
  ): Promise<NamedDocumentState>;
}

export const SUBMISSION_SIGNATURES = Symbol('SubmissionSignatureVerifier');
