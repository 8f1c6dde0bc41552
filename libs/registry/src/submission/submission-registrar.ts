import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditContext, AuditTrail } from '@passerelle/audit';
import {
  Association,
  ObjectIds,
  DocumentContent,
  DocumentEntry,
  DomainError,
  ErrorDetail,
  Folder,
  PatientId,
  SubmissionSet,
  Submitter,
  newEntryUuid,
  WriteUnit,
  excerpt,
} from '@passerelle/domain';
import {
  DOCUMENT_LOCATOR,
  DocumentAlreadyRegistered,
  DocumentLocator,
  DocumentLocatorEntry,
  REGISTRY_READER,
  REGISTRY_WRITER,
  RegistryReader,
  RegistryWriter,
  SubmissionContext,
} from '../ports';
import { assertRecordOpen } from './record-open';
import { recordSubmission } from './submission-audit';
import type { AssociationEnd, SubmissionDraft } from './submission-draft';
import {
  CompleteDocumentDraft,
  SubmissionKind,
  ValidatedDraft,
  validateSubmission,
} from './validate-submission';
import { VALUE_SET_POLICY, ValueSetPolicy, acceptedOutsideValueSets } from './value-sets';

export interface RegisteredDocument {
  readonly ref: string;
  readonly entry: DocumentEntry;
  /** True when an identical document (same uniqueId and hash) was already registered. */
  readonly alreadyRegistered: boolean;
}

/** How the repository adds its part to a submission: the bytes, staged in the same unit. */
export interface RepositoryPart {
  /** The repository's stored bytes by document ref. */
  readonly contents: ReadonlyMap<string, DocumentContent>;
  /** Stages the contents of the documents actually added (not those already registered). */
  stage(unit: WriteUnit, added: readonly DocumentContent[]): void;
}

/**
 * The use case's answers to "may the submitter know that this document, or an object of this
 * record, exists?" (`undefined`: nothing was found, answered at the same cost).
 */
export interface SubmitterSight {
  document(entry: DocumentEntry | undefined): Promise<boolean>;
  record(patientKey: string | undefined): Promise<boolean>;
}

interface Attempt {
  readonly draft: SubmissionDraft;
  readonly validated: ValidatedDraft;
  readonly audit: AuditContext;
  readonly sight: SubmitterSight;
  readonly repository?: RepositoryPart;
  readonly submitter?: Submitter;
}

/** One submission of {@link SubmissionRegistrar.registerBatch}, its audit facts and bytes. */
export interface BatchSubmission {
  readonly draft: SubmissionDraft;
  readonly audit: AuditContext;
  readonly repository: RepositoryPart;
}

/** What becomes of it: registered (once committed), already registered identically, or refused. */
export type BatchRegistration =
  | { readonly status: 'registered'; readonly registered: RegisteredSubmission }
  | { readonly status: 'unchanged' }
  | { readonly status: 'refused'; readonly error: DomainError };

/** A batch staged: each submission's fate, and the commit of those registered. */
export interface StagedBatch {
  readonly results: readonly BatchRegistration[];
  readonly commit: () => Promise<void>;
}

function refusal(error: unknown): BatchRegistration {
  if (!(error instanceof DomainError)) throw error;
  return { status: 'refused', error };
}

export interface RegisteredSubmission {
  readonly submissionSet: SubmissionSet;
  readonly documents: readonly RegisteredDocument[];
  readonly folders: readonly { ref: string; folder: Folder }[];
  /** Codes accepted outside their national value set (VALUE_SET_POLICY=warn): told the sender. */
  readonly warnings?: readonly ErrorDetail[];
}

/**
 * The registry's part of a submission (ITI-42, and of ITI-41 / ITI-65 with the repository's
 * part): validates it, resolves its associations within the patient's record and stores it
 * atomically. Called by use cases once they have decided access; decides nothing itself.
 */
@Injectable()
export class SubmissionRegistrar {
  private readonly logger = new Logger(SubmissionRegistrar.name);
  /** Each staged batch's unit and the audits it commits, for {@link commitTogether}. */
  private readonly stagedUnits = new WeakMap<
    StagedBatch,
    { unit: WriteUnit; audits: readonly AuditContext[] }
  >();

