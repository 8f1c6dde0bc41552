import type { EmergencyConsents } from '@passerelle/access-control';
import type { PatientRecord } from '@passerelle/domain';

export const PATIENT_RECORD_STORE = Symbol('PatientRecordStore');
export const ACCESS_STATE_WRITER = Symbol('AccessStateWriter');

export interface PatientRecordStore {
  find(patientKey: string): Promise<PatientRecord | undefined>;
  /** Inserts the record unless one exists; returns the stored record and whether it was created. */
  openIfAbsent(record: PatientRecord): Promise<{ record: PatientRecord; created: boolean }>;
}

export interface AuthorisationDeclaration {
  readonly patientKey: string;
  readonly subjectId: string;
  readonly state: 'valid' | 'forbidden';
  readonly expressConsent: boolean;
  readonly validUntil?: Date;
  readonly declaredBy: string;
}

/** The patient's access decisions, as changed by record management; scoped by patient. */
export interface AccessStateWriter {
  declareAuthorisation(declaration: AuthorisationDeclaration): Promise<void>;
  /** False when there was no authorisation to revoke. */
  revokeAuthorisation(patientKey: string, subjectId: string): Promise<boolean>;
  setBlocked(
    patientKey: string,
    subjectId: string,
    blocked: boolean,
    declaredBy: string,
  ): Promise<void>;
  declareMedecinTraitant(patientKey: string, subjectId: string, declaredBy: string): Promise<void>;
  /** False when the professional was not médecin traitant. */
  removeMedecinTraitant(patientKey: string, subjectId: string): Promise<boolean>;
  setEmergencyConsents(patientKey: string, consents: EmergencyConsents): Promise<void>;
  /** Closes (with a reason) or reopens the record; false when it does not exist. */
  setRecordStatus(patientKey: string, status: 'open' | 'closed', reason?: string): Promise<boolean>;
}
