import type { EmergencyConsents, SubjectKind } from '@passerelle/access-control';
import type { NotificationPreferences, PatientRecord } from '@passerelle/domain';

export const PATIENT_RECORD_STORE = Symbol('PatientRecordStore');
export const ACCESS_STATE_WRITER = Symbol('AccessStateWriter');
export const ACCESS_DECISIONS_READER = Symbol('AccessDecisionsReader');

export interface PatientRecordStore {
  find(patientKey: string): Promise<PatientRecord | undefined>;
  /** Inserts the record unless one exists; returns the stored record and whether it was created. */
  openIfAbsent(record: PatientRecord): Promise<{ record: PatientRecord; created: boolean }>;
  setNotificationPreferences(
    patientKey: string,
    preferences: NotificationPreferences,
  ): Promise<void>;
  /** Changes the contact details given; those not given are kept. */
  setContactDetails(patientKey: string, contact: ContactDetails): Promise<void>;
}

/** Where the patient is told: an e-mail address, a phone number in E.164 form. */
export interface ContactDetails {
  readonly email?: string;
  readonly phone?: string;
}

export interface AuthorisationDeclaration {
  readonly patientKey: string;
  readonly subjectId: string;
  readonly subjectKind: SubjectKind;
  readonly state: 'valid' | 'forbidden';
  readonly expressConsent: boolean;
  readonly validUntil?: Date;
  readonly declaredBy: string;
}

export interface BlockChange {
  readonly patientKey: string;
  readonly subjectId: string;
  readonly subjectKind: SubjectKind;
  readonly blocked: boolean;
  readonly declaredBy: string;
}

/** The patient's access decisions, as changed by record management; scoped by patient. */
export interface AccessStateWriter {
  declareAuthorisation(declaration: AuthorisationDeclaration): Promise<void>;
  /** False when there was no authorisation to revoke. */
  revokeAuthorisation(patientKey: string, subjectId: string): Promise<boolean>;
  setBlocked(change: BlockChange): Promise<void>;
  declareMedecinTraitant(patientKey: string, subjectId: string, declaredBy: string): Promise<void>;
  /** False when the professional was not médecin traitant. */
  removeMedecinTraitant(patientKey: string, subjectId: string): Promise<boolean>;
  setEmergencyConsents(patientKey: string, consents: EmergencyConsents): Promise<void>;
  /** Closes (with a reason) or reopens the record; false when it does not exist. */
  setRecordStatus(patientKey: string, status: 'open' | 'closed', reason?: string): Promise<boolean>;
}

/** One decision of the record about a subject: whom it names, who recorded it and when. */
export interface DecisionEntry {
  readonly subjectId: string;
  readonly declaredBy: string;
  readonly declaredAt: Date;
}

/** A block, of a professional or a structure. */
export interface BlockEntry extends DecisionEntry {
  readonly subjectKind: SubjectKind;
}

export interface AuthorisationEntry extends BlockEntry {
  /** `expired`: valid until a `validUntil` now past. */
  readonly state: 'valid' | 'expired' | 'forbidden';
  readonly expressConsent: boolean;
  readonly validUntil?: Date;
}

/** Everything the patient decided about who may access his record. */
export interface AccessDecisions {
  readonly authorisations: readonly AuthorisationEntry[];
  readonly blocks: readonly BlockEntry[];
  /** Always professionals. */
  readonly medecinsTraitants: readonly DecisionEntry[];
  readonly emergencyConsents: EmergencyConsents;
}

/** The patient's access decisions as he reads them (his consents); scoped by patient. */
export interface AccessDecisionsReader {
  /** Each list oldest first; the default emergency consents when he set none. */
  list(patientKey: string): Promise<AccessDecisions>;
}
