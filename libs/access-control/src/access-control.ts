import { Inject, Injectable } from '@nestjs/common';
import { AuditContext } from '@passerelle/audit';
import {
  DocumentEntry,
  DomainError,
  PatientId,
  Principal,
  VisibilityFilter,
  authorIdsOf,
} from '@passerelle/domain';
import { ACCESS_STATE_STORE, AccessStateStore } from './access-state-store';
import {
  INSURER_SECTORS,
  PROFESSIONAL_DIRECTORY,
  Professional,
  ProfessionalDirectory,
  practisesForAnInsurer,
} from './directory/professional';
import {
  canSeeDocument,
  decidePatientAccess,
  mayChangeDocument,
  visibilityFilter,
} from './policy/access-policy';
import type {
  Actor,
  Decision,
  DenialReason,
  DocumentFacts,
  PatientAccessState,
  PatientAction,
} from './policy/access-request';
import { HabilitationMatrix } from './policy/habilitation-matrix';
import { LEGAL_REPRESENTATIVE_ROLE } from './policy/access-request';

export const HABILITATION_MATRIX = Symbol('HabilitationMatrix');
/** Structure ids of the systems that act for patients (their portal). */
export const PATIENT_CHANNELS = Symbol('PatientChannels');

/** Access granted at patient level, with what document-level decisions need. */
export interface Grant {
  readonly actor: Actor;
  readonly state: PatientAccessState;
  readonly decision: Decision;
}

const SPECIALTY_ROLE = /^(SM\d+|G15_\d+\/.+)$/;

const DENIAL_MESSAGES: Record<DenialReason, string> = {
  NO_RECORD: 'The patient has no record',
  FORBIDDEN_ACTOR: 'Insurers, mutuelles and medical advisers have no access to the record',
  RECORD_CLOSED: 'The record is closed',
  BLOCKED: 'The patient has blocked this professional',
  NO_AUTHORISATION: 'No authorisation from the patient to consult the record',
  AUTHORISATION_EXPIRED: "The patient's authorisation has expired",
  AUTHORISATION_FORBIDDEN: 'The patient has refused access to this professional',
  EXPRESS_CONSENT_REQUIRED: "A médecin du travail needs the worker's express consent",
  EMERGENCY_REASON_REQUIRED: 'Bris de glace requires a reason (Mode_Acces_Raison)',
  EMERGENCY_REFUSED_BY_PATIENT: 'The patient has refused this emergency access',
  INDIRECT_CANNOT_CONSULT: 'An establishment system may feed the record but not consult it',
  OUTSIDE_HABILITATION: 'Not permitted',
  MASKED: 'Not permitted',
  INVISIBLE_TO_PATIENT: 'Not permitted',
  INVISIBLE_TO_LEGAL_REPRESENTATIVES: 'Not permitted',
  DELETED: 'Not permitted',
  NOT_AUTHOR: 'Only the author may change or delete this document',
  NOT_PERMITTED: 'Not permitted',
};

/**
 * The one entry point of access control: every request's patient-level decision, and the
 * document-level visibility derived from it. Every decision is noted in the request's audit.
 */
@Injectable()
export class AccessControl {
  private readonly directoryCache = new Map<string, { at: number; professional?: Professional }>();

  constructor(
    @Inject(ACCESS_STATE_STORE) private readonly store: AccessStateStore,
    @Inject(PROFESSIONAL_DIRECTORY) private readonly directory: ProfessionalDirectory,
    @Inject(HABILITATION_MATRIX) private readonly matrix: HabilitationMatrix,
    @Inject(PATIENT_CHANNELS) private readonly patientChannels: ReadonlySet<string>,
  ) {}

  /** Decides, notes the decision in the audit, and throws an explicit denial (403/404). */
  async authorize(
    audit: AuditContext,
    principal: Principal,
    patientKey: string,
    action: PatientAction,
  ): Promise<Grant> {
    audit.principal = principal;
    audit.patientKey = patientKey;
    audit.action = action;
    assertAssertionPatient(audit, principal, patientKey);
    const actor = await this.actorOf(principal);
    const state = await this.store.load(patientKey, actor.idNat);
    const decision = decidePatientAccess(actor, state, action);
    if (!decision.allowed) {
      audit.denied(decision.reason);
      throw denial(decision.reason);
    }
    audit.allowed(decision.emergency);
    if (decision.emergency) {
      audit.notify('emergency-access', {
        professional: actor.idNat,
        purposeOfUse: actor.purposeOfUse,
        reason: actor.accessReason,
      });
    }
    if (action === 'document.consult' && principal.kind === 'PS' && !actor.patientChannel) {
      audit.firstAccessBy = {
        subjectId: actor.idNat,
        name: `${principal.given} ${principal.family}`,
      };
    }
    return { actor, state, decision };
  }

