import type { EmergencyConsents, PatientAccessState } from './policy/access-request';

export const ACCESS_STATE_STORE = Symbol('AccessStateStore');

export interface AuthorisationDeclaration {
  readonly patientKey: string;
  readonly subjectId: string;
  readonly state: 'valid' | 'forbidden';
  readonly expressConsent: boolean;
  readonly validUntil?: Date;
  readonly declaredBy: string;
}

/** The patient's access decisions, as stored; every method is scoped by patient. */
export interface AccessStateStore {
  /** Everything a decision needs about (patient, actor), in one read. */
  load(patientKey: string, subjectId: string): Promise<PatientAccessState>;
  declareAuthorisation(declaration: AuthorisationDeclaration): Promise<void>;
  revokeAuthorisation(patientKey: string, subjectId: string): Promise<boolean>;
  setBlocked(
    patientKey: string,
    subjectId: string,
    blocked: boolean,
    declaredBy: string,
  ): Promise<void>;
  declareMedecinTraitant(patientKey: string, subjectId: string, declaredBy: string): Promise<void>;
  setEmergencyConsents(patientKey: string, consents: EmergencyConsents): Promise<void>;
  /** Closes (with a reason) or reopens the record; false when it does not exist. */
  setRecordStatus(patientKey: string, status: 'open' | 'closed', reason?: string): Promise<boolean>;
}
