import type { Hl7Message } from '@medplum/core';
import type { SubmissionDraft } from '@passerelle/registry';
import { readDocumentMessage } from '../message/document-message';

/** MDM^T02 (original document notification and content): a new, final document (OBX-11 F). */
export function readOriginalDocument(message: Hl7Message): SubmissionDraft {
  return readDocumentMessage(message, 'F').draft;
}
