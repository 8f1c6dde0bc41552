import { Injectable } from '@nestjs/common';
import type { AuditEntry } from '@passerelle/audit';
import type {
  Association,
  AssociationFilter,
  DocumentEntry,
  DocumentFilter,
  DocumentRelation,
  Folder,
  FolderFilter,
  ObjectIds,
  Page,
  PageRequest,
  SubmissionSet,
  SubmissionSetFilter,
} from '@passerelle/domain';
import type {
  DocumentLocator,
  DocumentRef,
  Located,
  RegistryReader,
  Visibility,
} from '@passerelle/registry';
import { DataSource } from 'typeorm';
import {
  associationSearchSql,
  documentRefSearchSql,
  documentSearchSql,
  documentWithRelationsSearchSql,
  folderSearchSql,
  submissionSetSearchSql,
} from './document-search-sql';
import type { AssociationRow, DocumentEntryRow, FolderRow, SubmissionSetRow } from './entities';
import {
  associationFromRow,
  documentEntryFromRow,
  folderFromRow,
  submissionSetFromRow,
} from './row-mapping';

type EntryJson = Pick<DocumentEntryRow, 'version' | 'status' | 'metadata'> & {
  entry_uuid: string;
};

interface AssociationJson {
  patient_key: string;
  entry_uuid: string;
  type: string;
  source_uuid: string;
  target_uuid: string;
  submission_set_status: string | null;
  status: string;
}

/** The registry's reads, in SQL: one statement each, filtered by patient and by visibility. */
@Injectable()
export class PostgresRegistryReader implements RegistryReader, DocumentLocator {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The one read across records, in one statement: the records the ids belong to, and the
   * latest version of each document they name. Only the lookups for the kinds of id given are
   * part of the statement (a read by content id plans and runs one join).
   */
  async locate(ids: ObjectIds): Promise<Located> {
    const { text, params } = locateSql(ids);
    if (!text) return { patientKeys: [], documents: [] };
    const rows: (Partial<EntryJson> & { patient_key: string })[] = await this.dataSource.query(
      text,
      params,
    );
    return {
      patientKeys: [...new Set(rows.map((row) => row.patient_key))],
      documents: [
        ...new Map(
          rows
            .filter((row) => row.entry_uuid)
            .map((row) => [row.entry_uuid, entryOf(row as EntryJson)]),
        ).values(),
      ],
    };
  }

