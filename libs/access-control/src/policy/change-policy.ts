import { AvailabilityStatus } from '@passerelle/domain';
import type {
  Actor,
  Decision,
  DenialReason,
  DocumentFacts,
  PatientAccessState,
} from './access-request';
import { isAuthor } from './access-policy';

const MEDECIN = '10';

/** Whom an authorisation or a block names: a professional (idNat_PS) or a structure (idNat_Struct). */
export type SubjectKind = 'PS' | 'STRUCTURE';

/** A change to who may access the record (DESIGN §4, "Who may change the access state"). */
export type AccessChange =
  | {
      readonly kind: 'declare-authorisation';
      readonly subjectId: string;
      readonly subjectKind: SubjectKind;
      readonly forbidden: boolean;
    }
  | {
      readonly kind: 'revoke-authorisation' | 'block' | 'unblock';
      readonly subjectId: string;
      readonly subjectKind: SubjectKind;
    }
  | { readonly kind: 'declare-medecin-traitant'; readonly subjectId: string }
  | { readonly kind: 'remove-medecin-traitant'; readonly subjectId: string }
  /** How the patient is told (DESIGN §4: notification preferences), and where: his only. */
  | { readonly kind: 'notification-preferences' | 'contact-details' }
  | { readonly kind: 'export' }
  | {
      readonly kind: 'emergency-consents' | 'read-history' | 'read-consents';
    }
  /** The lifecycle steps the patient takes (DESIGN §4: close / reopen; deletion, opposition). */
  | { readonly kind: 'close' | 'reopen' | 'request-deletion' | 'oppose' };

/** What a metadata update does to a document, as the change rules see it. */
export interface DocumentChange {
  readonly status?: AvailabilityStatus;
  /** Restriction codes (MASQUE_PS, INVISIBLE_PATIENT…) the change adds or removes. */
  readonly restrictions: readonly string[];
  /** Whether other metadata changes too (an ITI-57 new version). */
  readonly otherMetadata: boolean;
}

const allow = (basis: 'patient' | 'author' | 'feeding'): Decision => ({
  allowed: true,
  basis,
  emergency: false,
});
const deny = (reason: DenialReason): Decision => ({ allowed: false, reason });

/**
 * Whether the actor may make this change of the access state; `state` is what the record says of
 * the actor himself. A professional acts for himself only, never for a structure; blocking,
 * emergency consents, closing, the access history and the reading of his consents are the
 * patient's.
 */
export function decideAccessChange(
  actor: Actor,
  state: PatientAccessState,
  change: AccessChange,
): Decision {
  if (actor.patientChannel) return allow('patient');
  switch (change.kind) {
    case 'declare-authorisation':
      if (change.forbidden) return deny('PATIENT_ONLY');
      return forHimself(actor, change.subjectId, change.subjectKind);
    case 'revoke-authorisation':
      return forHimself(actor, change.subjectId, change.subjectKind);
    case 'declare-medecin-traitant': {
      const himself = forHimself(actor, change.subjectId, 'PS');
      if (!himself.allowed) return himself;
      if (actor.professionCode !== MEDECIN) return deny('NOT_A_MEDECIN');
      return state.authorisation === 'valid' ? himself : deny('NO_AUTHORISATION');
    }
    default:
      return deny('PATIENT_ONLY');
  }
}

function forHimself(actor: Actor, subjectId: string, subjectKind: SubjectKind): Decision {
  if (actor.kind !== 'PS') return deny('PROFESSIONAL_ONLY');
  return subjectKind === 'PS' && subjectId === actor.idNat
    ? allow('feeding')
    : deny('NOT_FOR_HIMSELF');
}

/**
 * Who may change a document's metadata: its author, always; the patient, to mask or unmask it
 * (MASQUE_PS) or delete it; a médecin traitant, to make it invisible to the patient or release it.
 */
export function decideDocumentChange(
  actor: Actor,
  state: PatientAccessState,
  document: DocumentFacts,
  change: DocumentChange,
): Decision {
  if (isAuthor(actor, document)) return allow('author');
  const permitted = actor.patientChannel
    ? change.restrictions.every((code) => code === 'MASQUE_PS')
    : state.medecinTraitant && change.restrictions.every((code) => code.startsWith('INVISIBLE_'));
  const statusPermitted =
    change.status === undefined || (actor.patientChannel && change.status === 'Deleted');
  return permitted && statusPermitted && !change.otherMetadata
    ? allow(actor.patientChannel ? 'patient' : 'feeding')
    : deny('NOT_AUTHOR');
}
