import { Inject, Injectable } from '@nestjs/common';
import type { X509Crl } from '@peculiar/x509';
import type { X509Certificate } from 'node:crypto';
import type {
  CertifiedPrincipal,
  OrganisationPrincipal,
  ProfessionalPrincipal,
} from '@passerelle/domain';
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import { type AccessAssertion, readAssertionClaims } from './assertion-claims';
import { SignerChainVerifier, type VerifiedSigner } from './certificate-chain';
import { refused } from './refusal';
import { type CrlSource, TRUSTED_CRLS } from './revocation';

/** Nest token of the CA certificates (TRUSTED_CA) client certificates and signers chain to. */
export const TRUSTED_CERTIFICATES = Symbol('TRUSTED_CERTIFICATES');

export const ASSERTION_ALGORITHMS: readonly string[] = ['RS256', 'ES256'];

const MAX_X5C_LENGTH = 5;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** TRE_G15 profession codes, as opposed to TRE_R38 specialties (SM26) or AUTOMATE. */
const PROFESSION_CODE = /^\d{2}$/;

/**
 * Verifies the FHIR form of the access assertion (VIHF), `Authorization: Bearer <JWS>`, against
 * the client certificate that presented it (DESIGN §3).
 */
@Injectable()
export class AssertionVerifier {
  private readonly signers: SignerChainVerifier;

  constructor(
    @Inject(TRUSTED_CERTIFICATES) trusted: readonly X509Certificate[],
    @Inject(TRUSTED_CRLS) crls: CrlSource | readonly X509Crl[] = [],
  ) {
    this.signers = new SignerChainVerifier(trusted, crls);
  }

  /** The presenter (the TLS client certificate's principal) with what the assertion says. */
  async verify(
    token: string,
    presenter: CertifiedPrincipal,
    now = new Date(),
  ): Promise<CertifiedPrincipal> {
    const signer = this.signers.signerOf(signingChainOf(token), now);
    const assertion = readAssertionClaims(await verifiedPayload(token, signer), now);
    checkBinding(assertion, signer, presenter);
    return withAssertion(presenter, assertion, signer);
  }
}

type ProtectedHeader = ReturnType<typeof decodeProtectedHeader>;

/** The x5c header of a compact JWS of an accepted algorithm. */
function signingChainOf(token: string): string[] {
  const x5c: unknown = acceptedHeaderOf(token).x5c;
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_X5C_LENGTH) {
    throw refused(`its x5c header must list 1 to ${MAX_X5C_LENGTH} certificates, signer first`);
  }
  if (!x5c.every((entry) => typeof entry === 'string' && BASE64.test(entry))) {
    throw refused('its x5c header must hold base64 DER certificates');
  }
  return x5c as string[];
}

function acceptedHeaderOf(token: string): ProtectedHeader {
  if (!COMPACT_JWS.test(token)) throw refused('it is not a compact JWS');
  let header: ProtectedHeader;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw refused('its protected header is not base64url-encoded JSON');
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !ASSERTION_ALGORITHMS.includes(alg)) {
    // Echoed only when it looks like an algorithm name: nothing in the header is verified yet.
    const shown = typeof alg === 'string' && /^[A-Za-z0-9]{1,16}$/.test(alg) ? alg : '(invalid)';
    throw refused(`alg ${shown} is not accepted (${ASSERTION_ALGORITHMS.join(' or ')})`);
  }
  return header;
}

async function verifiedPayload(token: string, signer: VerifiedSigner): Promise<Uint8Array> {
  try {
    const { payload } = await compactVerify(token, signer.publicKey, {
      algorithms: [...ASSERTION_ALGORITHMS],
    });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      throw refused('its signature does not verify with its x5c signing certificate');
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw refused(`it cannot be verified with its x5c signing certificate (${detail})`);
  }
}

/** The assertion belongs to the connection: DIRECTE to the card's holder, INDIRECTE to its structure. */
export function checkBinding(
  assertion: AccessAssertion,
  signer: VerifiedSigner,
  presenter: CertifiedPrincipal,
) {
  if (assertion.authenticationMode === 'DIRECTE') {
    if (presenter.kind !== 'PS') throw refused('DIRECTE mode needs a PS client certificate');
    checkDirect(assertion, signer, presenter);
  } else {
    if (presenter.kind !== 'ORG') {
      throw refused(`${assertion.authenticationMode} mode needs an ORG client certificate`);
    }
    checkIndirect(assertion, signer, presenter);
  }
}

/** Signed with the key of the card that opened the connection, for its holder. */
function checkDirect(
  assertion: AccessAssertion,
  signer: VerifiedSigner,
  presenter: ProfessionalPrincipal,
): void {
  if (signer.certificate.fingerprint256 !== presenter.certificate.fingerprint256) {
    throw refused('a DIRECTE assertion must be signed with the TLS client certificate');
  }
  if (assertion.subjectId !== presenter.subjectId) {
    throw refused(`sub ${assertion.subjectId} is not the certificate's idNat_PS`);
  }
  const otherProfession = assertion.roles.find(
    (role) => PROFESSION_CODE.test(role) && role !== presenter.professionCode,
  );
  if (presenter.professionCode && otherProfession) {
    throw refused(`role ${otherProfession} contradicts the certificate's profession`);
  }
}

/** Signed by an ORG certificate of the structure whose certificate opened the connection. */
function checkIndirect(
  assertion: AccessAssertion,
  signer: VerifiedSigner,
  presenter: OrganisationPrincipal,
): void {
  const mode = assertion.authenticationMode;
  if (signer.principal?.kind !== 'ORG') {
    throw refused(`an ${mode} assertion must be signed by an ORG certificate`);
  }
  if (signer.principal.subjectId !== presenter.subjectId) {
    throw refused(
      `it is signed for structure ${signer.principal.subjectId}, not the client certificate's`,
    );
  }
  if (assertion.structureId !== undefined && assertion.structureId !== presenter.subjectId) {
    throw refused(`Identifiant_Structure ${assertion.structureId} is not the certificate's`);
  }
}

/** The presenter with what the assertion says. */
export function withAssertion(
  presenter: CertifiedPrincipal,
  assertion: AccessAssertion,
  signer: VerifiedSigner,
): CertifiedPrincipal {
  const context = {
    authenticationMode: assertion.authenticationMode,
    purposeOfUse: assertion.purposeOfUse,
    accessReason: assertion.accessReason,
    roles: assertion.roles,
    structureId: assertion.structureId ?? presenter.structureId,
    sectorCode: assertion.sectorCode,
    patientId: assertion.patientId,
    software: assertion.software,
    assertion: {
      id: assertion.id,
      issuer: assertion.issuer,
      signerSubject: signer.certificate.subject,
      expiresAt: assertion.expiresAt,
    },
  };
  return presenter.kind === 'PS'
    ? { ...presenter, ...context }
    : { ...presenter, ...context, responsibleSubjectId: assertion.subjectId };
}
