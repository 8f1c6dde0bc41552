import { Injectable } from '@nestjs/common';
import type { Association, DocumentEntry, Folder, SubmissionSet } from '@passerelle/domain';
import type {
  AssociationFilter,
  DocumentFilter,
  FolderFilter,
  ObjectIds,
  StoredQueryStore,
  SubmissionSetFilter,
} from '@passerelle/registry';
import { DataSource } from 'typeorm';
import {
  AUTHOR_XCN_SQL,
  Conditions,
  arrayCodeMatch,
  codeMatch,
  documentSearchSql,
  timeRange,
} from './document-search-sql';
import type { AssociationRow, FolderRow, SubmissionSetRow } from './entities';
import {
  associationFromRow,
  documentEntryFromRow,
  folderFromRow,
  submissionSetFromRow,
} from './row-mapping';

/** ITI-18 reads, in SQL: every statement after `patientsOf` is filtered by patient. */
@Injectable()
export class PostgresStoredQueryStore implements StoredQueryStore {
  constructor(private readonly dataSource: DataSource) {}

  async patientsOf(ids: ObjectIds): Promise<string[]> {
    const rows: { patient_key: string }[] = await this.dataSource.query(
      `SELECT patient_key FROM document_entry WHERE entry_uuid = ANY($1::text[])
       UNION SELECT patient_key FROM submission_set WHERE entry_uuid = ANY($1::text[])
       UNION SELECT patient_key FROM folder WHERE entry_uuid = ANY($1::text[])
       UNION SELECT patient_key FROM association WHERE entry_uuid = ANY($1::text[])
       UNION SELECT patient_key FROM document_locator WHERE unique_id = ANY($2::text[])
       UNION SELECT patient_key FROM submission_set WHERE unique_id = ANY($2::text[])
       UNION SELECT patient_key FROM folder WHERE unique_id = ANY($2::text[])
       UNION SELECT patient_key FROM document_entry WHERE logical_id = ANY($3::text[])
       UNION SELECT patient_key FROM folder WHERE logical_id = ANY($3::text[])`,
      [ids.uuids ?? [], ids.uniqueIds ?? [], ids.logicalIds ?? []],
    );
    return rows.map((row) => row.patient_key);
  }

  async documents(filter: DocumentFilter, limit: number): Promise<DocumentEntry[]> {
    const { text, params } = documentSearchSql({ ...filter, limit, offset: 0 });
    const rows: { entry_uuid: string; version: number; status: string; metadata: never }[] =
      await this.dataSource.query(text, params);
    return rows.map((row) =>
      documentEntryFromRow({
        entryUuid: row.entry_uuid,
        version: row.version,
        status: row.status as DocumentEntry['status'],
        metadata: row.metadata,
      }),
    );
  }

  async submissionSets(
    patientKey: string,
    filter: SubmissionSetFilter,
    limit: number,
  ): Promise<SubmissionSet[]> {
    const c = new Conditions();
    c.add(`patient_key = ${c.param(patientKey)}`);
    idConditions(c, filter.ids, { uuid: 'entry_uuid', uniqueId: 'unique_id' });
    if (filter.sourceIds) c.add(`source_id = ANY(${c.param(filter.sourceIds)}::text[])`);
    if (filter.statuses) c.add(`status = ANY(${c.param(filter.statuses)}::text[])`);
    if (filter.contentTypeCodes?.length) {
      c.add(codeMatch(c, 'content_type_key', filter.contentTypeCodes));
    }
    timeRange(c, 'submission_time', filter.submissionTime);
    if (filter.authorPerson?.length) {
      c.add(
        `EXISTS (SELECT 1 FROM jsonb_array_elements(metadata->'authors') AS a, unnest(${c.param(
          filter.authorPerson,
        )}::text[]) AS p WHERE ${AUTHOR_XCN_SQL} LIKE p)`,
      );
    }
    const rows: SubmissionSetJson[] = await this.dataSource.query(
      `SELECT status, metadata FROM submission_set WHERE ${c.clauses.join(' AND ')}
       ORDER BY submission_time DESC, entry_uuid LIMIT ${c.param(limit)}`,
      c.params,
    );
    return rows.map((row) => submissionSetFromRow(row as unknown as SubmissionSetRow));
  }

  async folders(patientKey: string, filter: FolderFilter, limit: number): Promise<Folder[]> {
    const c = new Conditions();
    c.add(`patient_key = ${c.param(patientKey)}`);
    idConditions(c, filter.ids, {
      uuid: 'entry_uuid',
      uniqueId: 'unique_id',
      logicalId: 'logical_id',
    });
    if (filter.statuses) c.add(`status = ANY(${c.param(filter.statuses)}::text[])`);
    timeRange(c, 'last_update_time', filter.lastUpdateTime);
    for (const group of filter.codes ?? []) {
      if (group.length) c.add(arrayCodeMatch(c, 'code_keys', group));
    }
    const rows: SubmissionSetJson[] = await this.dataSource.query(
      `SELECT status, metadata FROM folder WHERE ${c.clauses.join(' AND ')}
       ORDER BY last_update_time DESC, entry_uuid LIMIT ${c.param(limit)}`,
      c.params,
    );
    return rows.map((row) => folderFromRow(row as unknown as FolderRow));
  }

  async associations(
    patientKey: string,
    filter: AssociationFilter,
    limit: number,
  ): Promise<Association[]> {
    const c = new Conditions();
    c.add(`patient_key = ${c.param(patientKey)}`);
    if (filter.touching) {
      const uuids = c.param(filter.touching);
      c.add(`(source_uuid = ANY(${uuids}::text[]) OR target_uuid = ANY(${uuids}::text[]))`);
    }
    if (filter.sources) c.add(`source_uuid = ANY(${c.param(filter.sources)}::text[])`);
    if (filter.targets) c.add(`target_uuid = ANY(${c.param(filter.targets)}::text[])`);
    if (filter.between) {
      const uuids = c.param(filter.between);
      c.add(`source_uuid = ANY(${uuids}::text[]) AND target_uuid = ANY(${uuids}::text[])`);
    }
    if (filter.types) c.add(`type = ANY(${c.param(filter.types)}::text[])`);
    const rows: AssociationJson[] = await this.dataSource.query(
      `SELECT patient_key, entry_uuid, type, source_uuid, target_uuid, submission_set_status, status
       FROM association WHERE ${c.clauses.join(' AND ')} ORDER BY entry_uuid LIMIT ${c.param(limit)}`,
      c.params,
    );
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

interface SubmissionSetJson {
  status: string;
  metadata: unknown;
}

interface AssociationJson {
  patient_key: string;
  entry_uuid: string;
  type: string;
  source_uuid: string;
  target_uuid: string;
  submission_set_status: string | null;
  status: string;
}

function idConditions(
  c: Conditions,
  ids: ObjectIds | undefined,
  columns: { uuid: string; uniqueId: string; logicalId?: string },
): void {
  if (ids?.uuids) c.add(`${columns.uuid} = ANY(${c.param(ids.uuids)}::text[])`);
  if (ids?.uniqueIds) c.add(`${columns.uniqueId} = ANY(${c.param(ids.uniqueIds)}::text[])`);
  if (ids?.logicalIds && columns.logicalId) {
    c.add(`${columns.logicalId} = ANY(${c.param(ids.logicalIds)}::text[])`);
  }
}
