import { DomainError } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import type { XmlElement } from '../xml/xml-element';
import { readSubmitObjectsRequest } from './submit-objects-reader';

/** A SubmitObjectsRequest of new objects only: updates belong to ITI-57. */
export function readNewSubmission(submitObjects: XmlElement): SubmissionDraft {
  const submission = readSubmitObjectsRequest(submitObjects);
  if (submission.updates.length > 0) {
    throw new DomainError(
      'METADATA_INVALID',
      'Metadata updates (lid, PreviousVersion, UpdateAvailabilityStatus) belong to ITI-57 Update Document Set',
    );
  }
  return submission.draft;
}