  constructor(
    @Inject(REGISTRY_WRITER) private readonly writer: RegistryWriter,
    @Inject(REGISTRY_READER) private readonly reader: RegistryReader,
    @Inject(DOCUMENT_LOCATOR) private readonly locator: DocumentLocator,
    private readonly auditTrail: AuditTrail,
    @Inject(VALUE_SET_POLICY) private readonly valueSetPolicy: ValueSetPolicy,
  ) {}

  /**
   * Registers the submission with its audit facts: the rows, the repository's bytes, the audit
   * record and the patient's notification commit together. An identical resubmission of a
   * committed submission (a sender retrying after a lost answer) is answered with what was
   * registered, and stores nothing again. `sight` decides how a relationship to another
   * record's document or Folder is refused.
   */
  async register(
    draft: SubmissionDraft,
    submitter: Submitter,
    audit: AuditContext,
    sight: SubmitterSight,
    repository?: RepositoryPart,
  ): Promise<RegisteredSubmission> {
    const validated = validateSubmission(
      draft,
      { registerOnly: repository === undefined },
      this.valueSetPolicy,
    );
    this.recordOutsideValueSets(validated, audit);
    const registered = await this.registerValidated({
      draft,
      validated,
      audit,
      sight,
      repository,
      submitter,
    });
    const warnings = validated.outsideValueSets;
    return warnings.length > 0 ? { ...registered, warnings } : registered;
  }

  private async registerValidated(attempt: Attempt): Promise<RegisteredSubmission> {
    try {
      return await this.store(attempt, new Map());
    } catch (error) {
      if (!isRegistrationConflict(error)) throw error;
      const replayed = await this.replay(attempt.draft, attempt.validated);
      if (replayed) {
        recordSubmission(attempt.audit, replayed);
        return replayed;
      }
      if (!(error instanceof DocumentAlreadyRegistered)) throw error;
      return this.store(attempt, await this.alreadyRegistered(attempt.validated));
    }
  }

  /** Every metadata problem `register` would refuse the draft for, under VALUE_SET_POLICY. */
  problemsOf(draft: SubmissionDraft, kind: SubmissionKind): readonly ErrorDetail[] {
    try {
      validateSubmission(draft, kind, this.valueSetPolicy);
      return [];
    } catch (error) {
      if (error instanceof DomainError) return error.details;
      throw error;
    }
  }

  /**
   * Registers submissions to several records, each record's as one unit, each submission with
   * its own audit record and notification (a bulk import's batch, access decided by the
   * caller): each is validated as {@link register} validates it; a document whose uniqueId is
   * already registered with the same content is left as it is, with other content refused as
   * XDSNonIdenticalHash. What is refused is not staged; each record's others are staged in one
   * unit, which `commit` (or {@link commitTogether}) stores whole — rows, bytes, audit records,
   * notifications — or not at all. The records and documents already there are asked once.
   */
  async stageBatches(
    records: readonly { readonly patientKey: string; readonly items: readonly BatchSubmission[] }[],
    submitter: Submitter,
  ): Promise<StagedBatch[]> {
    const checked = records.map(({ patientKey, items }) => {
      const results = new Array<BatchRegistration>(items.length);
      const validated = items.map((item, index) => {
        try {
          const valid = validateSubmission(
            item.draft,
            { registerOnly: false },
            this.valueSetPolicy,
          );
          this.recordOutsideValueSets(valid, item.audit);
          return valid;
        } catch (error) {
          results[index] = refusal(error);
          return undefined;
        }
      });
      const uniqueIds = validated.flatMap((valid) => valid?.documents.map((d) => d.uniqueId) ?? []);
      return { patientKey, items, results, validated, uniqueIds };
    });
    // Each line's SubmissionSet uniqueId is fresh: only the records and the documents are asked.
    const context = await this.writer.recordsContext(
      checked.map((record) => record.patientKey),
      checked.flatMap((record) => record.uniqueIds),
    );
    const locators = new Map(context.locators.map((locator) => [locator.uniqueId, locator]));
    return checked.map(({ patientKey, items, results, validated, uniqueIds }) =>
      this.stageRecord(
        patientKey,
        { items, results, validated },
        {
          record: context.records.get(patientKey),
          locators: uniqueIds.flatMap((uniqueId) => locators.get(uniqueId) ?? []),
        },
        submitter,
      ),
    );
  }

