import type {
  AccessAttributes,
  AuthenticationMode,
  PurposeOfUse,
  SoftwareIdentity,
} from '@passerelle/domain';
import { refused } from './refusal';

/** Claim names of the FHIR form of the VIHF: the attribute names of the SAML form. */
export const VIHF_CLAIMS = {
  role: 'urn:oasis:names:tc:xacml:2.0:subject:role',
  structureId: 'Identifiant_Structure',
  sectorCode: 'Secteur_Activite',
  patientId: 'urn:oasis:names:tc:xacml:2.0:resource:resource-id',
  purposeOfUse: 'urn:oasis:names:tc:xspa:1.0:subject:purposeofuse',
  accessReason: 'Mode_Acces_Raison',
  authenticationMode: 'Authentification_Mode',
  softwareName: 'LPS_Nom',
  softwareVersion: 'LPS_Version',
} as const;

/** Tolerated disagreement between the signer's clock and ours, on iat, nbf and exp. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * Longest accepted exp − iat: a working shift. A VIHF assertion is made for a session of the
 * professional's software, not for one request, but a stolen one must not stay usable for days.
 */
export const MAX_LIFETIME_SECONDS = 12 * 60 * 60;

const PURPOSES_OF_USE: readonly PurposeOfUse[] = ['normal', 'bris_de_glace', 'centre_15'];
const AUTHENTICATION_MODES: readonly AuthenticationMode[] = [
  'DIRECTE',
  'INDIRECTE',
  'INDIRECTE_RENFORCEE',
];

/** What a verified assertion says, its claims checked one by one. */
export interface AccessAssertion extends AccessAttributes {
  readonly id: string;
  readonly issuer: string;
  /** sub: the professional, or for an establishment's system the person responsible. */
  readonly subjectId: string;
  readonly expiresAt: Date;
}

type Claims = Readonly<Record<string, unknown>>;

/** The assertion in a verified JWS payload, refused unless every claim is well-formed and current. */
export function readAssertionClaims(payload: Uint8Array, now: Date): AccessAssertion {
  return readClaims(parseClaims(payload), now);
}

/**
 * The assertion in claims (the JWS payload, or the SAML form's attributes under the same names),
 * refused unless every claim is well-formed and current.
 */
export function readClaims(claims: Claims, now: Date): AccessAssertion {
  const expiresAt = checkValidityWindow(claims, now);
  const purpose = purposeOfUse(claims);
  return {
    id: requiredText(claims, 'jti'),
    issuer: requiredText(claims, 'iss'),
    subjectId: requiredText(claims, 'sub'),
    expiresAt,
    authenticationMode: authenticationMode(claims),
    ...purpose,
    roles: roles(claims),
    structureId: optionalText(claims, VIHF_CLAIMS.structureId),
    sectorCode: optionalText(claims, VIHF_CLAIMS.sectorCode),
    patientId: optionalText(claims, VIHF_CLAIMS.patientId),
    software: software(claims),
  };
}

function parseClaims(payload: Uint8Array): Claims {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw refused('its payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw refused('its payload is not a JSON object');
  }
  return claims as Claims;
}

/** iat and exp are required, nbf optional; returns the expiry. */
function checkValidityWindow(claims: Claims, now: Date): Date {
  const issuedAt = requiredNumericDate(claims, 'iat');
  const expiresAt = requiredNumericDate(claims, 'exp');
  if (expiresAt <= issuedAt) throw refused('exp is not after iat');
  if (expiresAt - issuedAt > MAX_LIFETIME_SECONDS) {
    throw refused(`its lifetime (exp − iat) exceeds ${MAX_LIFETIME_SECONDS / 3600} hours`);
  }
  const seconds = now.getTime() / 1000;
  if (seconds > expiresAt + CLOCK_SKEW_SECONDS)
    throw refused(`it expired at ${isoDate(expiresAt)}`);
  if (issuedAt > seconds + CLOCK_SKEW_SECONDS) {
    throw refused(`it is issued in the future (iat ${isoDate(issuedAt)})`);
  }
  const notBefore = claims.nbf === undefined ? undefined : requiredNumericDate(claims, 'nbf');
  if (notBefore !== undefined && notBefore > seconds + CLOCK_SKEW_SECONDS) {
    throw refused(`it is not valid before ${isoDate(notBefore)} (nbf)`);
  }
  return new Date(expiresAt * 1000);
}

function requiredNumericDate(claims: Claims, name: string): number {
  const value = claims[name];
  if (value === undefined) throw refused(`${name} is required`);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw refused(`${name} is not a NumericDate (seconds since the epoch)`);
  }
  return value;
}

function authenticationMode(claims: Claims): AuthenticationMode {
  const mode = requiredText(claims, VIHF_CLAIMS.authenticationMode);
  if (!AUTHENTICATION_MODES.includes(mode as AuthenticationMode)) {
    throw refused(
      `${VIHF_CLAIMS.authenticationMode} ${mode} is not one of ${AUTHENTICATION_MODES.join(', ')}`,
    );
  }
  return mode as AuthenticationMode;
}

/** Without a purpose of use the access is a normal one; bris_de_glace must say why. */
function purposeOfUse(claims: Claims): { purposeOfUse: PurposeOfUse; accessReason?: string } {
  const purpose = optionalText(claims, VIHF_CLAIMS.purposeOfUse) ?? 'normal';
  if (!PURPOSES_OF_USE.includes(purpose as PurposeOfUse)) {
    throw refused(`purpose of use ${purpose} is not one of ${PURPOSES_OF_USE.join(', ')}`);
  }
  const accessReason = optionalText(claims, VIHF_CLAIMS.accessReason);
  if (purpose === 'bris_de_glace' && accessReason === undefined) {
    throw refused(`bris_de_glace requires the reason in ${VIHF_CLAIMS.accessReason}`);
  }
  return { purposeOfUse: purpose as PurposeOfUse, accessReason };
}

function roles(claims: Claims): string[] {
  const value = claims[VIHF_CLAIMS.role];
  if (!Array.isArray(value) || value.length === 0) {
    throw refused(`${VIHF_CLAIMS.role} must be a non-empty array of role codes`);
  }
  return value.map((role) => checkedText(role, VIHF_CLAIMS.role));
}

function software(claims: Claims): SoftwareIdentity | undefined {
  const name = optionalText(claims, VIHF_CLAIMS.softwareName);
  const version = optionalText(claims, VIHF_CLAIMS.softwareVersion);
  return name === undefined && version === undefined ? undefined : { name, version };
}

function requiredText(claims: Claims, name: string): string {
  const value = optionalText(claims, name);
  if (value === undefined) throw refused(`${name} is required`);
  return value;
}

function optionalText(claims: Claims, name: string): string | undefined {
  const value = claims[name];
  return value === undefined ? undefined : checkedText(value, name);
}

// Control characters have no place in these values and would forge lines in logs and audit.
function checkedText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '' || /\p{Cc}/u.test(value)) {
    throw refused(`${name} must be a non-empty string without control characters`);
  }
  return value;
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
