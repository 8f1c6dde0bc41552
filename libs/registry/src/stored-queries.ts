import { Inject, Injectable } from '@nestjs/common';
import {
  Association,
  AssociationType,
  AvailabilityStatus,
  CodeFilter,
  DocumentEntry,
  DomainError,
  Folder,
  SubmissionSet,
  TimeRange,
  VisibilityFilter,
} from '@passerelle/domain';
import {
  DocumentFilter,
  ObjectIds,
  STORED_QUERY_STORE,
  StoredQueryStore,
} from './stored-query-store';

export type ReturnType = 'LeafClass' | 'ObjectRef';

/** Filters FindDocuments, GetAll and the *AndContents queries share. */
export interface DocumentFilters {
  readonly statuses?: readonly AvailabilityStatus[];
  readonly formatCodes?: readonly CodeFilter[];
  readonly confidentialityCodes?: readonly (readonly CodeFilter[])[];
}

/** The ITI-18 stored queries (ITI TF-2a 3.18.4.1.2.3.7) in registry terms. */
export type StoredQuery = { readonly returnType: ReturnType } & (
  | { readonly name: 'FindDocuments'; readonly filter: DocumentFilter }
  | {
      readonly name: 'FindSubmissionSets';
      readonly patientKey: string;
      readonly sourceIds?: readonly string[];
      readonly submissionTime?: TimeRange;
      readonly authorPerson?: readonly string[];
      readonly contentTypeCodes?: readonly CodeFilter[];
      readonly statuses: readonly AvailabilityStatus[];
    }
  | {
      readonly name: 'FindFolders';
      readonly patientKey: string;
      readonly lastUpdateTime?: TimeRange;
      readonly codes?: readonly (readonly CodeFilter[])[];
      readonly statuses: readonly AvailabilityStatus[];
    }
  | {
      readonly name: 'GetAll';
      readonly patientKey: string;
      readonly documents: DocumentFilters;
      readonly submissionSetStatuses: readonly AvailabilityStatus[];
      readonly folderStatuses: readonly AvailabilityStatus[];
    }
  | {
      readonly name:
        'GetDocuments' | 'GetFolders' | 'GetDocumentsAndAssociations' | 'GetFoldersForDocument';
      readonly ids: ObjectIds;
    }
  | { readonly name: 'GetAssociations' | 'GetSubmissionSets'; readonly ids: ObjectIds }
  | {
      readonly name: 'GetSubmissionSetAndContents' | 'GetFolderAndContents';
      readonly ids: ObjectIds;
      readonly documents: DocumentFilters;
    }
  | {
      readonly name: 'GetRelatedDocuments';
      readonly ids: ObjectIds;
      readonly associationTypes: readonly AssociationType[];
    }
);

export interface StoredQueryResult {
  readonly documents: readonly DocumentEntry[];
  readonly submissionSets: readonly SubmissionSet[];
  readonly folders: readonly Folder[];
  readonly associations: readonly Association[];
}

export interface RunOptions {
  readonly visibility?: VisibilityFilter;
  readonly maxResults: number;
}

const EMPTY: StoredQueryResult = {
  documents: [],
  submissionSets: [],
  folders: [],
  associations: [],
};

/**
 * ITI-18 in two steps, so that access is decided before anything is read: `patientOf` names the
 * one patient the query touches (XDSResultNotSinglePatient if several), then `run` reads within
 * that patient's record only, hidden documents filtered in SQL, XDSTooManyResults past the cap.
 */
@Injectable()
export class StoredQueries {
  constructor(@Inject(STORED_QUERY_STORE) private readonly store: StoredQueryStore) {}

  /** The patient the query is about; undefined when its ids match nothing. */
  async patientOf(query: StoredQuery): Promise<string | undefined> {
    if ('patientKey' in query) return query.patientKey;
    if (query.name === 'FindDocuments') return query.filter.patientKey;
    const patients = await this.store.patientsOf(query.ids);
    if (patients.length > 1) {
      throw new DomainError(
        'RESULT_NOT_SINGLE_PATIENT',
        'The requested objects belong to several patients',
      );
    }
    return patients[0];
  }

  async run(
    query: StoredQuery,
    patientKey: string,
    options: RunOptions,
  ): Promise<StoredQueryResult> {
    const result = await new QueryRun(this.store, patientKey, options).run(query);
    const count =
      result.documents.length +
      result.submissionSets.length +
      result.folders.length +
      result.associations.length;
    if (count > options.maxResults) {
      throw new DomainError(
        'TOO_MANY_RESULTS',
        `The query matches more than ${options.maxResults} objects: narrow it down`,
      );
    }
    return result;
  }
}

class QueryRun {
  /** One more than allowed: enough to know the cap is passed without reading everything. */
  private readonly limit: number;

  constructor(
    private readonly store: StoredQueryStore,
    private readonly patientKey: string,
    private readonly options: RunOptions,
  ) {
    this.limit = options.maxResults + 1;
  }