  /** One record's submissions of {@link stageBatches}, validated, staged against its context. */
  private stageRecord(
    patientKey: string,
    {
      items,
      results,
      validated,
    }: {
      items: readonly BatchSubmission[];
      results: BatchRegistration[];
      validated: readonly (ValidatedDraft | undefined)[];
    },
    context: Pick<SubmissionContext, 'record' | 'locators'>,
    submitter: Submitter,
  ): StagedBatch {
    const seen = new Map<string, DocumentLocatorEntry>(
      context.locators.map((locator) => [locator.uniqueId, locator]),
    );
    const unit = this.writer.begin(patientKey);
    const staged: AuditContext[] = [];
    validated.forEach((valid, index) => {
      if (!valid) return;
      try {
        assertRecordOpen(context.record, valid.patientId);
      } catch (error) {
        results[index] = refusal(error);
        return;
      }
      const known = valid.documents.filter((document) => seen.has(document.uniqueId));
      const differing = known.filter(
        (document) => !sameContent(seen.get(document.uniqueId)!, document, valid.patientId),
      );
      if (differing.length > 0) {
        results[index] = refusal(
          DomainError.of(
            differing.map((document) => ({
              code: 'NON_IDENTICAL_HASH',
              message: `DocumentEntry.uniqueId ${excerpt(document.uniqueId)} is already registered with other content`,
              location: document.ref,
            })),
          ),
        );
        return;
      }
      if (known.length === valid.documents.length) {
        results[index] = { status: 'unchanged' };
        return;
      }
      const { repository, audit } = items[index];
      const registered = this.stageNew(unit, valid, repository, submitter);
      for (const { entry } of registered.documents) {
        const { uniqueId, logicalId, hashSha1, size } = entry;
        seen.set(uniqueId, { uniqueId, patientKey, logicalId, hashSha1, size });
      }
      recordSubmission(audit, registered);
      this.auditTrail.stage(unit, audit);
      staged.push(audit);
      results[index] = { status: 'registered', registered };
    });
    const batch: StagedBatch = {
      results,
      commit: async () => {
        if (staged.length === 0) return;
        await this.writer.commit(unit);
        staged.forEach((audit) => this.auditTrail.committed(audit));
      },
    };
    this.stagedUnits.set(batch, { unit, audits: staged });
    return batch;
  }

  /**
   * Commits batches of several records (a bulk import's batch) in one transaction — the same
   * rows, bytes, audit records and notifications as each batch's `commit` — and when that
   * fails, each batch by itself, so that a record's failure is its own as it is with `commit`.
   */
  async commitTogether(batches: readonly StagedBatch[]): Promise<void> {
    const parts = batches.flatMap((batch) => {
      const part = this.stagedUnits.get(batch);
      return part && part.audits.length > 0 ? [part] : [];
    });
    if (parts.length < 2) {
      await Promise.all(batches.map((batch) => batch.commit()));
      return;
    }
    try {
      await this.writer.commitAll(parts.map((part) => part.unit));
    } catch (error) {
      this.logger.debug(`batch of ${parts.length} records written one by one: ${String(error)}`);
      await Promise.all(batches.map((batch) => batch.commit()));
      return;
    }
    parts.forEach((part) => part.audits.forEach((audit) => this.auditTrail.committed(audit)));
  }

  /** The rows of a validated submission without associations, staged into `unit`. */
  private stageNew(
    unit: WriteUnit,
    validated: ValidatedDraft,
    repository: RepositoryPart,
    submitter: Submitter,
  ): RegisteredSubmission {
    const submissionSet: SubmissionSet = { ...validated.submissionSet, status: 'Approved' };
    const documents = validated.documents.map((document) =>
      newDocument(document, {
        submissionSetUuid: submissionSet.entryUuid,
        submissionTime: submissionSet.submissionTime,
        content: repository.contents.get(document.ref),
        submitter,
      }),
    );
    repository.stage(
      unit,
      documents.flatMap((d) => repository.contents.get(d.ref) ?? []),
    );
    this.writer.stageSubmission(unit, {
      patientKey: validated.patientId.key,
      submissionSet,
      documents: documents.map((d) => d.entry),
      folders: [],
      associations: membership(submissionSet, documents, []),
      replacedEntryUuids: [],
      senderEntryUuids: [],
      updatedFolderUuids: [],
    });
    return { submissionSet, documents, folders: [] };
  }

  /**
   * A code accepted outside its value set is kept in the audit and told to the log, as well as
   * to the sender (the answer's warnings).
   */
  private recordOutsideValueSets(validated: ValidatedDraft, audit: AuditContext): void {
    if (validated.outsideValueSets.length === 0) return;
    audit.reason = acceptedOutsideValueSets(validated.outsideValueSets);
    this.logger.warn(`${audit.transaction} ${validated.submissionSet.uniqueId}: ${audit.reason}`);
  }

