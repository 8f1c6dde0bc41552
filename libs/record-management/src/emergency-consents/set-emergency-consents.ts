import { Injectable } from '@nestjs/common';
import type { AccessChange, EmergencyConsents } from '@passerelle/access-control';
import type { Principal } from '@passerelle/domain';
import { AccessStateChange, RecordCommand } from '../access-change';

export interface SetEmergencyConsentsCommand extends RecordCommand {
  readonly consents: EmergencyConsents;
}

/** The patient's emergency consents (centre 15, bris de glace, masked documents): his only. */
@Injectable()
export class SetEmergencyConsents extends AccessStateChange<SetEmergencyConsentsCommand> {
  protected readonly label = { transaction: 'emergency-consents', action: 'consent.manage' };

  protected changeOf(): AccessChange {
    return { kind: 'emergency-consents' };
  }

  protected write(_actor: Principal, command: SetEmergencyConsentsCommand): Promise<void> {
    return this.writer.setEmergencyConsents(command.patientKey, command.consents);
  }
}
