import { Inject, Injectable } from '@nestjs/common';
import { Access, AccessControl } from '@passerelle/access-control';
import { AuditContext, Outcome, UseCase, audited } from '@passerelle/audit';
import { DomainError, ErrorDetail, Principal, excerpt } from '@passerelle/domain';
import { DOCUMENT_LOCATOR, DocumentLocator } from '@passerelle/registry';
import { CONTENT_STORE, ContentStore } from '../ports';
import { REPOSITORY_OPTIONS, RepositoryOptions } from '../repository-options';

export interface DocumentRequest {
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
  readonly homeCommunityId?: string;
}

export interface RetrievedDocument {
  readonly request: DocumentRequest;
  readonly mimeType: string;
  readonly bytes: Buffer;
}

export interface RetrievedDocumentSet {
  readonly documents: readonly RetrievedDocument[];
  /** What could not be retrieved, each located by its document uniqueId. */
  readonly problems: readonly ErrorDetail[];
}

/**
 * ITI-43 Retrieve Document Set: each document the caller may see; any other — unknown, of a
 * record the caller may not consult, or hidden — is reported missing, the same way.
 */
@Injectable()
export class RetrieveDocumentSet implements UseCase<
  readonly DocumentRequest[],
  RetrievedDocumentSet
> {
  constructor(
    private readonly access: AccessControl,
    @Inject(DOCUMENT_LOCATOR) private readonly locator: DocumentLocator,
    @Inject(CONTENT_STORE) private readonly content: ContentStore,
    @Inject(REPOSITORY_OPTIONS) private readonly options: RepositoryOptions,
  ) {}

  execute(
    actor: Principal,
    requests: readonly DocumentRequest[],
  ): Promise<Outcome<RetrievedDocumentSet>> {
    return audited({ transaction: 'ITI-43', action: 'document.consult' }, actor, async (audit) => {
      const decisions = new Map<string, Promise<Access | undefined>>();
      const documents: RetrievedDocument[] = [];
      const problems: ErrorDetail[] = [];
      for (const request of requests) {
        try {
          documents.push(await this.retrieveOne(audit, actor, request, decisions));
        } catch (error) {
          if (!(error instanceof DomainError) || error.code === 'UNAUTHENTICATED') throw error;
          problems.push(
            ...error.details.map((detail) => ({ ...detail, location: request.documentUniqueId })),
          );
        }
      }
      audit.documents = documents.map((document) => document.request.documentUniqueId);
      return { documents, problems };
    });
  }

  private async retrieveOne(
    audit: AuditContext,
    actor: Principal,
    request: DocumentRequest,
    decisions: Map<string, Promise<Access | undefined>>,
  ): Promise<RetrievedDocument> {
    if (request.repositoryUniqueId !== this.options.repositoryUniqueId) {
      throw new DomainError(
        'UNKNOWN_REPOSITORY',
        `Repository ${excerpt(request.repositoryUniqueId)} is not this repository`,
      );
    }
    const located = await this.locator.locate({ uniqueIds: [request.documentUniqueId] });
    const entry = located.documents.at(0);
    const patientKey = entry?.patientKey ?? '';
    if (!decisions.has(patientKey)) {
      decisions.set(
        patientKey,
        this.access.authorizeNamed(audit, actor, 'document.consult', entry?.patientKey),
      );
    }
    const access = await decisions.get(patientKey);
    const content =
      entry?.contentId && access?.canSee(entry)
        ? await this.content.read(entry.patientKey, entry.contentId)
        : undefined;
    if (!entry || !content) {
      if (entry && access) audit.denied('DOCUMENT_HIDDEN');
      throw missingDocument(request);
    }
    return { request, mimeType: entry.mimeType, bytes: content.bytes };
  }
}

function missingDocument(request: DocumentRequest): DomainError {
  return new DomainError(
    'DOCUMENT_NOT_FOUND',
    `No document ${excerpt(request.documentUniqueId)} in repository ${excerpt(request.repositoryUniqueId)}`,
  );
}
