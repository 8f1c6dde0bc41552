import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { Principal, principalLabel } from '@passerelle/domain';
import { ProfessionalCommand, changeAccessState } from '../access-change';
import { ACCESS_STATE_WRITER, AccessStateWriter } from '../ports';

/**
 * A médecin traitant (full read access, masked documents included; cannot be blocked): declared
 * by the patient, or by a médecin who already holds a valid authorisation, for himself.
 */
@Injectable()
export class DeclareMedecinTraitant implements UseCase<ProfessionalCommand, void> {
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
        { kind: 'declare-medecin-traitant', subjectId },
        () =>
          this.writer.declareMedecinTraitant(command.patientKey, subjectId, principalLabel(actor)),
      ),
    );
  }
}
