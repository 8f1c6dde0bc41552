import type { Author, Coded } from '@passerelle/domain';
import type { DocumentMetadata } from './document-metadata';

/** The SubmissionSet a document is provided in. */
export interface SubmissionSetMetadata {
  readonly uniqueId: string;
  /** The sending system's OID. */
  readonly sourceId: string;
  readonly contentTypeCode: Coded;
  readonly submissionTime: Date;
  /** The sender: the certificate holder (establishment or professional). */
  readonly author: Author;
}

/** One document and the submission carrying it, whatever the transport. */
export interface Submission {
  readonly document: DocumentMetadata;
  readonly content: Buffer;
  readonly submissionSet: SubmissionSetMetadata;
}