  async documents(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<DocumentEntry>> {
    const { text, params } = documentSearchSql(patientKey, filter, visibility, page);
    const rows: (EntryJson & { total: string })[] = await this.dataSource.query(text, params);
    return { items: rows.map(entryOf), total: totalOf(rows) };
  }

  async documentsWithRelations(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
    audit?: AuditEntry,
  ): Promise<Page<DocumentEntry>> {
    const { text, params } = documentWithRelationsSearchSql(
      patientKey,
      filter,
      visibility,
      page,
      audit,
    );
    const rows: (EntryJson & { total: string; relates_to: DocumentRelation[] | null })[] =
      await this.dataSource.query(text, params);
    return {
      items: rows.map((row) => {
        const entry = entryOf(row);
        return row.relates_to ? { ...entry, relatesTo: row.relates_to } : entry;
      }),
      total: totalOf(rows),
    };
  }

  async documentRefs(
    patientKey: string,
    filter: DocumentFilter,
    visibility: Visibility,
    page: PageRequest,
    audit?: AuditEntry,
  ): Promise<Page<DocumentRef>> {
    const { text, params } = documentRefSearchSql(patientKey, filter, visibility, page, audit);
    const rows: { entry_uuid: string; unique_id: string; total: string }[] =
      await this.dataSource.query(text, params);
    return {
      items: rows.map((row) => ({ entryUuid: row.entry_uuid, uniqueId: row.unique_id })),
      total: totalOf(rows),
    };
  }

  async submissionSets(
    patientKey: string,
    filter: SubmissionSetFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<SubmissionSet>> {
    const { text, params } = submissionSetSearchSql(patientKey, filter, visibility, page);
    const rows: (SubmissionSetRow & { total: string })[] = await this.dataSource.query(
      text,
      params,
    );
    return { items: rows.map(submissionSetFromRow), total: totalOf(rows) };
  }

  async folders(
    patientKey: string,
    filter: FolderFilter,
    visibility: Visibility,
    page: PageRequest,
  ): Promise<Page<Folder>> {
    const { text, params } = folderSearchSql(patientKey, filter, visibility, page);
    const rows: (FolderRow & { total: string })[] = await this.dataSource.query(text, params);
    return { items: rows.map(folderFromRow), total: totalOf(rows) };
  }

  async associations(
    patientKey: string,
    filter: AssociationFilter,
    visibility: Visibility,
    limit: number,
  ): Promise<Association[]> {
    const { text, params } = associationSearchSql(patientKey, filter, visibility, limit);
    const rows: AssociationJson[] = await this.dataSource.query(text, params);
    return rows.map((row) =>
      associationFromRow({
        patientKey: row.patient_key,
        entryUuid: row.entry_uuid,
        type: row.type,
        sourceUuid: row.source_uuid,
        targetUuid: row.target_uuid,
        submissionSetStatus: row.submission_set_status,
        status: row.status,
      } as AssociationRow),
    );
  }
}

function entryOf(row: EntryJson): DocumentEntry {
  return documentEntryFromRow({ ...row, entryUuid: row.entry_uuid });
}

function totalOf(rows: readonly { total: string }[]): number {
  return rows.length > 0 ? Number(rows[0].total) : 0;
}

/** The lookups of `locate`, for the kinds of id given. */
function locateSql(ids: ObjectIds): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (values: readonly string[]) => {
    params.push(values);
    return `$${params.length}::text[]`;
  };
  const named: string[] = [];
  const lists: string[] = [];
  if (ids.uuids?.length) {
    const uuids = param(ids.uuids);
    named.push(
      `SELECT patient_key, logical_id FROM document_entry WHERE entry_uuid = ANY(${uuids})`,
    );
    lists.push(
      `SELECT patient_key FROM submission_set WHERE entry_uuid = ANY(${uuids})`,
      `SELECT patient_key FROM folder WHERE entry_uuid = ANY(${uuids})`,
      `SELECT patient_key FROM association WHERE entry_uuid = ANY(${uuids})`,
    );
  }
  if (ids.uniqueIds?.length) {
    const uniqueIds = param(ids.uniqueIds);
    named.push(
      `SELECT patient_key, logical_id FROM document_locator WHERE unique_id = ANY(${uniqueIds})`,
    );
    lists.push(
      `SELECT patient_key FROM submission_set WHERE unique_id = ANY(${uniqueIds})`,
      `SELECT patient_key FROM folder WHERE unique_id = ANY(${uniqueIds})`,
    );
  }
  // A logical id and a content id (kept by every version) name the latest version directly.
  const latest: string[] = [];
  if (ids.logicalIds?.length) {
    const logicalIds = param(ids.logicalIds);
    latest.push(
      `SELECT ${ENTRY_COLUMNS} FROM document_entry e
       WHERE e.logical_id = ANY(${logicalIds}) AND e.is_latest`,
    );
    lists.push(`SELECT patient_key FROM folder WHERE logical_id = ANY(${logicalIds})`);
  }
  if (ids.contentIds?.length) {
    latest.push(
      `SELECT ${ENTRY_COLUMNS} FROM document_content c JOIN document_entry e
         ON e.patient_key = c.patient_key AND e.content_id = c.content_id AND e.is_latest
       WHERE c.content_id = ANY(${param(ids.contentIds)})`,
    );
  }
  if (named.length) {
    latest.push(
      `SELECT ${ENTRY_COLUMNS} FROM (${named.join(' UNION ')}) AS n JOIN document_entry e
         ON e.patient_key = n.patient_key AND e.logical_id = n.logical_id AND e.is_latest`,
    );
  }
  if (lists.length) {
    latest.push(
      `SELECT DISTINCT patient_key, NULL AS entry_uuid, NULL::int AS version, NULL AS status,
              NULL::jsonb AS metadata FROM (${lists.join(' UNION ')}) AS l`,
    );
  }
  return { text: latest.join(' UNION ALL '), params };
}

const ENTRY_COLUMNS = 'e.patient_key, e.entry_uuid, e.version, e.status, e.metadata';
