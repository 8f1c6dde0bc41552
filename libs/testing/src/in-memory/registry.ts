import {
  Association,
  AssociationFilter,
  DocumentEntry,
  DocumentFilter,
  DomainError,
  Folder,
  FolderFilter,
  ObjectIds,
  Page,
  PageRequest,
  PatientRecord,
  Submission,
  SubmissionSet,
  SubmissionSetFilter,
  authorIdsOf,
  codeKey,
  newEntryUuid,
  WriteUnit,
} from '@passerelle/domain';
import {
  DocumentAlreadyRegistered,
  DocumentLocator,
  DocumentLocatorEntry,
  DocumentRef,
  DocumentUpdate,
  Located,
  RecordsContext,
  RegistryReader,
  RegistryWriter,
  SubmissionContext,
  Visibility,
  withRelations,
} from '@passerelle/registry';
import type { AuditEntry, AuditStore } from '@passerelle/audit';
import type { InMemoryPatientRecords } from './patient-records';

/** A unit of work: the registry's submission and what other stores staged to commit with it. */
export class InMemoryWriteUnit implements WriteUnit {
  submission?: Submission;
  /** Writes of other stores (the content store's bytes), applied only if the commit succeeds. */
  readonly onCommit: (() => void)[] = [];
  sent = false;

  constructor(readonly patientKey: string) {}
}

export function inMemoryUnit(unit: WriteUnit): InMemoryWriteUnit {
  if (!(unit instanceof InMemoryWriteUnit)) throw new Error('Not an in-memory write unit');
  return unit;
}

/** A row of `document_entry`: one version of a document. */
interface StoredEntry {
  readonly entry: DocumentEntry;
  readonly isLatest: boolean;
}

/**
 * The registry in memory, reads and writes, with the semantics of the PostgreSQL store: every
 * read scoped by patient and by visibility, one cross-record lookup (the locator), and a commit
 * guarded like `passerelle_guard_submission` — all of a submission or nothing. Only the filter
 * criteria the use cases under test send are supported; any other throws rather than being
 * silently ignored.
 */
export class InMemoryRegistry implements RegistryReader, DocumentLocator, RegistryWriter {
  private entries: StoredEntry[] = [];
  private readonly submissionSetRows: SubmissionSet[] = [];
  private readonly folderRows: Folder[] = [];
  private readonly associationRows: Association[] = [];
  private readonly locators = new Map<string, DocumentLocatorEntry>();

  constructor(
    private readonly records: InMemoryPatientRecords,
    private readonly audits: AuditStore,
  ) {}

  // --- DocumentLocator ---

  locate(ids: ObjectIds): Promise<Located> {
    const named = new Map<string, { patientKey: string; logicalId: string }>();
    const name = (patientKey: string, logicalId: string) =>
      named.set(`${patientKey}\u0000${logicalId}`, { patientKey, logicalId });
    for (const { entry } of this.entries) {
      if (
        ids.uuids?.includes(entry.entryUuid) ||
        ids.logicalIds?.includes(entry.logicalId) ||
        (entry.contentId !== undefined && ids.contentIds?.includes(entry.contentId))
      ) {
        name(entry.patientKey, entry.logicalId);
      }
    }
    for (const uniqueId of ids.uniqueIds ?? []) {
      const locator = this.locators.get(uniqueId);
      if (locator) name(locator.patientKey, locator.logicalId);
    }
    const documents = [...named.values()].flatMap(
      ({ patientKey, logicalId }) =>
        this.entries.find(
          (s) => s.isLatest && s.entry.patientKey === patientKey && s.entry.logicalId === logicalId,
        )?.entry ?? [],
    );
    const lists = [
      ...this.submissionSetRows.filter(
        (s) => ids.uuids?.includes(s.entryUuid) || ids.uniqueIds?.includes(s.uniqueId),
      ),
      ...this.folderRows.filter(
        (f) =>
          ids.uuids?.includes(f.entryUuid) ||
          ids.uniqueIds?.includes(f.uniqueId) ||
          ids.logicalIds?.includes(f.logicalId),
      ),
      ...this.associationRows.filter((a) => ids.uuids?.includes(a.entryUuid)),
    ];
    return Promise.resolve({
      patientKeys: [...new Set([...documents, ...lists].map((o) => o.patientKey))],
      documents,
    });
  }

