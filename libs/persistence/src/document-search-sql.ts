import { RELATIONSHIP_TYPES, codeKey } from '@passerelle/domain';
import type {
  AssociationFilter,
  CodeFilter,
  DocumentFilter,
  FolderFilter,
  ObjectIds,
  PageRequest,
  SubmissionSetFilter,
  TimeRange,
  VisibilityFilter,
} from '@passerelle/domain';
import type { AuditEntry } from '@passerelle/audit';
import type { Visibility } from '@passerelle/registry';
import { auditCtes } from './postgres-audit-store';

/** A parameterised SQL fragment builder: values never enter the SQL text. */
export class Conditions {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  where(): string {
    return this.clauses.join(' AND ');
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function codeMatch(
  conditions: Conditions,
  column: string,
  filters: readonly CodeFilter[],
): string {
  const alternatives = filters.map((filter) =>
    filter.codeSystem
      ? `${column} = ${conditions.param(codeKey({ code: filter.code, codeSystem: filter.codeSystem }))}`
      : `${column} LIKE ${conditions.param(`%|${escapeLike(filter.code)}`)}`,
  );
  return `(${alternatives.join(' OR ')})`;
}

export function arrayCodeMatch(
  conditions: Conditions,
  column: string,
  filters: readonly CodeFilter[],
): string {
  return `EXISTS (SELECT 1 FROM unnest(${column}) AS k WHERE ${codeMatch(conditions, 'k', filters)})`;
}

export function timeRange(
  conditions: Conditions,
  column: string,
  range: TimeRange | undefined,
): void {
  if (range?.from) conditions.add(`${column} >= ${conditions.param(range.from)}`);
  if (range?.to) conditions.add(`${column} < ${conditions.param(range.to)}`);
}

/**
 * What the caller may see of a document_entry row (columns qualified by `alias`): its own
 * documents, and others within its habilitations. The SQL twin of `canSeeDocument`; a
 * property-based test checks that they agree.
 */
export function visibilityClause(c: Conditions, visibility: VisibilityFilter, alias = ''): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  const authored = `${column('author_ids')} && ${c.param(visibility.authorIds)}::text[]`;
  if (visibility.onlyAuthored) return authored;
  const visible = [
    `${column('status')} <> 'Deleted'`,
    `NOT (${column('confidentiality_keys')} && ${c.param(visibility.hiddenConfidentialityKeys)}::text[])`,
    ...(visibility.typeCodes
      ? [
          `split_part(${column('type_key')}, '|', 2) = ANY(${c.param(visibility.typeCodes)}::text[])`,
        ]
      : []),
  ];
  return `(${authored} OR (${visible.join(' AND ')}))`;
}

/**
 * A SubmissionSet or Folder (`alias`) is visible unless it has document members and the caller
 * may see none of them: listing it would tell that hidden documents exist.
 */
function listVisibilityClause(c: Conditions, visibility: VisibilityFilter, alias: string): string {
  const members = (condition: string) =>
    `EXISTS (SELECT 1 FROM association m JOIN document_entry d
       ON d.patient_key = m.patient_key AND d.entry_uuid = m.target_uuid
       WHERE m.patient_key = ${alias}.patient_key AND m.source_uuid = ${alias}.entry_uuid
         AND m.type = 'HasMember'${condition})`;
  return `(NOT ${members('')} OR ${members(` AND ${visibilityClause(c, visibility, 'd')}`)})`;
}

/** An association (`alias`) to or from a document the caller may not see is not shown. */
function associationVisibilityClause(
  c: Conditions,
  visibility: VisibilityFilter,
  alias: string,
): string {
  return `NOT EXISTS (SELECT 1 FROM document_entry d
    WHERE d.patient_key = ${alias}.patient_key
      AND d.entry_uuid IN (${alias}.source_uuid, ${alias}.target_uuid)
      AND NOT ${visibilityClause(c, visibility, 'd')})`;
}

/** An author (jsonb) written as an XCN, for ITI-18 authorPerson LIKE patterns. */
const AUTHOR_XCN_SQL = `concat_ws('^', a->'person'->>'id', a->'person'->>'family', a->'person'->>'given')`;

function authorPersonMatch(c: Conditions, alias: string, patterns: readonly string[]): string {
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(${alias}.metadata->'authors') AS a, unnest(${c.param(
    patterns,
  )}::text[]) AS p WHERE ${AUTHOR_XCN_SQL} LIKE p)`;
}

function authorPersonIdMatch(c: Conditions, alias: string, ids: readonly CodeFilter[]): string {
  const codes = c.param(ids.map((id) => id.code));
  const systems = c.param(ids.map((id) => id.codeSystem ?? null));
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(${alias}.metadata->'authors') AS a,
    unnest(${codes}::text[], ${systems}::text[]) AS p(id, authority)
    WHERE a->'person'->>'id' = p.id
      AND (p.authority IS NULL OR a->'person'->>'assigningAuthority' = p.authority))`;
}

