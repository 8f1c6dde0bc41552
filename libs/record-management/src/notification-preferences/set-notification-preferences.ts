import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import {
  DomainError,
  NotificationPreferences,
  OptionalNotification,
  Principal,
} from '@passerelle/domain';
import type { RecordCommand } from '../access-change';
import { PATIENT_RECORD_STORE, PatientRecordStore } from '../ports';

export interface SetNotificationPreferencesCommand extends RecordCommand {
  /** Whether he wants each kind; a kind he does not name is wanted. */
  readonly wanted: Partial<Record<OptionalNotification | 'emergency-access', boolean>>;
}

/**
 * Which notifications the patient wants (DESIGN §4: his only). Every emergency access is
 * notified whatever he says: asking to turn that off is refused (422).
 */
@Injectable()
export class SetNotificationPreferences implements UseCase<
  SetNotificationPreferencesCommand,
  void
> {
  constructor(
    private readonly access: AccessControl,
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
  ) {}

  execute(actor: Principal, command: SetNotificationPreferencesCommand): Promise<Outcome<void>> {
    return audited(
      { transaction: 'notification-preferences', action: 'preferences.manage' },
      actor,
      async (audit) => {
        await this.access.authorizeAccessChange(audit, actor, command.patientKey, {
          kind: 'notification-preferences',
        });
        if (command.wanted['emergency-access'] === false) {
          throw new DomainError(
            'NOTIFICATION_REQUIRED',
            'Every emergency access to the record is notified: emergency-access cannot be turned off',
          );
        }
        const { wanted } = command;
        const preferences: NotificationPreferences = {
          'new-document': wanted['new-document'] ?? true,
          'first-access': wanted['first-access'] ?? true,
          'access-changed': wanted['access-changed'] ?? true,
        };
        await this.records.setNotificationPreferences(command.patientKey, preferences);
      },
    );
  }
}
