import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { DocumentEntry, DomainError, Principal, excerpt } from '@passerelle/domain';
import { DOCUMENT_LOCATOR, DocumentLocator, REGISTRY_READER, RegistryReader } from '../ports';
import { withRelations } from './document-relations';

/** ITI-67's read by id: one DocumentReference, or — unknown or not for this caller — 404. */
@Injectable()
export class ReadDocumentReference implements UseCase<{ logicalId: string }, DocumentEntry> {
  constructor(
    private readonly access: AccessControl,
    @Inject(DOCUMENT_LOCATOR) private readonly locator: DocumentLocator,
    @Inject(REGISTRY_READER) private readonly reader: RegistryReader,
  ) {}

  execute(actor: Principal, { logicalId }: { logicalId: string }): Promise<Outcome<DocumentEntry>> {
    return audited({ transaction: 'ITI-67', action: 'document.consult' }, actor, async (audit) => {
      const located = await this.locator.locate({ logicalIds: [logicalId] });
      const { access, entry } = await this.access.authorizeDocument(
        audit,
        actor,
        'document.consult',
        located.documents.at(0),
        () => unknownDocumentReference(logicalId),
      );
      const [related] = await withRelations(
        this.reader,
        entry.patientKey,
        [entry],
        access.visibility,
      );
      return related;
    });
  }
}

/** The one answer about a DocumentReference the caller may not know of. */
export function unknownDocumentReference(id: string): DomainError {
  return new DomainError('RESOURCE_NOT_FOUND', `Unknown DocumentReference ${excerpt(id)}`);
}
