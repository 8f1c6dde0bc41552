import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import { RecordCommand, changeAccessState } from '../access-change';
import { ACCESS_STATE_WRITER, AccessStateWriter } from '../ports';

export interface CloseRecordCommand extends RecordCommand {
  readonly reason: string;
}

/** Closing the record (no new document, no professional access): the patient only. */
@Injectable()
export class CloseRecord implements UseCase<CloseRecordCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: CloseRecordCommand): Promise<Outcome<void>> {
    return audited({ transaction: 'record-close', action: 'consent.manage' }, actor, (audit) =>
      changeAccessState(
        this.access,
        audit,
        actor,
        command.patientKey,
        { kind: 'close' },
        async () => {
          await this.writer.setRecordStatus(command.patientKey, 'closed', command.reason);
        },
      ),
    );
  }
}

/** Reopening a closed record, which restores it: the patient only. */
@Injectable()
export class ReopenRecord implements UseCase<RecordCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: RecordCommand): Promise<Outcome<void>> {
    return audited({ transaction: 'record-reopen', action: 'consent.manage' }, actor, (audit) =>
      changeAccessState(
        this.access,
        audit,
        actor,
        command.patientKey,
        { kind: 'reopen' },
        async () => {
          await this.writer.setRecordStatus(command.patientKey, 'open');
        },
      ),
    );
  }
}