  run(query: StoredQuery): Promise<StoredQueryResult> {
    switch (query.name) {
      case 'FindDocuments':
        return this.documentsOnly({ ...query.filter, patientKey: this.patientKey });
      case 'FindSubmissionSets':
        return this.store
          .submissionSets(this.patientKey, query, this.limit)
          .then((submissionSets) => ({ ...EMPTY, submissionSets }));
      case 'FindFolders':
        return this.store
          .folders(this.patientKey, query, this.limit)
          .then((folders) => ({ ...EMPTY, folders }));
      case 'GetAll':
        return this.all(query.documents, query.submissionSetStatuses, query.folderStatuses);
      case 'GetDocuments':
        return this.documentsOnly({ ...this.byIds(query.ids), allVersions: true });
      case 'GetDocumentsAndAssociations':
        return this.withAssociations(
          this.documentsOnly({ ...this.byIds(query.ids), allVersions: true }),
        );
      case 'GetFolders':
        return this.store
          .folders(this.patientKey, { ids: query.ids }, this.limit)
          .then((folders) => ({ ...EMPTY, folders }));
      case 'GetAssociations':
        return this.store
          .associations(this.patientKey, { touching: query.ids.uuids ?? [] }, this.limit)
          .then((associations) => ({ ...EMPTY, associations }));
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

  private byIds(ids: ObjectIds): DocumentFilter {
    return {
      patientKey: this.patientKey,
      entryUuids: ids.uuids,
      uniqueIds: ids.uniqueIds,
      logicalIds: ids.logicalIds,
    };
  }

  private async documentsOnly(filter: DocumentFilter): Promise<StoredQueryResult> {
    return { ...EMPTY, documents: await this.documents(filter) };
  }

  private documents(filter: DocumentFilter): Promise<DocumentEntry[]> {
    return this.store.documents({ ...filter, visibility: this.options.visibility }, this.limit);
  }

  /** The associations among the returned objects, and those to or from them. */
  private async withAssociations(found: Promise<StoredQueryResult>): Promise<StoredQueryResult> {
    const result = await found;
    const uuids = [
      ...result.documents.map((d) => d.entryUuid),
      ...result.folders.map((f) => f.entryUuid),
    ];
    const associations = uuids.length
      ? await this.store.associations(this.patientKey, { touching: uuids }, this.limit)
      : [];
    return { ...result, associations };
  }

  private async all(
    documents: DocumentFilters,
    submissionSetStatuses: readonly AvailabilityStatus[],
    folderStatuses: readonly AvailabilityStatus[],
  ): Promise<StoredQueryResult> {
    const [entries, submissionSets, folders] = await Promise.all([
      this.documents({ patientKey: this.patientKey, ...documents }),
      this.store.submissionSets(this.patientKey, { statuses: submissionSetStatuses }, this.limit),
      this.store.folders(this.patientKey, { statuses: folderStatuses }, this.limit),
    ]);
    const uuids = [...entries, ...submissionSets, ...folders].map((o) => o.entryUuid);
    const associations = await this.store.associations(
      this.patientKey,
      { between: uuids },
      this.limit,
    );
    return { documents: entries, submissionSets, folders, associations };
  }

  private async submissionSetsOf(memberUuids: readonly string[]): Promise<StoredQueryResult> {
    const memberships = await this.store.associations(
      this.patientKey,
      { targets: memberUuids, types: ['HasMember'] },
      this.limit,
    );
    const setUuids = memberships.map((a) => a.sourceUuid);
    const submissionSets = setUuids.length
      ? await this.store.submissionSets(this.patientKey, { ids: { uuids: setUuids } }, this.limit)
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
  ): Promise<StoredQueryResult> {
    const lists =
      kind === 'submissionSet'
        ? await this.store.submissionSets(this.patientKey, { ids }, this.limit)
        : await this.store.folders(this.patientKey, { ids }, this.limit);
    const list = lists[0];
    if (!list) return EMPTY;
    const memberships = await this.store.associations(
      this.patientKey,
      { sources: [list.entryUuid], types: ['HasMember'] },
      this.limit,
    );
    const memberUuids = memberships.map((a) => a.targetUuid);
    const [documents, folders] = await Promise.all([
      memberUuids.length
        ? this.documents({
            patientKey: this.patientKey,
            entryUuids: memberUuids,
            allVersions: true,
            ...documentFilters,
          })
        : [],
      kind === 'submissionSet' && memberUuids.length
        ? this.store.folders(this.patientKey, { ids: { uuids: memberUuids } }, this.limit)
        : [],
    ]);
    const returned = new Set([
      list.entryUuid,
      ...documents.map((d) => d.entryUuid),
      ...folders.map((f) => f.entryUuid),
    ]);
    const between = await this.store.associations(
      this.patientKey,
      { between: [...returned] },
      this.limit,
    );
    return {
      documents,
      folders: kind === 'folder' ? [list as Folder, ...folders] : folders,
      submissionSets: kind === 'submissionSet' ? [list as SubmissionSet] : [],
      associations: between,
    };
  }

  private async foldersForDocument(ids: ObjectIds): Promise<StoredQueryResult> {
    const [document] = await this.documents({ ...this.byIds(ids), allVersions: true });
    if (!document) return EMPTY;
    const memberships = await this.store.associations(
      this.patientKey,
      { targets: [document.entryUuid], types: ['HasMember'] },
      this.limit,
    );
    const sources = memberships.map((a) => a.sourceUuid);
    const folders = sources.length
      ? await this.store.folders(this.patientKey, { ids: { uuids: sources } }, this.limit)
      : [];
    return { ...EMPTY, folders };
  }

  private async relatedDocuments(
    ids: ObjectIds,
    types: readonly AssociationType[],
  ): Promise<StoredQueryResult> {
    const [document] = await this.documents({ ...this.byIds(ids), allVersions: true });
    if (!document) return EMPTY;
    const links = await this.store.associations(
      this.patientKey,
      { touching: [document.entryUuid], types },
      this.limit,
    );
    if (links.length === 0) return EMPTY;
    const relatedUuids = links.flatMap((a) => [a.sourceUuid, a.targetUuid]);
    const documents = await this.documents({
      patientKey: this.patientKey,
      entryUuids: [...new Set(relatedUuids)],
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
