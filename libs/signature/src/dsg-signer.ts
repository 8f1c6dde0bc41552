import type { SignedContent } from '@passerelle/domain';
import { DOMParser } from '@xmldom/xmldom';
import { X509Certificate, createHash, createPrivateKey, webcrypto } from 'node:crypto';
import { DSIG, MANIFEST_TYPE, SHA256 } from './dsg-namespaces';
import { xades } from './xades-engine';

export interface SigningIdentity {
  /** The signer certificate first, then any intermediate CA certificates (PEM). */
  readonly certificates: readonly X509Certificate[];
  /** Its private key, PEM (PKCS#8 or PKCS#1 RSA, or SEC1/PKCS#8 EC P-256). */
  readonly keyPem: string;
}

const MANIFEST_ID = 'submission-manifest';

/**
 * The IHE DSG detached signature of a submission set: XAdES-BES over a ds:Manifest naming each
 * document as `urn:oid:<uniqueId>` with the SHA-256 of its bytes.
 */
export async function signSubmission(
  identity: SigningIdentity,
  documents: readonly SignedContent[],
  now = new Date(),
): Promise<Buffer> {
  const { SignedXml, xml } = xades();
  const [signer] = identity.certificates;
  const { key, algorithm } = await importSigningKey(identity.keyPem);
  const object = new xml.DataObject();
  object.LoadXml(manifestObject(documents));
  const signed = new SignedXml();
  signed.XmlSignature.ObjectList.Add(object);
  await signed.Sign(algorithm, key, new DOMParser().parseFromString('<x/>', 'text/xml'), {
    references: [
      { uri: `#${MANIFEST_ID}`, type: MANIFEST_TYPE, hash: 'SHA-256', transforms: ['exc-c14n'] },
    ],
    x509: identity.certificates.map((certificate) => certificate.raw.toString('base64')),
    signingCertificate: { certificate: signer.raw.toString('base64'), digestAlgorithm: 'SHA-256' },
    signingTime: { value: now },
  });
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${signed.toString()}`, 'utf8');
}

function manifestObject(documents: readonly SignedContent[]) {
  const references = documents.map(
    ({ uniqueId, bytes }) =>
      `<ds:Reference URI="urn:oid:${uniqueId}"><ds:DigestMethod Algorithm="${SHA256}"/>` +
      `<ds:DigestValue>${createHash('sha256').update(bytes).digest('base64')}</ds:DigestValue>` +
      '</ds:Reference>',
  );
  const xml =
    `<ds:Object xmlns:ds="${DSIG}"><ds:Manifest Id="${MANIFEST_ID}">` +
    references.join('') +
    '</ds:Manifest></ds:Object>';
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement;
}

async function importSigningKey(keyPem: string) {
  const key = createPrivateKey(keyPem);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const algorithm =
    key.asymmetricKeyType === 'ec'
      ? { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
      : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const imported = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  return { key: imported, algorithm };
}
