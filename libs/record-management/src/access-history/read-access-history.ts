import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AUDIT_STORE, AuditRecord, AuditStore, Outcome, UseCase, audited } from '@passerelle/audit';
import type { Page, PageRequest, Principal } from '@passerelle/domain';
import type { RecordCommand } from '../access-change';

export interface ReadAccessHistoryCommand extends RecordCommand {
  readonly page: PageRequest;
}

/** The patient's access history (DESIGN §5): who did what with the record, newest first. His only. */
@Injectable()
export class ReadAccessHistory implements UseCase<ReadAccessHistoryCommand, Page<AuditRecord>> {
  constructor(
    private readonly access: AccessControl,
    @Inject(AUDIT_STORE) private readonly audits: AuditStore,
  ) {}

  execute(
    actor: Principal,
    command: ReadAccessHistoryCommand,
  ): Promise<Outcome<Page<AuditRecord>>> {
    return audited({ transaction: 'audit-read', action: 'audit.read' }, actor, async (audit) => {
      await this.access.authorizeAccessChange(audit, actor, command.patientKey, {
        kind: 'read-history',
      });
      const { limit, offset } = command.page;
      return this.audits.findByPatient(command.patientKey, limit, offset);
    });
  }
}
