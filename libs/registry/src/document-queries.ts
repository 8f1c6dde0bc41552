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

  /** Members of the given lists, as logical ids of documents or entryUuids of folders. */
  async membersOf(
    patientKey: string,
    listUuids: readonly string[],
  ): Promise<Map<string, string[]>> {
    const associations: Association[] = await this.store.findMembers(patientKey, listUuids);
    const logicalIds = await this.store.logicalIdsOf(
      patientKey,
      associations.map((a) => a.targetUuid),
    );
    const members = new Map<string, string[]>(listUuids.map((uuid) => [uuid, []]));
    for (const association of associations) {
      members
        .get(association.sourceUuid)
        ?.push(logicalIds.get(association.targetUuid) ?? association.targetUuid);
    }
    return members;
  }
}
