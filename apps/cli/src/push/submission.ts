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

/** A document's metadata and bytes. */
export interface SubmittedDocument {
  readonly document: DocumentMetadata;
  readonly content: Buffer;
}

/** One document and the submission carrying it, whatever the transport. */
export interface Submission extends SubmittedDocument {
  readonly submissionSet: SubmissionSetMetadata;
  /** The submission set's IHE DSG signature document over the document (push --sign). */
  readonly signature?: SubmittedDocument;
}

/** The documents to send: the document, then its signature when signed. */
export function documentsOf(submission: Submission): SubmittedDocument[] {
  return submission.signature ? [submission, submission.signature] : [submission];
}
