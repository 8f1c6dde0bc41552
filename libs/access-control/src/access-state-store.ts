import type { PatientAccessState } from './policy/access-request';

export const ACCESS_STATE_STORE = Symbol('AccessStateStore');

/** What the record says about one actor, for the access decision; scoped by patient. */
export interface AccessStateStore {
  /** Everything a decision needs about (patient, actor), in one read. */
  load(patientKey: string, subjectId: string): Promise<PatientAccessState>;
}
