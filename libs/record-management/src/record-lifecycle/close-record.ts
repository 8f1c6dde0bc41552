import { Injectable } from '@nestjs/common';
import type { RecordCommand } from '../access-change';
import { PatientLifecycleStep } from './lifecycle-step';

export interface CloseRecordCommand extends RecordCommand {
  readonly reason: string;
}

/**
 * Closing the record (no new document, no professional access; kept ten years, then purged):
 * the patient only.
 */
@Injectable()
export class CloseRecord extends PatientLifecycleStep<CloseRecordCommand> {
  protected readonly label = { transaction: 'record-close', action: 'consent.manage' };

  protected eventOf(command: CloseRecordCommand) {
    return { kind: 'close', reason: command.reason } as const;
  }
}

/**
 * Reopening a closed record, which restores it — or one whose deletion he asked for, until it
 * is purged (he withdraws his request): the patient only.
 */
@Injectable()
export class ReopenRecord extends PatientLifecycleStep<RecordCommand> {
  protected readonly label = { transaction: 'record-reopen', action: 'consent.manage' };

  protected eventOf() {
    return { kind: 'reopen' } as const;
  }
}