  // --- RegistryReader ---

  documents(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<DocumentEntry>> {
    assertSupported('documents', filter, ['ids', 'allVersions', 'statuses']);
    const found = this.entries
      .filter(
        ({ entry, isLatest }) =>
          entry.patientKey === patientKey &&
          (filter.allVersions || isLatest) &&
          matchesIds(filter.ids, {
            uuid: entry.entryUuid,
            uniqueId: entry.uniqueId,
            logicalId: entry.logicalId,
            contentId: entry.contentId ?? null,
          }) &&
          hasStatus(filter.statuses, entry.status) &&
          isVisible(entry, visibility),
      )
      .map(({ entry }) => entry)
      .sort(
        (a, b) =>
          b.creationTime.getTime() - a.creationTime.getTime() ||
          a.entryUuid.localeCompare(b.entryUuid),
      );
    return Promise.resolve(paged(found, page));
  }

  async documentsWithRelations(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
    audit?: AuditEntry,
  ): Promise<Page<DocumentEntry>> {
    const found = await this.documents(patientKey, filter, visibility, page);
    const items = await withRelations(this, patientKey, found.items, visibility);
    if (audit) await this.writeAuditNaming(audit, items);
    return { ...found, items };
  }

  async documentRefs(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
    audit?: AuditEntry,
  ): Promise<Page<DocumentRef>> {
    const { items, total } = await this.documents(patientKey, filter, visibility, page);
    if (audit && items.length < page.limit) await this.writeAuditNaming(audit, items);
    return { items: items.map(({ entryUuid, uniqueId }) => ({ entryUuid, uniqueId })), total };
  }

  /** What the PostgreSQL reader's audited statements write: the entry, naming what was read. */
  private writeAuditNaming(audit: AuditEntry, read: readonly DocumentEntry[]): Promise<void> {
    const documents = read.map((entry) => entry.uniqueId);
    return this.audits.write({ ...audit, record: { ...audit.record, documents } });
  }

  submissionSets(
    patientKey: string,
    filter: SubmissionSetFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<SubmissionSet>> {
    assertSupported('submissionSets', filter, ['ids', 'statuses']);
    const found = this.submissionSetRows
      .filter(
        (set) =>
          set.patientKey === patientKey &&
          matchesIds(filter.ids, { uuid: set.entryUuid, uniqueId: set.uniqueId }) &&
          hasStatus(filter.statuses, set.status) &&
          this.listIsVisible(set, visibility),
      )
      .sort(
        (a, b) =>
          b.submissionTime.getTime() - a.submissionTime.getTime() ||
          a.entryUuid.localeCompare(b.entryUuid),
      );
    return Promise.resolve(paged(found, page));
  }

  folders(
    patientKey: string,
    filter: FolderFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<Folder>> {
    assertSupported('folders', filter, ['ids', 'statuses']);
    const found = this.folderRows
      .filter(
        (folder) =>
          folder.patientKey === patientKey &&
          matchesIds(filter.ids, {
            uuid: folder.entryUuid,
            uniqueId: folder.uniqueId,
            logicalId: folder.logicalId,
          }) &&
          hasStatus(filter.statuses, folder.status) &&
          this.listIsVisible(folder, visibility),
      )
      .sort(
        (a, b) =>
          b.lastUpdateTime.getTime() - a.lastUpdateTime.getTime() ||
          a.entryUuid.localeCompare(b.entryUuid),
      );
    return Promise.resolve(paged(found, page));
  }

  associations(
    patientKey: string,
    filter: AssociationFilter,
    visibility: Visibility,
    limit: number,
  ): Promise<Association[]> {
    const within = (uuids: readonly string[] | undefined, uuid: string) =>
      uuids === undefined || uuids.includes(uuid);
    const found = this.associationRows
      .filter(
        (a) =>
          a.patientKey === patientKey &&
          (filter.touching === undefined ||
            filter.touching.includes(a.sourceUuid) ||
            filter.touching.includes(a.targetUuid)) &&
          within(filter.sources, a.sourceUuid) &&
          within(filter.targets, a.targetUuid) &&
          within(filter.between, a.sourceUuid) &&
          within(filter.between, a.targetUuid) &&
          within(filter.types, a.type) &&
          this.versionsOf(patientKey, [a.sourceUuid, a.targetUuid]).every((entry) =>
            isVisible(entry, visibility),
          ),
      )
      .sort((a, b) => a.entryUuid.localeCompare(b.entryUuid));
    return Promise.resolve(found.slice(0, limit));
  }

  // --- RegistryWriter ---

  submissionContext(
    patientKey: string,
    submissionSetUniqueId: string,
    documentUniqueIds: readonly string[],
  ): Promise<SubmissionContext> {
    return Promise.resolve({
      record: this.records.get(patientKey),
      submissionSetExists: this.submissionSetRows.some(
        (s) => s.patientKey === patientKey && s.uniqueId === submissionSetUniqueId,
      ),
      locators: documentUniqueIds.flatMap((uniqueId) => this.locators.get(uniqueId) ?? []),
    });
  }

  recordsContext(
    patientKeys: readonly string[],
    documentUniqueIds: readonly string[],
  ): Promise<RecordsContext> {
    const records = new Map<string, PatientRecord>();
    for (const patientKey of patientKeys) {
      const record = this.records.get(patientKey);
      if (record) records.set(patientKey, record);
    }
    return Promise.resolve({
      records,
      locators: documentUniqueIds.flatMap((uniqueId) => this.locators.get(uniqueId) ?? []),
    });
  }

  begin(patientKey: string): WriteUnit {
    return new InMemoryWriteUnit(patientKey);
  }

  stageSubmission(unit: WriteUnit, submission: Submission): void {
    inMemoryUnit(unit).submission = submission;
  }

  /**
   * The guard's checks in its order — entryUUIDs the sender chose already used in any record,
   * the record (exists, open), the replaced entries (each current and Approved) — then the
   * unique keys (a document uniqueId anywhere, a SubmissionSet uniqueId in the record). Every
   * check passes before anything is written.
   */
  commit(unit: WriteUnit): Promise<void> {
    // A throw in the executor rejects: the commit fails as a whole, before any write.
    return new Promise((resolve) => {
      this.guardAndWrite(inMemoryUnit(unit));
      resolve();
    });
  }

  /** Every unit written, or none (the state restored); their bytes and audits once all are. */
  commitAll(units: readonly WriteUnit[]): Promise<void> {
    return new Promise((resolve) => {
      const staged = units.map(inMemoryUnit);
      const saved = {
        entries: this.entries,
        submissionSets: this.submissionSetRows.length,
        folders: [...this.folderRows],
        associations: this.associationRows.length,
        locators: new Map(this.locators),
      };
      try {
        staged.forEach((unit) => this.write(unit));
      } catch (error) {
        this.entries = saved.entries;
        this.submissionSetRows.length = saved.submissionSets;
        this.folderRows.splice(0, this.folderRows.length, ...saved.folders);
        this.associationRows.length = saved.associations;
        this.locators.clear();
        saved.locators.forEach((locator, uniqueId) => this.locators.set(uniqueId, locator));
        staged.forEach((unit) => (unit.sent = false));
        throw error;
      }
      staged.forEach((unit) => unit.onCommit.forEach((write) => write()));
      resolve();
    });
  }

  private guardAndWrite(staged: InMemoryWriteUnit): void {
    this.write(staged);
    staged.onCommit.forEach((write) => write());
  }

  private write(staged: InMemoryWriteUnit): void {
    if (staged.sent) throw new Error('This write unit was already committed');
    staged.sent = true;
    const submission = staged.submission;
    if (!submission) throw new Error('Nothing was staged in this write unit');
    const { patientKey } = staged;
    if (submission.senderEntryUuids.some((uuid) => this.entryUuidInUse(uuid))) {
      throw new DomainError(
        'DUPLICATE_ENTRY_UUID',
        'An entryUUID of this submission is already registered',
      );
    }
    const record = this.records.get(patientKey);
    if (!record || record.status === 'purged') {
      throw new DomainError('UNKNOWN_PATIENT', `No record exists for patient ${patientKey}`);
    }
    if (record.status === 'suspended') {
      throw new DomainError('RECORD_SUSPENDED', `The record of patient ${patientKey} is suspended`);
    }
    if (record.status !== 'open' && record.status !== 'pending') {
      throw new DomainError('RECORD_CLOSED', `The record of patient ${patientKey} is closed`);
    }
    const replaced = new Set(submission.replacedEntryUuids);
    const deprecated = this.entries.filter(
      ({ entry, isLatest }) =>
        isLatest &&
        entry.patientKey === patientKey &&
        entry.status === 'Approved' &&
        replaced.has(entry.entryUuid),
    );
    if (deprecated.length !== replaced.size) {
      throw new DomainError('REPLACED_NOT_FOUND', 'A replaced document is no longer current');
    }
    if (submission.documents.some((entry) => this.locators.has(entry.uniqueId))) {
      throw new DocumentAlreadyRegistered();
    }
    if (
      this.submissionSetRows.some(
        (s) => s.patientKey === patientKey && s.uniqueId === submission.submissionSet.uniqueId,
      )
    ) {
      throw new DomainError(
        'DUPLICATE_UNIQUE_ID',
        'A uniqueId of this submission is already registered',
      );
    }
    // As the guard's UPDATE: the replaced entry stays the latest row, Deprecated.
    this.entries = this.entries.map((stored) =>
      deprecated.includes(stored)
        ? { entry: { ...stored.entry, status: 'Deprecated' }, isLatest: true }
        : stored,
    );
    this.submissionSetRows.push(submission.submissionSet);
    for (const entry of submission.documents) {
      this.entries.push({ entry, isLatest: true });
      this.locators.set(entry.uniqueId, {
        uniqueId: entry.uniqueId,
        patientKey: entry.patientKey,
        logicalId: entry.logicalId,
        hashSha1: entry.hashSha1,
        size: entry.size,
      });
    }
    const updated = new Set(submission.updatedFolderUuids);
    const committedAt = new Date();
    this.folderRows.forEach((folder, index) => {
      if (folder.patientKey === patientKey && updated.has(folder.entryUuid)) {
        this.folderRows[index] = { ...folder, lastUpdateTime: committedAt };
      }
    });
    this.folderRows.push(...submission.folders);
    this.associationRows.push(...submission.associations);
  }

  /** All the changes or none: each against its expected version; a new version when needed. */
  updateDocuments(
    patientKey: string,
    updates: readonly DocumentUpdate[],
  ): Promise<DocumentEntry[]> {
    const entries = [...this.entries];
    const updated: DocumentEntry[] = [];
    for (const { logicalId, expectedVersion, change } of updates) {
      const index = entries.findIndex(
        ({ entry, isLatest }) =>
          isLatest && entry.patientKey === patientKey && entry.logicalId === logicalId,
      );
      const current = entries[index]?.entry;
      if (!current || current.version !== expectedVersion) {
        return Promise.reject(
          new DomainError('PRECONDITION_FAILED', 'The document was changed concurrently'),
        );
      }
      if (!change.confidentialityCodes && !change.metadata) {
        const entry = { ...current, status: change.status ?? current.status };
        entries[index] = { entry, isLatest: true };
        updated.push(entry);
        continue;
      }
      const next: DocumentEntry = {
        ...current,
        ...change.metadata,
        entryUuid: change.entryUuid ?? newEntryUuid(),
        version: current.version + 1,
        status: change.status ?? current.status,
        confidentialityCodes: change.confidentialityCodes ?? current.confidentialityCodes,
      };
      entries[index] = { entry: { ...current, status: 'Deprecated' }, isLatest: false };
      entries.push({ entry: next, isLatest: true });
      updated.push(next);
    }
    this.entries = entries;
    return Promise.resolve(updated);
  }

  private entryUuidInUse(uuid: string): boolean {
    return (
      this.entries.some(({ entry }) => entry.entryUuid === uuid) ||
      this.submissionSetRows.some((s) => s.entryUuid === uuid) ||
      this.folderRows.some((f) => f.entryUuid === uuid) ||
      this.associationRows.some((a) => a.entryUuid === uuid)
    );
  }

  /** Every version of the record's documents with one of these entryUUIDs. */
  private versionsOf(patientKey: string, uuids: readonly string[]): DocumentEntry[] {
    return this.entries
      .map(({ entry }) => entry)
      .filter((entry) => entry.patientKey === patientKey && uuids.includes(entry.entryUuid));
  }

  /** A list with document members is visible only if one of them is. */
  private listIsVisible(list: { patientKey: string; entryUuid: string }, visibility: Visibility) {
    const memberUuids = this.associationRows
      .filter(
        (a) =>
          a.patientKey === list.patientKey &&
          a.sourceUuid === list.entryUuid &&
          a.type === 'HasMember',
      )
      .map((a) => a.targetUuid);
    const members = this.versionsOf(list.patientKey, memberUuids);
    return members.length === 0 || members.some((entry) => isVisible(entry, visibility));
  }
}

/** `VisibilityFilter` semantics (libs/domain/src/query.ts), as the SQL visibility clause. */
function isVisible(entry: DocumentEntry, visibility: Visibility): boolean {
  if (visibility === 'unfiltered') return true;
  const authored = authorIdsOf(entry).some((id) => visibility.authorIds.includes(id));
  if (authored || visibility.onlyAuthored) return authored;
  return (
    entry.status !== 'Deleted' &&
    !entry.confidentialityCodes.some((code) =>
      visibility.hiddenConfidentialityKeys.includes(codeKey(code)),
    ) &&
    (visibility.typeCodes === undefined || visibility.typeCodes.includes(entry.typeCode.code))
  );
}

/** Each id list given is a condition (an empty one matches nothing), as in SQL. */
function matchesIds(
  ids: ObjectIds | undefined,
  object: { uuid: string; uniqueId: string; logicalId?: string; contentId?: string | null },
): boolean {
  const within = (list: readonly string[] | undefined, value: string | null | undefined) =>
    list === undefined || value === undefined || (value !== null && list.includes(value));
  return (
    within(ids?.uuids, object.uuid) &&
    within(ids?.uniqueIds, object.uniqueId) &&
    within(ids?.logicalIds, object.logicalId) &&
    within(ids?.contentIds, object.contentId)
  );
}

function hasStatus(statuses: readonly string[] | undefined, status: string): boolean {
  return !statuses?.length || statuses.includes(status);
}

/** A page and the total; as `count(*) OVER()`, a page past the end reports a total of 0. */
function paged<T>(found: readonly T[], { limit, offset }: PageRequest): Page<T> {
  const items = found.slice(offset, offset + limit);
  return { items, total: items.length > 0 ? found.length : 0 };
}

/** Criteria this in-memory registry does not implement are refused, never silently ignored. */
function assertSupported(read: string, filter: object, supported: readonly string[]): void {
  const unsupported = Object.entries(filter)
    .filter(([name, value]) => !supported.includes(name) && value !== undefined)
    .filter(([, value]) => !(Array.isArray(value) && value.length === 0))
    .map(([name]) => name);
  if (unsupported.length > 0) {
    throw new Error(`InMemoryRegistry.${read} does not support ${unsupported.join(', ')}`);
  }
}
