import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AuditContext, AuditLabel, Outcome, UseCase, audited } from '@passerelle/audit';
import {
  DomainError,
  Principal,
  SubmissionSignatureVerifier,
  submitterOf,
} from '@passerelle/domain';
import {
  RegisteredSubmission,
  SubmissionDraft,
  SubmissionRegistrar,
  submissionPatientKey,
} from '@passerelle/registry';
import { CONTENT_STORE, ContentStore, SUBMISSION_SIGNATURES } from '../ports';
import { REPOSITORY_OPTIONS, RepositoryOptions } from '../repository-options';
import { ReceivedDocuments, receiveDocuments } from './repository-part';
import { signedSubmission } from './submission-signature';

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
  /** Whether SIGNATURE_POLICY=required refuses an unsigned submission here. */
  protected readonly signatureRequired: boolean = true;

  constructor(
    private readonly access: AccessControl,
    private readonly registrar: SubmissionRegistrar,
    @Inject(CONTENT_STORE) private readonly content: ContentStore,
    @Inject(REPOSITORY_OPTIONS) private readonly options: RepositoryOptions,
    @Inject(SUBMISSION_SIGNATURES) private readonly signatures: SubmissionSignatureVerifier,
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
      const received = receiveDocuments(draft, this.options.repositoryUniqueId, (received) =>
        this.registrar.problemsOf(received, { registerOnly: false }),
      );
      // A draft with problems is refused by the registrar with every one of them; a signature
      // over what could not be translated is not worth checking.
      const signed = draft.problems?.length
        ? received.draft
        : await this.checkSignature(received, audit);
      const sight = this.access.sightOf(actor);
      return this.registrar.register(signed, submitterOf(actor), audit, sight, {
        contents: received.contents,
        stage: (unit, added) => added.forEach((content) => this.content.put(unit, content)),
      });
    });
  }

  /** The draft, each signed document naming its signer once the signature holds. */
  private async checkSignature(
    received: ReceivedDocuments,
    audit: AuditContext,
  ): Promise<SubmissionDraft> {
    try {
      return await signedSubmission(
        received,
        this.options.signaturePolicy,
        this.signatureRequired,
        this.signatures,
      );
    } catch (error) {
      if (error instanceof DomainError) audit.failed(error.code);
      throw error;
    }
  }
}
