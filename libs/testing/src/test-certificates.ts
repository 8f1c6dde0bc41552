import {
  type CertificateRequest,
  type IssuedCertificate,
  issueCertificate,
} from '@passerelle/platform';
import { X509Certificate, generateKeyPairSync, sign } from 'node:crypto';
import * as forge from 'node-forge';

const { asn1, pki } = forge;
type Asn1 = forge.asn1.Asn1;

// Fields of a v3 TBSCertificate: version, serial, signature, issuer, validity, subject, SPKI, [3].
const SUBJECT_PUBLIC_KEY_INFO = 6;
const EXTENSIONS = 7;

// Public in node-forge but missing from @types/node-forge.
const certificateExtensionsToAsn1 = (
  pki as unknown as { certificateExtensionsToAsn1: (extensions: object[]) => Asn1 }
).certificateExtensionsToAsn1;

/**
 * A certificate for a P-256 key (ES256), signed by an RSA issuer. The PKI toolkit issues RSA
 * keys only (forge knows no EC): its certificate gets the EC key and is signed again. Its
 * subjectKeyIdentifier still names the discarded RSA key, which nothing here relies on.
 */
export function issueEcCertificate(
  issuer: IssuedCertificate,
  request: CertificateRequest,
): IssuedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const certPem = reissued(issueCertificate(issuer, request), issuer, (fields) => {
    fields[SUBJECT_PUBLIC_KEY_INFO] = asn1.fromDer(spki.toString('binary'));
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** An intermediate CA under `issuer` (the toolkit issues root CAs and leaves only). */
export function issueIntermediateCa(
  issuer: IssuedCertificate,
  commonName: string,
): IssuedCertificate {
  const template = issueCertificate(issuer, {
    subject: [[{ type: 'CN', value: commonName }]],
    kind: 'client',
  });
  const certPem = reissued(template, issuer, (fields) => {
    fields[EXTENSIONS] = caExtensions(template);
  });
  return { certPem, keyPem: template.keyPem };
}

function caExtensions(template: IssuedCertificate): Asn1 {
  const cert = pki.createCertificate();
  cert.publicKey = pki.certificateFromPem(template.certPem).publicKey;
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return certificateExtensionsToAsn1(cert.extensions as object[]);
}

function reissued(
  template: IssuedCertificate,
  issuer: IssuedCertificate,
  edit: (tbsFields: Asn1[]) => void,
): string {
  const raw = new X509Certificate(template.certPem).raw;
  const [tbs, signatureAlgorithm] = asn1.fromDer(raw.toString('binary')).value as Asn1[];
  edit(tbs.value as Asn1[]);
  const signature = sign('sha256', der(tbs), issuer.keyPem);
  const signed = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    signatureAlgorithm,
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.BITSTRING,
      false,
      `\x00${signature.toString('binary')}`,
    ),
  ]);
  return new X509Certificate(der(signed)).toString();
}

function der(structure: Asn1): Buffer {
  return Buffer.from(asn1.toDer(structure).getBytes(), 'binary');
}
