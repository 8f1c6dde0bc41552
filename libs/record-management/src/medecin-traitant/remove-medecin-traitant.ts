import { Injectable } from '@nestjs/common';
import type { AccessChange } from '@passerelle/access-control';
import { DomainError, Principal } from '@passerelle/domain';
import { AccessStateChange, ProfessionalCommand, subjectOf } from '../access-change';

/** Removing a médecin traitant: the patient only (he cannot block one, but may remove the role). */
@Injectable()
export class RemoveMedecinTraitant extends AccessStateChange<ProfessionalCommand> {
  protected readonly label = { transaction: 'medecin-traitant', action: 'consent.manage' };

  protected changeOf(actor: Principal, command: ProfessionalCommand): AccessChange {
    return { kind: 'remove-medecin-traitant', subjectId: subjectOf(actor, command) };
  }

  protected async write(actor: Principal, command: ProfessionalCommand): Promise<void> {
    const subjectId = subjectOf(actor, command);
    if (!(await this.writer.removeMedecinTraitant(command.patientKey, subjectId))) {
      throw new DomainError('RESOURCE_NOT_FOUND', `${subjectId} is not médecin traitant`);
    }
  }
}
