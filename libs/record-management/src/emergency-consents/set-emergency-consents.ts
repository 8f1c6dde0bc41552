import { Inject, Injectable } from '@nestjs/common';
import { AccessControl, EmergencyConsents } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import { RecordCommand, changeAccessState } from '../access-change';
import { ACCESS_STATE_WRITER, AccessStateWriter } from '../ports';

export interface SetEmergencyConsentsCommand extends RecordCommand {
  readonly consents: EmergencyConsents;
}

/** The patient's emergency consents (centre 15, bris de glace, masked documents): his only. */
@Injectable()
export class SetEmergencyConsents implements UseCase<SetEmergencyConsentsCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: SetEmergencyConsentsCommand): Promise<Outcome<void>> {
    return audited(
      { transaction: 'emergency-consents', action: 'consent.manage' },
      actor,
      (audit) =>
        changeAccessState(
          this.access,
          audit,
          actor,
          command.patientKey,
          { kind: 'emergency-consents' },
          () => this.writer.setEmergencyConsents(command.patientKey, command.consents),
        ),
    );
  }
}
