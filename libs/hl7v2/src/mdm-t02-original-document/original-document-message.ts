import type { Hl7Message } from '@medplum/core';
import type { SubmissionDraft } from '@passerelle/registry';
import type { Hl7v2Options } from '../hl7v2-options';
import { readDocumentMessage } from '../message/document-message';

/** MDM^T02 (original document notification and content): a new, final document (OBX-11 F). */
export function readOriginalDocument(message: Hl7Message, options: Hl7v2Options): SubmissionDraft {
  return readDocumentMessage(message, 'F', options).draft;
}
