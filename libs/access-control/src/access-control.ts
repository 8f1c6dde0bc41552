import { Inject, Injectable } from '@nestjs/common';
import { AuditContext } from '@passerelle/audit';
import {
  Author,
  DocumentEntry,
  DomainError,
  PatientId,
  PatientPrincipal,
  Principal,
  VisibilityFilter,
  authorIdsOf,
} from '@passerelle/domain';
import {
  ACCESS_STATE_STORE,
  AccessStateStore,
  ActorStructures,
  NamedDocumentRead,
} from './access-state-store';
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
  isAuthor,
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
import {
  AccessChange,
  DocumentChange,
  decideAccessChange,
  decideDocumentChange,
} from './policy/change-policy';
import { decideDirectorySearch } from './policy/directory-policy';
import { HabilitationMatrix } from './policy/habilitation-matrix';

export const HABILITATION_MATRIX = Symbol('HabilitationMatrix');

const SPECIALTY_ROLE = /^(SM\d+|G15_\d+\/.+)$/;
/** Looked up when a document id names nothing, so that both answers cost the same. */
const NO_RECORD = '';

const DENIAL_MESSAGES: Record<DenialReason, string> = {
  NO_RECORD: 'The patient has no record',
  FORBIDDEN_ACTOR: 'Insurers, mutuelles and medical advisers have no access to the record',
  RECORD_CLOSED: 'The record is closed',
  RECORD_SUSPENDED: 'The record is suspended',
  RECORD_PURGED: 'The record was deleted: it is not opened again',
  PATIENT_READ_PERIOD_OVER: 'The record was closed more than a year ago: it can no longer be read',
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
  NOT_AUTHOR: 'Only the author may make this change to the document',
  NOT_FOR_HIMSELF: 'A professional declares or revokes his own authorisation only',
  PROFESSIONAL_ONLY: 'Only a professional, for himself, may do this',
  NOT_A_MEDECIN: 'Only a médecin may be declared médecin traitant',
  PATIENT_ONLY: 'Only the patient may do this',
  PATIENT_AUTHOR_ONLY: 'On his channel, the patient provides the documents he authored himself',
  NOT_PERMITTED: 'Not permitted',
};

/**
 * What a patient-level decision granted: the actor, what the record says of him, and the
 * document-level visibility that follows. Obtained only from {@link AccessControl}.
 */
export class Access {
  readonly visibility: VisibilityFilter;

  /**
   * `seeing` is the decision to consult the record: whatever the action, an actor sees what he
   * may consult, and without it only his own documents (an establishment's system, a
   * professional without authorisation who feeds the record).
   */
  constructor(
    readonly patientKey: string,
    readonly actor: Actor,
    readonly state: PatientAccessState,
    readonly decision: Decision,
    private readonly seeing: Decision,
    private readonly matrix: HabilitationMatrix,
  ) {
    this.visibility = visibilityFilter(actor, state, seeing, matrix);
  }

  /** Whether one document is visible; a hidden document is reported as missing, never denied. */
  canSee(entry: DocumentEntry): boolean {
    const facts = factsOf(entry);
    return this.seeing.allowed
      ? canSeeDocument(this.actor, this.state, this.seeing, facts, this.matrix).allowed
      : isAuthor(this.actor, facts);
  }
}

/**
 * The one entry point of access control (DESIGN §4): every use case opens with one of these
 * decisions, which deny by default and note themselves in the use case's audit facts.
 */
@Injectable()
export class AccessControl {
  private readonly directoryCache = new Map<string, { at: number; professional?: Professional }>();

  constructor(
    @Inject(ACCESS_STATE_STORE) private readonly store: AccessStateStore,
    @Inject(PROFESSIONAL_DIRECTORY) private readonly directory: ProfessionalDirectory,
    @Inject(HABILITATION_MATRIX) private readonly matrix: HabilitationMatrix,
  ) {}

  /** A patient-level decision; a denial is explicit to the caller (403, or 404 without record). */
  async authorize(
    audit: AuditContext,
    principal: Principal,
    action: PatientAction,
    patientKey: string,
  ): Promise<Access> {
    audit.patientKey = patientKey;
    assertBoundToRecord(audit, principal, patientKey);
    return this.granted(audit, principal, action, await this.decide(principal, action, patientKey));
  }

