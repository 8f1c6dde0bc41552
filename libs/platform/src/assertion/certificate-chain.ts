import type { X509Crl } from '@peculiar/x509';
import { type KeyObject, X509Certificate, createHash } from 'node:crypto';
import type { Principal } from '@passerelle/domain';
import { principalFromCertificate } from '../pki';
import { BoundedCache } from './bounded-cache';
import { type Refusal, refused } from './refusal';
import { type CrlSource, type RevocationCheck, SignerRevocation, crlSourceOf } from './revocation';

/** The signer of an access assertion, its x5c chain verified up to a trusted CA. */
export interface VerifiedSigner {
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
  /** The signer's PS or ORG identity; undefined when its subject fits neither profile. */
  readonly principal?: Principal;
  /** Where the validity periods of the whole chain, trust anchor included, overlap (epoch ms). */
  readonly validFrom: number;
  readonly validTo: number;
}

interface VerifiedChain {
  readonly signer: VerifiedSigner;
  readonly checkRevocation: RevocationCheck;
}

const VERIFIED_SIGNERS_CAPACITY = 1000;

/** Every certificate of a PEM bundle (the X509Certificate constructor reads only the first). */
export function parseCertificateBundle(pem: string | Buffer): X509Certificate[] {
  const blocks =
    pem.toString().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/**
 * Verifies x5c chains against the trusted CAs (TRUSTED_CA) and their CRLs (CRL_FILES). A leaf
 * that once chained to a trust anchor always does, so verified chains are cached by leaf
 * fingerprint; the validity window and revocation are checked again on every use. Failures are
 * not cached.
 */
export class SignerChainVerifier {
  private verified = new BoundedCache<string, VerifiedChain>(VERIFIED_SIGNERS_CAPACITY);
  private readonly crls: CrlSource;
  private revocation: SignerRevocation;
  private crlGeneration: number;

  /** `refuse`: the error a refused signer becomes (an access assertion's 401 by default). */
  constructor(
    private readonly anchors: readonly X509Certificate[],
    crls: CrlSource | readonly X509Crl[] = [],
    private readonly refuse: Refusal = refused,
  ) {
    if (anchors.length === 0) throw new Error('No trusted CA certificate to verify signers with');
    this.crls = crlSourceOf(crls);
    this.crlGeneration = this.crls.generation;
    this.revocation = new SignerRevocation(this.crls.crls, refuse);
  }

  /** `x5c`: base64 DER certificates, the signer's first (RFC 7515 §4.1.6). */
  signerOf(x5c: readonly string[], now: Date): VerifiedSigner {
    this.followCrlReload();
    const fingerprint = createHash('sha256').update(Buffer.from(x5c[0], 'base64')).digest('hex');
    let chain = this.verified.get(fingerprint);
    if (!chain) {
      chain = this.verifyChain(x5c.map((der) => certificateOf(der, this.refuse)));
      this.verified.set(fingerprint, chain);
    }
    checkValidity(chain.signer, now, this.refuse);
    chain.checkRevocation(now);
    return chain.signer;
  }

  /** Reloaded CRLs: re-index them, and forget the checks worked out from the previous ones. */
  private followCrlReload(): void {
    if (this.crls.generation === this.crlGeneration) return;
    this.crlGeneration = this.crls.generation;
    this.revocation = new SignerRevocation(this.crls.crls, this.refuse);
    this.verified = new BoundedCache(VERIFIED_SIGNERS_CAPACITY);
  }

  private verifyChain([leaf, ...intermediates]: X509Certificate[]): VerifiedChain {
    if (leaf.ca) throw this.refuse('its signing certificate is a CA certificate');
    const path = pathToAnchor(leaf, intermediates, this.anchors, this.refuse);
    const signer = {
      certificate: leaf,
      publicKey: leaf.publicKey,
      principal: profileOf(leaf),
      validFrom: Math.max(...path.map((cert) => Date.parse(cert.validFrom))),
      validTo: Math.min(...path.map((cert) => Date.parse(cert.validTo))),
    };
    return { signer, checkRevocation: this.revocation.checkFor(path) };
  }
}

/** leaf, the intermediates that issued each other, then the trust anchor. */
function pathToAnchor(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  refuse: Refusal,
): X509Certificate[] {
  const path = [leaf];
  let current = leaf;
  let anchor = anchors.find((ca) => isIssuedBy(current, ca));
  while (!anchor) {
    const issuer = intermediates.find(
      (ca) => ca.ca && !path.includes(ca) && isIssuedBy(current, ca),
    );
    if (!issuer) throw refuse('its x5c certificate chain does not lead to a trusted CA');
    path.push(issuer);
    current = issuer;
    anchor = anchors.find((ca) => isIssuedBy(current, ca));
  }
  return [...path, anchor];
}

function isIssuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

function checkValidity(signer: VerifiedSigner, now: Date, refuse: Refusal): void {
  const time = now.getTime();
  if (time < signer.validFrom || time > signer.validTo) {
    const from = new Date(signer.validFrom).toISOString();
    const to = new Date(signer.validTo).toISOString();
    throw refuse(`its x5c certificate chain is not valid now (valid from ${from} to ${to})`);
  }
}

function certificateOf(base64Der: string, refuse: Refusal): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(base64Der, 'base64'));
  } catch {
    throw refuse('its x5c header holds something that is not a DER certificate');
  }
}

function profileOf(cert: X509Certificate): Principal | undefined {
  try {
    return principalFromCertificate(cert);
  } catch {
    return undefined;
  }
}
