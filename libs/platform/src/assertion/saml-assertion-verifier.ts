import { Inject, Injectable, Optional } from '@nestjs/common';
import type { X509Crl } from '@peculiar/x509';
import type { X509Certificate } from 'node:crypto';
import type { CertifiedPrincipal } from '@passerelle/domain';
import { DOMParser, Element, Node as DomNode } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { VIHF_CLAIMS, readClaims } from './assertion-claims';
import { TRUSTED_CERTIFICATES, checkBinding, withAssertion } from './assertion-verifier';
import { SignerChainVerifier } from './certificate-chain';
import type { AssertionSha1Policy } from '../config';
import { childElementsOf } from '../xml-children';
import { refused } from './refusal';
import { type CrlSource, TRUSTED_CRLS } from './revocation';

const SAML2 = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const HL7V3 = 'urn:hl7-org:v3';

/** What the SOAP form of the VIHF may use: SHA-256 signatures, exclusive canonicalisation. */
const ACCEPTED = {
  signature: [
    'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ],
  digest: ['http://www.w3.org/2001/04/xmlenc#sha256'],
  canonicalization: [
    'http://www.w3.org/2001/10/xml-exc-c14n#',
    'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  ],
  transforms: [
    'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
    'http://www.w3.org/2001/10/xml-exc-c14n#',
    'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  ],
};

/** SHA-1, still in the DMP's own published assertions: accepted only by ASSERTION_SHA1. */
const SHA1 = {
  signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  digest: 'http://www.w3.org/2000/09/xmldsig#sha1',
};

/** Nest token of the ASSERTION_SHA1 policy (refuse unless provided). */
export const ASSERTION_SHA1_POLICY = Symbol('ASSERTION_SHA1_POLICY');

/**
 * Verifies the SOAP form of the access assertion (VIHF): a SAML 2.0 Assertion in
 * wsse:Security, enveloped XML-DSig with exclusive c14n, signer chained to TRUSTED_CA. Its
 * attributes are read from the signed content xml-crypto returns — never from the request's
 * own nodes — so a wrapped or moved element cannot be slipped in. The same claims and binding
 * rules as the JWS form then apply.
 */
@Injectable()
export class SamlAssertionVerifier {
  private readonly signers: SignerChainVerifier;

  constructor(
    @Inject(TRUSTED_CERTIFICATES) trusted: readonly X509Certificate[],
    @Inject(TRUSTED_CRLS) crls: CrlSource | readonly X509Crl[] = [],
    @Optional()
    @Inject(ASSERTION_SHA1_POLICY)
    private readonly sha1: AssertionSha1Policy = 'refuse',
  ) {
    this.signers = new SignerChainVerifier(trusted, crls);
  }

  /** `soapXml`: the SOAP envelope whose wsse:Security holds one saml2:Assertion. */
  verify(soapXml: string, presenter: CertifiedPrincipal, now = new Date()): CertifiedPrincipal {
    const assertion = assertionOf(parse(soapXml));
    const signature = signatureOf(assertion);
    const usesSha1 = checkAlgorithms(signature, assertion, this.sha1);
    const signer = this.signers.signerOf([signingCertificateOf(signature)], now);
    const signedXml = verifiedContent(soapXml, signature, signer.certificate.toString());
    const claims = claimsOf(assertionOf(parse(signedXml), false));
    const access = readClaims(claims, now);
    checkBinding(access, signer, presenter);
    const principal = withAssertion(presenter, access, signer);
    return usesSha1 ? withSha1Digest(principal) : principal;
  }
}

function parse(xml: string) {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw refused('DTDs are not accepted in the SOAP request');
  try {
    return new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml.replace(/^\uFEFF?\s+/, ''), 'text/xml');
  } catch (error) {
    // xmldom wraps what its handler throws; only the first line says what is wrong.
    throw refused(`its XML cannot be read (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The one Assertion: in wsse:Security of a SOAP envelope, or the document itself. */
function assertionOf(document: ReturnType<typeof parse>, inSecurityHeader = true): Element {
  const all = document.getElementsByTagNameNS(SAML2, 'Assertion');
  if (all.length !== 1)
    throw refused(`the request must carry one SAML Assertion, found ${all.length}`);
  const assertion = all[0];
  const parent = assertion.parentNode as Element | null;
  if (inSecurityHeader && (parent?.namespaceURI !== WSSE || parent.localName !== 'Security')) {
    throw refused('the SAML Assertion must be a child of wsse:Security');
  }
  return assertion;
}

function signatureOf(assertion: Element): Element {
  const signatures = childElementsOf(assertion, DSIG, 'Signature');
  if (signatures.length !== 1) throw refused('the Assertion must hold exactly one ds:Signature');
  return signatures[0];
}

function algorithmOf(parent: Element | undefined, local: string): string {
  return (parent && childElementsOf(parent, DSIG, local)[0]?.getAttribute('Algorithm')) ?? '';
}

/** Enveloped signature of the Assertion itself, with accepted algorithms only. */
/** Throws on an algorithm outside the accepted ones; true when SHA-1 was used (and accepted). */
function checkAlgorithms(
  signature: Element,
  assertion: Element,
  sha1: AssertionSha1Policy,
): boolean {
  const signedInfo = childElementsOf(signature, DSIG, 'SignedInfo')[0];
  const references = signedInfo ? childElementsOf(signedInfo, DSIG, 'Reference') : [];
  if (references.length !== 1) throw refused('its signature must have exactly one Reference');
  const [reference] = references;
  const id = assertion.getAttribute('ID');
  if (!id || reference.getAttribute('URI') !== `#${id}`) {
    throw refused('its signature must reference the Assertion (URI="#<Assertion ID>")');
  }
  const checks: [string, readonly string[], string][] = [
    [algorithmOf(signedInfo, 'SignatureMethod'), ACCEPTED.signature, 'signature algorithm'],
    [
      algorithmOf(signedInfo, 'CanonicalizationMethod'),
      ACCEPTED.canonicalization,
      'canonicalisation',
    ],
    [algorithmOf(reference, 'DigestMethod'), ACCEPTED.digest, 'digest algorithm'],
  ];
  const transforms = childElementsOf(reference, DSIG, 'Transforms')[0];
  for (const transform of transforms ? childElementsOf(transforms, DSIG, 'Transform') : []) {
    checks.push([transform.getAttribute('Algorithm') ?? '', ACCEPTED.transforms, 'transform']);
  }
  let usesSha1 = false;
  for (const [algorithm, accepted, what] of checks) {
    if (accepted.includes(algorithm)) continue;
    if (algorithm !== SHA1.signature && algorithm !== SHA1.digest) {
      throw refused(`its ${what} ${algorithm || '(none)'} is not accepted`);
    }
    if (sha1 === 'refuse') {
      throw refused(`its ${what} ${algorithm} (SHA-1) is not accepted (ASSERTION_SHA1=refuse)`);
    }
    usesSha1 = true;
  }
  return usesSha1;
}

function withSha1Digest(principal: CertifiedPrincipal): CertifiedPrincipal {
  const { assertion } = principal;
  return assertion ? { ...principal, assertion: { ...assertion, digest: 'SHA-1' } } : principal;
}

function signingCertificateOf(signature: Element): string {
  const keyInfo = childElementsOf(signature, DSIG, 'KeyInfo')[0];
  const data = keyInfo && childElementsOf(keyInfo, DSIG, 'X509Data')[0];
  const certificate = data && childElementsOf(data, DSIG, 'X509Certificate')[0];
  const base64 = certificate?.textContent?.replace(/\s+/g, '');
  if (!base64) throw refused('its signature must carry the signing certificate (KeyInfo/X509Data)');
  return base64;
}

/** Checks the signature and returns the XML it covers, as xml-crypto canonicalised it. */
function verifiedContent(soapXml: string, signature: Element, certificatePem: string): string {
  const verifier = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature);
  let valid = false;
  try {
    valid = verifier.checkSignature(soapXml);
  } catch (error) {
    throw refused(`its signature cannot be checked (${(error as Error).message.split('\n')[0]})`);
  }
  const signed = verifier.getSignedReferences();
  if (!valid || signed.length !== 1) throw refused('its signature does not verify');
  return signed[0];
}

function claimsOf(assertion: Element): Record<string, unknown> {
  const first = (ns: string, local: string, parent: DomNode = assertion) =>
    childElementsOf(parent, ns, local)[0];
  const subject = first(SAML2, 'Subject');
  const conditions = first(SAML2, 'Conditions');
  const statement = first(SAML2, 'AttributeStatement');
  const claims: Record<string, unknown> = {
    jti: assertion.getAttribute('ID') ?? undefined,
    iss: first(SAML2, 'Issuer')?.textContent?.trim(),
    sub: subject && first(SAML2, 'NameID', subject)?.textContent?.trim(),
    iat: seconds(assertion.getAttribute('IssueInstant')),
    nbf: seconds(conditions?.getAttribute('NotBefore')),
    exp: seconds(conditions?.getAttribute('NotOnOrAfter')),
  };
  for (const attribute of statement ? childElementsOf(statement, SAML2, 'Attribute') : []) {
    const name = attribute.getAttribute('Name') ?? '';
    const values = childElementsOf(attribute, SAML2, 'AttributeValue').map(attributeValue);
    claims[name] = name === VIHF_CLAIMS.role ? values : values[0];
  }
  return claims;
}

/** Text, or the `code` of an HL7 v3 coded value (Role, PurposeOfUse) as the DMP sends them. */
function attributeValue(value: Element): string | undefined {
  const coded = [
    ...childElementsOf(value, HL7V3, 'Role'),
    ...childElementsOf(value, HL7V3, 'PurposeOfUse'),
  ][0];
  if (coded) return coded.getAttribute('code') ?? undefined;
  return value.textContent?.trim();
}

function seconds(instant: string | null | undefined): number | undefined {
  if (!instant) return undefined;
  const time = Date.parse(instant);
  return Number.isNaN(time) ? Number.NaN : time / 1000;
}