function authorInstitutionIdMatch(c: Conditions, alias: string, ids: readonly string[]): string {
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(${alias}.metadata->'authors') AS a,
    jsonb_array_elements(a->'institutions') AS i WHERE i->>'id' = ANY(${c.param(ids)}::text[]))`;
}

function idConditions(
  c: Conditions,
  ids: ObjectIds | undefined,
  columns: { uuid: string; uniqueId: string; logicalId?: string; contentId?: string },
): void {
  if (ids?.uuids) c.add(`${columns.uuid} = ANY(${c.param(ids.uuids)}::text[])`);
  if (ids?.uniqueIds) c.add(`${columns.uniqueId} = ANY(${c.param(ids.uniqueIds)}::text[])`);
  if (ids?.logicalIds && columns.logicalId) {
    c.add(`${columns.logicalId} = ANY(${c.param(ids.logicalIds)}::text[])`);
  }
  if (ids?.contentIds && columns.contentId) {
    c.add(`${columns.contentId} = ANY(${c.param(ids.contentIds)}::text[])`);
  }
}

interface Sql {
  readonly text: string;
  readonly params: unknown[];
}

function paged(c: Conditions, select: string, order: string, page: PageRequest): Sql {
  return {
    text: `${select} WHERE ${c.where()} ORDER BY ${order}
           LIMIT ${c.param(page.limit)} OFFSET ${c.param(page.offset)}`,
    params: c.params,
  };
}

/** The patient's documents that match and that the caller may see, with the total count. */
export function documentSearchSql(
  patientKey: string,
  filter: DocumentFilter,
  visibility: Visibility,
  page: PageRequest,
): Sql {
  return paged(
    documentConditions(patientKey, filter, visibility),
    `SELECT e.entry_uuid, e.version, e.status, e.metadata, count(*) OVER() AS total
     FROM document_entry e`,
    documentOrder(),
    page,
  );
}

/**
 * `documentSearchSql`'s page, each entry with its relationship associations to documents
 * (`relates_to`: type and target logicalId, by association id), both ends visible to the caller
 * — what two more reads gave: the associations from the page, then their targets. With `audit`,
 * the consultation's audit record (and what it notifies) is written by the same statement,
 * naming the page's documents.
 */
export function documentWithRelationsSearchSql(
  patientKey: string,
  filter: DocumentFilter,
  visibility: Visibility,
  page: PageRequest,
  audit?: AuditEntry,
): Sql {
  const c = documentConditions(patientKey, filter, visibility);
  const types = c.param([...RELATIONSHIP_TYPES]);
  const shown =
    visibility === 'unfiltered' ? '' : ` AND ${associationVisibilityClause(c, visibility, 'a')}`;
  const found = paged(
    c,
    `SELECT e.patient_key, e.entry_uuid, e.unique_id, e.version, e.status, e.metadata,
            e.creation_time, count(*) OVER() AS total
     FROM document_entry e`,
    documentOrder(),
    page,
  );
  const withRelations = `SELECT p.entry_uuid, p.unique_id, p.version, p.status, p.metadata,
              p.creation_time, p.total,
              (SELECT json_agg(json_build_object('type', a.type, 'targetLogicalId', t.logical_id)
                               ORDER BY a.entry_uuid)
               FROM association a JOIN document_entry t
                 ON t.patient_key = a.patient_key AND t.entry_uuid = a.target_uuid
               WHERE a.patient_key = p.patient_key AND a.source_uuid = p.entry_uuid
                 AND a.type = ANY(${types}::text[])${shown}) AS relates_to
           FROM (${found.text}) AS p`;
  if (!audit) {
    return { text: `${withRelations} ORDER BY ${documentOrder('p')}`, params: c.params };
  }
  return auditedDocumentRead(c, withRelations, '*', audit, 'true');
}

/**
 * The same documents as `documentSearchSql` (same conditions, visibility and order), read as
 * their ids only: what an ObjectRef answer needs, without loading the entries. With an audit
 * entry, the statement also writes it, naming them, unless as many as `page.limit` are found.
 */
export function documentRefSearchSql(
  patientKey: string,
  filter: DocumentFilter,
  visibility: Visibility,
  page: PageRequest,
  audit?: AuditEntry,
): Sql {
  const c = documentConditions(patientKey, filter, visibility);
  const ordered = audit ? ', e.creation_time' : '';
  const found = paged(
    c,
    `SELECT e.entry_uuid, e.unique_id${ordered}, count(*) OVER() AS total FROM document_entry e`,
    documentOrder(),
    page,
  );
  if (!audit) return found;
  const withinCap = `(SELECT count(*) FROM found) < ${c.param(page.limit)}::int`;
  return auditedDocumentRead(c, found.text, 'entry_uuid, unique_id, total', audit, withinCap);
}

/**
 * A document read (`found`: its rows, with unique_id and the order's columns) and the audit of
 * the consultation in one statement: `audit` written when `when` holds, naming the documents
 * found, in the read's order; `columns` of them answered in that order.
 */
function auditedDocumentRead(
  c: Conditions,
  found: string,
  columns: string,
  audit: AuditEntry,
  when: string,
): Sql {
  const documents = `(SELECT coalesce(array_agg(f.unique_id ORDER BY ${documentOrder('f')}), '{}')
                      FROM found f)`;
  const audited = auditCtes(audit, when, documents).map(
    (cte) => `${cte.name} AS (${cte.sql((value) => c.param(value))})`,
  );
  return {
    text: `WITH found AS MATERIALIZED (${found}), ${audited.join(', ')}
           SELECT ${columns} FROM found ORDER BY ${documentOrder('found')}`,
    params: c.params,
  };
}

/** The order of a document search, on the columns of `alias` (document_entry, or a page of it). */
function documentOrder(alias = 'e'): string {
  return `${alias}.creation_time DESC, ${alias}.entry_uuid`;
}

/** What a document search asks of document_entry `e`: the filter, then what the caller may see. */
function documentConditions(
  patientKey: string,
  filter: DocumentFilter,
  visibility: Visibility,
): Conditions {
  const c = new Conditions();
  c.add(`e.patient_key = ${c.param(patientKey)}`);
  if (!filter.allVersions) c.add('e.is_latest');
  idConditions(c, filter.ids, {
    uuid: 'e.entry_uuid',
    uniqueId: 'e.unique_id',
    logicalId: 'e.logical_id',
    contentId: 'e.content_id',
  });
  if (filter.authorPerson?.length) c.add(authorPersonMatch(c, 'e', filter.authorPerson));
  if (filter.authorPersonIds?.length) {
    c.add(authorPersonIdMatch(c, 'e', filter.authorPersonIds));
  }
  if (filter.statuses?.length) c.add(`e.status = ANY(${c.param(filter.statuses)})`);
  const classMatches = [
    ...(filter.classCodes?.length ? [codeMatch(c, 'e.class_key', filter.classCodes)] : []),
    ...(filter.classCodesOutside?.length
      ? [`NOT ${codeMatch(c, 'e.class_key', filter.classCodesOutside)}`]
      : []),
  ];
  if (classMatches.length) c.add(`(${classMatches.join(' OR ')})`);
  const single: [string, readonly CodeFilter[] | undefined][] = [
    ['e.type_key', filter.typeCodes],
    ['e.format_key', filter.formatCodes],
    ['e.practice_setting_key', filter.practiceSettingCodes],
    ['e.facility_type_key', filter.healthcareFacilityTypeCodes],
  ];
  for (const [column, filters] of single) {
    if (filters?.length) c.add(codeMatch(c, column, filters));
  }
  for (const group of filter.eventCodes ?? []) {
    if (group.length) c.add(arrayCodeMatch(c, 'e.event_keys', group));
  }
  for (const group of filter.confidentialityCodes ?? []) {
    if (group.length) c.add(arrayCodeMatch(c, 'e.confidentiality_keys', group));
  }
  timeRange(c, 'e.creation_time', filter.creationTime);
  timeRange(c, 'e.submission_time', filter.submissionTime);
  timeRange(c, 'e.service_start_time', filter.serviceStartTime);
  timeRange(c, 'e.service_stop_time', filter.serviceStopTime);
  const authorPrefixes = [
    ...(filter.authorFamily ? [`f:${escapeLike(filter.authorFamily.toLowerCase())}%`] : []),
    ...(filter.authorGiven ? [`g:${escapeLike(filter.authorGiven.toLowerCase())}%`] : []),
  ];
  for (const prefix of authorPrefixes) {
    c.add(`EXISTS (SELECT 1 FROM unnest(e.author_names) AS n WHERE n LIKE ${c.param(prefix)})`);
  }
  if (filter.referenceIds?.length) {
    c.add(`e.reference_ids && ${c.param(filter.referenceIds)}::text[]`);
  }
  if (visibility !== 'unfiltered') c.add(visibilityClause(c, visibility, 'e'));
  return c;
}

export function submissionSetSearchSql(
  patientKey: string,
  filter: SubmissionSetFilter,
  visibility: Visibility,
  page: PageRequest,
): Sql {
  const c = new Conditions();
  c.add(`s.patient_key = ${c.param(patientKey)}`);
  idConditions(c, filter.ids, { uuid: 's.entry_uuid', uniqueId: 's.unique_id' });
  if (filter.sourceIds) c.add(`s.source_id = ANY(${c.param(filter.sourceIds)}::text[])`);
  if (filter.statuses?.length) c.add(`s.status = ANY(${c.param(filter.statuses)}::text[])`);
  if (filter.contentTypeCodes?.length) {
    c.add(codeMatch(c, 's.content_type_key', filter.contentTypeCodes));
  }
  timeRange(c, 's.submission_time', filter.submissionTime);
  if (filter.authorPerson?.length) c.add(authorPersonMatch(c, 's', filter.authorPerson));
  if (filter.authorInstitutionIds?.length) {
    c.add(authorInstitutionIdMatch(c, 's', filter.authorInstitutionIds));
  }
  if (visibility !== 'unfiltered') c.add(listVisibilityClause(c, visibility, 's'));
  return paged(
    c,
    `SELECT s.status, s.metadata, count(*) OVER() AS total FROM submission_set s`,
    's.submission_time DESC, s.entry_uuid',
    page,
  );
}

export function folderSearchSql(
  patientKey: string,
  filter: FolderFilter,
  visibility: Visibility,
  page: PageRequest,
): Sql {
  const c = new Conditions();
  c.add(`f.patient_key = ${c.param(patientKey)}`);
  idConditions(c, filter.ids, {
    uuid: 'f.entry_uuid',
    uniqueId: 'f.unique_id',
    logicalId: 'f.logical_id',
  });
  if (filter.statuses?.length) c.add(`f.status = ANY(${c.param(filter.statuses)}::text[])`);
  timeRange(c, 'f.last_update_time', filter.lastUpdateTime);
  for (const group of filter.codes ?? []) {
    if (group.length) c.add(arrayCodeMatch(c, 'f.code_keys', group));
  }
  if (visibility !== 'unfiltered') c.add(listVisibilityClause(c, visibility, 'f'));
  return paged(
    c,
    `SELECT f.status, f.metadata, count(*) OVER() AS total FROM folder f`,
    'f.last_update_time DESC, f.entry_uuid',
    page,
  );
}

export function associationSearchSql(
  patientKey: string,
  filter: AssociationFilter,
  visibility: Visibility,
  limit: number,
): Sql {
  const c = new Conditions();
  c.add(`a.patient_key = ${c.param(patientKey)}`);
  if (filter.touching) {
    const uuids = c.param(filter.touching);
    c.add(`(a.source_uuid = ANY(${uuids}::text[]) OR a.target_uuid = ANY(${uuids}::text[]))`);
  }
  if (filter.sources) c.add(`a.source_uuid = ANY(${c.param(filter.sources)}::text[])`);
  if (filter.targets) c.add(`a.target_uuid = ANY(${c.param(filter.targets)}::text[])`);
  if (filter.between) {
    const uuids = c.param(filter.between);
    c.add(`a.source_uuid = ANY(${uuids}::text[]) AND a.target_uuid = ANY(${uuids}::text[])`);
  }
  if (filter.types) c.add(`a.type = ANY(${c.param(filter.types)}::text[])`);
  if (visibility !== 'unfiltered') c.add(associationVisibilityClause(c, visibility, 'a'));
  return paged(
    c,
    `SELECT a.patient_key, a.entry_uuid, a.type, a.source_uuid, a.target_uuid,
            a.submission_set_status, a.status
     FROM association a`,
    'a.entry_uuid',
    { limit, offset: 0 },
  );
}
