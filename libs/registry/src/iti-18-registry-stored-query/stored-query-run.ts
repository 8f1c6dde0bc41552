import type {
  AssociationType,
  AvailabilityStatus,
  DocumentEntry,
  DocumentFilter,
  Folder,
  ObjectIds,
  SubmissionSet,
} from '@passerelle/domain';
import type { AuditEntry } from '@passerelle/audit';
import type { RegistryReader, Visibility } from '../ports';
import type {
  DocumentFilters,
  StoredQuery,
  StoredQueryObjects,
  StoredQueryResult,
} from './stored-query';

/** FindDocuments answered as ObjectRefs: its ids are read, and audited, in one statement. */
export function readsIdsOnly(
  query: StoredQuery,
): query is Extract<StoredQuery, { name: 'FindDocuments' }> {
  return query.name === 'FindDocuments' && query.returnType === 'ObjectRef';
}

const EMPTY: StoredQueryObjects = {
  documents: [],
  submissionSets: [],
  folders: [],
  associations: [],
};

/**
 * One stored query over one patient's record, everything read within what the caller may see
 * (hidden documents, the lists only they are in, and associations to them are never read).
 */
export class StoredQueryRun {
  /** One more than allowed: enough to know the cap is passed without reading everything. */
  private readonly page: { limit: number; offset: number };

  constructor(
    private readonly reader: RegistryReader,
    private readonly patientKey: string,
    private readonly visibility: Visibility,
    maxResults: number,
  ) {
    this.page = { limit: maxResults + 1, offset: 0 };
  }

  /**
   * FindDocuments answered as ObjectRefs reads the ids of the documents only (same filter, same
   * visibility), and writes `audit` with them unless they pass the cap; every other query reads
   * whole objects (its audit is the door's).
   */
  async run(query: StoredQuery, audit?: AuditEntry): Promise<StoredQueryResult> {
    if (readsIdsOnly(query)) {
      const page = await this.reader.documentRefs(
        this.patientKey,
        query.filter,
        this.visibility,
        this.page,
        audit,
      );
      return { ...EMPTY, returnType: 'ObjectRef', documents: page.items };
    }
    const objects = await this.objects(query);
    return query.returnType === 'LeafClass'
      ? { ...objects, returnType: 'LeafClass' }
      : { ...objects, returnType: 'ObjectRef' };
  }

  private objects(query: StoredQuery): Promise<StoredQueryObjects> {
    switch (query.name) {
      case 'FindDocuments':
        return this.documentsOnly(query.filter);
      case 'FindSubmissionSets':
        return this.submissionSets(query).then((submissionSets) => ({ ...EMPTY, submissionSets }));
      case 'FindFolders':
        return this.folders(query).then((folders) => ({ ...EMPTY, folders }));
      case 'GetAll':
        return this.all(query.documents, query.submissionSetStatuses, query.folderStatuses);
      case 'GetDocuments':
        return this.documentsOnly({ ids: query.ids, allVersions: true });
      case 'GetDocumentsAndAssociations':
        return this.withAssociations(this.documentsOnly({ ids: query.ids, allVersions: true }));
      case 'GetFolders':
        return this.folders({ ids: query.ids }).then((folders) => ({ ...EMPTY, folders }));
      case 'GetAssociations':
        return this.associations({ touching: query.ids.uuids ?? [] }).then((associations) => ({
          ...EMPTY,
          associations,
        }));
      case 'GetSubmissionSets':
        return this.submissionSetsOf(query.ids.uuids ?? []);
      case 'GetSubmissionSetAndContents':
        return this.listAndContents('submissionSet', query.ids, query.documents);
      case 'GetFolderAndContents':
        return this.listAndContents('folder', query.ids, query.documents);
      case 'GetFoldersForDocument':
        return this.foldersForDocument(query.ids);
      case 'GetRelatedDocuments':
        return this.relatedDocuments(query.ids, query.associationTypes);
    }
  }

  private async documentsOnly(filter: DocumentFilter): Promise<StoredQueryObjects> {
    return { ...EMPTY, documents: await this.documents(filter) };
  }

  private async documents(filter: DocumentFilter): Promise<DocumentEntry[]> {
    const page = await this.reader.documents(this.patientKey, filter, this.visibility, this.page);
    return [...page.items];
  }

  private async submissionSets(
    filter: Parameters<RegistryReader['submissionSets']>[1],
  ): Promise<SubmissionSet[]> {
    const page = await this.reader.submissionSets(
      this.patientKey,
      filter,
      this.visibility,
      this.page,
    );
    return [...page.items];
  }

