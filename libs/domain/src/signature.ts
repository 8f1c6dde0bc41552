/**
 * formatCode of an IHE DSG detached signature document (ITI TF-3 §5.5): a submission set's
 * signature, an XAdES signature over a manifest of the other documents' digests.
 */
export const DSG_DETACHED_FORMAT_CODE = 'urn:ihe:iti:dsg:detached:2014';

/** The other metadata of a DSG signature document (ITI TF-3 §5.5): a Digital Signature, E1762 (ASTM in JDV_J07). */
export const DSG_SIGNATURE_CODES = {
  classCode: { code: 'urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1', codeSystem: 'URN' },
  typeCode: { code: 'E1762', codeSystem: 'ASTM' },
  formatCode: { code: DSG_DETACHED_FORMAT_CODE, codeSystem: '1.3.6.1.4.1.19376.1.2.3' },
  mimeType: 'text/xml',
} as const;

/** Whether submission sets must be signed: `verified-if-present` checks those that are. */
export const SIGNATURE_POLICIES = ['required', 'verified-if-present', 'off'] as const;

export type SignaturePolicy = (typeof SIGNATURE_POLICIES)[number];

/** A document the signature's manifest may name, as `urn:oid:<uniqueId>`. */
export interface SignedContent {
  readonly uniqueId: string;
  readonly bytes: Buffer;
}

export interface SignedSubmission {
  /** The DSG signature document's bytes (XML). */
  readonly signature: Buffer;
  readonly submissionSetUniqueId?: string;
  /** Every other document of the submission: each must be in the manifest, with its digest. */
  readonly documents: readonly SignedContent[];
}

/** Who signed, from the signer certificate chained to a trusted CA. */
export interface SubmissionSigner {
  /** The certificate's subject distinguished name. */
  readonly subject: string;
  /** The name shown to people: a PS's given and family names, an ORG's service. */
  readonly name: string;
}

/** Verifies a submission set signature; a signature that does not hold is a SIGNATURE_INVALID. */
export interface SubmissionSignatureVerifier {
  verify(submission: SignedSubmission, now: Date): Promise<SubmissionSigner>;
}