  /**
   * Stores the submission; `existing` are documents found already registered (an identical
   * resubmission), referenced rather than stored again. The common case, nothing registered yet,
   * costs one statement: the store reports a uniqueId conflict and the caller looks closer.
   */
  private async store(
    { draft, validated, audit, sight, repository, submitter }: Attempt,
    existing: ReadonlyMap<string, RegisteredDocument>,
  ): Promise<RegisteredSubmission> {
    const patientKey = validated.patientId.key;
    const submissionTime = validated.submissionSet.submissionTime;
    const submissionSet: SubmissionSet = { ...validated.submissionSet, status: 'Approved' };
    const documents = validated.documents.map(
      (document) =>
        existing.get(document.uniqueId) ??
        newDocument(document, {
          submissionSetUuid: submissionSet.entryUuid,
          submissionTime,
          content: repository?.contents.get(document.ref),
          submitter,
        }),
    );
    const folders = draft.folders.map((folder) => ({
      ref: folder.ref,
      folder: newFolder(folder, patientKey, submissionTime),
    }));
    const uuidByRef = new Map<string, string>([
      [draft.submissionSet.ref, submissionSet.entryUuid],
      ...documents.map((d): [string, string] => [d.ref, d.entry.entryUuid]),
      ...folders.map((f): [string, string] => [f.ref, f.folder.entryUuid]),
    ]);
    const resolved = await this.resolveAssociations(draft, { patientKey, uuidByRef, sight });
    const associations = [
      ...membership(submissionSet, documents, folders),
      ...resolved.associations,
    ];
    const added = documents.filter((d) => !d.alreadyRegistered);
    const unit = this.writer.begin(patientKey);
    repository?.stage(
      unit,
      added.flatMap((d) => repository.contents.get(d.ref) ?? []),
    );
    this.writer.stageSubmission(unit, {
      patientKey,
      submissionSet,
      documents: added.map((d) => d.entry),
      folders: folders.map((f) => f.folder),
      associations,
      replacedEntryUuids: resolved.replacedEntryUuids,
      senderEntryUuids: senderEntryUuids(draft, added),
      updatedFolderUuids: resolved.updatedFolderUuids,
    });
    const registered = { submissionSet, documents, folders };
    recordSubmission(audit, registered);
    this.auditTrail.stage(unit, audit);
    await this.writer.commit(unit);
    this.auditTrail.committed(audit);
    return registered;
  }

  /**
   * The submission as registered when this one repeats it exactly: the same SubmissionSet
   * uniqueId in this record, holding the same documents (uniqueId, hash and size) and folders,
   * and nothing else.
   */
  private async replay(
    draft: SubmissionDraft,
    validated: ValidatedDraft,
  ): Promise<RegisteredSubmission | undefined> {
    const patientKey = validated.patientId.key;
    const [submissionSet] = (
      await this.reader.submissionSets(
        patientKey,
        { ids: { uniqueIds: [validated.submissionSet.uniqueId] } },
        'unfiltered',
        ONE,
      )
    ).items;
    if (!submissionSet) return undefined;
    const expectedMembers = validated.documents.length + draft.folders.length;
    const members = await this.reader.associations(
      patientKey,
      { sources: [submissionSet.entryUuid], types: ['HasMember'] },
      'unfiltered',
      expectedMembers + 1,
    );
    if (members.length !== expectedMembers) return undefined;
    const memberUuids = new Set(members.map((member) => member.targetUuid));
    const documents = await this.replayedDocuments(patientKey, validated, memberUuids);
    const folders = await this.replayedFolders(patientKey, draft, memberUuids);
    return documents && folders ? { submissionSet, documents, folders } : undefined;
  }

  private async replayedDocuments(
    patientKey: string,
    validated: ValidatedDraft,
    memberUuids: ReadonlySet<string>,
  ): Promise<RegisteredDocument[] | undefined> {
    const uniqueIds = validated.documents.map((document) => document.uniqueId);
    const versions = (
      await this.reader.documents(
        patientKey,
        { ids: { uniqueIds }, allVersions: true },
        'unfiltered',
        { limit: MAX_REPLAY_VERSIONS, offset: 0 },
      )
    ).items;
    const replayed: RegisteredDocument[] = [];
    for (const document of validated.documents) {
      const same = versions.filter((entry) => entry.uniqueId === document.uniqueId);
      const original = same.find((entry) => memberUuids.has(entry.entryUuid));
      if (!original || !sameEntryContent(original, document)) return undefined;
      const latest = same.reduce((a, b) => (b.version > a.version ? b : a));
      replayed.push({ ref: document.ref, entry: latest, alreadyRegistered: true });
    }
    return replayed;
  }

