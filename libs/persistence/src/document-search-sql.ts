import { codeKey } from '@passerelle/domain';
import type { CodeFilter, DocumentQuery, TimeRange, VisibilityFilter } from '@passerelle/domain';

/** A document search: the query, plus lookups by entryUUID and prior versions (ITI-18). */
export type DocumentSearch = DocumentQuery & {
  readonly entryUuids?: readonly string[];
  readonly allVersions?: boolean;
  /** ITI-18 $XDSDocumentEntryAuthorPerson: SQL LIKE patterns on the author's XCN. */
  readonly authorPersonPatterns?: readonly string[];
};

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

/** What the caller may see: its own documents, and others within its habilitations. */
export function visibilityClause(c: Conditions, visibility: VisibilityFilter): string {
  const authored = `author_ids && ${c.param(visibility.authorIds)}::text[]`;
  if (visibility.onlyAuthored) return authored;
  const visible = [
    `status <> 'Deleted'`,
    `NOT (confidentiality_keys && ${c.param(visibility.hiddenConfidentialityKeys)}::text[])`,
    ...(visibility.typeCodes
      ? [`split_part(type_key, '|', 2) = ANY(${c.param(visibility.typeCodes)}::text[])`]
      : []),
  ];
  return `(${authored} OR (${visible.join(' AND ')}))`;
}

/** An author (jsonb) written as an XCN, for ITI-18 authorPerson LIKE patterns. */
export const AUTHOR_XCN_SQL = `concat_ws('^', a->'person'->>'id', a->'person'->>'family', a->'person'->>'given')`;

/** SELECT of the latest version of the patient's documents that match, with the total count. */
export function documentSearchSql(query: DocumentSearch): { text: string; params: unknown[] } {
  const c = new Conditions();
  c.add(`patient_key = ${c.param(query.patientKey)}`);
  if (!query.allVersions) c.add('is_latest');
  if (query.entryUuids) c.add(`entry_uuid = ANY(${c.param(query.entryUuids)}::text[])`);
  if (query.authorPersonPatterns?.length) {
    c.add(
      `EXISTS (SELECT 1 FROM jsonb_array_elements(metadata->'authors') AS a, unnest(${c.param(
        query.authorPersonPatterns,
      )}::text[]) AS p WHERE ${AUTHOR_XCN_SQL} LIKE p)`,
    );
  }
  if (query.statuses?.length) c.add(`status = ANY(${c.param(query.statuses)})`);
  const single: [string, readonly CodeFilter[] | undefined][] = [
    ['class_key', query.classCodes],
    ['type_key', query.typeCodes],
    ['format_key', query.formatCodes],
    ['practice_setting_key', query.practiceSettingCodes],
    ['facility_type_key', query.healthcareFacilityTypeCodes],
  ];
  for (const [column, filters] of single) {
    if (filters?.length) c.add(codeMatch(c, column, filters));
  }
  for (const group of query.eventCodes ?? []) {
    if (group.length) c.add(arrayCodeMatch(c, 'event_keys', group));
  }
  for (const group of query.confidentialityCodes ?? []) {
    if (group.length) c.add(arrayCodeMatch(c, 'confidentiality_keys', group));
  }
  timeRange(c, 'creation_time', query.creationTime);
  timeRange(c, 'submission_time', query.submissionTime);
  timeRange(c, 'service_start_time', query.serviceStartTime);
  timeRange(c, 'service_stop_time', query.serviceStopTime);
  const authorPrefixes = [
    ...(query.authorFamily ? [`f:${escapeLike(query.authorFamily.toLowerCase())}%`] : []),
    ...(query.authorGiven ? [`g:${escapeLike(query.authorGiven.toLowerCase())}%`] : []),
  ];
  for (const prefix of authorPrefixes) {
    c.add(`EXISTS (SELECT 1 FROM unnest(author_names) AS n WHERE n LIKE ${c.param(prefix)})`);
  }
  if (query.uniqueIds) c.add(`unique_id = ANY(${c.param(query.uniqueIds)})`);
  if (query.logicalIds) c.add(`logical_id = ANY(${c.param(query.logicalIds)})`);
  if (query.referenceIds?.length) c.add(`reference_ids && ${c.param(query.referenceIds)}::text[]`);
  if (query.visibility) c.add(visibilityClause(c, query.visibility));
  const limit = c.param(query.limit);
  const offset = c.param(query.offset);
  return {
    text: `SELECT entry_uuid, version, status, metadata, count(*) OVER() AS total
           FROM document_entry WHERE ${c.clauses.join(' AND ')}
           ORDER BY creation_time DESC, entry_uuid LIMIT ${limit} OFFSET ${offset}`,
    params: c.params,
  };
}
