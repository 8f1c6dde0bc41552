import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import type { DocumentEntry, ObjectIds, Principal } from '@passerelle/domain';
import { unknownDocumentReference } from '../iti-67-find-document-references/read-document-reference';
import { DOCUMENT_LOCATOR, DocumentLocator, MetadataChange } from '../ports';
import { UpdateDocumentMetadata, documentChangeOf } from './update-document-metadata';

export interface ChangeDocumentMetadataCommand {
  /** The document, by id or identifier, and how the request names it (for the 404). */
  readonly target: { readonly ids: ObjectIds; readonly name: string };
  /**
   * The change the request makes to the document as it stands (a JSON Patch applied to its
   * DocumentReference): evaluated only once the caller may see the document.
   */
  readonly changeOf: (current: DocumentEntry) => MetadataChange;
}

/** The MHD metadata update (PATCH): status, securityLabel and the archive flag of a document. */
@Injectable()
export class ChangeDocumentMetadata implements UseCase<
  ChangeDocumentMetadataCommand,
  DocumentEntry
> {
  constructor(
    private readonly access: AccessControl,
    @Inject(DOCUMENT_LOCATOR) private readonly locator: DocumentLocator,
    private readonly updates: UpdateDocumentMetadata,
  ) {}

  execute(
    actor: Principal,
    { target, changeOf }: ChangeDocumentMetadataCommand,
  ): Promise<Outcome<DocumentEntry>> {
    return audited(
      { transaction: 'metadata-update', action: 'document.update' },
      actor,
      async (audit) => {
        const located = await this.locator.locate(target.ids);
        const { access, entry: current } = await this.access.authorizeDocument(
          audit,
          actor,
          'document.update',
          located.documents.at(0),
          () => unknownDocumentReference(target.name),
        );
        const change = changeOf(current);
        this.access.assertMayChangeDocument(
          audit,
          access,
          current,
          documentChangeOf(current, change),
        );
        const [updated] = await this.updates.apply(audit, current.patientKey, [
          { current, change },
        ]);
        return updated;
      },
    );
  }
}
