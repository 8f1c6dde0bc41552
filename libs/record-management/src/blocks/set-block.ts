import { Injectable } from '@nestjs/common';
import type { AccessChange } from '@passerelle/access-control';
import { Principal, principalLabel } from '@passerelle/domain';
import { AccessStateChange, SubjectCommand, subjectKindOf } from '../access-change';

export interface SetBlockCommand extends SubjectCommand {
  /** The professional or structure blocked (or unblocked). */
  readonly subjectId: string;
  readonly blocked: boolean;
}

/** Blocking a professional or a structure from the record, or unblocking: the patient only. */
@Injectable()
export class SetBlock extends AccessStateChange<SetBlockCommand> {
  protected readonly label = { transaction: 'block', action: 'consent.manage' };

  protected changeOf(_actor: Principal, command: SetBlockCommand): AccessChange {
    return {
      kind: command.blocked ? 'block' : 'unblock',
      subjectId: command.subjectId,
      subjectKind: subjectKindOf(command),
    };
  }

  protected write(actor: Principal, command: SetBlockCommand): Promise<void> {
    return this.writer.setBlocked({
      patientKey: command.patientKey,
      subjectId: command.subjectId,
      subjectKind: subjectKindOf(command),
      blocked: command.blocked,
      declaredBy: principalLabel(actor),
    });
  }
}
