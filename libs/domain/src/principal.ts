/** Who acts: built from the verified client certificate (and, later, the access assertion). */

export type AuthenticationMode = 'DIRECTE' | 'INDIRECTE' | 'INDIRECTE_RENFORCEE';

export type PurposeOfUse = 'normal' | 'bris_de_glace' | 'centre_15';

interface CertificateIdentity {
  readonly serialNumber: string;
  readonly issuer: string;
  readonly fingerprint256: string;
}

/** A health professional authenticated by a CPS-style (PS) certificate. */
export interface ProfessionalPrincipal {
  readonly kind: 'PS';
  /** idNat_PS: 8+RPPS, 0+ADELI, 3+FINESS-based (CPE). */
  readonly subjectId: string;
  readonly family: string;
  readonly given: string;
  /** TRE_G15 profession code derived from the certificate's T= label, when known. */
  readonly professionCode?: string;
  readonly professionLabel: string;
  readonly authenticationMode: AuthenticationMode;
  readonly purposeOfUse: PurposeOfUse;
  readonly certificate: CertificateIdentity;
}

/** An establishment's system authenticated by an ORG certificate: never a person. */
export interface OrganisationPrincipal {
  readonly kind: 'ORG';
  /** Structure idNat from OU, e.g. 1+FINESS. */
  readonly subjectId: string;
  readonly serviceName: string;
  readonly organisationName: string;
  readonly authenticationMode: AuthenticationMode;
  readonly purposeOfUse: PurposeOfUse;
  readonly certificate: CertificateIdentity;
}

export type Principal = ProfessionalPrincipal | OrganisationPrincipal;

/** A short, stable label for audit and `openedBy` fields. */
export function principalLabel(principal: Principal): string {
  return `${principal.kind}:${principal.subjectId}`;
}