  private async folders(filter: Parameters<RegistryReader['folders']>[1]): Promise<Folder[]> {
    const page = await this.reader.folders(this.patientKey, filter, this.visibility, this.page);
    return [...page.items];
  }

  private associations(filter: Parameters<RegistryReader['associations']>[1]) {
    return this.reader.associations(this.patientKey, filter, this.visibility, this.page.limit);
  }

  /** The associations among the returned objects, and those to or from them. */
  private async withAssociations(found: Promise<StoredQueryObjects>): Promise<StoredQueryObjects> {
    const result = await found;
    const uuids = [
      ...result.documents.map((d) => d.entryUuid),
      ...result.folders.map((f) => f.entryUuid),
    ];
    const associations = uuids.length ? await this.associations({ touching: uuids }) : [];
    return { ...result, associations };
  }

  private async all(
    documents: DocumentFilters,
    submissionSetStatuses: readonly AvailabilityStatus[],
    folderStatuses: readonly AvailabilityStatus[],
  ): Promise<StoredQueryObjects> {
    const [entries, submissionSets, folders] = await Promise.all([
      this.documents(documents),
      this.submissionSets({ statuses: submissionSetStatuses }),
      this.folders({ statuses: folderStatuses }),
    ]);
    const uuids = [...entries, ...submissionSets, ...folders].map((o) => o.entryUuid);
    const associations = await this.associations({ between: uuids });
    return { documents: entries, submissionSets, folders, associations };
  }

  private async submissionSetsOf(memberUuids: readonly string[]): Promise<StoredQueryObjects> {
    const memberships = await this.associations({ targets: memberUuids, types: ['HasMember'] });
    const setUuids = memberships.map((a) => a.sourceUuid);
    const submissionSets = setUuids.length
      ? await this.submissionSets({ ids: { uuids: setUuids } })
      : [];
    const setIds = new Set(submissionSets.map((s) => s.entryUuid));
    return {
      ...EMPTY,
      submissionSets,
      associations: memberships.filter((a) => setIds.has(a.sourceUuid)),
    };
  }

  private async listAndContents(
    kind: 'submissionSet' | 'folder',
    ids: ObjectIds,
    documentFilters: DocumentFilters,
  ): Promise<StoredQueryObjects> {
    const lists =
      kind === 'submissionSet' ? await this.submissionSets({ ids }) : await this.folders({ ids });
    const list = lists[0];
    if (!list) return EMPTY;
    const memberships = await this.associations({
      sources: [list.entryUuid],
      types: ['HasMember'],
    });
    const memberUuids = memberships.map((a) => a.targetUuid);
    const [documents, folders] = await Promise.all([
      memberUuids.length
        ? this.documents({ ...documentFilters, ids: { uuids: memberUuids }, allVersions: true })
        : [],
      kind === 'submissionSet' && memberUuids.length
        ? this.folders({ ids: { uuids: memberUuids } })
        : [],
    ]);
    const returned = new Set([
      list.entryUuid,
      ...documents.map((d) => d.entryUuid),
      ...folders.map((f) => f.entryUuid),
    ]);
    const between = await this.associations({ between: [...returned] });
    return {
      documents,
      folders: kind === 'folder' ? [list as Folder, ...folders] : folders,
      submissionSets: kind === 'submissionSet' ? [list as SubmissionSet] : [],
      associations: between,
    };
  }

  private async foldersForDocument(ids: ObjectIds): Promise<StoredQueryObjects> {
    const [document] = await this.documents({ ids, allVersions: true });
    if (!document) return EMPTY;
    const memberships = await this.associations({
      targets: [document.entryUuid],
      types: ['HasMember'],
    });
    const sources = memberships.map((a) => a.sourceUuid);
    const folders = sources.length ? await this.folders({ ids: { uuids: sources } }) : [];
    return { ...EMPTY, folders };
  }

  private async relatedDocuments(
    ids: ObjectIds,
    types: readonly AssociationType[],
  ): Promise<StoredQueryObjects> {
    const [document] = await this.documents({ ids, allVersions: true });
    if (!document) return EMPTY;
    const links = await this.associations({ touching: [document.entryUuid], types });
    if (links.length === 0) return EMPTY;
    const relatedUuids = links.flatMap((a) => [a.sourceUuid, a.targetUuid]);
    const documents = await this.documents({
      ids: { uuids: [...new Set(relatedUuids)] },
      allVersions: true,
    });
    const visible = new Set(documents.map((d) => d.entryUuid));
    return {
      ...EMPTY,
      documents,
      associations: links.filter((a) => visible.has(a.sourceUuid) && visible.has(a.targetUuid)),
    };
  }
}
