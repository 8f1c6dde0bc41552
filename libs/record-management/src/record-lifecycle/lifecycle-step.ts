import { Inject } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AuditLabel, Outcome, UseCase, audited } from '@passerelle/audit';
import {
  DomainError,
  LifecycleEvent,
  Principal,
  RecordLifecycle,
  nextLifecycle,
} from '@passerelle/domain';
import type { RecordCommand } from '../access-change';
import { CLOCK, Clock, RECORD_LIFECYCLE_STORE, RecordLifecycleStore } from '../ports';

/** The patient's lifecycle steps, as the access rules name them. */
type PatientStep = Extract<
  LifecycleEvent['kind'],
  'close' | 'reopen' | 'request-deletion' | 'oppose'
>;

/**
 * A step of the record's lifecycle the patient takes (DESIGN §4: the patient only): the
 * decision, then the step under the record's lock (refused when the record's state does not
 * allow it), and the patient is told its new status (a notice he cannot turn off).
 */
export abstract class PatientLifecycleStep<Command extends RecordCommand> implements UseCase<
  Command,
  void
> {
  protected abstract readonly label: AuditLabel;

  constructor(
    private readonly access: AccessControl,
    @Inject(RECORD_LIFECYCLE_STORE) private readonly lifecycle: RecordLifecycleStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(actor: Principal, command: Command): Promise<Outcome<void>> {
    return audited(this.label, actor, async (audit) => {
      const event = this.eventOf(command);
      await this.access.authorizeAccessChange(audit, actor, command.patientKey, {
        kind: event.kind,
      });
      const next = await this.lifecycle.transition(command.patientKey, (current) =>
        nextLifecycle(current, event, this.clock.now()),
      );
      if (!next) throw new DomainError('UNKNOWN_PATIENT', 'The patient has no record');
      audit.notify('record-status', lifecycleNotice(event.kind, next));
    });
  }

  protected abstract eventOf(command: Command): LifecycleEvent & { readonly kind: PatientStep };
}

/** What the patient is told of a step: the status and its dates, never why or by whom else. */
export function lifecycleNotice(
  change: LifecycleEvent['kind'] | 'open-by-default',
  lifecycle: RecordLifecycle,
): Record<string, string> {
  return {
    change,
    status: lifecycle.status,
    ...(lifecycle.oppositionUntil
      ? { oppositionUntil: lifecycle.oppositionUntil.toISOString() }
      : {}),
    ...(lifecycle.purgeDueAt ? { purgeDue: lifecycle.purgeDueAt.toISOString() } : {}),
  };
}
