import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AuditTrail, Outcome, UseCase, audited } from '@passerelle/audit';
import type {
  DocumentEntry,
  DocumentFilter,
  Page,
  PageRequest,
  Principal,
} from '@passerelle/domain';
import { REGISTRY_READER, RegistryReader } from '../ports';

export interface FindDocumentReferencesCommand {
  readonly patientKey: string;
  readonly filter: DocumentFilter;
  readonly page: PageRequest;
}

/**
 * ITI-67 Find Document References: the patient's documents the caller may see, a page of them,
 * read with their relatesTo and the audit of the consultation (two round trips in all).
 */
@Injectable()
export class FindDocumentReferences implements UseCase<
  FindDocumentReferencesCommand,
  Page<DocumentEntry>
> {
  constructor(
    private readonly access: AccessControl,
    @Inject(REGISTRY_READER) private readonly reader: RegistryReader,
    private readonly auditTrail: AuditTrail,
  ) {}

  execute(
    actor: Principal,
    { patientKey, filter, page }: FindDocumentReferencesCommand,
  ): Promise<Outcome<Page<DocumentEntry>>> {
    return audited({ transaction: 'ITI-67', action: 'document.consult' }, actor, async (audit) => {
      const access = await this.access.authorize(audit, actor, 'document.consult', patientKey);
      const found = await this.reader.documentsWithRelations(
        patientKey,
        filter,
        access.visibility,
        page,
        this.auditTrail.entryOfSuccess(audit),
      );
      audit.documents = found.items.map((entry) => entry.uniqueId);
      this.auditTrail.committed(audit);
      return found;
    });
  }
}
