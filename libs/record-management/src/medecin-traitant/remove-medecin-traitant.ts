import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { DomainError, Principal } from '@passerelle/domain';
import { ProfessionalCommand, changeAccessState } from '../access-change';
import { ACCESS_STATE_WRITER, AccessStateWriter } from '../ports';

/** Removing a médecin traitant: the patient only (he cannot block one, but may remove the role). */
@Injectable()
export class RemoveMedecinTraitant implements UseCase<ProfessionalCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: ProfessionalCommand): Promise<Outcome<void>> {
    const subjectId = command.subjectId ?? actor.subjectId;
    return audited({ transaction: 'medecin-traitant', action: 'consent.manage' }, actor, (audit) =>
      changeAccessState(
        this.access,
        audit,
        actor,
        command.patientKey,
        { kind: 'remove-medecin-traitant', subjectId },
        async () => {
          if (!(await this.writer.removeMedecinTraitant(command.patientKey, subjectId))) {
            throw new DomainError('RESOURCE_NOT_FOUND', `${subjectId} is not médecin traitant`);
          }
        },
      ),
    );
  }
}