  /** The document-level rules as a query filter, so hidden documents are not even counted. */
  visibility(grant: Grant): VisibilityFilter {
    return visibilityFilter(grant.actor, grant.state, grant.decision, this.matrix);
  }

  /** Whether one document is visible; a hidden document is reported as missing, never denied. */
  canSee(grant: Grant, entry: DocumentEntry): boolean {
    return canSeeDocument(grant.actor, grant.state, grant.decision, factsOf(entry), this.matrix)
      .allowed;
  }

  /** Metadata updates and logical delete: the author only (403: the document is visible). */
  assertMayChange(audit: AuditContext, grant: Grant, entry: DocumentEntry): void {
    const decision = mayChangeDocument(grant.actor, grant.decision, factsOf(entry));
    if (!decision.allowed) {
      audit.denied(decision.reason);
      throw denial(decision.reason);
    }
  }

  private async actorOf(principal: Principal): Promise<Actor> {
    const common = {
      purposeOfUse: principal.purposeOfUse,
      accessReason: principal.accessReason,
    };
    if (principal.kind === 'ORG') {
      return {
        ...common,
        kind: 'ORG',
        idNat: principal.subjectId,
        structureIds: [principal.subjectId],
        forbiddenActor: INSURER_SECTORS.includes(principal.sectorCode ?? ''),
        patientChannel: this.patientChannels.has(principal.subjectId),
        legalRepresentative:
          this.patientChannels.has(principal.subjectId) &&
          principal.roles.includes(LEGAL_REPRESENTATIVE_ROLE),
      };
    }
    const professional = await this.professional(principal.subjectId);
    return {
      ...common,
      kind: 'PS',
      idNat: principal.subjectId,
      structureIds: [
        ...(principal.structureId ? [principal.structureId] : []),
        ...(professional?.exercises.map((e) => e.structureId) ?? []),
      ],
      professionCode: principal.professionCode ?? professional?.professionCode,
      specialtyCode:
        principal.roles.find((role) => SPECIALTY_ROLE.test(role)) ?? professional?.specialtyCode,
      forbiddenActor:
        (professional !== undefined && practisesForAnInsurer(professional)) ||
        INSURER_SECTORS.includes(principal.sectorCode ?? ''),
      patientChannel: false,
    };
  }

  /** The directory changes rarely: a short cache keeps it off the hot path. */
  private async professional(idNat: string): Promise<Professional | undefined> {
    const cached = this.directoryCache.get(idNat);
    if (cached && Date.now() - cached.at < 60_000) return cached.professional;
    const professional = await this.directory.find(idNat);
    if (this.directoryCache.size > 10_000) this.directoryCache.clear();
    this.directoryCache.set(idNat, { at: Date.now(), professional });
    return professional;
  }
}

/** An access assertion names its patient: it is good for that patient only. */
function assertAssertionPatient(audit: AuditContext, principal: Principal, patientKey: string) {
  if (!principal.patientId) return;
  let sameKey = false;
  try {
    sameKey = PatientId.fromCx(principal.patientId).key === patientKey;
  } catch {
    sameKey = false;
  }
  if (!sameKey) {
    audit.denied('ASSERTION_PATIENT_MISMATCH');
    throw new DomainError(
      'UNAUTHENTICATED',
      'The access assertion was issued for another patient (resource-id)',
    );
  }
}

function factsOf(entry: DocumentEntry): DocumentFacts {
  return {
    typeCode: entry.typeCode,
    confidentialityCodes: entry.confidentialityCodes,
    status: entry.status,
    authorIds: authorIdsOf(entry),
  };
}

function denial(reason: DenialReason): DomainError {
  if (reason === 'NO_RECORD') {
    return new DomainError('UNKNOWN_PATIENT', DENIAL_MESSAGES.NO_RECORD);
  }
  return new DomainError('FORBIDDEN', `${DENIAL_MESSAGES[reason]} (${reason})`);
}