  private async replayedFolders(
    patientKey: string,
    draft: SubmissionDraft,
    memberUuids: ReadonlySet<string>,
  ): Promise<{ ref: string; folder: Folder }[] | undefined> {
    if (draft.folders.length === 0) return [];
    const uniqueIds = draft.folders.flatMap((folder) => folder.uniqueId ?? []);
    const registered = (
      await this.reader.folders(patientKey, { ids: { uniqueIds } }, 'unfiltered', {
        limit: draft.folders.length,
        offset: 0,
      })
    ).items;
    const replayed: { ref: string; folder: Folder }[] = [];
    for (const folder of draft.folders) {
      const found = registered.find(
        (candidate) =>
          candidate.uniqueId === folder.uniqueId && memberUuids.has(candidate.entryUuid),
      );
      if (!found) return undefined;
      replayed.push({ ref: folder.ref, folder: found });
    }
    return replayed;
  }

  /** After a uniqueId conflict: which documents are identical resubmissions, or a refusal. */
  private async alreadyRegistered(
    validated: ValidatedDraft,
  ): Promise<Map<string, RegisteredDocument>> {
    const context = await this.writer.submissionContext(
      validated.patientId.key,
      validated.submissionSet.uniqueId,
      validated.documents.map((d) => d.uniqueId),
    );
    assertRecordOpen(context.record, validated.patientId);
    if (context.submissionSetExists) {
      throw new DomainError(
        'DUPLICATE_UNIQUE_ID',
        `SubmissionSet.uniqueId ${excerpt(validated.submissionSet.uniqueId)} is already registered`,
      );
    }
    return this.existingDocuments(validated.patientId, validated.documents, context.locators);
  }

  /**
   * A uniqueId already registered is accepted again only for the same patient and the same
   * content (an idempotent resubmission); otherwise it is XDSNonIdenticalHash.
   */
  private async existingDocuments(
    patientId: PatientId,
    documents: readonly CompleteDocumentDraft[],
    locators: readonly DocumentLocatorEntry[],
  ): Promise<Map<string, RegisteredDocument>> {
    const problems: ErrorDetail[] = [];
    const reused = new Map<string, RegisteredDocument>();
    for (const locator of locators) {
      const document = documents.find((d) => d.uniqueId === locator.uniqueId)!;
      if (!sameContent(locator, document, patientId)) {
        problems.push({
          code: 'NON_IDENTICAL_HASH',
          message: `DocumentEntry.uniqueId ${excerpt(locator.uniqueId)} is already registered with other content`,
          location: document.ref,
        });
        continue;
      }
      const entry = await this.latest(patientId.key, { logicalIds: [locator.logicalId] });
      if (entry)
        reused.set(locator.uniqueId, { ref: document.ref, entry, alreadyRegistered: true });
    }
    if (problems.length > 0) throw DomainError.of(problems);
    return reused;
  }

  private async resolveAssociations(
    draft: SubmissionDraft,
    context: EndContext,
  ): Promise<{
    associations: Association[];
    replacedEntryUuids: string[];
    updatedFolderUuids: string[];
  }> {
    const associations: Association[] = [];
    const replacedEntryUuids: string[] = [];
    const updatedFolderUuids = new Set<string>();
    for (const association of draft.associations) {
      const sourceUuid = await this.resolveEnd(association.source, context);
      const targetUuid = await this.resolveEnd(association.target, context);
      if (association.type === 'RPLC' || association.type === 'XFRM_RPLC') {
        replacedEntryUuids.push(targetUuid);
      }
      if ('existingFolderUuid' in association.source) {
        const registered = !('ref' in association.target);
        if (registered && (await this.isMember(context.patientKey, sourceUuid, targetUuid))) {
          continue;
        }
        updatedFolderUuids.add(sourceUuid);
      }
      associations.push({
        entryUuid: newEntryUuid(),
        patientKey: context.patientKey,
        type: association.type,
        sourceUuid,
        targetUuid,
        status: 'Approved',
      });
    }
    return { associations, replacedEntryUuids, updatedFolderUuids: [...updatedFolderUuids] };
  }

