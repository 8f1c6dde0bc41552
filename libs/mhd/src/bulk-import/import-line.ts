import type { DocumentReference } from 'fhir/r4';
import { Coded, DomainError, ProblemList, excerpt } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import { decodeBase64 } from '../resources/base64';
import { documentDraftFrom } from '../resources/document-reference';
import { ExpectedResource, checkedResource } from '../resources/fhir-shape';
import { documentReference as documentReferenceShape } from '../resources/resource-shapes';

/** What the import gives each line's SubmissionSet (an ITI-65 bundle carries it in its List). */
export interface ImportedSubmissionSet {
  readonly uniqueId: string;
  readonly sourceId: string;
  readonly contentTypeCode: Coded;
  readonly submissionTime: Date;
}

/** Reads the file a line's `attachment.url` names, relative to the NDJSON file. */
export type ContentReader = (relativePath: string) => Buffer;

const LINE_REF = 'DocumentReference';
const IMPORT_LINE: ExpectedResource = {
  resourceType: 'DocumentReference',
  described: 'a DocumentReference',
  notAResource: 'A line must be a FHIR JSON DocumentReference',
};
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * One line of a bulk import (an MHD DocumentReference, as ITI-65 accepts it) → the submission
 * ITI-65 would make of a bundle holding it, its content and a SubmissionSet: translated by the
 * same code, so every check but the import's own (no relatesTo) is ITI-65's; what cannot be
 * translated is carried in the draft's problems, reported with the registry's.
 */
export function importDraftFrom(
  value: unknown,
  readContent: ContentReader,
  submissionSet: ImportedSubmissionSet,
): SubmissionDraft {
  const shaped = checkedResource(documentReferenceShape, value, IMPORT_LINE, LINE_REF);
  const documentReference = shaped as unknown as DocumentReference;
  const problems = new ProblemList();
  if ((documentReference.relatesTo ?? []).length > 0) {
    problems.add({
      code: 'UNSUPPORTED_OPERATION',
      message: 'An imported document replaces or transforms none (relatesTo): send it with ITI-65',
      location: `${LINE_REF}.relatesTo`,
    });
  }
  const content = problems.attempt(() => contentOf(documentReference, readContent), LINE_REF);
  const { draft } = documentDraftFrom(
    { ref: LINE_REF, resource: documentReference, content },
    problems,
  );
  return {
    submissionSet: {
      ref: 'SubmissionSet',
      uniqueId: submissionSet.uniqueId,
      patientId: draft.patientId,
      sourceId: submissionSet.sourceId,
      submissionTime: submissionSet.submissionTime,
      contentTypeCode: submissionSet.contentTypeCode,
      authors: draft.authors,
      intendedRecipients: [],
    },
    documents: [draft],
    folders: [],
    associations: [],
    problems: problems.all,
  };
}

/** The bytes: `attachment.data` (base64), else the file `attachment.url` names. */
function contentOf(resource: DocumentReference, readContent: ContentReader): Buffer {
  const attachment = resource.content?.[0]?.attachment;
  if (attachment?.data !== undefined)
    return decodeBase64(attachment.data, LINE_REF, 'content.attachment.data');
  const url = attachment?.url;
  if (!url || URL_SCHEME.test(url) || url.startsWith('/')) {
    throw new DomainError(
      'MISSING_DOCUMENT',
      'DocumentReference.content.attachment needs data, or a url: a path relative to the NDJSON file',
      LINE_REF,
    );
  }
  try {
    return readContent(url);
  } catch (error) {
    throw new DomainError(
      'MISSING_DOCUMENT',
      `attachment.url ${excerpt(url)}: ${error instanceof Error ? error.message : String(error)}`,
      LINE_REF,
    );
  }
}
