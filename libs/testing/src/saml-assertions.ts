import type { IssuedCertificate } from '@passerelle/platform';
import { VIHF_CLAIMS } from '@passerelle/platform';
import { X509Certificate, randomUUID } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { AssertionAttributes } from './assertions';

const SAML2 = 'urn:oasis:names:tc:SAML:2.0:assertion';
const HL7V3 = 'urn:hl7-org:v3';

export interface SamlAssertionRequest {
  readonly signer: IssuedCertificate;
  readonly attributes: AssertionAttributes;
  /** NotOnOrAfter − IssueInstant in seconds; 600 unless given. */
  readonly expiresIn?: number;
  readonly issuedAt?: Date;
  /** rsa-sha256 unless given (the SHA-1 of older senders, to test its refusal). */
  readonly signatureAlgorithm?: string;
  readonly digestAlgorithm?: string;
}

/**
 * A VIHF-style SAML 2.0 Assertion as the DMP's SOAP form carries it: attributes under their
 * VIHF names (roles and purpose of use as HL7 v3 coded values), enveloped XML-DSig with
 * exclusive c14n, signing certificate in KeyInfo.
 */
export function mintSamlAssertion(request: SamlAssertionRequest): string {
  const id = `_${randomUUID()}`;
  const issuedAt = request.issuedAt ?? new Date();
  const expires = new Date(issuedAt.getTime() + (request.expiresIn ?? 600) * 1000);
  const issuer = new X509Certificate(request.signer.certPem).subject.replace(/\n/g, ', ');
  const unsigned =
    `<saml2:Assertion xmlns:saml2="${SAML2}" ID="${id}" IssueInstant="${issuedAt.toISOString()}" Version="2.0">` +
    `<saml2:Issuer>${escape(issuer)}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID>${escape(request.attributes.sub)}</saml2:NameID></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${issuedAt.toISOString()}" NotOnOrAfter="${expires.toISOString()}"/>` +
    `<saml2:AttributeStatement>${attributesXml(request.attributes)}</saml2:AttributeStatement>` +
    '</saml2:Assertion>';
  const signer = new SignedXml({
    privateKey: request.signer.keyPem,
    publicCert: request.signer.certPem,
    signatureAlgorithm:
      request.signatureAlgorithm ?? 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: `//*[@ID='${id}']`,
    uri: `#${id}`,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: request.digestAlgorithm ?? 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(unsigned, {
    location: { reference: `//*[local-name()='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

function attributesXml(attributes: AssertionAttributes): string {
  const coded = (element: string, code: string) =>
    `<${element} xmlns="${HL7V3}" code="${escape(code)}"/>`;
  const entries: [string, string[]][] = [
    [VIHF_CLAIMS.role, attributes.roles.map((role) => coded('Role', role))],
    [VIHF_CLAIMS.authenticationMode, text(attributes.mode)],
    [
      VIHF_CLAIMS.purposeOfUse,
      attributes.purposeOfUse ? [coded('PurposeOfUse', attributes.purposeOfUse)] : [],
    ],
    [VIHF_CLAIMS.accessReason, text(attributes.accessReason)],
    [VIHF_CLAIMS.structureId, text(attributes.structureId)],
    [VIHF_CLAIMS.sectorCode, text(attributes.sectorCode)],
    [VIHF_CLAIMS.patientId, text(attributes.patientId)],
    [VIHF_CLAIMS.softwareName, text(attributes.softwareName)],
    [VIHF_CLAIMS.softwareVersion, text(attributes.softwareVersion)],
  ];
  return entries
    .filter(([, values]) => values.length > 0)
    .map(
      ([name, values]) =>
        `<saml2:Attribute Name="${escape(name)}">${values
          .map((value) => `<saml2:AttributeValue>${value}</saml2:AttributeValue>`)
          .join('')}</saml2:Attribute>`,
    )
    .join('');
}

function text(value: string | undefined): string[] {
  return value === undefined ? [] : [escape(value)];
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
