import {
  DomainError,
  type SignedSubmission,
  type SubmissionSignatureVerifier,
  type SubmissionSigner,
} from '@passerelle/domain';
import {
  type CrlSource,
  SignerChainVerifier,
  type VerifiedSigner,
  childElementsOf,
} from '@passerelle/platform';
import type { X509Crl } from '@peculiar/x509';
import type { Element } from '@xmldom/xmldom';
import { type X509Certificate, createHash, webcrypto } from 'node:crypto';
import {
  DSIG,
  MANIFEST_TYPE,
  RSA_SHA256,
  ECDSA_SHA256,
  SHA256,
  SIGNED_PROPERTIES_TYPE,
  XADES,
} from './dsg-namespaces';
import { allElements, childOf, parseSignatureXml } from './signature-xml';
import { xades } from './xades-engine';

export function signatureRefused(reason: string): DomainError {
  return new DomainError('SIGNATURE_INVALID', `Submission set signature refused: ${reason}`);
}

const KEY_ALGORITHMS: Readonly<
  Record<string, webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams>
> = {
  [RSA_SHA256]: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  [ECDSA_SHA256]: { name: 'ECDSA', namedCurve: 'P-256' },
};

/**
 * Verifies an IHE DSG submission set signature (ITI TF-3 §5.5): an XAdES-BES ds:Signature whose
 * SignedInfo signs a ds:Manifest and the SignedProperties, the signer certificate of KeyInfo
 * chained to a trusted CA (validity and CRLs included) and named by SigningCertificate, and a
 * manifest that names every other document of the submission as `urn:oid:<uniqueId>` with the
 * SHA-256 of its bytes — XML-DSig leaves manifest references to the application, so they are
 * checked here, against the bytes received.
 */
export class XadesSubmissionVerifier implements SubmissionSignatureVerifier {
  private readonly signers: SignerChainVerifier;

  /** `anchors`, `crls`: TRUSTED_CA and CRL_FILES (reloaded), as for the access assertions' signers. */
  constructor(anchors: readonly X509Certificate[], crls: CrlSource | readonly X509Crl[] = []) {
    this.signers = new SignerChainVerifier(anchors, crls, signatureRefused);
  }

  async verify(submission: SignedSubmission, now: Date): Promise<SubmissionSigner> {
    const document = parseSignatureXml(submission.signature, signatureRefused);
    const signature = document.documentElement;
    if (signature?.namespaceURI !== DSIG || signature.localName !== 'Signature') {
      throw signatureRefused('its document element is not a ds:Signature');
    }
    const byId = uniqueIds(signature);
    const signedInfo = childOf(signature, DSIG, 'SignedInfo');
    const algorithm = childOf(signedInfo, DSIG, 'SignatureMethod')?.getAttribute('Algorithm');
    const keyAlgorithm = algorithm ? KEY_ALGORITHMS[algorithm] : undefined;
    if (!keyAlgorithm)
      throw signatureRefused(`its signature algorithm ${algorithm ?? '(none)'} is not accepted`);
    if (childElementsOf(signedInfo, DSIG, 'Reference').length !== 2) {
      throw signatureRefused(
        'its SignedInfo must sign its manifest and SignedProperties, nothing else',
      );
    }
    const manifest = signedObject(signedInfo, byId, MANIFEST_TYPE, DSIG, 'Manifest');
    const properties = signedObject(
      signedInfo,
      byId,
      SIGNED_PROPERTIES_TYPE,
      XADES,
      'SignedProperties',
    );

    const signer = this.signers.signerOf(certificatesOf(signature), now);
    await checkSignatureValue(signature, signer.certificate, keyAlgorithm);
    checkSigningCertificate(properties, signer.certificate);
    checkManifest(manifest, submission);
    return {
      subject: signer.certificate.subject.replace(/\n/g, ', '),
      name: nameOf(signer),
    };
  }
}

/** Ids, each once: a second element with the same Id could be the one a reference resolves to. */
function uniqueIds(root: Element): Map<string, Element> {
  const byId = new Map<string, Element>();
  for (const element of allElements(root)) {
    const id = element.getAttribute('Id');
    if (id === null) continue;
    if (byId.has(id)) throw signatureRefused(`the Id "${id}" is used twice`);
    byId.set(id, element);
  }
  return byId;
}

/** The element a SignedInfo reference of that Type points to, inside the signature. */
function signedObject(
  signedInfo: Element | undefined,
  byId: ReadonlyMap<string, Element>,
  type: string,
  ns: string,
  local: string,
): Element {
  const references = childElementsOf(signedInfo, DSIG, 'Reference').filter(
    (reference) => reference.getAttribute('Type') === type,
  );
  if (references.length !== 1) {
    throw signatureRefused(`its SignedInfo must sign exactly one ${local}`);
  }
  const uri = references[0].getAttribute('URI') ?? '';
  const target = uri.startsWith('#') ? byId.get(uri.slice(1)) : undefined;
  if (target?.namespaceURI !== ns || target.localName !== local) {
    throw signatureRefused(
      `its ${local} reference ${uri || '(none)'} names no ${local} of the signature`,
    );
  }
  return target;
}

