import type { TranslationProblem } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import type { XmlElement } from '../xml/xml-element';
import { readSubmitObjectsRequest } from './submit-objects-reader';

/** A SubmitObjectsRequest of new objects only: updates belong to ITI-57. */
export function readNewSubmission(submitObjects: XmlElement): SubmissionDraft {
  const { draft, updates } = readSubmitObjectsRequest(submitObjects);
  if (updates.length === 0) return draft;
  const misplaced: TranslationProblem = {
    code: 'METADATA_INVALID',
    message:
      'Metadata updates (lid, PreviousVersion, UpdateAvailabilityStatus) belong to ITI-57 Update Document Set',
  };
  return { ...draft, problems: [misplaced, ...(draft.problems ?? [])] };
}
