import { Injectable } from '@nestjs/common';
import type { AccessChange } from '@passerelle/access-control';
import type { Principal } from '@passerelle/domain';
import { AccessStateChange, RecordCommand } from '../access-change';

export interface CloseRecordCommand extends RecordCommand {
  readonly reason: string;
}

/** Closing the record (no new document, no professional access): the patient only. */
@Injectable()
export class CloseRecord extends AccessStateChange<CloseRecordCommand> {
  protected readonly label = { transaction: 'record-close', action: 'consent.manage' };

  protected changeOf(): AccessChange {
    return { kind: 'close' };
  }

  protected async write(_actor: Principal, command: CloseRecordCommand): Promise<void> {
    await this.writer.setRecordStatus(command.patientKey, 'closed', command.reason);
  }
}

/** Reopening a closed record, which restores it: the patient only. */
@Injectable()
export class ReopenRecord extends AccessStateChange<RecordCommand> {
  protected readonly label = { transaction: 'record-reopen', action: 'consent.manage' };

  protected changeOf(): AccessChange {
    return { kind: 'reopen' };
  }

  protected async write(_actor: Principal, command: RecordCommand): Promise<void> {
    await this.writer.setRecordStatus(command.patientKey, 'open');
  }
}
