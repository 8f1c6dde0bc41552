import type { Hl7Message } from '@medplum/core';
import type { SubmissionDraft } from '@passerelle/registry';
import type { Hl7v2Options } from '../hl7v2-options';
import { readDocumentMessage } from '../message/document-message';

/**
 * MDM^T10 (document replacement notification and content): a correction (OBX-11 C) naming the
 * version it replaces — a CDA by relatedDocument[@typeCode=RPLC]/parentDocument/id (TXA-13 when
 * given names it too), a PDF by TXA-13 — → the ITI-41 submission of the new version with its
 * RPLC association; the registrar deprecates the replaced entry.
 */
export function readReplacement(message: Hl7Message, options: Hl7v2Options): SubmissionDraft {
  const { draft, replacedDocumentId } = readDocumentMessage(message, 'C', options);
  return {
    ...draft,
    associations: [
      {
        type: 'RPLC',
        source: { ref: draft.documents[0].ref },
        target: { existingUniqueId: replacedDocumentId! },
      },
    ],
  };
}
