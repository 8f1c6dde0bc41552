import type { SignedContent, SignedSubmission } from '@passerelle/domain';
import {
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  issueCrl,
  psSubject,
} from '@passerelle/platform';
import { X509Crl } from '@peculiar/x509';
import { X509Certificate, createHash } from 'node:crypto';
import { signSubmission } from './dsg-signer';
import { XadesSubmissionVerifier } from './xades-submission-verifier';

const DAY = 24 * 60 * 60 * 1000;
const ca = createRootCa('Signature Test CA');
const stranger = createRootCa('Untrusted CA');
const signerCert = issueCertificate(ca, {
  subject: psSubject({
    idNat: '810000000001',
    family: 'MARTIN',
    given: 'CLAIRE',
    professionLabel: 'Médecin',
  }),
  kind: 'client',
});

const documents: SignedContent[] = [
  { uniqueId: '1.2.250.1.999.7.1', bytes: Buffer.from('<ClinicalDocument>one</ClinicalDocument>') },
  { uniqueId: '1.2.250.1.999.7.2', bytes: Buffer.from('%PDF-1.4 two') },
];

const identity = (issued: IssuedCertificate) => ({
  certificates: [new X509Certificate(issued.certPem)],
  keyPem: issued.keyPem,
});

const verifier = new XadesSubmissionVerifier([new X509Certificate(ca.certPem)]);

async function signed(
  overrides: Partial<SignedSubmission> = {},
  by: IssuedCertificate = signerCert,
): Promise<SignedSubmission> {
  const signature = await signSubmission(identity(by), documents);
  return { signature, submissionSetUniqueId: '1.2.250.1.999.7', documents, ...overrides };
}

const refusal = (reason: RegExp): unknown =>
  expect.objectContaining({ code: 'SIGNATURE_INVALID', message: expect.stringMatching(reason) });

describe('XadesSubmissionVerifier (IHE DSG submission set signature)', () => {
  it('accepts a signature over every document and says who signed', async () => {
    const now = new Date();
    const signer = await verifier.verify(await signed(), now);
    expect(signer).toEqual({
      subject: expect.stringContaining('SN=MARTIN'),
      name: 'CLAIRE MARTIN',
    });
  });

  it('refuses a document whose bytes changed after signing', async () => {
    const submission = await signed();
    const tampered = [
      { ...documents[0], bytes: Buffer.from('<ClinicalDocument>1</ClinicalDocument>') },
      documents[1],
    ];
    await expect(
      verifier.verify({ ...submission, documents: tampered }, new Date()),
    ).rejects.toEqual(
      refusal(/digest of urn:oid:1\.2\.250\.1\.999\.7\.1 .* differs from the document's bytes/),
    );
  });

  it('refuses a manifest whose digest was changed after signing', async () => {
    const submission = await signed();
    const other = createHash('sha256').update('other bytes').digest('base64');
    const original = createHash('sha256').update(documents[0].bytes).digest('base64');
    const signature = Buffer.from(submission.signature.toString().replace(original, other));
    await expect(
      verifier.verify(
        {
          ...submission,
          signature,
          documents: [{ ...documents[0], bytes: Buffer.from('other bytes') }, documents[1]],
        },
        new Date(),
      ),
    ).rejects.toEqual(refusal(/does not verify \(.*Invalid digest for uri '#submission-manifest'/));
  });

  it('refuses a signature made with another key than the certificate it carries', async () => {
    const other = issueCertificate(stranger, {
      subject: [[{ type: 'CN', value: 'Other' }]],
      kind: 'client',
    });
    const signature = await signSubmission(
      { certificates: [new X509Certificate(signerCert.certPem)], keyPem: other.keyPem },
      documents,
    );
    await expect(
      verifier.verify(
        { signature, submissionSetUniqueId: '1.2.250.1.999.7', documents },
        new Date(),
      ),
    ).rejects.toEqual(refusal(/signature value does not verify/));
  });

  it('refuses a signer whose certificate does not chain to a trusted CA', async () => {
    const outsider = issueCertificate(stranger, {
      subject: [[{ type: 'CN', value: 'Outsider' }]],
      kind: 'client',
    });
    await expect(verifier.verify(await signed({}, outsider), new Date())).rejects.toEqual(
      refusal(/does not lead to a trusted CA/),
    );
  });

  it('refuses a signer whose certificate has expired', async () => {
    const expired = issueCertificate(ca, {
      subject: [[{ type: 'CN', value: 'Expired signer' }]],
      kind: 'client',
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    await expect(verifier.verify(await signed({}, expired), new Date())).rejects.toEqual(
      refusal(/not valid now/),
    );
  });

  it('refuses a signer whose certificate is revoked', async () => {
    const serial = new X509Certificate(signerCert.certPem).serialNumber;
    const crl = new X509Crl(issueCrl(ca, [serial]));
    const checking = new XadesSubmissionVerifier([new X509Certificate(ca.certPem)], [crl]);
    await expect(checking.verify(await signed(), new Date())).rejects.toEqual(
      refusal(/has been revoked/),
    );
  });

  it('refuses a manifest naming a document that is not in the submission', async () => {
    const submission = await signed();
    await expect(
      verifier.verify({ ...submission, documents: [documents[1]] }, new Date()),
    ).rejects.toEqual(
      refusal(/names urn:oid:1\.2\.250\.1\.999\.7\.1, which is no document of the submission/),
    );
  });

  it('refuses a submission document that the manifest does not name', async () => {
    const submission = await signed();
    const extra = { uniqueId: '1.2.250.1.999.7.3', bytes: Buffer.from('unsigned') };
    await expect(
      verifier.verify({ ...submission, documents: [...documents, extra] }, new Date()),
    ).rejects.toEqual(refusal(/urn:oid:1\.2\.250\.1\.999\.7\.3 is not in its manifest/));
  });

  it('refuses a signature document with a DTD, before any entity is read', async () => {
    const submission = await signed();
    const withDtd = submission.signature
      .toString()
      .replace(
        '<ds:Signature',
        '<!DOCTYPE ds:Signature [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<ds:Signature',
      );
    await expect(
      verifier.verify({ ...submission, signature: Buffer.from(withDtd) }, new Date()),
    ).rejects.toEqual(refusal(/DOCTYPE/));
  });

  it('refuses a SignedInfo that signs more than the manifest and the SignedProperties', async () => {
    const submission = await signed();
    const extra = submission.signature
      .toString()
      .replace(
        '</ds:SignedInfo>',
        '<ds:Reference URI=""><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AA==</ds:DigestValue></ds:Reference></ds:SignedInfo>',
      );
    await expect(
      verifier.verify({ ...submission, signature: Buffer.from(extra) }, new Date()),
    ).rejects.toEqual(refusal(/must sign its manifest and SignedProperties, nothing else/));
  });

  it('refuses XML that is not a ds:Signature', async () => {
    const submission = await signed();
    await expect(
      verifier.verify({ ...submission, signature: Buffer.from('<x/>') }, new Date()),
    ).rejects.toEqual(refusal(/not a ds:Signature/));
  });

  it('refuses a second element with the Id a signed reference names', async () => {
    const submission = await signed();
    const wrapped = submission.signature
      .toString()
      .replace(
        '</ds:Signature>',
        '<ds:Object><ds:Manifest Id="submission-manifest"/></ds:Object></ds:Signature>',
      );
    await expect(
      verifier.verify({ ...submission, signature: Buffer.from(wrapped) }, new Date()),
    ).rejects.toEqual(refusal(/Id "submission-manifest" is used twice/));
  });
});
