import { Injectable } from '@nestjs/common';
import type { RecordCommand } from '../access-change';
import { PatientLifecycleStep } from '../record-lifecycle/lifecycle-step';

/**
 * The patient asks for his record to be deleted (closing it if it is not): it is purged a week
 * later (LIFECYCLE_DELAYS.deletionDays), until when he may still read it, or withdraw by
 * reopening it. The patient only.
 */
@Injectable()
export class RequestDeletion extends PatientLifecycleStep<RecordCommand> {
  protected readonly label = { transaction: 'record-request-deletion', action: 'consent.manage' };

  protected eventOf() {
    return { kind: 'request-deletion' } as const;
  }
}