  /**
   * {@link authorize} for the records of several requests of one principal (a bulk import's
   * batch), their access states read together: each decision, refusal and audit note is the
   * one `authorize` makes, the refusal returned in place of the access.
   */
  async authorizeEach(
    principal: Principal,
    action: PatientAction,
    requests: readonly { readonly audit: AuditContext; readonly patientKey: string }[],
  ): Promise<({ access: Access } | { error: unknown })[]> {
    const actor = await this.actorOf(principal);
    const patientKeys = requests.map((request) => request.patientKey);
    const states = await this.store.loadEach(patientKeys, actor.idNat, structuresOf(actor));
    return requests.map(({ audit, patientKey }, index) => {
      try {
        audit.patientKey = patientKey;
        assertBoundToRecord(audit, principal, patientKey);
        const access = this.accessOf(actor, states[index], action, patientKey);
        return { access: this.granted(audit, principal, action, access) };
      } catch (error) {
        return { error };
      }
    });
  }

  private granted(
    audit: AuditContext,
    principal: Principal,
    action: PatientAction,
    access: Access,
  ): Access {
    if (!access.decision.allowed) {
      audit.denied(access.decision.reason);
      throw denial(access.decision.reason);
    }
    this.noteAllowed(audit, principal, action, access);
    return access;
  }

  /**
   * A decision about one document named by its id: unknown, refused at patient level or hidden,
   * the caller gets the same `notFound` — same answer, same work — and the audit the reason.
   */
  authorizeDocument(
    audit: AuditContext,
    principal: Principal,
    action: PatientAction,
    entry: DocumentEntry | undefined,
    notFound: () => DomainError,
  ): Promise<{ access: Access; entry: DocumentEntry }> {
    return this.authorizeDocumentRead(
      audit,
      principal,
      action,
      async (subjectId, structures) => ({
        entry,
        state: await this.store.load(entry?.patientKey ?? NO_RECORD, subjectId, structures),
      }),
      notFound,
    );
  }

  /**
   * {@link authorizeDocument} when the document and its record's access state for the actor are
   * read together by `read` (ITI-68's one round trip before the bytes): same decision, same
   * answers, same audit.
   */
  async authorizeDocumentRead(
    audit: AuditContext,
    principal: Principal,
    action: PatientAction,
    read: NamedDocumentRead,
    notFound: () => DomainError,
  ): Promise<{ access: Access; entry: DocumentEntry }> {
    const actor = await this.actorOf(principal);
    const { entry, state } = await read(actor.idNat, structuresOf(actor));
    const patientKey = entry?.patientKey;
    const decided = this.accessOf(actor, state, action, patientKey ?? NO_RECORD);
    const access = this.grantNamed(audit, principal, action, patientKey, decided);
    if (!entry || !access) throw notFound();
    audit.documents = [entry.uniqueId];
    if (!access.canSee(entry)) {
      audit.denied('DOCUMENT_HIDDEN');
      throw notFound();
    }
    return { access, entry };
  }

  /**
   * A decision about the record objects named by id belong to (undefined when they name
   * nothing): a refusal is answered as if they did not exist (undefined), and audited.
   */
  async authorizeNamed(
    audit: AuditContext,
    principal: Principal,
    action: PatientAction,
    patientKey: string | undefined,
  ): Promise<Access | undefined> {
    const access = await this.decide(principal, action, patientKey ?? NO_RECORD);
    return this.grantNamed(audit, principal, action, patientKey, access);
  }

  /** The refusals of {@link authorizeNamed}, on a decision made. */
  private grantNamed(
    audit: AuditContext,
    principal: Principal,
    action: PatientAction,
    patientKey: string | undefined,
    access: Access,
  ): Access | undefined {
    if (patientKey === undefined) return undefined;
    audit.patientKey = patientKey;
    const refusal = assertionNamesOtherPatient(principal, patientKey)
      ? 'ASSERTION_PATIENT_MISMATCH'
      : tokenForOtherRecord(principal, patientKey)
        ? 'TOKEN_FOR_OTHER_RECORD'
        : !access.decision.allowed && access.decision.reason;
    if (refusal) {
      audit.denied(refusal);
      return undefined;
    }
    this.noteAllowed(audit, principal, action, access);
    return access;
  }

  /**
   * Whether the principal may know that a document exists: he sees it as he would consult its
   * record (or he is its author) — not by an emergency access, nor through an assertion or a
   * token bound to another record. It grants nothing and notes nothing: a use case asks it only
   * to choose between two refusals (another patient's document, or an unknown one), and an id
   * that names nothing costs the same decision.
   */
  async maySee(principal: Principal, entry: DocumentEntry | undefined): Promise<boolean> {
    const patientKey = entry?.patientKey ?? NO_RECORD;
    const access = await this.decide(principal, 'document.consult', patientKey);
    if (!entry || assertionNamesOtherPatient(principal, patientKey)) return false;
    if (tokenForOtherRecord(principal, patientKey)) return false;
    const { decision } = access;
    if (decision.allowed && decision.emergency) return isAuthor(access.actor, factsOf(entry));
    return access.canSee(entry);
  }

