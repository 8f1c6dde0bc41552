import type { AuthenticationMode } from '@passerelle/domain';
import { type IssuedCertificate, VIHF_CLAIMS } from '@passerelle/platform';
import { type KeyObject, X509Certificate, createPrivateKey, randomUUID } from 'node:crypto';
import { CompactSign, type CompactJWSHeaderParameters } from 'jose';

export interface AssertionRequest {
  /** Signs the assertion; its certificate is the first x5c entry. */
  readonly signer: IssuedCertificate;
  /**
   * The claims (see vihfClaims). iss, jti, iat and exp have defaults; a claim given as
   * undefined is left out.
   */
  readonly claims: Readonly<Record<string, unknown>>;
  /** RS256 for an RSA key, ES256 for an EC key, unless given. */
  readonly alg?: string;
  /** exp − iat in seconds; 600 unless given. */
  readonly expiresIn?: number;
  readonly issuedAt?: Date;
  /** PEM certificates following the signer's in x5c (intermediates). */
  readonly chain?: readonly string[];
  readonly headerOverrides?: Readonly<Record<string, unknown>>;
}

/** A compact JWS access assertion (FHIR form of the VIHF), for `Authorization: Bearer`. */
export async function mintAssertion(request: AssertionRequest): Promise<string> {
  const key = createPrivateKey(request.signer.keyPem);
  const header = {
    alg: request.alg ?? defaultAlgorithm(key),
    typ: 'JWT',
    x5c: [request.signer.certPem, ...(request.chain ?? [])].map(derBase64),
    ...request.headerOverrides,
  } as CompactJWSHeaderParameters;
  const payload = JSON.stringify(defaultedClaims(request));
  return new CompactSign(Buffer.from(payload)).setProtectedHeader(header).sign(key);
}

export interface AssertionAttributes {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly mode: AuthenticationMode;
  /** normal, bris_de_glace or centre_15; any text, to test refusals. */
  readonly purposeOfUse?: string;
  readonly accessReason?: string;
  readonly structureId?: string;
  readonly sectorCode?: string;
  readonly patientId?: string;
  readonly softwareName?: string;
  readonly softwareVersion?: string;
}

/** The claims of an assertion under their VIHF names. */
export function vihfClaims(attributes: AssertionAttributes): Record<string, unknown> {
  return {
    sub: attributes.sub,
    [VIHF_CLAIMS.role]: attributes.roles,
    [VIHF_CLAIMS.authenticationMode]: attributes.mode,
    [VIHF_CLAIMS.purposeOfUse]: attributes.purposeOfUse,
    [VIHF_CLAIMS.accessReason]: attributes.accessReason,
    [VIHF_CLAIMS.structureId]: attributes.structureId,
    [VIHF_CLAIMS.sectorCode]: attributes.sectorCode,
    [VIHF_CLAIMS.patientId]: attributes.patientId,
    [VIHF_CLAIMS.softwareName]: attributes.softwareName,
    [VIHF_CLAIMS.softwareVersion]: attributes.softwareVersion,
  };
}

function defaultedClaims(request: AssertionRequest): Record<string, unknown> {
  const issuedAt = Math.floor((request.issuedAt ?? new Date()).getTime() / 1000);
  return {
    iss: new X509Certificate(request.signer.certPem).subject.replace(/\n/g, ', '),
    jti: randomUUID(),
    iat: issuedAt,
    exp: issuedAt + (request.expiresIn ?? 600),
    ...request.claims,
  };
}

function defaultAlgorithm(key: KeyObject): string {
  return key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
}

function derBase64(certPem: string): string {
  return new X509Certificate(certPem).raw.toString('base64');
}
