import type { EmergencyConsents, SubjectKind } from '@passerelle/access-control';
import type { AuditEntry } from '@passerelle/audit';
import type { NotificationPreferences, PatientRecord, RecordLifecycle } from '@passerelle/domain';

export const PATIENT_RECORD_STORE = Symbol('PatientRecordStore');
export const RECORD_LIFECYCLE_STORE = Symbol('RecordLifecycleStore');
export const LIFECYCLE_JOB_STORE = Symbol('LifecycleJobStore');
export const CLOCK = Symbol('Clock');

/** The time the lifecycle's dates are computed from; tests give their own. */
export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/** The record's lifecycle (libs/domain/src/record-lifecycle.ts); scoped by patient. */
export interface RecordLifecycleStore {
  /**
   * Takes one step: `step` is given the lifecycle with the record locked and returns the next,
   * stored before the lock is released; `undefined` when there is no record.
   */
  transition(
    patientKey: string,
    step: (current: RecordLifecycle) => RecordLifecycle,
  ): Promise<RecordLifecycle | undefined>;
}

/** What the purge of one record did, for its audit (never medical content). */
export interface PurgeReport {
  readonly patientKey: string;
  /** Why: the retention after closure ended, or the deletion the patient asked for is due. */
  readonly cause: 'retention-over' | 'deletion-requested';
  readonly documents: number;
  readonly dataKeyDestroyed: boolean;
}

/**
 * The time-based steps, each on one record at a time, claimed with `FOR UPDATE SKIP LOCKED` so
 * that the scheduler of every gateway node may run at once: each due record is stepped once.
 */
export interface LifecycleJobStore {
  /**
   * Opens one pending record whose opposition period ended by `now`, and writes `audit` of it,
   * in one transaction; its patient key, or `undefined` when none is due and free.
   */
  activateOneDue(now: Date, audit: (patientKey: string) => AuditEntry): Promise<string | undefined>;
  /**
   * Purges one record whose purge is due by `now`: destroys its data key (committed first:
   * every copy of its content is unreadable from then on), then deletes its rows, leaves the
   * record's tombstone (patient key, INS, dates) and writes `audit` of the purge, in a second
   * transaction. A purge interrupted between the two is finished by the next pass.
   */
  purgeOneDue(
    now: Date,
    audit: (report: PurgeReport) => AuditEntry,
  ): Promise<PurgeReport | undefined>;
}
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
