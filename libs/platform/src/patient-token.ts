import type { PatientPrincipal } from '@passerelle/domain';

export const PATIENT_TOKEN_VERIFIER = Symbol('PatientTokenVerifier');

/** What a request under /fhir asks, for the token's scopes to be checked against. */
export interface ScopedRequest {
  readonly method: string;
  /** The path under /fhir, without the leading `/fhir/`. */
  readonly path: string;
}

/**
 * Verifies a patient token (DESIGN §9): signature, issuer, audience, expiry, revocation, and
 * the app's scopes for this request. Throws UNAUTHENTICATED (401) or FORBIDDEN (403).
 */
export interface PatientTokenVerifier {
  verify(token: string, request: ScopedRequest): Promise<PatientPrincipal>;
}
