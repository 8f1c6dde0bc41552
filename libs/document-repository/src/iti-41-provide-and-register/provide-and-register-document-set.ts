import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AuditLabel, Outcome, UseCase, audited } from '@passerelle/audit';
import { Principal, submitterOf } from '@passerelle/domain';
import {
  RegisteredSubmission,
  SubmissionDraft,
  SubmissionRegistrar,
  submissionPatientKey,
} from '@passerelle/registry';
import { CONTENT_STORE, ContentStore } from '../ports';
import { REPOSITORY_OPTIONS, RepositoryOptions } from '../repository-options';
import { receiveDocuments } from './repository-part';

/**
 * ITI-41 Provide and Register Document Set-b: the documents' bytes and their metadata, stored
 * together or not at all — the bytes through the content store, in the registry's write unit.
 */
@Injectable()
export class ProvideAndRegisterDocumentSet implements UseCase<
  SubmissionDraft,
  RegisteredSubmission
> {
  protected readonly label: AuditLabel = { transaction: 'ITI-41', action: 'document.provide' };

  constructor(
    private readonly access: AccessControl,
    private readonly registrar: SubmissionRegistrar,
    @Inject(CONTENT_STORE) private readonly content: ContentStore,
    @Inject(REPOSITORY_OPTIONS) private readonly options: RepositoryOptions,
  ) {}

  execute(actor: Principal, draft: SubmissionDraft): Promise<Outcome<RegisteredSubmission>> {
    return audited(this.label, actor, async (audit) => {
      const access = await this.access.authorize(
        audit,
        actor,
        'document.provide',
        submissionPatientKey(draft),
      );
      this.access.assertPatientAuthorship(audit, access, draft.documents);
      const received = receiveDocuments(draft, this.options.repositoryUniqueId);
      const sight = this.access.sightOf(actor);
      return this.registrar.register(received.draft, submitterOf(actor), audit, sight, {
        contents: received.contents,
        stage: (unit, added) => added.forEach((content) => this.content.put(unit, content)),
      });
    });
  }
}
