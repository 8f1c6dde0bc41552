import type { DocumentEntry } from '@passerelle/domain';
import type { PatientAccessState } from './policy/access-request';

export const ACCESS_STATE_STORE = Symbol('AccessStateStore');

/** What the record says about one actor, for the access decision; scoped by patient. */
export interface AccessStateStore {
  /**
   * Everything a decision needs about (patient, actor), in one read. The actor is authorised
   * when he or a structure he is known to practise in holds a valid authorisation; refused when
   * he or any structure he acts for — even one he only claims — holds a forbidden one, blocked
   * likewise; médecin traitant and the express consent are his own.
   */
  load(
    patientKey: string,
    subjectId: string,
    structures: ActorStructures,
  ): Promise<PatientAccessState>;

  /** {@link load} for several records at once (one read), in the order of `patientKeys`. */
  loadEach(
    patientKeys: readonly string[],
    subjectId: string,
    structures: ActorStructures,
  ): Promise<PatientAccessState[]>;
}

/** The structures an actor acts for, and those of them that grant (DESIGN §4). */
export interface ActorStructures {
  /** Every structure he acts for: what the patient refused or blocked there applies to him. */
  readonly actingFor: readonly string[];
  /**
   * Those the directory (or an ORG certificate) confirms: only they pass their authorisation
   * on. A DIRECTE assertion's Identifiant_Structure is signed by the professional himself.
   */
  readonly confirmed: readonly string[];
}

/**
 * A document named by an id and the access state of its record for the actor, read together
 * (one round trip); no entry when the id names nothing, the state then that of no record.
 */
export interface NamedDocumentState {
  readonly entry?: DocumentEntry;
  readonly state: PatientAccessState;
}

/** Reads a {@link NamedDocumentState} for the actor {@link AccessControl} names. */
export type NamedDocumentRead = (
  subjectId: string,
  structures: ActorStructures,
) => Promise<NamedDocumentState>;
