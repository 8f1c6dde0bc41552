import { Inject, Injectable } from '@nestjs/common';
import type {
  Association,
  DocumentEntry,
  DocumentQuery,
  Folder,
  Page,
  SubmissionSet,
  SubmissionSetQuery,
} from '@passerelle/domain';
import { REGISTRY_STORE, RegistryStore } from './ports';

export interface ListMember {
  readonly kind: 'document' | 'folder';
  readonly id: string;
}

/** Read side of the registry (ITI-18 / ITI-66 / ITI-67): every query is scoped to one patient. */
@Injectable()
export class DocumentQueries {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  findDocuments(query: DocumentQuery): Promise<Page<DocumentEntry>> {
    return this.store.findDocuments(query);
  }

  findDocument(logicalId: string): Promise<DocumentEntry | undefined> {
    return this.store.findLatestDocument(logicalId);
  }

  findLatestDocumentByEntryUuid(
    patientKey: string,
    entryUuid: string,
  ): Promise<DocumentEntry | undefined> {
    return this.store.findLatestDocumentByEntryUuid(patientKey, entryUuid);
  }

  findDocumentByContent(patientKey: string, contentId: string): Promise<DocumentEntry | undefined> {
    return this.store.findLatestDocumentByContent(patientKey, contentId);
  }

  /** The latest version of the document with this uniqueId, whichever patient it belongs to. */
  async findDocumentByUniqueId(uniqueId: string): Promise<DocumentEntry | undefined> {
    const [locator] = await this.store.findLocators([uniqueId]);
    return locator ? this.store.findLatestDocument(locator.logicalId) : undefined;
  }

  findSubmissionSets(query: SubmissionSetQuery): Promise<Page<SubmissionSet>> {
    return this.store.findSubmissionSets(query);
  }

  findFolders(patientKey: string, limit: number, offset: number): Promise<Page<Folder>> {
    return this.store.findFolders(patientKey, limit, offset);
  }

  /** Members of the given lists: documents by logical id, folders by entryUUID. */
  async membersOf(
    patientKey: string,
    listUuids: readonly string[],
  ): Promise<Map<string, ListMember[]>> {
    const associations: Association[] = await this.store.findMembers(patientKey, listUuids);
    const logicalIds = await this.store.logicalIdsOf(
      patientKey,
      associations.map((a) => a.targetUuid),
    );
    const members = new Map<string, ListMember[]>(listUuids.map((uuid) => [uuid, []]));
    for (const association of associations) {
      const logicalId = logicalIds.get(association.targetUuid);
      members
        .get(association.sourceUuid)
        ?.push(
          logicalId
            ? { kind: 'document', id: logicalId }
            : { kind: 'folder', id: association.targetUuid },
        );
    }
    return members;
  }
}
