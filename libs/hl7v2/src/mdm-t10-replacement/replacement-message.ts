import type { Hl7Message } from '@medplum/core';
import type { SubmissionDraft } from '@passerelle/registry';
import { componentText, fieldOf } from '../message/hl7-fields';
import { missing, namesDocument, readDocumentMessage } from '../message/document-message';

/**
 * MDM^T10 (document replacement notification and content): a correction (OBX-11 C) whose CDA
 * names the version it replaces (relatedDocument[@typeCode=RPLC]/parentDocument/id, TXA-13 when
 * given names it too) → the ITI-41 submission of the new version with its RPLC association; the
 * registrar deprecates the replaced entry.
 */
export function readReplacement(message: Hl7Message): SubmissionDraft {
  const { draft, header } = readDocumentMessage(message, 'C', (cda, problems) => {
    const parent = componentText(fieldOf(message.getSegment('TXA'), 13));
    if (!cda.replacedDocumentId) {
      problems.push(
        missing(
          'OBX-5',
          'the replaced document (CDA relatedDocument[@typeCode=RPLC]/parentDocument/id)',
        ),
      );
    } else if (parent && !namesDocument(parent, cda.replacedDocumentId)) {
      problems.push({
        code: 'METADATA_INVALID',
        message: `TXA-13 (${parent}) is not the document the CDA replaces (${cda.replacedDocumentId})`,
        location: 'TXA-13',
      });
    }
  });
  return {
    ...draft,
    associations: [
      {
        type: 'RPLC',
        source: { ref: draft.documents[0].ref },
        target: { existingUniqueId: header.replacedDocumentId! },
      },
    ],
  };
}
