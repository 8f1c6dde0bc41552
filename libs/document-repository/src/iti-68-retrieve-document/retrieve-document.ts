import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { DocumentContent, DomainError, Principal } from '@passerelle/domain';
import { DOCUMENT_LOCATOR, DocumentLocator } from '@passerelle/registry';
import { CONTENT_STORE, ContentStore } from '../ports';

/**
 * ITI-68 Retrieve Document: the bytes as provided. The access decision is made on the
 * document's metadata before its bytes are read; unknown or not for this caller: 404.
 */
@Injectable()
export class RetrieveDocument implements UseCase<{ contentId: string }, DocumentContent> {
  constructor(
    private readonly access: AccessControl,
    @Inject(DOCUMENT_LOCATOR) private readonly locator: DocumentLocator,
    @Inject(CONTENT_STORE) private readonly content: ContentStore,
  ) {}

  execute(
    actor: Principal,
    { contentId }: { contentId: string },
  ): Promise<Outcome<DocumentContent>> {
    return audited({ transaction: 'ITI-68', action: 'document.consult' }, actor, async (audit) => {
      const located = await this.locator.locate({ contentIds: [contentId] });
      const { entry } = await this.access.authorizeDocument(
        audit,
        actor,
        'document.consult',
        located.documents.at(0),
        noSuchDocument,
      );
      const content = await this.content.read(entry.patientKey, contentId);
      if (!content) throw noSuchDocument();
      return content;
    });
  }
}

function noSuchDocument(): DomainError {
  return new DomainError('DOCUMENT_NOT_FOUND', 'No such document');
}
