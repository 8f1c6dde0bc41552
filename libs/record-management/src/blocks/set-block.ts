import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { Principal, principalLabel } from '@passerelle/domain';
import { RecordCommand, changeAccessState } from '../access-change';
import { ACCESS_STATE_WRITER, AccessStateWriter } from '../ports';

export interface SetBlockCommand extends RecordCommand {
  /** The professional or structure blocked (or unblocked). */
  readonly subjectId: string;
  readonly blocked: boolean;
}

/** Blocking a professional or a structure from the record, or unblocking: the patient only. */
@Injectable()
export class SetBlock implements UseCase<SetBlockCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: SetBlockCommand): Promise<Outcome<void>> {
    const { patientKey, subjectId, blocked } = command;
    return audited({ transaction: 'block', action: 'consent.manage' }, actor, (audit) =>
      changeAccessState(
        this.access,
        audit,
        actor,
        patientKey,
        { kind: blocked ? 'block' : 'unblock', subjectId },
        () => this.writer.setBlocked(patientKey, subjectId, blocked, principalLabel(actor)),
      ),
    );
  }
}
