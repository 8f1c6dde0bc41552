import {
  DSG_DETACHED_FORMAT_CODE,
  DomainError,
  type SignaturePolicy,
  type SubmissionSignatureVerifier,
  type SubmissionSigner,
} from '@passerelle/domain';
import type { DocumentEntryDraft, SubmissionDraft } from '@passerelle/registry';
import type { ReceivedDocuments } from './repository-part';

export function isSignatureDocument(document: DocumentEntryDraft): boolean {
  return document.formatCode?.code === DSG_DETACHED_FORMAT_CODE;
}

/**
 * The submission under the signature policy: each document covered by a signature that holds
 * names its signer (the signature document itself does not).
 */
export async function signedSubmission(
  received: ReceivedDocuments,
  policy: SignaturePolicy,
  signatureRequired: boolean,
  verifier: SubmissionSignatureVerifier,
): Promise<SubmissionDraft> {
  const signer = await checkSubmissionSignature(received, policy, signatureRequired, verifier);
  if (!signer) return received.draft;
  const documents = received.draft.documents.map((document) =>
    isSignatureDocument(document) ? document : { ...document, signedBy: signer },
  );
  return { ...received.draft, documents };
}

/**
 * The submission set's IHE DSG signature under the policy: `off` reads none, a present one is
 * verified otherwise, and an absent one is refused where `required` applies.
 */
async function checkSubmissionSignature(
  received: ReceivedDocuments,
  policy: SignaturePolicy,
  signatureRequired: boolean,
  verifier: SubmissionSignatureVerifier,
): Promise<SubmissionSigner | undefined> {
  if (policy === 'off') return undefined;
  const { draft, contents } = received;
  const signatures = draft.documents.filter(isSignatureDocument);
  if (signatures.length === 0) {
    if (policy === 'required' && signatureRequired) {
      throw new DomainError(
        'SIGNATURE_REQUIRED',
        `The submission set must carry an IHE DSG signature document (formatCode ${DSG_DETACHED_FORMAT_CODE})`,
        draft.submissionSet.ref,
      );
    }
    return undefined;
  }
  if (signatures.length > 1) {
    throw new DomainError(
      'SIGNATURE_INVALID',
      `Submission set signature refused: the submission carries ${signatures.length} signature documents`,
      signatures[1].ref,
    );
  }
  const [signature] = signatures;
  const bytesOf = (document: DocumentEntryDraft) => contents.get(document.ref)!.bytes;
  try {
    return await verifier.verify(
      {
        signature: bytesOf(signature),
        submissionSetUniqueId: draft.submissionSet.uniqueId,
        documents: draft.documents
          .filter((document) => document !== signature)
          .map((document) => ({ uniqueId: document.uniqueId ?? '', bytes: bytesOf(document) })),
      },
      new Date(),
    );
  } catch (error) {
    if (error instanceof DomainError)
      throw new DomainError(error.code, error.message, signature.ref);
    throw error;
  }
}
