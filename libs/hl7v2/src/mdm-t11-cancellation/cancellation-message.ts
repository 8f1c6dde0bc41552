import type { Hl7Message } from '@medplum/core';
import { DomainError, ErrorDetail } from '@passerelle/domain';
import type { UpdateDocumentSetCommand } from '@passerelle/registry';
import { insOf } from '../message/document-message';
import { componentText, fieldOf, missing } from '../message/hl7-fields';

/**
 * MDM^T11 (document cancel notification): the document TXA-12.1 names — its uniqueId as
 * registered, `root\S\extension` for a CDA id with an extension — in the record of PID-3's INS
 * is deleted logically (ITI-57: availabilityStatus Approved → Deleted; the author's action).
 */
export function readCancellation(message: Hl7Message): UpdateDocumentSetCommand {
  const problems: ErrorDetail[] = [];
  const patientId = insOf(message.getSegment('PID'), problems);
  const uniqueId = componentText(fieldOf(message.getSegment('TXA'), 12));
  if (!uniqueId)
    problems.push(missing('TXA-12', 'the unique document number of the cancelled document'));
  if (problems.length > 0 || !patientId || !uniqueId) throw DomainError.of(problems);
  return {
    patientId,
    updates: [
      { kind: 'status', targetUuid: uniqueId, originalStatus: 'Approved', newStatus: 'Deleted' },
    ],
  };
}