  private async resolveEnd(end: AssociationEnd, context: EndContext): Promise<string> {
    if ('ref' in end) return context.uuidByRef.get(end.ref)!;
    if ('existingFolderUuid' in end) return this.resolveFolder(end.existingFolderUuid, context);
    const { patientKey, sight } = context;
    const [name, ids] = existingDocument(end);
    const target = await this.latest(patientKey, ids);
    if (target?.status === 'Approved') return target.entryUuid;
    const elsewhere = (await this.locator.locate(ids)).documents.find(
      (document) => document.patientKey !== patientKey,
    );
    if (await sight.document(elsewhere)) {
      throw new DomainError(
        'PATIENT_ID_MISMATCH',
        `Document ${excerpt(name)} belongs to another patient than the SubmissionSet's`,
      );
    }
    throw new DomainError(
      'REPLACED_NOT_FOUND',
      `Document ${excerpt(name)} is not a current document of this patient`,
    );
  }

  /** Whether the registered Folder already has this member (an MHD Folder update lists them). */
  private async isMember(patientKey: string, folderUuid: string, uuid: string): Promise<boolean> {
    const members = await this.reader.associations(
      patientKey,
      { sources: [folderUuid], targets: [uuid], types: ['HasMember'] },
      'unfiltered',
      1,
    );
    return members.length > 0;
  }

  /**
   * A Folder already registered that the submission adds to: an Approved Folder of this record,
   * or another patient's one, said so only to a submitter who may consult that record.
   */
  private async resolveFolder(uuid: string, { patientKey, sight }: EndContext): Promise<string> {
    const ids = { uuids: [uuid] };
    const [folder] = (await this.reader.folders(patientKey, { ids }, 'unfiltered', ONE)).items;
    if (folder?.status === 'Approved') return folder.entryUuid;
    const { patientKeys } = await this.locator.locate(ids);
    if (await sight.record(patientKeys.find((key) => key !== patientKey))) {
      throw new DomainError(
        'PATIENT_ID_MISMATCH',
        `Folder ${excerpt(uuid)} belongs to another patient than the SubmissionSet's`,
      );
    }
    throw new DomainError(
      'UNRESOLVED_REFERENCE',
      `Folder ${excerpt(uuid)} is not a Folder of this patient`,
    );
  }

  /** The record's latest version of a document: registry checks see every document. */
  private async latest(patientKey: string, ids: ObjectIds): Promise<DocumentEntry | undefined> {
    const page = await this.reader.documents(patientKey, { ids }, 'unfiltered', ONE);
    return page.items[0];
  }
}

const ONE = { limit: 1, offset: 0 };

/**
 * What resolving an association end needs: the record, the objects of the submission, and
 * whether the submitter may know of another record's document or Folder (XDSPatientIdDoesNotMatch
 * then; to anyone else it is unknown, so the refusal reveals nothing).
 */
interface EndContext {
  readonly patientKey: string;
  readonly uuidByRef: ReadonlyMap<string, string>;
  readonly sight: SubmitterSight;
}

/** How an association end names a registered document, and the ids that find it. */
function existingDocument(
  end: Exclude<AssociationEnd, { ref: string } | { existingFolderUuid: string }>,
): [string, ObjectIds] {
  if ('existingLogicalId' in end) {
    return [end.existingLogicalId, { logicalIds: [end.existingLogicalId] }];
  }
  if ('existingEntryUuid' in end)
    return [end.existingEntryUuid, { uuids: [end.existingEntryUuid] }];
  return [end.existingUniqueId, { uniqueIds: [end.existingUniqueId] }];
}

/** Versions looked at to recognise a replay: far more than any document accumulates. */
const MAX_REPLAY_VERSIONS = 100_000;

/** The store's refusals that may come from a resubmission of what is already registered. */
function isRegistrationConflict(error: unknown): boolean {
  return (
    error instanceof DocumentAlreadyRegistered ||
    (error instanceof DomainError &&
      (error.code === 'DUPLICATE_UNIQUE_ID' || error.code === 'DUPLICATE_ENTRY_UUID'))
  );
}

function sameEntryContent(entry: DocumentEntry, document: CompleteDocumentDraft): boolean {
  return (
    entry.hashSha1.toLowerCase() === document.suppliedHashSha1?.toLowerCase() &&
    entry.size === document.suppliedSize
  );
}

