import type { AccessChange, AccessControl } from '@passerelle/access-control';
import type { AuditContext } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';

/**
 * The shape of every change of the access state: the patient-level decision, then whether this
 * actor may make this change (DESIGN §4), then the write — and the patient is told.
 */
export async function changeAccessState(
  access: AccessControl,
  audit: AuditContext,
  actor: Principal,
  patientKey: string,
  change: AccessChange,
  write: () => Promise<void>,
): Promise<void> {
  await access.authorizeAccessChange(audit, actor, patientKey, change);
  await write();
  audit.notify('access-changed', {
    change: change.kind,
    ...('subjectId' in change ? { professional: change.subjectId } : {}),
  });
}

/** What a record-management command names: the record, and for most the professional. */
export interface RecordCommand {
  readonly patientKey: string;
}

export interface ProfessionalCommand extends RecordCommand {
  /** idNat of the professional (or structure) concerned; the caller himself when absent. */
  readonly subjectId?: string;
}