  /**
   * Whether the principal may know what a record holds: he may consult it in his own right
   * (not by an emergency access, nor through an assertion or token bound to another record).
   * Like {@link maySee}, it grants and notes nothing; no record costs the same decision.
   */
  async mayKnowRecord(principal: Principal, patientKey: string | undefined): Promise<boolean> {
    const access = await this.decide(principal, 'document.consult', patientKey ?? NO_RECORD);
    if (patientKey === undefined || assertionNamesOtherPatient(principal, patientKey)) return false;
    if (tokenForOtherRecord(principal, patientKey)) return false;
    return access.decision.allowed && !access.decision.emergency;
  }

  /** What a submitter may know of other records, for the refusals of his submission. */
  sightOf(principal: Principal): {
    document(entry: DocumentEntry | undefined): Promise<boolean>;
    record(patientKey: string | undefined): Promise<boolean>;
  } {
    return {
      document: (entry) => this.maySee(principal, entry),
      record: (patientKey) => this.mayKnowRecord(principal, patientKey),
    };
  }

  /**
   * The patient feeds his record with his own documents (directives anticipées, personne de
   * confiance…): on his channel every author of every document is the patient, by his INS.
   */
  assertPatientAuthorship(
    audit: AuditContext,
    access: Access,
    documents: readonly { readonly authors: readonly Author[] }[],
  ): void {
    if (!access.actor.patientChannel) return;
    const patient = PatientId.fromCx(access.patientKey);
    const byThePatient = (author: Author) =>
      author.institutions.length === 0 &&
      author.person?.id === patient.value &&
      author.person.assigningAuthority === patient.oid;
    if (documents.every((document) => document.authors.every(byThePatient))) return;
    audit.denied('PATIENT_AUTHOR_ONLY');
    throw denial('PATIENT_AUTHOR_ONLY');
  }

  /** Metadata changes: by the author, or the patient / médecin traitant for what is theirs. */
  assertMayChangeDocument(
    audit: AuditContext,
    access: Access,
    entry: DocumentEntry,
    change: DocumentChange,
  ): void {
    const decision = decideDocumentChange(access.actor, access.state, factsOf(entry), change);
    if (!decision.allowed) {
      audit.denied(decision.reason);
      throw denial(decision.reason);
    }
  }

  /**
   * Changes of the access state (and the reading of its history): who may make each one
   * (DESIGN §4) is decided once the record is known to exist and the actor is not one who is
   * never let in; then the record must be open and the actor not blocked. Anything else 403.
   */
  async authorizeAccessChange(
    audit: AuditContext,
    principal: Principal,
    patientKey: string,
    change: AccessChange,
  ): Promise<Access> {
    audit.patientKey = patientKey;
    assertBoundToRecord(audit, principal, patientKey);
    const action = actionOfChange(change);
    const access = await this.decide(principal, action, patientKey);
    const { decision } = access;
    const refusedFirst =
      !decision.allowed &&
      (decision.reason === 'NO_RECORD' || decision.reason === 'FORBIDDEN_ACTOR');
    const changeDecision = decideAccessChange(access.actor, access.state, change);
    const refusal = refusedFirst ? decision : !changeDecision.allowed ? changeDecision : decision;
    if (!refusal.allowed) {
      audit.denied(refusal.reason);
      throw denial(refusal.reason);
    }
    this.noteAllowed(audit, principal, action, access);
    return access;
  }

  /** A search of the professional directory: it names no patient, nor does its audit. */
  async authorizeDirectorySearch(audit: AuditContext, principal: Principal): Promise<void> {
    const decision = decideDirectorySearch(await this.actorOf(principal));
    if (!decision.allowed) {
      audit.denied(decision.reason);
      throw denial(decision.reason);
    }
    audit.allowed(false);
  }

  private async decide(
    principal: Principal,
    action: PatientAction,
    patientKey: string,
  ): Promise<Access> {
    const actor = await this.actorOf(principal);
    const state = await this.store.load(patientKey, actor.idNat, structuresOf(actor));
    return this.accessOf(actor, state, action, patientKey);
  }