/** The entryUUIDs the sender chose for what this submission adds. */
function senderEntryUuids(draft: SubmissionDraft, added: readonly RegisteredDocument[]): string[] {
  const addedRefs = new Set(added.map((d) => d.ref));
  return [
    draft.submissionSet.entryUuid,
    ...draft.documents.filter((d) => addedRefs.has(d.ref)).map((d) => d.entryUuid),
    ...draft.folders.map((f) => f.entryUuid),
  ].filter((uuid): uuid is string => uuid !== undefined);
}

function sameContent(
  locator: DocumentLocatorEntry,
  document: CompleteDocumentDraft,
  patientId: PatientId,
): boolean {
  return (
    locator.patientKey === patientId.key &&
    locator.hashSha1.toLowerCase() === document.suppliedHashSha1?.toLowerCase() &&
    locator.size === document.suppliedSize
  );
}

interface Registration {
  readonly submissionSetUuid: string;
  readonly submissionTime: Date;
  readonly content?: DocumentContent;
  readonly submitter?: Submitter;
}

function newDocument(
  draft: CompleteDocumentDraft,
  { submissionSetUuid, submissionTime, content, submitter }: Registration,
): RegisteredDocument {
  const entryUuid = draft.entryUuid ?? newEntryUuid();
  const entry: DocumentEntry = {
    entryUuid,
    logicalId: entryUuid,
    version: 1,
    uniqueId: draft.uniqueId,
    patientKey: draft.patientId.key,
    status: 'Approved',
    title: draft.title,
    comments: draft.comments,
    classCode: draft.classCode,
    typeCode: draft.typeCode,
    formatCode: draft.formatCode,
    confidentialityCodes: draft.confidentialityCodes,
    eventCodes: draft.eventCodes,
    healthcareFacilityTypeCode: draft.healthcareFacilityTypeCode,
    practiceSettingCode: draft.practiceSettingCode,
    creationTime: draft.creationTime,
    serviceStartTime: draft.serviceStartTime,
    serviceStopTime: draft.serviceStopTime,
    languageCode: draft.languageCode,
    mimeType: draft.mimeType,
    hashSha1: (content?.hashSha1 ?? draft.suppliedHashSha1 ?? '').toLowerCase(),
    size: content?.size ?? draft.suppliedSize ?? 0,
    repositoryUniqueId: draft.repositoryUniqueId ?? '',
    authors: draft.authors,
    legalAuthenticator: draft.legalAuthenticator,
    custodian: draft.custodian,
    sourcePatientId: draft.sourcePatientId,
    sourcePatientInfo: draft.sourcePatientInfo,
    referenceIds: draft.referenceIds,
    contentId: content?.contentId,
    submitter,
    signedBy: draft.signedBy,
    submissionSetUuid,
    submissionTime,
  };
  return { ref: draft.ref, entry, alreadyRegistered: false };
}

function newFolder(
  draft: SubmissionDraft['folders'][number],
  patientKey: string,
  lastUpdateTime: Date,
): Folder {
  if (!draft.uniqueId) {
    throw new DomainError('METADATA_MISSING', 'Folder.uniqueId is required', draft.ref);
  }
  const entryUuid = draft.entryUuid ?? newEntryUuid();
  return {
    entryUuid,
    logicalId: entryUuid,
    version: 1,
    uniqueId: draft.uniqueId,
    patientKey,
    title: draft.title,
    comments: draft.comments,
    codeList: draft.codeList,
    lastUpdateTime,
    status: 'Approved',
  };
}

/** The SubmissionSet HasMember every document (Original, or Reference when already registered). */
function membership(
  submissionSet: SubmissionSet,
  documents: readonly RegisteredDocument[],
  folders: readonly { folder: Folder }[],
): Association[] {
  const member = (targetUuid: string, status?: 'Original' | 'Reference'): Association => ({
    entryUuid: newEntryUuid(),
    patientKey: submissionSet.patientKey,
    type: 'HasMember',
    sourceUuid: submissionSet.entryUuid,
    targetUuid,
    submissionSetStatus: status,
    status: 'Approved',
  });
  return [
    ...documents.map((d) =>
      member(d.entry.entryUuid, d.alreadyRegistered ? 'Reference' : 'Original'),
    ),
    ...folders.map((f) => member(f.folder.entryUuid)),
  ];
}
