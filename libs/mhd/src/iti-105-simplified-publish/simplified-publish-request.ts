import type { DocumentReference, Encounter } from 'fhir/r4';
import { contentTypeForEncounter } from '@passerelle/cda';
import { type Coded, DomainError, ProblemList, excerpt } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import { createHash } from 'node:crypto';
import { decodeBase64 } from '../resources/base64';
import { codedFromCoding } from '../resources/code-systems';
import { containedResource } from '../resources/contained';
import { documentDraftFrom } from '../resources/document-reference';
import { checkedResource } from '../resources/fhir-shape';
import { MHD } from '../resources/mhd-constants';
import { documentReference as documentReferenceShape } from '../resources/resource-shapes';

/** Where errors point: the one resource of the request. */
const REF = 'DocumentReference';
const SUBMISSION_SET_REF = 'SubmissionSet';

/**
 * ITI-105 Simplified Publish (IHE MHD 4.2 §2:3.105): one DocumentReference carrying its document
 * in `content.attachment.data` → the submission ITI-65 would make of it, with every problem found
 * (reported with the registry's, in one answer). The Document Recipient
 * builds the SubmissionSet from the DocumentReference and its context:
 * - patient and authors are the document's; submissionTime is now;
 * - sourceId is this gateway's repository OID (the XDS Document Source it is grouped with);
 * - contentTypeCode is the DocumentReference's `ihe-designationType` extension when given, else
 *   derived from a contained Encounter's class (IMP, AMB, EMER) by the national table, as for a CDA;
 * - uniqueId is derived from sourceId, the document's uniqueId and its content, so that sending
 *   the same DocumentReference again is answered as the registrar answers an identical
 *   resubmission, and other content under the same uniqueId is XDSNonIdenticalHash.
 */
export function simplifiedPublishDraftFrom(body: unknown, sourceId: string): SubmissionDraft {
  const resource = asDocumentReference(body);
  const contents = resource.content ?? [];
  if (contents.length === 0) {
    throw new DomainError(
      'MISSING_DOCUMENT',
      'A Simplified Publish DocumentReference carries its document in content.attachment.data',
      `${REF}.content`,
    );
  }
  const problems = new ProblemList();
  if (resource.status !== 'current') {
    problems.add({
      code: 'METADATA_INVALID',
      message: `A Simplified Publish DocumentReference has status current, got ${excerpt(resource.status ?? '(none)')}`,
      location: `${REF}.status`,
    });
  }
  if (contents.length > 1) {
    problems.add({
      code: 'METADATA_INVALID',
      message: `A Simplified Publish DocumentReference holds exactly one content, found ${contents.length}`,
      location: `${REF}.content`,
    });
  }
  const bytes = problems.attempt(
    () => decodeBase64(contents[0].attachment.data, REF, 'attachment.data'),
    REF,
    'content',
  );
  const { draft, associations } = documentDraftFrom(
    { ref: REF, resource, content: bytes },
    problems,
  );
  const documentUniqueId = draft.uniqueId ?? '';
  return {
    submissionSet: {
      ref: SUBMISSION_SET_REF,
      uniqueId: submissionSetUniqueId(sourceId, documentUniqueId, bytes ?? Buffer.alloc(0)),
      patientId: draft.patientId,
      sourceId,
      submissionTime: new Date(),
      contentTypeCode: contentTypeOf(resource),
      authors: draft.authors,
      intendedRecipients: [],
    },
    documents: [draft],
    folders: [],
    associations,
    problems: problems.all,
  };
}

function asDocumentReference(body: unknown): DocumentReference {
  // Shaped: every element the translation reads has the kind and format FHIR gives it.
  return checkedResource(
    documentReferenceShape,
    body,
    {
      resourceType: 'DocumentReference',
      described: 'a DocumentReference',
      notAResource: 'The request body must be a FHIR resource',
    },
    REF,
  ) as unknown as DocumentReference;
}

function contentTypeOf(resource: DocumentReference): Coded | undefined {
  const designation = resource.extension?.find((e) => e.url === MHD.designationType);
  if (designation) return codedFromCoding(designation.valueCodeableConcept?.coding?.[0]);
  const encounter = containedResource<Encounter>(
    resource,
    resource.context?.encounter?.[0],
    'Encounter',
  );
  return contentTypeForEncounter(codedFromCoding(encounter?.class));
}

/** A UUID-derived OID (2.25) of what identifies the submission: its source and its document. */
function submissionSetUniqueId(sourceId: string, documentUniqueId: string, bytes: Buffer): string {
  const content = createHash('sha256').update(bytes).digest('hex');
  const digest = createHash('sha256')
    .update(`ITI-105|${sourceId}|${documentUniqueId}|${content}`)
    .digest();
  return `2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`).toString()}`;
}