  private accessOf(
    actor: Actor,
    state: PatientAccessState,
    action: PatientAction,
    patientKey: string,
  ): Access {
    const decision = decidePatientAccess(actor, state, action);
    const seeing =
      action === 'document.consult'
        ? decision
        : decidePatientAccess(actor, state, 'document.consult');
    return new Access(patientKey, actor, state, decision, seeing, this.matrix);
  }

  private noteAllowed(
    audit: AuditContext,
    principal: Principal,
    action: PatientAction,
    { actor, decision }: Access,
  ): void {
    const emergency = decision.allowed && decision.emergency;
    audit.allowed(emergency);
    if (emergency) {
      audit.notify('emergency-access', {
        professional: actor.idNat,
        purposeOfUse: actor.purposeOfUse,
      });
    }
    if (action === 'document.consult' && principal.kind === 'PS') {
      audit.firstAccessBy = {
        subjectId: actor.idNat,
        name: `${principal.given} ${principal.family}`,
      };
    }
  }

  private async actorOf(principal: Principal): Promise<Actor> {
    if (principal.kind === 'PATIENT') return patientActor(principal);
    const common = {
      purposeOfUse: principal.purposeOfUse,
      accessReason: principal.accessReason,
      patientChannel: false,
    };
    if (principal.kind === 'ORG') {
      return {
        ...common,
        kind: 'ORG',
        idNat: principal.subjectId,
        structureIds: [principal.subjectId],
        confirmedStructureIds: [principal.subjectId],
        forbiddenActor: INSURER_SECTORS.includes(principal.sectorCode ?? ''),
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
      confirmedStructureIds: professional?.exercises.map((e) => e.structureId) ?? [],
      professionCode: principal.professionCode ?? professional?.professionCode,
      specialtyCode:
        principal.roles.find((role) => SPECIALTY_ROLE.test(role)) ?? professional?.specialtyCode,
      forbiddenActor:
        (professional !== undefined && practisesForAnInsurer(professional)) ||
        INSURER_SECTORS.includes(principal.sectorCode ?? ''),
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

function structuresOf(actor: Actor): ActorStructures {
  return { actingFor: actor.structureIds, confirmed: actor.confirmedStructureIds };
}

/** Closing and reopening manage the record; reading its history reads it; the rest is consent. */
function actionOfChange(change: AccessChange): PatientAction {
  switch (change.kind) {
    case 'close':
    case 'reopen':
    case 'request-deletion':
    case 'oppose':
      return 'record.manage';
    case 'read-history':
    case 'read-consents':
      return 'audit.read';
    case 'export':
      // Downloading the record consults its documents: the patient may once it is closed too.
      return 'document.consult';
    default:
      return 'consent.manage';
  }
}

/** The patient on his own channel, or a legal representative, for the record of his token. */
function patientActor(principal: PatientPrincipal): Actor {
  return {
    kind: 'PATIENT',
    idNat: principal.subjectId,
    structureIds: [],
    confirmedStructureIds: [],
    purposeOfUse: 'normal',
    forbiddenActor: false,
    patientChannel: true,
    legalRepresentative: principal.role === 'REPRESENTANT_LEGAL',
  };
}

/** A patient token reaches one record: any other is answered as if it did not exist. */
function tokenForOtherRecord(principal: Principal, patientKey: string): boolean {
  return principal.kind === 'PATIENT' && principal.patientKey !== patientKey;
}

/** An access assertion names its patient: it is good for that patient only. */
function assertionNamesOtherPatient(principal: Principal, patientKey: string): boolean {
  if (principal.kind === 'PATIENT' || !principal.patientId) return false;
  try {
    return PatientId.fromCx(principal.patientId).key !== patientKey;
  } catch {
    return true;
  }
}

/**
 * What binds the request to one record: the access assertion's patient (resource-id) and the
 * patient token's record. Another record is refused before anything is decided about it.
 */
function assertBoundToRecord(audit: AuditContext, principal: Principal, patientKey: string) {
  if (assertionNamesOtherPatient(principal, patientKey)) {
    audit.denied('ASSERTION_PATIENT_MISMATCH');
    throw new DomainError(
      'UNAUTHENTICATED',
      'The access assertion was issued for another patient (resource-id)',
    );
  }
  if (tokenForOtherRecord(principal, patientKey)) {
    audit.denied('TOKEN_FOR_OTHER_RECORD');
    throw new DomainError('RESOURCE_NOT_FOUND', 'Resource not found');
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
