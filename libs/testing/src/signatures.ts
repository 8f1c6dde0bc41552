import {
  DSG_SIGNATURE_CODES,
  type SignedSubmission,
  type SubmissionSignatureVerifier,
  type SubmissionSigner,
} from '@passerelle/domain';
import {
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  psSubject,
} from '@passerelle/platform';
import type { DocumentEntryDraft, SubmissionDraft } from '@passerelle/registry';
import { XadesSubmissionVerifier, signSubmission } from '@passerelle/signature';
import { X509Certificate } from 'node:crypto';

let ca: IssuedCertificate | undefined;
let signer: IssuedCertificate | undefined;

/** The CA the in-memory Passerelle trusts for submission set signatures: made once per run. */
export function signatureTestCa(): IssuedCertificate {
  return (ca ??= createRootCa('Submission Signature Test CA'));
}

/** A médecin's signing certificate under {@link signatureTestCa}: made once per run. */
export function aSigningCertificate(): IssuedCertificate {
  return (signer ??= issueCertificate(signatureTestCa(), {
    subject: psSubject({
      idNat: '810000000042',
      family: 'SIGNATAIRE',
      given: 'CLAIRE',
      professionLabel: 'Médecin',
    }),
    kind: 'client',
  }));
}

/** Verifies against {@link signatureTestCa}, made the first time a signature is checked. */
export class TestSignatureVerifier implements SubmissionSignatureVerifier {
  private verifier?: XadesSubmissionVerifier;

  verify(submission: SignedSubmission, now: Date): Promise<SubmissionSigner> {
    this.verifier ??= new XadesSubmissionVerifier([new X509Certificate(signatureTestCa().certPem)]);
    return this.verifier.verify(submission, now);
  }
}

/** The draft's DSG signature document, signed by `by` over every document of the draft. */
export async function signatureDocument(
  draft: SubmissionDraft,
  by: IssuedCertificate = aSigningCertificate(),
  overrides: Partial<DocumentEntryDraft> = {},
): Promise<DocumentEntryDraft> {
  const [model] = draft.documents;
  const content = await signSubmission(
    { certificates: [new X509Certificate(by.certPem)], keyPem: by.keyPem },
    draft.documents.map((document) => ({ uniqueId: document.uniqueId!, bytes: document.content! })),
  );
  return {
    ...model,
    ref: `${draft.submissionSet.ref}-signature`,
    entryUuid: undefined,
    uniqueId: `${draft.submissionSet.uniqueId}.99`,
    title: 'Signature du lot de soumission',
    ...DSG_SIGNATURE_CODES,
    confidentialityCodes: model.confidentialityCodes,
    suppliedHashSha1: undefined,
    suppliedSize: undefined,
    content,
    ...overrides,
  };
}

/** The draft with its signature document added. */
export async function signedDraft(
  draft: SubmissionDraft,
  by: IssuedCertificate = aSigningCertificate(),
): Promise<SubmissionDraft> {
  return { ...draft, documents: [...draft.documents, await signatureDocument(draft, by)] };
}
