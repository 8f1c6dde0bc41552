import { Injectable } from '@nestjs/common';
import type { AccessChange } from '@passerelle/access-control';
import { Principal, principalLabel } from '@passerelle/domain';
import { AccessStateChange, ProfessionalCommand, subjectOf } from '../access-change';

/**
 * A médecin traitant (full read access, masked documents included; cannot be blocked): declared
 * by the patient, or by a médecin who already holds a valid authorisation, for himself.
 */
@Injectable()
export class DeclareMedecinTraitant extends AccessStateChange<ProfessionalCommand> {
  protected readonly label = { transaction: 'medecin-traitant', action: 'consent.manage' };

  protected changeOf(actor: Principal, command: ProfessionalCommand): AccessChange {
    return { kind: 'declare-medecin-traitant', subjectId: subjectOf(actor, command) };
  }

  protected write(actor: Principal, command: ProfessionalCommand): Promise<void> {
    const subjectId = subjectOf(actor, command);
    return this.writer.declareMedecinTraitant(command.patientKey, subjectId, principalLabel(actor));
  }
}
