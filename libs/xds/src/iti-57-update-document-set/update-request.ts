import { DomainError } from '@passerelle/domain';
import type { UpdateDocumentSetCommand } from '@passerelle/registry';
import { readSubmitObjectsRequest } from '../ebrim/submit-objects-reader';
import { SoapRequest, bodyElement } from '../transport/soap-request-body';
import { NS } from '../xml/xml-element';

/** lcm:SubmitObjectsRequest of ITI-57 → the updates, and the record they are for. */
export function readUpdateRequest(request: SoapRequest): UpdateDocumentSetCommand {
  const { draft, updates } = readSubmitObjectsRequest(
    bodyElement(request, NS.lcm, 'SubmitObjectsRequest'),
  );
  if (draft.problems?.length) throw DomainError.of(draft.problems);
  return {
    patientId: draft.submissionSet.patientId,
    updates,
    unsavedMetadata: draft.unsavedMetadata,
  };
}
