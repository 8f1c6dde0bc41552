import { DomainError } from './errors';
import {
  LIFECYCLE_DELAYS,
  LifecycleEvent,
  RecordLifecycle,
  addDays,
  addYears,
  nextLifecycle,
  pendingLifecycle,
} from './record-lifecycle';

const T0 = new Date('2026-01-15T10:00:00Z');
const later = (days: number) => addDays(T0, days);

const pending = pendingLifecycle(T0);
const open: RecordLifecycle = { status: 'open' };
const closed = nextLifecycle(open, { kind: 'close', reason: 'décès' }, T0);
const deletionRequested = nextLifecycle(open, { kind: 'request-deletion' }, T0);
const suspend: LifecycleEvent = {
  kind: 'suspend',
  basis: 'decision-judiciaire',
  reference: 'TJ Paris 24/1',
};
const suspended = nextLifecycle(closed, suspend, later(1));
const purged = nextLifecycle(closed, { kind: 'purge' }, addYears(T0, 10));

function refusal(current: RecordLifecycle, event: LifecycleEvent, at = later(1)): string {
  try {
    nextLifecycle(current, event, at);
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'allowed';
}

describe('the record lifecycle', () => {
  it('opens by default pending, opposable six weeks, then opened by the system', () => {
    expect(pending).toEqual({ status: 'pending', oppositionUntil: later(42) });
    expect(refusal(pending, { kind: 'activate' }, later(41))).toBe('RECORD_STATE_CONFLICT');
    expect(nextLifecycle(pending, { kind: 'activate' }, later(42))).toEqual({ status: 'open' });
  });

  it('turns an opposition within the six weeks into a deletion a week later', () => {
    expect(nextLifecycle(pending, { kind: 'oppose' }, later(42))).toEqual({
      status: 'deletion-requested',
      closedAt: later(42),
      closureReason: 'Opposition à la création du dossier',
      deletionRequestedAt: later(42),
      purgeDueAt: later(49),
    });
    expect(refusal(pending, { kind: 'oppose' }, later(43))).toBe('OPPOSITION_PERIOD_OVER');
    expect(refusal(open, { kind: 'oppose' })).toBe('RECORD_STATE_CONFLICT');
  });

  it('closes an open or pending record, its purge due ten years later', () => {
    expect(closed).toEqual({
      status: 'closed',
      closedAt: T0,
      closureReason: 'décès',
      purgeDueAt: new Date('2036-01-15T10:00:00Z'),
    });
    expect(nextLifecycle(pending, { kind: 'close', reason: 'x' }, T0).status).toBe('closed');
    expect(nextLifecycle(closed, { kind: 'close', reason: 'again' }, later(5))).toBe(closed);
  });

  it('reopens a closed record, or one whose deletion is asked (withdrawn), whole', () => {
    expect(nextLifecycle(closed, { kind: 'reopen' }, later(1))).toEqual({ status: 'open' });
    expect(nextLifecycle(deletionRequested, { kind: 'reopen' }, later(1))).toEqual({
      status: 'open',
    });
    expect(nextLifecycle(open, { kind: 'reopen' }, later(1))).toBe(open);
  });

  it('asks for deletion of an open, pending or closed record, keeping its closure', () => {
    expect(deletionRequested).toMatchObject({
      status: 'deletion-requested',
      closedAt: T0,
      purgeDueAt: addDays(T0, LIFECYCLE_DELAYS.deletionDays),
    });
    expect(nextLifecycle(closed, { kind: 'request-deletion' }, later(30))).toMatchObject({
      closedAt: T0,
      closureReason: 'décès',
      deletionRequestedAt: later(30),
      purgeDueAt: later(37),
    });
  });

  it('suspends any record but a purged one, keeps its dates, and lifts back to its status', () => {
    expect(suspended).toEqual({
      ...closed,
      status: 'suspended',
      suspension: {
        basis: 'decision-judiciaire',
        reference: 'TJ Paris 24/1',
        at: later(1),
        resumeStatus: 'closed',
      },
    });
    expect(nextLifecycle(suspended, { kind: 'lift-suspension' }, later(2))).toEqual(closed);
    expect(refusal(suspended, suspend)).toBe('RECORD_STATE_CONFLICT');
    expect(refusal(open, { kind: 'lift-suspension' })).toBe('RECORD_STATE_CONFLICT');
    expect(refusal(purged, suspend)).toBe('RECORD_STATE_CONFLICT');
  });

  it('purges a closed record at its due date only, keeping no reason', () => {
    expect(refusal(closed, { kind: 'purge' }, addDays(addYears(T0, 10), -1))).toBe(
      'RECORD_STATE_CONFLICT',
    );
    expect(purged).toEqual({ status: 'purged', closedAt: T0, purgedAt: addYears(T0, 10) });
    expect(refusal(open, { kind: 'purge' })).toBe('RECORD_STATE_CONFLICT');
    expect(refusal(suspended, { kind: 'purge' }, addYears(T0, 20))).toBe('RECORD_STATE_CONFLICT');
  });

  it.each<[string, RecordLifecycle, LifecycleEvent]>([
    ['closed while suspended', suspended, { kind: 'close', reason: 'x' }],
    ['reopened while suspended', suspended, { kind: 'reopen' }],
    ['asked for deletion while suspended', suspended, { kind: 'request-deletion' }],
    ['closed once deletion is asked', deletionRequested, { kind: 'close', reason: 'x' }],
    ['reopened once purged', purged, { kind: 'reopen' }],
    ['asked for deletion once purged', purged, { kind: 'request-deletion' }],
    ['opened by the system unless pending', closed, { kind: 'activate' }],
  ])('is not %s (RECORD_STATE_CONFLICT)', (_name, current, event) => {
    expect(refusal(current, event)).toBe('RECORD_STATE_CONFLICT');
  });
});
