import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AuditTrail, Outcome, UseCase, audited } from '@passerelle/audit';
import { DocumentContent, DomainError, Principal } from '@passerelle/domain';
import { CONTENT_LOCATOR, CONTENT_STORE, ContentLocator, ContentStore } from '../ports';

/**
 * ITI-68 Retrieve Document: the bytes as provided. The access decision is made on the
 * document's metadata and its record's access state, read together, before its bytes are read
 * with the audit of the consultation (two round trips in all); unknown or not for this caller:
 * 404, audited by the door.
 */
@Injectable()
export class RetrieveDocument implements UseCase<{ contentId: string }, DocumentContent> {
  constructor(
    private readonly access: AccessControl,
    @Inject(CONTENT_LOCATOR) private readonly locator: ContentLocator,
    @Inject(CONTENT_STORE) private readonly content: ContentStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  execute(
    actor: Principal,
    { contentId }: { contentId: string },
  ): Promise<Outcome<DocumentContent>> {
    return audited({ transaction: 'ITI-68', action: 'document.consult' }, actor, async (audit) => {
      const { entry } = await this.access.authorizeDocumentRead(
        audit,
        actor,
        'document.consult',
        (subjectId, structures) => this.locator.locateContent(contentId, subjectId, structures),
        noSuchDocument,
      );
      const content = await this.content.read(
        entry.patientKey,
        contentId,
        this.auditTrail.entryOfSuccess(audit),
      );
      if (!content) throw noSuchDocument();
      this.auditTrail.committed(audit);
      return content;
    });
  }
}

function noSuchDocument(): DomainError {
  return new DomainError('DOCUMENT_NOT_FOUND', 'No such document');
}
