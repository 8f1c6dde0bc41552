import type { Hl7Message } from '@medplum/core';
import { DomainError } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import type { Hl7v2Options } from '../hl7v2-options';
import { documentResultStatus } from '../message/document-message';
import { readOriginalDocument } from '../mdm-t02-original-document/original-document-message';
import { readReplacement } from '../mdm-t10-replacement/replacement-message';

/**
 * ORU^R01 (unsolicited observation result), the laboratory's path in the ANS volet "Transmission
 * de documents CDA en HL7v2": the report is the OBX ED after OBR; OBX-11 F makes it a new
 * document (as MDM^T02), C a new version replacing the one its CDA names (as MDM^T10). Both are
 * the ITI-41 submission. A deletion (D) goes by MDM^T11, which names the document by TXA-12.
 */
export function readObservationResult(message: Hl7Message, options: Hl7v2Options): SubmissionDraft {
  const status = documentResultStatus(message);
  if (status === 'D') {
    throw new DomainError(
      'UNSUPPORTED_OPERATION',
      'OBX-11 D (deletion) is not accepted in an ORU^R01: send an MDM^T11 naming the document',
      'OBX-11',
    );
  }
  return status === 'C'
    ? readReplacement(message, options)
    : readOriginalDocument(message, options);
}
