import type { Submitter } from './model';

/** Who acts: built from the verified client certificate and, when sent, the access assertion. */

export type AuthenticationMode = 'DIRECTE' | 'INDIRECTE' | 'INDIRECTE_RENFORCEE';

export type PurposeOfUse = 'normal' | 'bris_de_glace' | 'centre_15';

interface CertificateIdentity {
  readonly serialNumber: string;
  readonly issuer: string;
  readonly fingerprint256: string;
}

/** The verified access assertion (VIHF) a request carried. */
export interface AssertionIdentity {
  /** jti */
  readonly id: string;
  /** iss */
  readonly issuer: string;
  /** Subject of the certificate that signed the assertion (the x5c leaf), as Node prints it. */
  readonly signerSubject: string;
  readonly expiresAt: Date;
  /** Set when its signature used SHA-1 and ASSERTION_SHA1 accepted it: kept in the audit. */
  readonly digest?: 'SHA-1';
}

/** LPS_Nom / LPS_Version: the software the request comes from. */
export interface SoftwareIdentity {
  readonly name?: string;
  readonly version?: string;
}

/** The access assertion's attributes (VIHF), also the principal's once verified. */
export interface AccessAttributes {
  readonly authenticationMode: AuthenticationMode;
  readonly purposeOfUse: PurposeOfUse;
  /** Mode_Acces_Raison: the emergency reason, always present for bris_de_glace. */
  readonly accessReason?: string;
  /**
   * urn:oasis:names:tc:xacml:2.0:subject:role codes: TRE_G15 profession, TRE_R38 specialty
   * (e.g. SM26) or AUTOMATE. Without an assertion, a PS has its certificate's profession code.
   */
  readonly roles: readonly string[];
  /**
   * Identifiant_Structure; when the assertion gives none, an ORG caller's own structure or the
   * structure of practice a PS certificate names in its OU.
   */
  readonly structureId?: string;
  /** Secteur_Activite */
  readonly sectorCode?: string;
  /** urn:oasis:names:tc:xacml:2.0:resource:resource-id, as given (e.g. `NIR^^^&OID&ISO`). */
  readonly patientId?: string;
  readonly software?: SoftwareIdentity;
}

/** What the caller acts as and for: from the assertion, or certificate defaults without one. */
interface AccessContext extends AccessAttributes {
  readonly assertion?: AssertionIdentity;
  readonly certificate: CertificateIdentity;
}

/** A health professional authenticated by a CPS-style (PS) certificate. */
export interface ProfessionalPrincipal extends AccessContext {
  readonly kind: 'PS';
  /** idNat_PS: 8+RPPS, 0+ADELI, 3+FINESS-based (CPE). */
  readonly subjectId: string;
  readonly family: string;
  readonly given: string;
  /** TRE_G15 profession code derived from the certificate's T= label, when known. */
  readonly professionCode?: string;
  readonly professionLabel: string;
}

/** An establishment's system authenticated by an ORG certificate: never a person. */
export interface OrganisationPrincipal extends AccessContext {
  readonly kind: 'ORG';
  /** Structure idNat from OU, e.g. 1+FINESS. */
  readonly subjectId: string;
  readonly serviceName: string;
  readonly organisationName: string;
  /** The person acting or responsible (the assertion's sub); absent without an assertion. */
  readonly responsibleSubjectId?: string;
}

/** Authenticated by a client certificate of the IGC-Santé profiles (and an assertion). */
export type CertifiedPrincipal = ProfessionalPrincipal | OrganisationPrincipal;

/** `PATIENT`: the patient himself; `REPRESENTANT_LEGAL`: a minor's legal representative. */
export type PatientRole = 'PATIENT' | 'REPRESENTANT_LEGAL';

/** The patient token a request carried (DESIGN §9), once verified. */
export interface PatientTokenIdentity {
  /** jti */
  readonly id: string;
  /** The app the patient logged in to (the OAuth client). */
  readonly clientId: string;
  /** The grant the token was issued under: revoked at logout. */
  readonly grantId: string;
  readonly expiresAt: Date;
}

/**
 * The patient — or a legal representative — on the patient's channel, with a patient token
 * bound to one record. No certificate ever makes a principal the patient.
 */
export interface PatientPrincipal {
  readonly kind: 'PATIENT';
  readonly role: PatientRole;
  /** The patient account (the token's `sub`). */
  readonly subjectId: string;
  /** The one record the token reaches. */
  readonly patientKey: string;
  /** Shown in the access history: the account holder's name or e-mail. */
  readonly name: string;
  readonly token: PatientTokenIdentity;
  readonly purposeOfUse: 'normal';
}

export type Principal = CertifiedPrincipal | PatientPrincipal;

/** A short, stable label for audit and `openedBy` fields. */
export function principalLabel(principal: Principal): string {
  return `${principal.kind}:${principal.subjectId}`;
}

/** The provider recorded on the documents this principal submits. */
export function submitterOf(principal: Principal): Submitter {
  switch (principal.kind) {
    case 'PS':
      return { kind: 'PS', subjectId: principal.subjectId, structureId: principal.structureId };
    case 'ORG':
      return { kind: 'ORG', subjectId: principal.subjectId, structureId: principal.subjectId };
    case 'PATIENT':
      return { kind: 'PATIENT', subjectId: principal.subjectId };
  }
}
