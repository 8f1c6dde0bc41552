import {
  DocumentContent,
  DomainError,
  ErrorDetail,
  digestContent,
  newEntryUuid,
  excerpt,
} from '@passerelle/domain';
import type { DocumentEntryDraft, SubmissionDraft } from '@passerelle/registry';

/** A submission's documents as received: bytes digested, supplied hash and size checked. */
export interface ReceivedDocuments {
  readonly draft: SubmissionDraft;
  /** The bytes to store, by document ref. */
  readonly contents: ReadonlyMap<string, DocumentContent>;
}

/**
 * The repository's part of ITI-41 / ITI-65: takes each document's bytes, computes SHA-1,
 * SHA-256 and size, checks them against what the sender supplied (every problem at once, with
 * the metadata's, so that a sender learns everything wrong with its submission in one answer),
 * and gives each entry this repository's id.
 */
export function receiveDocuments(
  draft: SubmissionDraft,
  repositoryUniqueId: string,
  metadataProblems: (draft: SubmissionDraft) => readonly ErrorDetail[],
): ReceivedDocuments {
  const problems: ErrorDetail[] = [];
  const contents = new Map<string, DocumentContent>();
  const unreadable = new Set(
    (draft.problems ?? []).flatMap((p) => (p.field === 'content' ? [p.location] : [])),
  );
  const documents = draft.documents.map((document) => {
    if (!document.content) {
      if (unreadable.has(document.ref)) return document;
      problems.push({
        code: 'MISSING_DOCUMENT',
        message: 'DocumentEntry has no document content',
        location: document.ref,
      });
      return document;
    }
    const content = storedContent(document);
    problems.push(...checkSupplied(document, content));
    contents.set(document.ref, content);
    return {
      ...document,
      repositoryUniqueId,
      suppliedHashSha1: content.hashSha1,
      suppliedSize: content.size,
    };
  });
  if (problems.length > 0) {
    // The door's problems lead the metadata's, as they lead the request's translation.
    const metadata = metadataProblems(draft);
    const door = draft.problems?.length ?? 0;
    throw DomainError.of([...metadata.slice(0, door), ...problems, ...metadata.slice(door)]);
  }
  return { draft: { ...draft, documents }, contents };
}

function storedContent(document: DocumentEntryDraft): DocumentContent {
  const bytes = document.content!;
  const digest = digestContent(bytes);
  return {
    contentId: newEntryUuid().slice('urn:uuid:'.length),
    patientKey: document.patientId?.key ?? '',
    mimeType: document.mimeType ?? 'application/octet-stream',
    bytes,
    hashSha1: digest.sha1Hex,
    hashSha256: digest.sha256Hex,
    size: digest.size,
  };
}

/** A supplied hash (compared case-insensitively) or size must match the content exactly. */
function checkSupplied(document: DocumentEntryDraft, content: DocumentContent): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const supplied = document.suppliedHashSha1;
  if (supplied !== undefined && supplied.toLowerCase() !== content.hashSha1) {
    problems.push({
      code: 'HASH_MISMATCH',
      message: `Supplied hash ${excerpt(supplied)} differs from the content's SHA-1 ${content.hashSha1}`,
      location: document.ref,
    });
  }
  if (document.suppliedSize !== undefined && document.suppliedSize !== content.size) {
    problems.push({
      code: 'SIZE_MISMATCH',
      message: `Supplied size ${document.suppliedSize} differs from the content's ${content.size} bytes`,
      location: document.ref,
    });
  }
  return problems;
}
