import type { AvailabilityStatus, Coded, PurposeOfUse, RecordStatus } from '@passerelle/domain';

/** What an actor wants to do with a patient's record. */
export type PatientAction =
  | 'record.status'
  | 'record.open'
  | 'record.manage'
  | 'consent.manage'
  | 'audit.read'
  | 'document.provide'
  | 'document.consult'
  | 'document.update'
  | 'document.delete';

/** The actor as the policy sees it: the certificate, the assertion and the directory merged. */
export interface Actor {
  readonly kind: 'PS' | 'ORG' | 'PATIENT';
  /** idNat_PS of a professional; the structure id of an ORG caller; a patient's account id. */
  readonly idNat: string;
  /** Structures the actor acts for (an ORG: its own). */
  readonly structureIds: readonly string[];
  /** Those the directory (or the ORG certificate) confirms; only they pass authorisations on. */
  readonly confirmedStructureIds: readonly string[];
  /** TRE_G15 profession (10 médecin, 21 pharmacien, 60 infirmier…). */
  readonly professionCode?: string;
  /** TRE_R38 specialty (SM26 médecine générale, SM25 médecine du travail…). */
  readonly specialtyCode?: string;
  readonly purposeOfUse: PurposeOfUse;
  /** Mode_Acces_Raison: mandatory for bris de glace. */
  readonly accessReason?: string;
  /** Insurers, mutuelles, the health-insurance fund's medical advisers: never let in. */
  readonly forbiddenActor: boolean;
  /**
   * The patient himself, with a patient token bound to the record (the patient's channel,
   * DESIGN §9). No certificate ever makes an actor the patient.
   */
  readonly patientChannel: boolean;
  /** On the patient's channel, a legal representative (a minor's parent) rather than the patient. */
  readonly legalRepresentative?: boolean;
}

export type AuthorisationState = 'none' | 'valid' | 'expired' | 'forbidden';

/** The patient's emergency consents; each one permits unless the patient refused it. */
export interface EmergencyConsents {
  readonly centre15: boolean;
  readonly otherProfessionals: boolean;
  readonly maskedDocuments: boolean;
}

/** What the record says about this actor, loaded once per request. */
export interface PatientAccessState {
  readonly recordStatus?: RecordStatus;
  /**
   * Closed (or its deletion requested) for longer than the patient may still read it
   * (LIFECYCLE_DELAYS.patientReadMonths).
   */
  readonly patientReadPeriodOver?: boolean;
  readonly authorisation: AuthorisationState;
  /** The worker's express consent, required for a médecin du travail. */
  readonly expressConsent: boolean;
  readonly blocked: boolean;
  readonly medecinTraitant: boolean;
  readonly emergencyConsents: EmergencyConsents;
}

/** The document metadata a document-level decision needs. */
export interface DocumentFacts {
  readonly typeCode: Coded;
  readonly confidentialityCodes: readonly Coded[];
  readonly status: AvailabilityStatus;
  /** Ids of the authors: persons (idNat) and institutions (structure ids). */
  readonly authorIds: readonly string[];
}

/** Why access was granted, for the audit trail and the patient's notifications. */
export type AccessBasis =
  | 'medecin-traitant'
  | 'authorisation'
  | 'bris_de_glace'
  | 'centre_15'
  | 'feeding'
  | 'author'
  | 'status-read'
  | 'patient'
  /** The professional directory, which holds no patient's data. */
  | 'directory';

export type DenialReason =
  | 'NO_RECORD'
  | 'FORBIDDEN_ACTOR'
  | 'RECORD_CLOSED'
  | 'RECORD_SUSPENDED'
  | 'RECORD_PURGED'
  | 'PATIENT_READ_PERIOD_OVER'
  | 'BLOCKED'
  | 'NO_AUTHORISATION'
  | 'AUTHORISATION_EXPIRED'
  | 'AUTHORISATION_FORBIDDEN'
  | 'EXPRESS_CONSENT_REQUIRED'
  | 'EMERGENCY_REASON_REQUIRED'
  | 'EMERGENCY_REFUSED_BY_PATIENT'
  | 'INDIRECT_CANNOT_CONSULT'
  | 'OUTSIDE_HABILITATION'
  | 'MASKED'
  | 'INVISIBLE_TO_PATIENT'
  | 'INVISIBLE_TO_LEGAL_REPRESENTATIVES'
  | 'DELETED'
  | 'NOT_AUTHOR'
  | 'NOT_FOR_HIMSELF'
  | 'PROFESSIONAL_ONLY'
  | 'NOT_A_MEDECIN'
  | 'PATIENT_ONLY'
  | 'PATIENT_AUTHOR_ONLY'
  | 'NOT_PERMITTED';

export type Decision =
  | { readonly allowed: true; readonly basis: AccessBasis; readonly emergency: boolean }
  | { readonly allowed: false; readonly reason: DenialReason };
