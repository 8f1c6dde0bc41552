import 'reflect-metadata'; // @peculiar/x509 resolves its algorithms through tsyringe
import { X509Certificate as ParsedCertificate, X509Crl } from '@peculiar/x509';
import { type KeyObject, type X509Certificate, verify } from 'node:crypto';
import type { Refusal } from './refusal';

/** Nest token of the CRLs (CRL_FILES) the signers of access assertions are checked against. */
export const TRUSTED_CRLS = Symbol('TRUSTED_CRLS');

/** The CRLs in force (CRL_FILES as last reloaded); `generation` changes whenever they do. */
export interface CrlSource {
  readonly generation: number;
  readonly crls: readonly X509Crl[];
}

/** Fixed lists (tests, tools) read as a source that never changes. */
export function crlSourceOf(crls: CrlSource | readonly X509Crl[]): CrlSource {
  return isCrlList(crls) ? { generation: 0, crls } : crls;
}

function isCrlList(crls: CrlSource | readonly X509Crl[]): crls is readonly X509Crl[] {
  return Array.isArray(crls);
}

/** Every CRL of a PEM bundle. */
export function parseCrlBundle(pem: string): X509Crl[] {
  const blocks = pem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return blocks.map((block) => new X509Crl(block));
}

/** A CRL indexed once per (re)load; its signature is checked against a candidate issuer's key. */
export interface RevocationList {
  readonly issuer: string;
  readonly nextUpdate?: number;
  readonly revoked: ReadonlySet<string>;
  isSignedBy(key: KeyObject): boolean;
}

/** Checks a verified path on every use; throws the refusal of a revoked certificate. */
export type RevocationCheck = (now: Date) => void;

/**
 * The CRLs of the signers' chains. Which CRLs cover which certificate of a path (issuer name and
 * CRL signature) is worked out once per path; serials and nextUpdate are checked on every use.
 */
export class SignerRevocation {
  private readonly lists: readonly RevocationList[];

  constructor(
    crls: readonly X509Crl[],
    private readonly refuse: Refusal,
  ) {
    this.lists = crls.map(indexed);
  }

  /** `path`: leaf first, trust anchor last (the anchor itself is not checked). */
  checkFor(path: readonly X509Certificate[]): RevocationCheck {
    if (this.lists.length === 0) return () => undefined;
    const checks = path.slice(0, -1).flatMap((cert, index) => {
      const issuer = path[index + 1];
      const issuerName = new ParsedCertificate(issuer.raw).subject;
      const lists = this.lists.filter(
        (list) => list.issuer === issuerName && list.isSignedBy(issuer.publicKey),
      );
      if (lists.length === 0) return [];
      const [revoked, expired] =
        index === 0
          ? ['its signing certificate has been revoked', 'the CRL of its issuer has expired']
          : [
              'a CA certificate of its x5c chain has been revoked',
              'the CRL of a CA of its x5c chain has expired',
            ];
      return [{ serial: normalSerial(cert.serialNumber), lists, revoked, expired }];
    });
    return (now) => {
      for (const { serial, lists, revoked, expired } of checks) {
        if (lists.some((list) => list.revoked.has(serial))) throw this.refuse(revoked);
        // Fail closed, as Node's TLS does with CRL_HAS_EXPIRED, unless a newer CRL is current.
        const time = now.getTime();
        if (lists.every((list) => list.nextUpdate !== undefined && time > list.nextUpdate)) {
          throw this.refuse(expired);
        }
      }
    };
  }
}

/**
 * The signature is checked with node:crypto: X509Crl.verify is asynchronous (WebCrypto) and the
 * SAML verifier is not.
 */
export function indexed(crl: X509Crl): RevocationList {
  const tbs = tbsCertList(Buffer.from(crl.rawData));
  const signature = Buffer.from(crl.signature);
  const hash = hashOf(crl);
  return {
    issuer: crl.issuer,
    nextUpdate: crl.nextUpdate?.getTime(),
    revoked: new Set(crl.entries.map((entry) => normalSerial(entry.serialNumber))),
    isSignedBy: (key) => {
      try {
        return verify(hash, tbs, key, signature);
      } catch {
        return false; // e.g. an EC key for an RSA signature
      }
    },
  };
}

function hashOf(crl: X509Crl): string {
  // WebCrypto's shape, e.g. { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } }.
  const { name, hash } = crl.signatureAlgorithm as { name: string; hash?: { name: string } };
  const digest = hash?.name.replace('-', '').toLowerCase() ?? '';
  if (['RSASSA-PKCS1-v1_5', 'ECDSA'].includes(name) && /^sha(1|256|384|512)$/.test(digest)) {
    return digest;
  }
  throw new Error(`The CRL of ${crl.issuer} is signed with ${name}, which is not supported`);
}

/** The DER of the TBSCertList, the first element of the CertificateList SEQUENCE: what is signed. */
function tbsCertList(der: Buffer): Buffer {
  const start = derElement(der, 0).contentStart;
  return der.subarray(start, derElement(der, start).end);
}

function derElement(der: Buffer, at: number): { contentStart: number; end: number } {
  const first = der[at + 1];
  if (first === 0x80) throw new Error('A CRL must be DER (no indefinite length)');
  const lengthBytes = first < 0x80 ? 0 : first & 0x7f;
  const length = lengthBytes === 0 ? first : der.readUIntBE(at + 2, lengthBytes);
  const contentStart = at + 2 + lengthBytes;
  return { contentStart, end: contentStart + length };
}

/** Node prints serials in upper case, @peculiar/x509 in lower case with the sign byte. */
export function normalSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}
