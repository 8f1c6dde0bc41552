import { DocumentEntry, DomainError, ErrorDetail, PatientId } from '@passerelle/domain';
import type {
  DocumentEntryDraft,
  MetadataChange,
  PlannedChange,
  ReplaceableMetadata,
} from '@passerelle/registry';
import type { MetadataUpdate } from '../ebrim/submit-objects-reader';

/** How the plan finds the latest version of a document of the patient. */
export interface DocumentLookup {
  byLogicalId(logicalId: string): Promise<DocumentEntry | undefined>;
  byEntryUuid(patientKey: string, entryUuid: string): Promise<DocumentEntry | undefined>;
}

export interface MetadataUpdatePlan {
  readonly patientKey: string;
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
  patientId: PatientId | undefined,
  updates: readonly MetadataUpdate[],
  lookup: DocumentLookup,
): Promise<MetadataUpdatePlan> {
  if (!patientId) {
    throw new DomainError('METADATA_MISSING', 'The SubmissionSet of the update needs a patientId');
  }
  if (updates.length === 0) {
    throw new DomainError('METADATA_MISSING', 'The request updates nothing');
  }
  const patientKey = patientId.key;
  const problems: ErrorDetail[] = [];
  const changes: PlannedChange[] = [];
  for (const update of updates) {
    try {
      changes.push(await planOne(patientKey, update, lookup));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push(...error.details);
    }
  }
  if (problems.length > 0) throw DomainError.of(problems);
  const deletes = changes.some(({ change }) => change.status === 'Deleted');
  return { patientKey, changes, deletes };
}

async function planOne(
  patientKey: string,
  update: MetadataUpdate,
  lookup: DocumentLookup,
): Promise<PlannedChange> {
  if (update.kind === 'folder') {
    throw new DomainError(
      'UNSUPPORTED_OPERATION',
      `Folder ${update.logicalId}: folder metadata updates are not supported`,
    );
  }
  if (update.kind === 'status') {
    const current =
      (await lookup.byEntryUuid(patientKey, update.targetUuid)) ??
      (await lookup.byLogicalId(update.targetUuid));
    const entry = ofPatient(current, patientKey, update.targetUuid);
    if (entry.status !== update.originalStatus) {
      throw new DomainError(
        'METADATA_VERSION_ERROR',
        `${update.targetUuid} is ${entry.status}, not ${update.originalStatus} (OriginalStatus)`,
      );
    }
    return { current: entry, change: { status: update.newStatus } };
  }
  const entry = ofPatient(await lookup.byLogicalId(update.logicalId), patientKey, update.logicalId);
  if (entry.version !== update.previousVersion) {
    throw new DomainError(
      'METADATA_VERSION_ERROR',
      `PreviousVersion ${update.previousVersion} is not the latest version (${entry.version}) of ${update.logicalId}`,
    );
  }
  return { current: entry, change: newVersionOf(entry, update.entry) };
}

function ofPatient(
  entry: DocumentEntry | undefined,
  patientKey: string,
  id: string,
): DocumentEntry {
  if (!entry || entry.patientKey !== patientKey) {
    throw new DomainError('METADATA_VERSION_ERROR', `No document ${id} in this patient's record`);
  }
  return entry;
}

/**
 * What identifies the document stays (uniqueId, patient, hash); so do size, repository and mime
 * type when this repository holds the content. The rest is taken from the new version.
 */
function newVersionOf(current: DocumentEntry, draft: DocumentEntryDraft): MetadataChange {
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
  const metadata: ReplaceableMetadata = definedOnly({
    title: draft.title,
    comments: draft.comments,
    classCode: draft.classCode,
    typeCode: draft.typeCode,
    formatCode: draft.formatCode,
    eventCodes: draft.eventCodes.length > 0 ? draft.eventCodes : undefined,
    healthcareFacilityTypeCode: draft.healthcareFacilityTypeCode,
    practiceSettingCode: draft.practiceSettingCode,
    creationTime: draft.creationTime,
    serviceStartTime: draft.serviceStartTime,
    serviceStopTime: draft.serviceStopTime,
    languageCode: draft.languageCode,
    authors: draft.authors.length > 0 ? draft.authors : undefined,
    legalAuthenticator: draft.legalAuthenticator,
    sourcePatientInfo: draft.sourcePatientInfo,
    referenceIds: draft.referenceIds.length > 0 ? draft.referenceIds : undefined,
    ...(held
      ? {}
      : {
          size: draft.suppliedSize,
          repositoryUniqueId: draft.repositoryUniqueId,
          mimeType: draft.mimeType,
        }),
  });
  const codes = draft.confidentialityCodes;
  return {
    entryUuid: draft.entryUuid,
    metadata,
    confidentialityCodes: codes.length > 0 ? codes : undefined,
  };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
