import { Injectable } from '@nestjs/common';
import type { AccessChange } from '@passerelle/access-control';
import { DomainError, Principal } from '@passerelle/domain';
import { AccessStateChange, SubjectCommand, subjectKindOf, subjectOf } from '../access-change';

/** Revoking an authorisation: the patient, any (of a professional or a structure); a professional, his own. */
@Injectable()
export class RevokeAuthorisation extends AccessStateChange<SubjectCommand> {
  protected readonly label = { transaction: 'authorisation', action: 'consent.manage' };

  protected changeOf(actor: Principal, command: SubjectCommand): AccessChange {
    return {
      kind: 'revoke-authorisation',
      subjectId: subjectOf(actor, command),
      subjectKind: subjectKindOf(command),
    };
  }

  protected async write(actor: Principal, command: SubjectCommand): Promise<void> {
    const subjectId = subjectOf(actor, command);
    if (!(await this.writer.revokeAuthorisation(command.patientKey, subjectId))) {
      throw new DomainError('RESOURCE_NOT_FOUND', `No authorisation for ${subjectId}`);
    }
  }
}
