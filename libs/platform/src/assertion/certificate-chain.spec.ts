import 'reflect-metadata';
import { DomainError } from '@passerelle/domain';
import { issueIntermediateCa } from '@passerelle/testing';
import { X509Crl } from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';
import {
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  issueCrl,
  orgSubject,
} from '../pki';
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

describe('SignerChainVerifier with CRLs', () => {
  const now = new Date();
  const serialOf = (issued: IssuedCertificate) => x509(issued).serialNumber;
  const crl = (issuer: IssuedCertificate, revoked: IssuedCertificate[], validDays?: number) =>
    new X509Crl(issueCrl(issuer, revoked.map(serialOf), { validDays }));
  let revoked: IssuedCertificate;
  let revokedIntermediate: IssuedCertificate;
  let leafOfRevokedIntermediate: IssuedCertificate;
  /** A CA named as `intermediate`, with another key: its CRLs do not verify for `intermediate`. */
  let impostor: IssuedCertificate;

  beforeAll(() => {
    revoked = issueCertificate(intermediate, { subject, kind: 'client' });
    revokedIntermediate = issueIntermediateCa(root, 'Chain Test Revoked Intermediate');
    leafOfRevokedIntermediate = issueCertificate(revokedIntermediate, { subject, kind: 'client' });
    impostor = createRootCa('Chain Test Intermediate');
  });

  it('refuses a signer its issuer has revoked, and accepts the others', () => {
    const verifier = new SignerChainVerifier([x509(root)], [crl(intermediate, [revoked])]);

    expect(refusalOf(() => verifier.signerOf(x5c(revoked, intermediate), now))).toMatch(
      /its signing certificate has been revoked/,
    );
    expect(verifier.signerOf(x5c(leaf, intermediate), now).principal?.kind).toBe('ORG');
  });

  it('refuses a signer whose intermediate CA is revoked', () => {
    const verifier = new SignerChainVerifier([x509(root)], [crl(root, [revokedIntermediate])]);

    expect(
      refusalOf(() => verifier.signerOf(x5c(leafOfRevokedIntermediate, revokedIntermediate), now)),
    ).toMatch(/CA certificate of its x5c chain has been revoked/);
    expect(verifier.signerOf(x5c(leaf, intermediate), now).principal?.kind).toBe('ORG');
  });

  it("ignores a CRL of another issuer, even one listing the signer's serial", () => {
    const verifier = new SignerChainVerifier([x509(root)], [crl(root, [revoked])]);

    expect(verifier.signerOf(x5c(revoked, intermediate), now).principal?.kind).toBe('ORG');
  });

  it("ignores a CRL in the issuer's name whose signature does not verify", () => {
    const verifier = new SignerChainVerifier(
      [x509(root)],
      [crl(impostor, [revoked]), crl(impostor, [], -1)],
    );

    expect(verifier.signerOf(x5c(revoked, intermediate), now).principal?.kind).toBe('ORG');
  });

  it("refuses every signer once its issuer's CRL is past nextUpdate", () => {
    const verifier = new SignerChainVerifier([x509(root)], [crl(intermediate, [], 1)]);

    expect(verifier.signerOf(x5c(leaf, intermediate), now).principal?.kind).toBe('ORG');
    expect(
      refusalOf(() => verifier.signerOf(x5c(leaf), new Date(now.getTime() + 2 * DAY_MS))),
    ).toMatch(/the CRL of its issuer has expired/);
  });

  it('accepts a signer while a newer CRL of its issuer is current', () => {
    const crls = [crl(intermediate, [], 1), crl(intermediate, [], 7)];
    const verifier = new SignerChainVerifier([x509(root)], crls);
    const later = new Date(now.getTime() + 2 * DAY_MS);

    expect(verifier.signerOf(x5c(leaf, intermediate), later).principal?.kind).toBe('ORG');
  });

  it('checks revocation on every use of a cached chain, without verifying signatures again', () => {
    const verifier = new SignerChainVerifier([x509(root)], [crl(intermediate, [revoked])]);
    refusalOf(() => verifier.signerOf(x5c(revoked, intermediate), now));
    const verify = jest.spyOn(X509Certificate.prototype, 'verify');
    try {
      expect(refusalOf(() => verifier.signerOf(x5c(revoked), now))).toMatch(/revoked/);
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('follows reloaded CRLs: a signer accepted (and cached) is refused once its serial is listed', () => {
    const source = { generation: 0, crls: [crl(intermediate, [])] };
    const verifier = new SignerChainVerifier([x509(root)], source);
    expect(verifier.signerOf(x5c(revoked, intermediate), now).principal?.kind).toBe('ORG');

    Object.assign(source, { generation: 1, crls: [crl(intermediate, [revoked])] });

    expect(refusalOf(() => verifier.signerOf(x5c(revoked, intermediate), now))).toMatch(
      /its signing certificate has been revoked/,
    );
    expect(verifier.signerOf(x5c(leaf, intermediate), now).principal?.kind).toBe('ORG');
  });
});
