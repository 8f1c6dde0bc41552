import { DSG_SIGNATURE_CODES } from '@passerelle/domain';
import { parseCertificateBundle } from '@passerelle/platform';
import { type SigningIdentity, signSubmission } from '@passerelle/signature';
import { invalidInput } from '../cli-error';
import { readOptionFile } from './mhd-client';
import type { Submission } from './submission';
import { freshSubmissionSetUniqueId } from './unique-ids';

/**
 * The signing identity of `push --sign`: --sign-cert / --sign-key, else the --cert / --key the
 * pusher already authenticates with. The certificate file may carry its intermediate CAs.
 */
export function signingIdentityOf(options: {
  readonly cert?: string;
  readonly key?: string;
  readonly signCert?: string;
  readonly signKey?: string;
}): SigningIdentity {
  const certPath = options.signCert ?? options.cert;
  const keyPath = options.signKey ?? options.key;
  if (!certPath || !keyPath) {
    throw invalidInput(
      '--sign needs a certificate and its key: --sign-cert and --sign-key, or --cert and --key',
    );
  }
  const certificates = parseCertificateBundle(readOptionFile('--sign-cert', certPath));
  if (certificates.length === 0) throw invalidInput(`No PEM certificate in ${certPath}`);
  return { certificates, keyPem: readOptionFile('--sign-key', keyPath).toString('utf8') };
}

/** The submission with its IHE DSG signature document, signed over the document's bytes. */
export async function withSignature(
  submission: Submission,
  identity: SigningIdentity,
): Promise<Submission> {
  const content = await signSubmission(identity, [
    { uniqueId: submission.document.uniqueId, bytes: submission.content },
  ]);
  const document = {
    ...submission.document,
    ...DSG_SIGNATURE_CODES,
    uniqueId: freshSubmissionSetUniqueId(),
    title: 'Signature du lot de soumission',
  };
  return { ...submission, signature: { document, content } };
}
