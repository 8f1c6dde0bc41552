import type { Bundle, FhirResource } from 'fhir/r4';
import type { PageRequest } from '@passerelle/domain';
import type { QueryParameters } from './search-parameters';

/**
 * A searchset Bundle with its total and self / next / previous links; `included` resources
 * (`_include`) follow the matches, not counted in the total.
 */
export function searchSet(
  resources: readonly FhirResource[],
  total: number,
  paging: PageRequest,
  params: QueryParameters,
  selfUrl: string,
  included: readonly FhirResource[] = [],
): Bundle {
  const base = selfUrl.slice(0, selfUrl.lastIndexOf('/'));
  const entry = (resource: FhirResource, mode: 'match' | 'include') => ({
    fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode },
  });
  const link = (relation: string, offset: number) => ({
    relation,
    url: `${selfUrl}?${pageQuery(params, paging.limit, offset)}`,
  });
  const hasNext = paging.offset + paging.limit < total;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [
      link('self', paging.offset),
      ...(hasNext ? [link('next', paging.offset + paging.limit)] : []),
      ...(paging.offset > 0 ? [link('previous', Math.max(0, paging.offset - paging.limit))] : []),
    ],
    entry: [
      ...resources.map((resource) => entry(resource, 'match')),
      ...included.map((resource) => entry(resource, 'include')),
    ],
  };
}

function pageQuery(params: QueryParameters, count: number, offset: number): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (name === '_count' || name === '_offset' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(name, v);
  }
  query.set('_count', String(count));
  query.set('_offset', String(offset));
  return query.toString();
}
