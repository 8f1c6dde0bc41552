import { DomainError, ErrorDetail, excerpt } from '@passerelle/domain';
import { isFhirDateTime } from '../resources/fhir-datetime';
import { MAX_SHAPE_ISSUES } from '../resources/fhir-shape';
import type { QueryParameters } from '../resources/search-parameters';
import type { SearchParameter, SearchParameterType } from './fhir-transaction';

/** Longer than any code, identifier or name searched for; it would only be echoed back. */
export const MAX_QUERY_VALUE = 1024;

/** FHIR date search: a prefix (R4 §3.1.1.4.1.2), then a date or dateTime of any precision. */
const DATE_SEARCH = /^(eq|ne|lt|gt|le|ge|sa|eb|ap)?(.*)$/;

/**
 * Refuses, before any use, a query string that is not valid percent-encoding (`%ZZ`, or `%E9`
 * which is no UTF-8): the parser would have let it through as literal text or U+FFFD.
 */
export function refuseBadPercentEncoding(url: string): void {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const part of query.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new DomainError(
        'MALFORMED_REQUEST',
        `The query is not valid percent-encoding (UTF-8): ${excerpt(part)}`,
        'query',
      );
    }
  }
}

/**
 * Each value of each search parameter parsed by its kind (token, date, reference, string), and
 * `_count` / `_offset` as integers: a 400 naming every parameter in error, before any search.
 */
export function refuseMalformedQuery(
  query: QueryParameters,
  parameters: readonly SearchParameter[],
): void {
  const kinds = new Map<string, SearchParameterType | 'integer'>([
    ...parameters.map((p): [string, SearchParameterType] => [p.name, p.type]),
    ['_count', 'integer'],
    ['_offset', 'integer'],
  ]);
  const problems: ErrorDetail[] = [];
  for (const [key, given] of Object.entries(query)) {
    const name = key.split(':')[0];
    const kind = kinds.get(name) ?? 'string';
    for (const value of given === undefined ? [] : [given].flat()) {
      const problem = problemOf(name, kind, value);
      if (problem) problems.push({ ...problem, location: `query.${excerpt(key)}` });
    }
  }
  if (problems.length > 0) throw DomainError.of(problems.slice(0, MAX_SHAPE_ISSUES));
}

type Problem = Omit<ErrorDetail, 'location'>;

function problemOf(name: string, kind: string, value: unknown): Problem | undefined {
  if (typeof value !== 'string') {
    return { code: 'MALFORMED_REQUEST', message: `${name} must be given as text` };
  }
  if (value.length > MAX_QUERY_VALUE) {
    return {
      code: 'METADATA_INVALID',
      message: `${name} is longer than ${MAX_QUERY_VALUE} characters (${value.length})`,
    };
  }
  const alternatives = value.split(',');
  if (kind === 'token' && alternatives.some((token) => token === '|')) {
    return { code: 'METADATA_INVALID', message: `${name}: a token is [system|]code, got "|"` };
  }
  if (kind === 'date') return alternatives.map((date) => dateProblem(name, date)).find(Boolean);
  if (kind === 'integer' && !/^\d{1,9}$/.test(value)) {
    return {
      code: 'METADATA_INVALID',
      message: `${name} must be a non-negative integer, got "${excerpt(value)}"`,
    };
  }
  return undefined;
}

function dateProblem(name: string, expression: string): Problem | undefined {
  const [, , date] = DATE_SEARCH.exec(expression)!;
  if (isFhirDateTime(date)) return undefined;
  return {
    code: 'METADATA_INVALID',
    message:
      `${name} must be [eq|ne|lt|gt|le|ge|sa|eb|ap] and a date that exists ` +
      `(YYYY[-MM[-DD[Thh:mm[:ss][zone]]]]), got "${excerpt(expression)}"`,
  };
}
