import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import type { RecordCommand } from '../access-change';
import { ContactDetails, PATIENT_RECORD_STORE, PatientRecordStore } from '../ports';
import { checkedContactDetails } from './contact-details';

export interface SetContactDetailsCommand extends RecordCommand, ContactDetails {}

/** Where the patient is told (e-mail, phone): his only; a detail he does not give is kept. */
@Injectable()
export class SetContactDetails implements UseCase<SetContactDetailsCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
  ) {}

  execute(actor: Principal, command: SetContactDetailsCommand): Promise<Outcome<void>> {
    return audited(
      { transaction: 'contact-details', action: 'contact.manage' },
      actor,
      async (audit) => {
        await this.access.authorizeAccessChange(audit, actor, command.patientKey, {
          kind: 'contact-details',
        });
        const contact = checkedContactDetails({ email: command.email, phone: command.phone });
        await this.records.setContactDetails(command.patientKey, contact);
      },
    );
  }
}
