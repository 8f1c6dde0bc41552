import type { PatientAccessState } from './policy/access-request';

export const ACCESS_STATE_STORE = Symbol('AccessStateStore');

/** What the record says about one actor, for the access decision; scoped by patient. */
export interface AccessStateStore {
  /**
   * Everything a decision needs about (patient, actor), in one read. The actor is authorised
   * when he or a structure he acts for holds a valid authorisation, refused when any of them
   * holds a forbidden one, blocked when any of them is; médecin traitant and the express
   * consent are his own.
   */
  load(
    patientKey: string,
    subjectId: string,
    structureIds: readonly string[],
  ): Promise<PatientAccessState>;
}
