export const PATIENT_INVITATIONS = Symbol('PatientInvitations');

/** A legal representative of a minor (or protected adult), named when the record is opened. */
export interface LegalRepresentative {
  readonly email: string;
  readonly name: string;
}

/** Whom to invite to the patient's channel once a record is opened (DESIGN §9). */
export interface Invitation {
  readonly patientKey: string;
  readonly insValue: string;
  readonly patientName: string;
  readonly patientEmail?: string;
  readonly representatives: readonly LegalRepresentative[];
}

/**
 * Sends the activation codes of the patient's account and of his legal representatives'
 * accounts (the patient's channel implements it).
 */
export interface PatientInvitations {
  invite(invitation: Invitation): Promise<void>;
}
