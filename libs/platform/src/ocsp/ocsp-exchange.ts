import {
  BasicOCSPResponse,
  CertID,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
  id_kp_OCSPSigning,
  id_pkix_ocsp,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityInfoAccessSyntax,
  Certificate,
  Extension,
  id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import { X509Certificate, createHash, randomBytes, verify } from 'node:crypto';

const SHA1 = '1.3.14.3.2.26';
/** Accepted skew between the responder's clock and ours. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** One OCSP question: a certificate (by its issuer's name and key hashes and its serial). */
export interface OcspQuestion {
  readonly certificate: X509Certificate;
  readonly issuer: X509Certificate;
  readonly certId: CertID;
  /** The DER of the nonce extension's value, echoed by responders that support it. */
  readonly nonce: Buffer;
  /** The DER OCSPRequest (RFC 6960 §4.1), unsigned. */
  readonly der: Buffer;
}

/** What a verified response says of the certificate; `nextUpdate` absent: fresh only now. */
export interface OcspAnswer {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

/** A response that cannot be relied on (what OCSP_FAILURE decides about). */
export class OcspFailure extends Error {}

/** The CertID (SHA-1, as RFC 5019 responders expect) and a nonce-carrying OCSPRequest. */
export function ocspQuestion(certificate: X509Certificate, issuer: X509Certificate): OcspQuestion {
  const leaf = AsnConvert.parse(certificate.raw, Certificate);
  const issuing = AsnConvert.parse(issuer.raw, Certificate).tbsCertificate;
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: new OctetString(sha1(AsnConvert.serialize(issuing.subject))),
    issuerKeyHash: new OctetString(sha1(issuing.subjectPublicKeyInfo.subjectPublicKey)),
    serialNumber: leaf.tbsCertificate.serialNumber,
  });
  const nonce = Buffer.from(AsnConvert.serialize(new OctetString(randomBytes(16))));
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({
      requestList: [new Request({ reqCert: certId })],
      requestExtensions: [
        new Extension({ extnID: id_pkix_ocsp_nonce, extnValue: new OctetString(nonce) }),
      ],
    }),
  });
  const der = Buffer.from(AsnConvert.serialize(request));
  return { certificate, issuer, certId, nonce, der };
}

/**
 * Reads and verifies an OCSPResponse to `question` (RFC 6960): a successful basic response,
 * signed by the issuing CA or by a responder certificate that CA issued for id-kp-OCSPSigning
 * and valid now, echoing our nonce if it carries one, with a SingleResponse for our CertID
 * that is current (thisUpdate not in the future, nextUpdate not past). Throws OcspFailure.
 */
export function ocspAnswer(question: OcspQuestion, der: Buffer, now: Date): OcspAnswer {
  const response = parse(der, OCSPResponse, 'OCSPResponse');
  if (response.responseStatus !== OCSPResponseStatus.successful) {
    throw new OcspFailure(`responseStatus ${OCSPResponseStatus[response.responseStatus]}`);
  }
  const bytes = response.responseBytes;
  if (bytes?.responseType !== id_pkix_ocsp_basic) {
    throw new OcspFailure('not a basic OCSP response');
  }
  const basic = parse(Buffer.from(bytes.response.buffer), BasicOCSPResponse, 'BasicOCSPResponse');
  checkSignature(basic, question.issuer, now);
  const data = basic.tbsResponseData;
  const nonce = data.responseExtensions?.find(
    (extension) => extension.extnID === id_pkix_ocsp_nonce,
  );
  if (nonce && !Buffer.from(nonce.extnValue.buffer).equals(question.nonce)) {
    throw new OcspFailure('the nonce is not the one sent');
  }
  const single = data.responses.find((candidate) => sameCertId(candidate.certID, question.certId));
  if (!single) throw new OcspFailure('no answer for the certificate asked about');
  const time = now.getTime();
  if (single.thisUpdate.getTime() > time + CLOCK_SKEW_MS) {
    throw new OcspFailure('thisUpdate is in the future');
  }
  if (single.nextUpdate && single.nextUpdate.getTime() < time - CLOCK_SKEW_MS) {
    throw new OcspFailure('the answer is past its nextUpdate');
  }
  const status = single.certStatus.revoked
    ? 'revoked'
    : single.certStatus.good !== undefined
      ? 'good'
      : 'unknown';
  return { status, thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate };
}

