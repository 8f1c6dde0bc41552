import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import type { RecordCommand } from '../access-change';
import { ACCESS_DECISIONS_READER, AccessDecisions, AccessDecisionsReader } from '../ports';

/**
 * The patient's consents (DESIGN §9): the authorisations, blocks, médecins traitants and
 * emergency consents of his record, as they stand. His only; readable on a closed record.
 */
@Injectable()
export class ReadConsents implements UseCase<RecordCommand, AccessDecisions> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_DECISIONS_READER) private readonly decisions: AccessDecisionsReader,
  ) {}

  execute(actor: Principal, command: RecordCommand): Promise<Outcome<AccessDecisions>> {
    return audited(
      { transaction: 'consent-read', action: 'consent.read' },
      actor,
      async (audit) => {
        await this.access.authorizeAccessChange(audit, actor, command.patientKey, {
          kind: 'read-consents',
        });
        return this.decisions.list(command.patientKey);
      },
    );
  }
}
