import { DomainError } from './errors';

/**
 * The states of a record (R.1111-26 and following of the Code de la santé publique, as this
 * gateway applies them):
 * - `pending`: opened by default (Mon espace santé) — fed and consulted as an open record, the
 *   patient may oppose until `oppositionUntil` (six weeks after the notice), and then it is deleted;
 * - `open`;
 * - `closed`: no new document, no professional; kept ten years from closure (`purgeDueAt`), then
 *   purged; reopening restores it;
 * - `deletion-requested`: closed, and purged once `purgeDueAt` (a week after the request) is past;
 * - `suspended`: by an operator, on a documented legal basis, nobody reads or writes and no
 *   time-based step runs (a legal hold) until the suspension is lifted;
 * - `purged`: the data destroyed; only the fact of the purge remains.
 */
export type RecordStatus =
  'pending' | 'open' | 'closed' | 'deletion-requested' | 'suspended' | 'purged';

/** The delays of the lifecycle. */
export const LIFECYCLE_DELAYS = {
  /** Mon espace santé: the insured person may oppose within six weeks of the notice. */
  oppositionDays: 42,
  /** A closed record is kept ten years, then purged. */
  retentionYears: 10,
  /**
   * A deletion (or an opposition) is carried out a week after it is asked for, well within the
   * month GDPR art. 12 allows: time for the patient to download his record, or to change his mind.
   */
  deletionDays: 7,
  /** The patient reads (and downloads) his closed record during the year after its closure. */
  patientReadMonths: 12,
} as const;

/** The legal bases an operator may suspend a record on. */
export const SUSPENSION_BASES = [
  /** A court's or an investigating judge's decision. */
  'decision-judiciaire',
  /** The patient's identity is disputed (suspected INS usurpation, identity vigilance). */
  'litige-identite',
  /** A request of a supervisory authority (CNIL, ARS). */
  'autorite-de-controle',
] as const;

export type SuspensionBasis = (typeof SUSPENSION_BASES)[number];

export interface Suspension {
  readonly basis: SuspensionBasis;
  /** The decision's reference (order number, file), kept for the audit. */
  readonly reference: string;
  readonly at: Date;
  /** The status the record returns to when the suspension is lifted. */
  readonly resumeStatus: Exclude<RecordStatus, 'suspended' | 'purged'>;
}

/** What the lifecycle keeps of a record. */
export interface RecordLifecycle {
  readonly status: RecordStatus;
  readonly closedAt?: Date;
  readonly closureReason?: string;
  /** Pending: until when the patient may oppose. */
  readonly oppositionUntil?: Date;
  readonly deletionRequestedAt?: Date;
  /** When the purge is due (closed, deletion requested). */
  readonly purgeDueAt?: Date;
  readonly suspension?: Suspension;
  readonly purgedAt?: Date;
}

/** A step of the lifecycle; who may take each is the access policy's (or the operator's, the system's). */
export type LifecycleEvent =
  | { readonly kind: 'close'; readonly reason: string }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'request-deletion' }
  | { readonly kind: 'oppose' }
  | { readonly kind: 'suspend'; readonly basis: SuspensionBasis; readonly reference: string }
  | { readonly kind: 'lift-suspension' }
  /** The system: the opposition period is over. */
  | { readonly kind: 'activate' }
  /** The system: the purge is due. */
  | { readonly kind: 'purge' };

/** A pending record's lifecycle when opened by default at `now`. */
export function pendingLifecycle(now: Date): RecordLifecycle {
  return { status: 'pending', oppositionUntil: addDays(now, LIFECYCLE_DELAYS.oppositionDays) };
}

/**
 * The lifecycle after the event, or a refusal (`RECORD_STATE_CONFLICT`, or
 * `OPPOSITION_PERIOD_OVER`). Closing a closed record and reopening an open one change nothing.
 */
export function nextLifecycle(
  current: RecordLifecycle,
  event: LifecycleEvent,
  now: Date,
): RecordLifecycle {
  const { status } = current;
  switch (event.kind) {
    case 'close':
      if (status === 'closed') return current;
      if (status !== 'open' && status !== 'pending') throw conflict(current, event);
      return {
        status: 'closed',
        closedAt: now,
        closureReason: event.reason,
        purgeDueAt: addYears(now, LIFECYCLE_DELAYS.retentionYears),
      };
    case 'reopen':
      if (status === 'open' || status === 'pending') return current;
      if (status !== 'closed' && status !== 'deletion-requested') throw conflict(current, event);
      return { status: 'open' };
    case 'request-deletion':
      if (status === 'deletion-requested') return current;
      if (status !== 'open' && status !== 'pending' && status !== 'closed') {
        throw conflict(current, event);
      }
      return deletionRequested(current, now, 'Suppression demandée par le patient');
    case 'oppose':
      if (status !== 'pending') throw conflict(current, event);
      if (current.oppositionUntil && now > current.oppositionUntil) {
        throw new DomainError(
          'OPPOSITION_PERIOD_OVER',
          `The opposition period ended on ${current.oppositionUntil.toISOString()}: ` +
            'close the record and ask for its deletion instead',
        );
      }
      return deletionRequested(current, now, 'Opposition à la création du dossier');
    case 'suspend':
      if (status === 'suspended' || status === 'purged') throw conflict(current, event);
      return {
        ...current,
        status: 'suspended',
        suspension: {
          basis: event.basis,
          reference: event.reference,
          at: now,
          resumeStatus: status,
        },
      };
    case 'lift-suspension': {
      if (status !== 'suspended' || !current.suspension) throw conflict(current, event);
      const { suspension: _lifted, ...rest } = current;
      return { ...rest, status: current.suspension.resumeStatus };
    }
    case 'activate':
      if (status !== 'pending' || !isPast(current.oppositionUntil, now)) {
        throw conflict(current, event);
      }
      return { status: 'open' };
    case 'purge':
      if (
        (status !== 'closed' && status !== 'deletion-requested') ||
        !isPast(current.purgeDueAt, now)
      ) {
        throw conflict(current, event);
      }
      return { status: 'purged', closedAt: current.closedAt, purgedAt: now };
  }
}

function deletionRequested(current: RecordLifecycle, now: Date, reason: string): RecordLifecycle {
  return {
    status: 'deletion-requested',
    closedAt: current.closedAt ?? now,
    closureReason: current.closureReason ?? reason,
    deletionRequestedAt: now,
    purgeDueAt: addDays(now, LIFECYCLE_DELAYS.deletionDays),
  };
}

function conflict(current: RecordLifecycle, event: LifecycleEvent): DomainError {
  return new DomainError(
    'RECORD_STATE_CONFLICT',
    `A record that is ${current.status} cannot take the step ${event.kind}`,
  );
}

function isPast(due: Date | undefined, now: Date): boolean {
  return due !== undefined && due <= now;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

export function addYears(date: Date, years: number): Date {
  const next = new Date(date);
  next.setUTCFullYear(next.getUTCFullYear() + years);
  return next;
}

export function addMonths(date: Date, months: number): Date {
  const next = new Date(date);
  next.setUTCMonth(next.getUTCMonth() + months);
  return next;
}
