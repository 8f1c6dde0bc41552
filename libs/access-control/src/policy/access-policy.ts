import {
  Coded,
  RESTRICTION_CODE_SYSTEM,
  RecordStatus,
  VisibilityFilter,
  codeKey,
} from '@passerelle/domain';
import type {
  Actor,
  Decision,
  DenialReason,
  DocumentFacts,
  PatientAccessState,
  PatientAction,
} from './access-request';
import type { HabilitationMatrix } from './habilitation-matrix';

const MEDECIN_DU_TRAVAIL = 'SM25';
const MEDECIN = '10';

/**
 * What the patient may still do on his closed record: read it and its history (for a year after
 * the closure), see its status, reopen it or ask for its deletion.
 */
const PATIENT_ACTIONS_ON_CLOSED_RECORD: readonly PatientAction[] = [
  'record.status',
  'record.manage',
  'audit.read',
  'document.consult',
];
const PATIENT_READING: readonly PatientAction[] = ['audit.read', 'document.consult'];

/** Closed, or closed with its deletion requested: no document, no professional. */
export function isClosed(status: RecordStatus | undefined): boolean {
  return status === 'closed' || status === 'deletion-requested';
}

const deny = (reason: DenialReason): Decision => ({ allowed: false, reason });

/**
 * The DMP's rules at patient level (DESIGN §4), deny by default. A denial here is explicit to
 * the caller (403 / XDS failure); document-level rules then hide what the caller may not see.
 */
export function decidePatientAccess(
  actor: Actor,
  state: PatientAccessState,
  action: PatientAction,
): Decision {
  if (actor.forbiddenActor) return deny('FORBIDDEN_ACTOR');
  if (actor.patientChannel) return patientDecision(state, action);
  if (action === 'record.open' && !state.recordStatus) return feedingDecision(state);
  if (state.recordStatus === 'purged') {
    return deny(action === 'record.open' ? 'RECORD_PURGED' : 'NO_RECORD');
  }
  if (!state.recordStatus) return deny('NO_RECORD');
  if (action === 'record.status') return { allowed: true, basis: 'status-read', emergency: false };
  if (state.recordStatus === 'suspended') return deny('RECORD_SUSPENDED');
  if (isClosed(state.recordStatus) && action !== 'record.manage' && action !== 'record.open') {
    return deny('RECORD_CLOSED');
  }
  if (state.blocked && !state.medecinTraitant) return deny('BLOCKED');
  if (isMedecinDuTravail(actor) && !state.expressConsent) return deny('EXPRESS_CONSENT_REQUIRED');
  switch (action) {
    case 'document.provide':
    case 'document.update':
    case 'document.delete':
      return feedingDecision(state);
    case 'document.consult':
      return consultDecision(actor, state);
    case 'record.open':
    case 'record.manage':
      return feedingDecision(state);
    case 'consent.manage':
    case 'audit.read':
      // Who may make which change, and read the history, is decided by decideAccessChange.
      return feedingDecision(state);
  }
}

/**
 * The patient (or his legal representative, §9) decides on his record and feeds it; a record
 * is opened by a professional with him, never on the patient's channel.
 */
function patientDecision(state: PatientAccessState, action: PatientAction): Decision {
  if (action === 'record.open') return deny('PROFESSIONAL_ONLY');
  if (!state.recordStatus || state.recordStatus === 'purged') return deny('NO_RECORD');
  if (state.recordStatus === 'suspended' && action !== 'record.status') {
    return deny('RECORD_SUSPENDED');
  }
  if (isClosed(state.recordStatus)) {
    if (!PATIENT_ACTIONS_ON_CLOSED_RECORD.includes(action)) return deny('RECORD_CLOSED');
    if (state.patientReadPeriodOver && PATIENT_READING.includes(action)) {
      return deny('PATIENT_READ_PERIOD_OVER');
    }
  }
  return {
    allowed: true,
    basis: action === 'record.status' ? 'status-read' : 'patient',
    emergency: false,
  };
}

/** Any professional or establishment treating the patient may feed the record. */
function feedingDecision(state: PatientAccessState): Decision {
  if (state.blocked && !state.medecinTraitant) return deny('BLOCKED');
  return { allowed: true, basis: 'feeding', emergency: false };
}

function consultDecision(actor: Actor, state: PatientAccessState): Decision {
  if (actor.kind === 'ORG') return deny('INDIRECT_CANNOT_CONSULT');
  if (state.medecinTraitant) return { allowed: true, basis: 'medecin-traitant', emergency: false };
  if (state.authorisation === 'forbidden') return deny('AUTHORISATION_FORBIDDEN');
  if (state.authorisation === 'valid' && actor.purposeOfUse === 'normal') {
    return { allowed: true, basis: 'authorisation', emergency: false };
  }
  return emergencyDecision(actor, state);
}

