import type { SubmissionDraft } from '@passerelle/registry';
import { readNewSubmission } from '../ebrim/new-submission';
import { SoapRequest, bodyElement } from '../transport/soap-request-body';
import { NS } from '../xml/xml-element';

/** lcm:SubmitObjectsRequest → the metadata of documents another repository holds. */
export function readRegisterRequest(request: SoapRequest): SubmissionDraft {
  return readNewSubmission(bodyElement(request, NS.lcm, 'SubmitObjectsRequest'));
}
