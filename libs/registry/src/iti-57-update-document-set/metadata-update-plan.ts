import {
  AvailabilityStatus,
  DocumentEntry,
  DomainError,
  ErrorDetail,
  ObjectIds,
  excerpt,
} from '@passerelle/domain';
import type { PlannedChange } from '../metadata-update/update-document-metadata';
import type { MetadataChange, ReplaceableMetadata } from '../ports';
import type { DocumentEntryDraft, FolderDraft } from '../submission/submission-draft';
import { checkCompleteDocumentEntry } from '../submission/validate-submission';

/** An ITI-57 Update Document Set operation, as the XDS adapter reads it. */
export type MetadataUpdate =
  | {
      readonly kind: 'document';
      readonly logicalId: string;
      readonly previousVersion: number;
      readonly entry: DocumentEntryDraft;
    }
  | {
      readonly kind: 'folder';
      readonly logicalId: string;
      readonly previousVersion: number;
      readonly folder: FolderDraft;
    }
  | {
      readonly kind: 'status';
      /** The document's entryUUID (XDS), logical id (FHIR) or uniqueId (HL7v2 TXA-12). */
      readonly targetUuid: string;
      readonly originalStatus: AvailabilityStatus;
      readonly newStatus: AvailabilityStatus;
    };

/** How the plan finds the latest version of a document in the patient's record. */
export type DocumentLookup = (ids: ObjectIds) => Promise<DocumentEntry | undefined>;

export interface MetadataUpdatePlan {
  readonly changes: readonly PlannedChange[];
  /** Whether a change is a logical delete (the author-only action). */
  readonly deletes: boolean;
}

/**
 * ITI-57 Update Document Set, read against the registry: each update names the latest version
 * it replaces (XDSMetadataVersionError otherwise) and may not change what identifies the
 * document or its content. Folder updates are refused: folders are not versioned here.
 */
export async function planMetadataUpdates(
  updates: readonly MetadataUpdate[],
  lookup: DocumentLookup,
): Promise<MetadataUpdatePlan> {
  if (updates.length === 0) {
    throw new DomainError('METADATA_MISSING', 'The request updates nothing');
  }
  const problems: ErrorDetail[] = [];
  const changes: PlannedChange[] = [];
  const versioned = new Set<string>();
  for (const update of updates) {
    if (update.kind !== 'status') {
      if (versioned.has(update.logicalId)) {
        problems.push({
          code: 'METADATA_INVALID',
          message: `Two new versions of ${excerpt(update.logicalId)} (one lid) in one request`,
          location: update.logicalId,
        });
        continue;
      }
      versioned.add(update.logicalId);
    }
    try {
      changes.push(await planOne(update, lookup));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push(...error.details);
    }
  }
  if (problems.length > 0) throw DomainError.of(problems);
  const deletes = changes.some(({ change }) => change.status === 'Deleted');
  return { changes, deletes };
}

async function planOne(update: MetadataUpdate, lookup: DocumentLookup): Promise<PlannedChange> {
  if (update.kind === 'folder') {
    throw new DomainError(
      'UNSUPPORTED_OPERATION',
      `Folder ${excerpt(update.logicalId)}: folder metadata updates are not supported`,
    );
  }
  if (update.kind === 'status') {
    const current =
      (await lookup({ uuids: [update.targetUuid] })) ??
      (await lookup({ logicalIds: [update.targetUuid] })) ??
      (await lookup({ uniqueIds: [update.targetUuid] }));
    const entry = found(current, update.targetUuid);
    if (entry.status !== update.originalStatus) {
      throw new DomainError(
        'METADATA_VERSION_ERROR',
        `${excerpt(update.targetUuid)} is ${entry.status}, not ${update.originalStatus} (OriginalStatus)`,
      );
    }
    return { current: entry, change: { status: update.newStatus } };
  }
  const entry = found(await lookup({ logicalIds: [update.logicalId] }), update.logicalId);
  if (entry.version !== update.previousVersion) {
    throw new DomainError(
      'METADATA_VERSION_ERROR',
      `PreviousVersion ${update.previousVersion} is not the latest version (${entry.version}) of ${excerpt(update.logicalId)}`,
    );
  }
  return { current: entry, change: newVersionOf(entry, update.entry) };
}

/** Unknown, or hidden from the caller: the same answer. */
function found(entry: DocumentEntry | undefined, id: string): DocumentEntry {
  if (!entry) {
    throw new DomainError(
      'METADATA_VERSION_ERROR',
      `No document ${excerpt(id)} in this patient's record`,
    );
  }
  return entry;
}

/**
 * A new version is a complete DocumentEntry (ITI TF-3 4.2.3.1.7): every required attribute is
 * checked as at registration, and what it leaves out is gone from the new version — nothing is
 * inherited from the previous one, except the custodian XDS has no attribute for. What
 * identifies the document stays (uniqueId, patient, hash); so do size, repository and mime type
 * when this repository holds the content.
 */
function newVersionOf(current: DocumentEntry, draft: DocumentEntryDraft): MetadataChange {
  const invalid: ErrorDetail[] = [];
  checkCompleteDocumentEntry(draft, invalid);
  if (invalid.length > 0) throw DomainError.of(invalid);
  const held = current.contentId !== undefined;
  const unchangeable: [string, unknown, unknown][] = [
    ['uniqueId', draft.uniqueId, current.uniqueId],
    ['hash', draft.suppliedHashSha1?.toLowerCase(), current.hashSha1],
    ...(held
      ? ([
          ['size', draft.suppliedSize, current.size],
          ['repositoryUniqueId', draft.repositoryUniqueId, current.repositoryUniqueId],
          ['mimeType', draft.mimeType, current.mimeType],
        ] as [string, unknown, unknown][])
      : []),
  ];
  const changed = unchangeable.filter(([, given, kept]) => given !== undefined && given !== kept);
  if (draft.patientId && draft.patientId.key !== current.patientKey) {
    throw new DomainError(
      'PATIENT_ID_MISMATCH',
      'A new version cannot change patientId',
      draft.ref,
    );
  }
  if (changed.length > 0) {
    throw new DomainError(
      'FORBIDDEN_CHANGE',
      `A new version cannot change ${changed.map(([name]) => name).join(', ')}`,
      draft.ref,
    );
  }
  // Every key is set, absent ones to undefined: the new version replaces them all.
  const metadata: ReplaceableMetadata = {
    title: draft.title,
    comments: draft.comments,
    classCode: draft.classCode,
    typeCode: draft.typeCode,
    formatCode: draft.formatCode,
    eventCodes: draft.eventCodes,
    healthcareFacilityTypeCode: draft.healthcareFacilityTypeCode,
    practiceSettingCode: draft.practiceSettingCode,
    creationTime: draft.creationTime,
    serviceStartTime: draft.serviceStartTime,
    serviceStopTime: draft.serviceStopTime,
    languageCode: draft.languageCode,
    authors: draft.authors,
    legalAuthenticator: draft.legalAuthenticator,
    sourcePatientInfo: draft.sourcePatientInfo,
    referenceIds: draft.referenceIds,
    ...(held
      ? {}
      : {
          size: draft.suppliedSize,
          repositoryUniqueId: draft.repositoryUniqueId,
          mimeType: draft.mimeType,
        }),
  };
  return {
    entryUuid: draft.entryUuid,
    metadata,
    confidentialityCodes: draft.confidentialityCodes,
  };
}
