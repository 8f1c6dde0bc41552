import { Injectable } from '@nestjs/common';
import type { AccessChange } from '@passerelle/access-control';
import { Principal, principalLabel } from '@passerelle/domain';
import { AccessStateChange, RecordCommand } from '../access-change';

export interface SetBlockCommand extends RecordCommand {
  /** The professional or structure blocked (or unblocked). */
  readonly subjectId: string;
  readonly blocked: boolean;
}

/** Blocking a professional or a structure from the record, or unblocking: the patient only. */
@Injectable()
export class SetBlock extends AccessStateChange<SetBlockCommand> {
  protected readonly label = { transaction: 'block', action: 'consent.manage' };

  protected changeOf(_actor: Principal, { subjectId, blocked }: SetBlockCommand): AccessChange {
    return { kind: blocked ? 'block' : 'unblock', subjectId };
  }

  protected write(actor: Principal, { patientKey, subjectId, blocked }: SetBlockCommand) {
    return this.writer.setBlocked(patientKey, subjectId, blocked, principalLabel(actor));
  }
}
