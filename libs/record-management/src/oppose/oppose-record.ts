import { Injectable } from '@nestjs/common';
import type { RecordCommand } from '../access-change';
import { PatientLifecycleStep } from '../record-lifecycle/lifecycle-step';

/**
 * The patient opposes the record opened for him by default, within six weeks of the notice:
 * it is closed and deleted as on a deletion request. After the six weeks: 422
 * OPPOSITION_PERIOD_OVER (he may still close it and ask for its deletion). The patient only.
 */
@Injectable()
export class OpposeRecord extends PatientLifecycleStep<RecordCommand> {
  protected readonly label = { transaction: 'record-oppose', action: 'consent.manage' };

  protected eventOf() {
    return { kind: 'oppose' } as const;
  }
}
