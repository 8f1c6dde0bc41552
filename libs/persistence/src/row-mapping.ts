import { EVERY_NOTIFICATION, authorIdsOf, codeKey } from '@passerelle/domain';
import type {
  Association,
  Author,
  DocumentEntry,
  Folder,
  PatientRecord,
  RecordLifecycle,
  SubmissionSet,
} from '@passerelle/domain';
import type { AssociationRow } from './entities/association.entity';
import type { DocumentEntryRow, StoredEntryMetadata } from './entities/document-entry.entity';
import type { FolderRow } from './entities/folder.entity';
import type { PatientRecordRow } from './entities/patient-record.entity';
import type { SubmissionSetRow } from './entities/submission-set.entity';

/** Author name tokens, lower case, `f:` family and `g:` given, for prefix search. */
export function authorNameTokens(authors: readonly Author[]): string[] {
  return authors.flatMap(({ person }) => [
    ...(person?.family ? [`f:${person.family.toLowerCase()}`] : []),
    ...(person?.given ? [`g:${person.given.toLowerCase()}`] : []),
  ]);
}

export function documentEntryToRow(entry: DocumentEntry, isLatest: boolean): DocumentEntryRow {
  const { entryUuid, version, status, creationTime, serviceStartTime, serviceStopTime, ...rest } =
    entry;
  const metadata: StoredEntryMetadata = {
    ...rest,
    creationTime: creationTime.toISOString(),
    serviceStartTime: serviceStartTime?.toISOString(),
    serviceStopTime: serviceStopTime?.toISOString(),
  };
  return {
    patientKey: entry.patientKey,
    entryUuid,
    logicalId: entry.logicalId,
    version,
    isLatest,
    uniqueId: entry.uniqueId,
    status,
    classKey: codeKey(entry.classCode),
    typeKey: codeKey(entry.typeCode),
    formatKey: codeKey(entry.formatCode),
    practiceSettingKey: codeKey(entry.practiceSettingCode),
    facilityTypeKey: codeKey(entry.healthcareFacilityTypeCode),
    eventKeys: entry.eventCodes.map(codeKey),
    confidentialityKeys: entry.confidentialityCodes.map(codeKey),
    authorNames: authorNameTokens(entry.authors),
    authorIds: authorIdsOf(entry),
    referenceIds: [...entry.referenceIds],
    creationTime,
    serviceStartTime: serviceStartTime ?? null,
    serviceStopTime: serviceStopTime ?? null,
    submissionTime: entry.submissionTime,
    contentId: entry.contentId ?? null,
    metadata,
  };
}

/** Rebuilds the entry from the columns that vary by version and the kept metadata. */
export function documentEntryFromRow(
  row: Pick<DocumentEntryRow, 'entryUuid' | 'version' | 'status' | 'metadata'>,
): DocumentEntry {
  const { metadata } = row;
  return {
    ...metadata,
    entryUuid: row.entryUuid,
    version: row.version,
    status: row.status,
    creationTime: new Date(metadata.creationTime),
    serviceStartTime: optionalDate(metadata.serviceStartTime),
    serviceStopTime: optionalDate(metadata.serviceStopTime),
    submissionTime: new Date(metadata.submissionTime),
  };
}

export function submissionSetToRow(set: SubmissionSet): SubmissionSetRow {
  const { status, submissionTime, ...rest } = set;
  return {
    patientKey: set.patientKey,
    entryUuid: set.entryUuid,
    uniqueId: set.uniqueId,
    sourceId: set.sourceId,
    contentTypeKey: codeKey(set.contentTypeCode),
    submissionTime,
    status,
    metadata: { ...rest, submissionTime: submissionTime.toISOString() },
  };
}

export function submissionSetFromRow(row: SubmissionSetRow): SubmissionSet {
  return {
    ...row.metadata,
    status: row.status,
    submissionTime: new Date(row.metadata.submissionTime),
  };
}

export function folderToRow(folder: Folder): FolderRow {
  const { status, lastUpdateTime, ...rest } = folder;
  return {
    patientKey: folder.patientKey,
    entryUuid: folder.entryUuid,
    logicalId: folder.logicalId,
    version: folder.version,
    uniqueId: folder.uniqueId,
    codeKeys: folder.codeList.map(codeKey),
    lastUpdateTime,
    status,
    metadata: { ...rest, lastUpdateTime: lastUpdateTime.toISOString() },
  };
}

export function folderFromRow(row: FolderRow): Folder {
  return {
    ...row.metadata,
    status: row.status,
    lastUpdateTime: new Date(row.metadata.lastUpdateTime),
  };
}

export function associationToRow(association: Association): AssociationRow {
  return { ...association, submissionSetStatus: association.submissionSetStatus ?? null };
}

export function associationFromRow(row: AssociationRow): Association {
  return { ...row, submissionSetStatus: row.submissionSetStatus ?? undefined };
}

/** The lifecycle's columns of patient_record. */
export type LifecycleColumns = Pick<
  PatientRecordRow,
  | 'status'
  | 'closedAt'
  | 'closureReason'
  | 'oppositionUntil'
  | 'deletionRequestedAt'
  | 'purgeDueAt'
  | 'suspension'
  | 'purgedAt'
>;

export function lifecycleToColumns(lifecycle: RecordLifecycle): LifecycleColumns {
  const { suspension } = lifecycle;
  return {
    status: lifecycle.status,
    closedAt: lifecycle.closedAt ?? null,
    closureReason: lifecycle.closureReason ?? null,
    oppositionUntil: lifecycle.oppositionUntil ?? null,
    deletionRequestedAt: lifecycle.deletionRequestedAt ?? null,
    purgeDueAt: lifecycle.purgeDueAt ?? null,
    suspension: suspension ? { ...suspension, at: suspension.at.toISOString() } : null,
    purgedAt: lifecycle.purgedAt ?? null,
  };
}

export function lifecycleFromColumns(columns: LifecycleColumns): RecordLifecycle {
  const date = (value: Date | null) => (value ? new Date(value) : undefined);
  const { suspension } = columns;
  return withoutUndefined({
    status: columns.status,
    closedAt: date(columns.closedAt),
    closureReason: columns.closureReason ?? undefined,
    oppositionUntil: date(columns.oppositionUntil),
    deletionRequestedAt: date(columns.deletionRequestedAt),
    purgeDueAt: date(columns.purgeDueAt),
    suspension: suspension ? { ...suspension, at: new Date(suspension.at) } : undefined,
    purgedAt: date(columns.purgedAt),
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function patientRecordToRow(record: PatientRecord): PatientRecordRow {
  return {
    patientKey: record.patientKey,
    insValue: record.insValue,
    insOid: record.insOid,
    openedAt: record.openedAt,
    openedBy: record.openedBy,
    ...lifecycleToColumns(record),
    purgeStartedAt: null,
    demographics: {
      family: record.family,
      given: record.given,
      birthDate: record.birthDate,
      gender: record.gender,
      email: record.email,
    },
    phone: record.phone ?? null,
    notificationPreferences: record.notificationPreferences ?? {},
  };
}

export function patientRecordFromRow(row: PatientRecordRow): PatientRecord {
  return {
    patientKey: row.patientKey,
    insValue: row.insValue,
    insOid: row.insOid,
    openedAt: row.openedAt,
    openedBy: row.openedBy,
    ...lifecycleFromColumns(row),
    ...row.demographics,
    ...(row.phone !== null ? { phone: row.phone } : {}),
    notificationPreferences: { ...EVERY_NOTIFICATION, ...row.notificationPreferences },
  };
}

function optionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
