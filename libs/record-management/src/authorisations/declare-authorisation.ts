import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { Principal, principalLabel } from '@passerelle/domain';
import { ProfessionalCommand, changeAccessState } from '../access-change';
import { ACCESS_STATE_WRITER, AccessStateWriter } from '../ports';

export interface DeclareAuthorisationCommand extends ProfessionalCommand {
  /** The patient's refusal of this professional rather than his consent. */
  readonly forbidden: boolean;
  /** The worker's express consent, required for a médecin du travail. */
  readonly expressConsent: boolean;
  readonly validUntil?: Date;
}

/**
 * The patient's authorisation for a professional: declared by the professional, for himself,
 * attesting the patient's consent — or, refusal included, by the patient.
 */
@Injectable()
export class DeclareAuthorisation implements UseCase<DeclareAuthorisationCommand, void> {
  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
  ) {}

  execute(actor: Principal, command: DeclareAuthorisationCommand): Promise<Outcome<void>> {
    const subjectId = command.subjectId ?? actor.subjectId;
    return audited({ transaction: 'authorisation', action: 'consent.manage' }, actor, (audit) =>
      changeAccessState(
        this.access,
        audit,
        actor,
        command.patientKey,
        { kind: 'declare-authorisation', subjectId, forbidden: command.forbidden },
        () =>
          this.writer.declareAuthorisation({
            patientKey: command.patientKey,
            subjectId,
            state: command.forbidden ? 'forbidden' : 'valid',
            expressConsent: command.expressConsent,
            validUntil: command.validUntil,
            declaredBy: principalLabel(actor),
          }),
      ),
    );
  }
}