function emergencyDecision(actor: Actor, state: PatientAccessState): Decision {
  switch (actor.purposeOfUse) {
    case 'bris_de_glace':
      if (!actor.accessReason?.trim()) return deny('EMERGENCY_REASON_REQUIRED');
      return state.emergencyConsents.otherProfessionals
        ? { allowed: true, basis: 'bris_de_glace', emergency: true }
        : deny('EMERGENCY_REFUSED_BY_PATIENT');
    case 'centre_15':
      return state.emergencyConsents.centre15 && actor.professionCode === MEDECIN
        ? { allowed: true, basis: 'centre_15', emergency: true }
        : deny('EMERGENCY_REFUSED_BY_PATIENT');
    case 'normal':
      return deny(state.authorisation === 'expired' ? 'AUTHORISATION_EXPIRED' : 'NO_AUTHORISATION');
  }
}

/**
 * Whether a document the actor may reach at patient level is visible to it. A denial hides the
 * document: absent from searches, missing on retrieve.
 */
export function canSeeDocument(
  actor: Actor,
  state: PatientAccessState,
  patientDecision: Decision,
  document: DocumentFacts,
  matrix: HabilitationMatrix,
): Decision {
  if (!patientDecision.allowed) return patientDecision;
  if (actor.patientChannel) return patientView(actor, document, patientDecision);
  const author = isAuthor(actor, document);
  if (actor.kind === 'ORG') return author ? authorDecision() : deny('INDIRECT_CANNOT_CONSULT');
  if (document.status === 'Deleted' && !author) return deny('DELETED');
  if (
    hasRestriction(document.confidentialityCodes, 'MASQUE_PS') &&
    !mayLiftMask(state, patientDecision, author)
  ) {
    return deny('MASKED');
  }
  if (!author && !matrix.mayRead(actor.professionCode, actor.specialtyCode, document.typeCode)) {
    return deny('OUTSIDE_HABILITATION');
  }
  return patientDecision;
}

/**
 * The patient sees every document of the record but those made invisible to the patient; a
 * legal representative, also not those made invisible to legal representatives.
 */
function patientView(actor: Actor, document: DocumentFacts, decision: Decision): Decision {
  if (document.status === 'Deleted') return deny('DELETED');
  if (hasRestriction(document.confidentialityCodes, 'INVISIBLE_PATIENT')) {
    return deny('INVISIBLE_TO_PATIENT');
  }
  return actor.legalRepresentative &&
    hasRestriction(document.confidentialityCodes, 'INVISIBLE_REPRESENTANTS_LEGAUX')
    ? deny('INVISIBLE_TO_LEGAL_REPRESENTATIVES')
    : decision;
}

function authorDecision(): Decision {
  return { allowed: true, basis: 'author', emergency: false };
}

function mayLiftMask(state: PatientAccessState, decision: Decision, author: boolean): boolean {
  if (author || state.medecinTraitant) return true;
  return decision.allowed && decision.emergency && state.emergencyConsents.maskedDocuments;
}

export function isAuthor(actor: Actor, document: DocumentFacts): boolean {
  return document.authorIds.some((id) => id === actor.idNat || actor.structureIds.includes(id));
}

function hasRestriction(codes: readonly Coded[], code: string): boolean {
  return codes.some((c) => c.code === code && c.codeSystem === RESTRICTION_CODE_SYSTEM);
}

function isMedecinDuTravail(actor: Actor): boolean {
  return actor.professionCode === MEDECIN && actor.specialtyCode === MEDECIN_DU_TRAVAIL;
}

const restrictionKey = (code: string) => codeKey({ code, codeSystem: RESTRICTION_CODE_SYSTEM });

/**
 * {@link canSeeDocument} as a query filter, so that hidden documents are not even counted. The
 * two must agree on every document: a property-based test checks it against PostgreSQL. Without
 * the decision to consult (an establishment's system, a professional feeding the record without
 * authorisation) only the actor's own documents are visible.
 */
export function visibilityFilter(
  actor: Actor,
  state: PatientAccessState,
  decision: Decision,
  matrix: HabilitationMatrix,
): VisibilityFilter {
  const authorIds = [actor.idNat, ...actor.structureIds];
  if (!decision.allowed) return { authorIds, onlyAuthored: true, hiddenConfidentialityKeys: [] };
  if (actor.patientChannel) {
    return {
      authorIds: [],
      onlyAuthored: false,
      hiddenConfidentialityKeys: actor.legalRepresentative
        ? [restrictionKey('INVISIBLE_PATIENT'), restrictionKey('INVISIBLE_REPRESENTANTS_LEGAUX')]
        : [restrictionKey('INVISIBLE_PATIENT')],
    };
  }
  if (actor.kind === 'ORG') return { authorIds, onlyAuthored: true, hiddenConfidentialityKeys: [] };
  return {
    authorIds,
    onlyAuthored: false,
    typeCodes: matrix.readableTypes(actor.professionCode, actor.specialtyCode),
    hiddenConfidentialityKeys: mayLiftMask(state, decision, false)
      ? []
      : [restrictionKey('MASQUE_PS')],
  };
}