function certificatesOf(signature: Element): string[] {
  const data = childOf(childOf(signature, DSIG, 'KeyInfo'), DSIG, 'X509Data');
  const certificates = childElementsOf(data, DSIG, 'X509Certificate').map(
    (element) => element.textContent?.replace(/\s+/g, '') ?? '',
  );
  if (certificates.length === 0 || certificates.some((base64) => base64 === '')) {
    throw signatureRefused('it must carry the signer certificate (KeyInfo/X509Data)');
  }
  return certificates;
}

/** xadesjs checks SignedInfo's digests and the signature value, with the chained key only. */
async function checkSignatureValue(
  signature: Element,
  certificate: X509Certificate,
  algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams,
): Promise<void> {
  const { SignedXml } = xades();
  const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
  let valid: boolean;
  try {
    const key = await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
    const signed = new SignedXml(signature.ownerDocument);
    signed.LoadXml(signature);
    valid = await signed.Verify(key);
  } catch (error) {
    throw signatureRefused(`it does not verify (${(error as Error).message.split('\n')[0]})`);
  }
  if (!valid) throw signatureRefused('its signature value does not verify');
}

/** XAdES-BES: SigningCertificate names the certificate that signed, by its SHA-256 digest. */
function checkSigningCertificate(properties: Element, certificate: X509Certificate): void {
  const signatureProperties = childOf(properties, XADES, 'SignedSignatureProperties');
  const signingCertificate =
    childOf(signatureProperties, XADES, 'SigningCertificateV2') ??
    childOf(signatureProperties, XADES, 'SigningCertificate');
  const expected = createHash('sha256').update(certificate.raw).digest('base64');
  const named = childElementsOf(signingCertificate, XADES, 'Cert').some((cert) => {
    const digest = childOf(cert, XADES, 'CertDigest');
    return (
      childOf(digest, DSIG, 'DigestMethod')?.getAttribute('Algorithm') === SHA256 &&
      childOf(digest, DSIG, 'DigestValue')?.textContent?.trim() === expected
    );
  });
  if (!named) {
    throw signatureRefused('its SigningCertificate does not name the signer certificate (SHA-256)');
  }
}

function checkManifest(manifest: Element, submission: SignedSubmission): void {
  const documents = new Map(submission.documents.map((document) => [document.uniqueId, document]));
  const listed = new Set<string>();
  for (const reference of childElementsOf(manifest, DSIG, 'Reference')) {
    const uri = reference.getAttribute('URI') ?? '';
    const uniqueId = uri.startsWith('urn:oid:') ? uri.slice('urn:oid:'.length) : undefined;
    if (uniqueId === undefined) {
      throw signatureRefused(`its manifest reference ${uri || '(none)'} is not urn:oid:<uniqueId>`);
    }
    if (listed.has(uniqueId)) throw signatureRefused(`its manifest names ${uri} twice`);
    listed.add(uniqueId);
    // DSG: the manifest of a submission set signature also names the set itself.
    if (uniqueId === submission.submissionSetUniqueId) continue;
    const document = documents.get(uniqueId);
    if (!document) {
      throw signatureRefused(`its manifest names ${uri}, which is no document of the submission`);
    }
    if (childOf(reference, DSIG, 'Transforms')) {
      throw signatureRefused(
        `its manifest reference ${uri} has transforms (the bytes are signed as sent)`,
      );
    }
    const method = childOf(reference, DSIG, 'DigestMethod')?.getAttribute('Algorithm');
    if (method !== SHA256) {
      throw signatureRefused(`its manifest digest algorithm ${method ?? '(none)'} is not accepted`);
    }
    const digest = childOf(reference, DSIG, 'DigestValue')?.textContent?.trim();
    if (digest !== createHash('sha256').update(document.bytes).digest('base64')) {
      throw signatureRefused(
        `the digest of ${uri} in its manifest differs from the document's bytes`,
      );
    }
  }
  const unsigned = submission.documents.find((document) => !listed.has(document.uniqueId));
  if (unsigned) {
    throw signatureRefused(`document urn:oid:${unsigned.uniqueId} is not in its manifest`);
  }
}

/** A PS by name, an ORG by service and structure, anyone else by the certificate's CN. */
function nameOf({ principal, certificate }: VerifiedSigner): string {
  if (principal?.kind === 'PS') return `${principal.given} ${principal.family}`;
  if (principal?.kind === 'ORG') return `${principal.serviceName} (${principal.organisationName})`;
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject);
  return cn ? cn[1] : certificate.subject.replace(/\n/g, ', ');
}
