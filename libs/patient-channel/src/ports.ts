import type { PatientRole } from '@passerelle/domain';

/** An account on the patient's channel: the patient, or a legal representative, of one record. */
export interface PatientAccount {
  readonly id: string;
  readonly patientKey: string;
  readonly role: PatientRole;
  /** The record's INS matricule, for the patient's own account (a username). */
  readonly insValue?: string;
  /** Lower-cased; a username, and where codes are sent. */
  readonly email?: string;
  readonly displayName: string;
  readonly passwordHash?: string;
  readonly activationHash?: string;
  readonly activationExpiresAt?: Date;
  readonly enrolledAt?: Date;
}

export interface PendingOneTimeCode {
  readonly interactionId: string;
  readonly accountId: string;
  readonly codeHash: string;
  readonly expiresAt: Date;
  readonly triesLeft: number;
}

export const PATIENT_ACCOUNT_STORE = Symbol('PatientAccountStore');

export interface PatientAccountStore {
  /** By e-mail (any role) or by INS matricule (the patient's own account). */
  findByUsername(username: string): Promise<PatientAccount | undefined>;
  findById(id: string): Promise<PatientAccount | undefined>;
  /** Creates the account unless one exists for the same holder; returns the stored one. */
  createIfAbsent(account: PatientAccount): Promise<PatientAccount>;
  setActivation(accountId: string, activationHash: string, expiresAt: Date): Promise<void>;
  /** Sets the password and spends the activation code. */
  enrol(accountId: string, passwordHash: string, at: Date): Promise<void>;
  saveOneTimeCode(code: PendingOneTimeCode): Promise<void>;
  findOneTimeCode(interactionId: string): Promise<PendingOneTimeCode | undefined>;
  /** Spends one try; returns the tries left (negative: there was no try left). */
  spendOneTimeCodeTry(interactionId: string): Promise<number>;
  deleteOneTimeCode(interactionId: string): Promise<void>;
}

export const LOGIN_THROTTLE = Symbol('LoginThrottle');

/** Failed attempts per key (an account's username, an address) in a sliding window. */
export interface LoginThrottle {
  lockedUntil(key: string, now: Date): Promise<Date | undefined>;
  /** Counts a failure; returns when the key is locked until, once it reaches the limit. */
  recordFailure(key: string, now: Date, rule: ThrottleRule): Promise<Date | undefined>;
  reset(key: string): Promise<void>;
}

export interface ThrottleRule {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  readonly lockSeconds: number;
}

export const OIDC_STORE = Symbol('OidcStore');

/** The OpenID Connect provider's state (sessions, grants, codes, tokens), shared by every node. */
export interface OidcStore {
  upsert(model: string, id: string, payload: OidcPayload, expiresAt?: Date): Promise<void>;
  find(model: string, id: string): Promise<OidcPayload | undefined>;
  findByUid(model: string, uid: string): Promise<OidcPayload | undefined>;
  findByUserCode(model: string, userCode: string): Promise<OidcPayload | undefined>;
  consume(model: string, id: string): Promise<void>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  /** Forgets expired provider state, one-time codes and throttle windows; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

export type OidcPayload = Record<string, unknown> & {
  readonly grantId?: string;
  readonly userCode?: string;
  readonly uid?: string;
  readonly consumed?: number;
};
