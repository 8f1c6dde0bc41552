import { DomainError } from '@passerelle/domain';
import { issueIntermediateCa } from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { type IssuedCertificate, createRootCa, issueCertificate, orgSubject } from '../pki';
import { SignerChainVerifier, parseCertificateBundle } from './certificate-chain';

const DAY_MS = 24 * 3600_000;

const subject = orgSubject({
  serviceName: 'Service Imagerie',
  structureId: '1750000000',
  organisationName: 'CH de Test',
});
const root = createRootCa('Chain Test Root');
const intermediate = issueIntermediateCa(root, 'Chain Test Intermediate');
const leaf = issueCertificate(intermediate, { subject, kind: 'client' });
const x509 = (issued: IssuedCertificate) => new X509Certificate(issued.certPem);
const x5c = (...chain: IssuedCertificate[]) =>
  chain.map((cert) => x509(cert).raw.toString('base64'));

function refusalOf(verification: () => unknown): string {
  try {
    verification();
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
  throw new Error('expected the chain to be refused');
}

describe('parseCertificateBundle', () => {
  it('reads every certificate of a PEM bundle', () => {
    const bundle = `${root.certPem}\n${intermediate.certPem}`;

    expect(parseCertificateBundle(bundle).map((cert) => cert.subject)).toEqual([
      'CN=Chain Test Root',
      'CN=Chain Test Intermediate',
    ]);
  });
});

describe('SignerChainVerifier', () => {
  const now = new Date();

  it('verifies a leaf through the intermediates of x5c up to a trusted root', () => {
    const signer = new SignerChainVerifier([x509(root)]).signerOf(x5c(leaf, intermediate), now);

    expect(signer.certificate.fingerprint256).toBe(x509(leaf).fingerprint256);
    expect(signer.principal).toMatchObject({ kind: 'ORG', subjectId: '1750000000' });
  });

  it('accepts a leaf of a trusted intermediate, and a root sent in x5c', () => {
    const verifier = new SignerChainVerifier([x509(intermediate)]);

    expect(verifier.signerOf(x5c(leaf, intermediate, root), now).principal?.kind).toBe('ORG');
  });

  it('refuses a leaf whose intermediate is missing', () => {
    const verifier = new SignerChainVerifier([x509(root)]);

    expect(refusalOf(() => verifier.signerOf(x5c(leaf), now))).toMatch(/trusted CA/);
  });

  it('refuses an intermediate that is no CA', () => {
    const notCa = issueCertificate(root, { subject, kind: 'client' });
    const issuedByLeaf = issueCertificate(notCa, { subject, kind: 'client' });
    const verifier = new SignerChainVerifier([x509(root)]);

    expect(refusalOf(() => verifier.signerOf(x5c(issuedByLeaf, notCa), now))).toMatch(/trusted CA/);
  });

  it('verifies a leaf once, then only checks the validity window again', () => {
    const verifier = new SignerChainVerifier([x509(root)]);
    const verify = jest.spyOn(X509Certificate.prototype, 'verify');
    try {
      verifier.signerOf(x5c(leaf, intermediate), now);
      const signaturesChecked = verify.mock.calls.length;
      verifier.signerOf(x5c(leaf, intermediate), now);

      expect(signaturesChecked).toBeGreaterThan(0);
      expect(verify.mock.calls.length).toBe(signaturesChecked);
      expect(
        refusalOf(() => verifier.signerOf(x5c(leaf), new Date(now.getTime() + 400 * DAY_MS))),
      ).toMatch(/not valid now/);
    } finally {
      verify.mockRestore();
    }
  });

  it('does not cache a refusal', () => {
    const verifier = new SignerChainVerifier([x509(root)]);
    refusalOf(() => verifier.signerOf(x5c(leaf), now));

    expect(verifier.signerOf(x5c(leaf, intermediate), now).principal?.kind).toBe('ORG');
  });

  it('needs at least one trusted certificate', () => {
    expect(() => new SignerChainVerifier([])).toThrow(/No trusted CA/);
  });
});
