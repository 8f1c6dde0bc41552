import { Inject } from '@nestjs/common';
import { AccessChange, AccessControl, SubjectKind } from '@passerelle/access-control';
import { AuditLabel, Outcome, UseCase, audited } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import { ACCESS_STATE_WRITER, AccessStateWriter } from './ports';

/** What a record-management command names: the record, and for most the professional. */
export interface RecordCommand {
  readonly patientKey: string;
}

export interface ProfessionalCommand extends RecordCommand {
  /** idNat of the professional (or structure) concerned; the caller himself when absent. */
  readonly subjectId?: string;
}

/** A command whose subject may be a structure as well as a professional. */
export interface SubjectCommand extends ProfessionalCommand {
  /** What `subjectId` names; a professional when absent. */
  readonly subjectKind?: SubjectKind;
}

/**
 * The shape of every change of the access state: the decision (the record, then whether this
 * actor may make this change — DESIGN §4), then the write, and the patient is told.
 */
export abstract class AccessStateChange<Command extends RecordCommand> implements UseCase<
  Command,
  void
> {
  protected abstract readonly label: AuditLabel;

  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) protected readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: Command): Promise<Outcome<void>> {
    return audited(this.label, actor, async (audit) => {
      const change = this.changeOf(actor, command);
      await this.access.authorizeAccessChange(audit, actor, command.patientKey, change);
      await this.write(actor, command, change);
      audit.notify('access-changed', { change: change.kind, ...subjectFacts(change) });
    });
  }

  protected abstract changeOf(actor: Principal, command: Command): AccessChange;

  protected abstract write(actor: Principal, command: Command, change: AccessChange): Promise<void>;
}

/** The professional a command names, or the caller himself. */
export function subjectOf(actor: Principal, command: ProfessionalCommand): string {
  return command.subjectId ?? actor.subjectId;
}

/** What a command's subject is: a structure only when it says so. */
export function subjectKindOf(command: SubjectCommand): SubjectKind {
  return command.subjectKind ?? 'PS';
}

/** Whom the change names, as the patient's notification tells it. */
function subjectFacts(change: AccessChange): Record<string, string> {
  if (!('subjectId' in change)) return {};
  const structure = 'subjectKind' in change && change.subjectKind === 'STRUCTURE';
  return { [structure ? 'structure' : 'professional']: change.subjectId };
}
