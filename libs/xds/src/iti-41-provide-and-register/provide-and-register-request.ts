import { ProblemList, excerpt } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import { readNewSubmission } from '../ebrim/new-submission';
import { documentBytes } from '../transport/soap-request';
import { SoapRequest, bodyElement, requiredChild } from '../transport/soap-request-body';
import { NS, XmlElement, attributeOf, childrenOf } from '../xml/xml-element';

/**
 * xdsb:ProvideAndRegisterDocumentSetRequest → the submission, each DocumentEntry with its
 * xdsb:Document bytes (MTOM part or inline base64); a Document without an entry is refused.
 */
export function readProvideAndRegisterRequest(request: SoapRequest): SubmissionDraft {
  const body = bodyElement(request, NS.xdsb, 'ProvideAndRegisterDocumentSetRequest');
  const draft = readNewSubmission(requiredChild(body, NS.lcm, 'SubmitObjectsRequest'));
  return attachDocuments(draft, childrenOf(body, NS.xdsb, 'Document'), request);
}

function attachDocuments(
  draft: SubmissionDraft,
  documents: readonly XmlElement[],
  request: SoapRequest,
): SubmissionDraft {
  const bytesById = new Map<string, Buffer>();
  const problems = new ProblemList();
  for (const document of documents) {
    const id = attributeOf(document, 'id') ?? '';
    if (!draft.documents.some((entry) => entry.ref === id)) {
      problems.add({
        code: 'MISSING_DOCUMENT_METADATA',
        message: `Document ${excerpt(id) || '(without id)'} has no DocumentEntry (ExtrinsicObject) in the metadata`,
        location: id,
      });
      continue;
    }
    const bytes = problems.attempt(
      () => documentBytes(document, request.attachments),
      id,
      'content',
    );
    if (bytes) bytesById.set(id, bytes);
  }
  return {
    ...draft,
    documents: draft.documents.map((entry) => ({ ...entry, content: bytesById.get(entry.ref) })),
    problems: [...(draft.problems ?? []), ...problems.all],
  };
}
