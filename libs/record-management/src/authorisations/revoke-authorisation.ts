import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { DomainError, Principal } from '@passerelle/domain';
import { ProfessionalCommand, changeAccessState } from '../access-change';
import { ACCESS_STATE_WRITER, AccessStateWriter } from '../ports';

/** Revoking an authorisation: the patient, any; a professional, his own. */
@Injectable()
export class RevokeAuthorisation implements UseCase<ProfessionalCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: ProfessionalCommand): Promise<Outcome<void>> {
    const subjectId = command.subjectId ?? actor.subjectId;
    return audited({ transaction: 'authorisation', action: 'consent.manage' }, actor, (audit) =>
      changeAccessState(
        this.access,
        audit,
        actor,
        command.patientKey,
        { kind: 'revoke-authorisation', subjectId },
        async () => {
          if (!(await this.writer.revokeAuthorisation(command.patientKey, subjectId))) {
            throw new DomainError('RESOURCE_NOT_FOUND', `No authorisation for ${subjectId}`);
          }
        },
      ),
    );
  }
}
