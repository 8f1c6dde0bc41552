import { Injectable } from '@nestjs/common';
import type { AccessChange } from '@passerelle/access-control';
import { Principal, principalLabel } from '@passerelle/domain';
import { AccessStateChange, SubjectCommand, subjectKindOf, subjectOf } from '../access-change';

export interface DeclareAuthorisationCommand extends SubjectCommand {
  /** The patient's refusal of this professional rather than his consent. */
  readonly forbidden: boolean;
  /** The worker's express consent, required for a médecin du travail. */
  readonly expressConsent: boolean;
  readonly validUntil?: Date;
}

/**
 * The patient's authorisation for a professional or a structure: declared by a professional,
 * for himself, attesting the patient's consent — or, refusal included, by the patient.
 */
@Injectable()
export class DeclareAuthorisation extends AccessStateChange<DeclareAuthorisationCommand> {
  protected readonly label = { transaction: 'authorisation', action: 'consent.manage' };

  protected changeOf(actor: Principal, command: DeclareAuthorisationCommand): AccessChange {
    return {
      kind: 'declare-authorisation',
      subjectId: subjectOf(actor, command),
      subjectKind: subjectKindOf(command),
      forbidden: command.forbidden,
    };
  }

  protected write(actor: Principal, command: DeclareAuthorisationCommand): Promise<void> {
    return this.writer.declareAuthorisation({
      patientKey: command.patientKey,
      subjectId: subjectOf(actor, command),
      subjectKind: subjectKindOf(command),
      state: command.forbidden ? 'forbidden' : 'valid',
      expressConsent: command.expressConsent,
      validUntil: command.validUntil,
      declaredBy: principalLabel(actor),
    });
  }
}