/** The OCSP URLs of the certificate's Authority Information Access extension. */
export function aiaOcspUrls(certificate: X509Certificate): string[] {
  const extensions = AsnConvert.parse(certificate.raw, Certificate).tbsCertificate.extensions ?? [];
  const aia = extensions.find((extension) => extension.extnID === id_pe_authorityInfoAccess);
  if (!aia) return [];
  return AsnConvert.parse(aia.extnValue, AuthorityInfoAccessSyntax)
    .filter((access) => access.accessMethod === id_pkix_ocsp)
    .flatMap((access) => access.accessLocation.uniformResourceIdentifier ?? [])
    .filter((url) => /^https?:\/\//i.test(url));
}

function checkSignature(basic: BasicOCSPResponse, issuer: X509Certificate, now: Date): void {
  const hash = SIGNATURE_HASHES[basic.signatureAlgorithm.algorithm];
  if (!hash) {
    throw new OcspFailure(
      `signature algorithm ${basic.signatureAlgorithm.algorithm} not supported`,
    );
  }
  const signer = signerOf(basic, issuer, now);
  const tbs = Buffer.from(basic.tbsResponseDataRaw ?? AsnConvert.serialize(basic.tbsResponseData));
  let valid = false;
  try {
    valid = verify(hash, tbs, signer.publicKey, Buffer.from(basic.signature));
  } catch {
    valid = false; // e.g. an EC key for an RSA signature
  }
  if (!valid) throw new OcspFailure('the signature does not verify');
}

/** The issuing CA itself, or a delegated responder certificate it issued (RFC 6960 §4.2.2.2). */
function signerOf(basic: BasicOCSPResponse, issuer: X509Certificate, now: Date): X509Certificate {
  const responderId = basic.tbsResponseData.responderID;
  const candidates = [
    issuer,
    ...(basic.certs ?? []).map(
      (certificate) => new X509Certificate(Buffer.from(AsnConvert.serialize(certificate))),
    ),
  ];
  const signer = candidates.find((candidate) => {
    const tbs = AsnConvert.parse(candidate.raw, Certificate).tbsCertificate;
    if (responderId.byName) {
      return Buffer.from(AsnConvert.serialize(responderId.byName)).equals(
        Buffer.from(AsnConvert.serialize(tbs.subject)),
      );
    }
    return (
      responderId.byKey !== undefined &&
      Buffer.from(responderId.byKey.buffer).equals(sha1(tbs.subjectPublicKeyInfo.subjectPublicKey))
    );
  });
  if (!signer)
    throw new OcspFailure('the responder is neither the issuer nor a certificate it sent');
  if (signer === issuer) return issuer;
  if (!signer.checkIssued(issuer) || !signer.verify(issuer.publicKey)) {
    throw new OcspFailure('the responder certificate is not issued by the certificate issuer');
  }
  if (!(signer.keyUsage ?? []).includes(id_kp_OCSPSigning)) {
    throw new OcspFailure('the responder certificate is not for OCSP signing');
  }
  const time = now.getTime();
  if (time < Date.parse(signer.validFrom) || time > Date.parse(signer.validTo)) {
    throw new OcspFailure('the responder certificate is not valid now');
  }
  return signer;
}

function sameCertId(a: CertID, b: CertID): boolean {
  return (
    a.hashAlgorithm.algorithm === b.hashAlgorithm.algorithm &&
    Buffer.from(a.issuerNameHash.buffer).equals(Buffer.from(b.issuerNameHash.buffer)) &&
    Buffer.from(a.issuerKeyHash.buffer).equals(Buffer.from(b.issuerKeyHash.buffer)) &&
    serialHex(a.serialNumber) === serialHex(b.serialNumber)
  );
}

function serialHex(serial: ArrayBuffer): string {
  return Buffer.from(serial)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
}

function parse<T>(der: Buffer, type: new () => T, name: string): T {
  try {
    return AsnConvert.parse(der, type);
  } catch {
    throw new OcspFailure(`not a DER ${name}`);
  }
}

function sha1(data: ArrayBuffer | Buffer): Buffer {
  return createHash('sha1')
    .update(Buffer.from(data as ArrayBuffer))
    .digest();
}
