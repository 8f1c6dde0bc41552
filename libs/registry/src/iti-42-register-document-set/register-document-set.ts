import { Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { Principal, submitterOf } from '@passerelle/domain';
import type { SubmissionDraft } from '../submission/submission-draft';
import { RegisteredSubmission, SubmissionRegistrar } from '../submission/submission-registrar';
import { submissionPatientKey } from '../submission/validate-submission';

/** ITI-42 Register Document Set-b: metadata of documents another repository holds. */
@Injectable()
export class RegisterDocumentSet implements UseCase<SubmissionDraft, RegisteredSubmission> {
  constructor(
    private readonly access: AccessControl,
    private readonly registrar: SubmissionRegistrar,
  ) {}

  execute(actor: Principal, draft: SubmissionDraft): Promise<Outcome<RegisteredSubmission>> {
    return audited({ transaction: 'ITI-42', action: 'document.provide' }, actor, async (audit) => {
      await this.access.authorize(audit, actor, 'document.provide', submissionPatientKey(draft));
      const sight = this.access.sightOf(actor);
      return this.registrar.register(draft, submitterOf(actor), audit, sight);
    });
  }
}
