import type { List } from 'fhir/r4';
import { DomainError, excerpt } from '@passerelle/domain';
import { FindDocumentLists, FindDocumentListsCommand } from '@passerelle/registry';
import { fhirTransaction, ok, type SearchParameter } from '../door/fhir-transaction';
import { uniqueIdFromUri } from '../resources/code-systems';
import { listFromFolder, listFromSubmissionSet } from '../resources/list';
import {
  QueryParameters,
  dateRange,
  orCodes,
  pagingOf,
  patientOf,
  splitOr,
  statusesOf,
  tokenValue,
  values,
} from '../resources/search-parameters';
import { searchSet } from '../resources/search-set';

const token = (name: string): SearchParameter => ({ name, type: 'token' });

/** ITI-66's search parameters and PDSm's `authorOrg`, as the CapabilityStatement lists them. */
export const LIST_SEARCH: readonly SearchParameter[] = [
  { name: 'patient', type: 'reference' },
  token('patient.identifier'),
  token('code'),
  token('status'),
  { name: 'date', type: 'date' },
  token('identifier'),
  token('source.identifier'),
  token('designationType'),
  { name: 'authorOrg', type: 'reference' },
];

type ListKind = FindDocumentListsCommand['kinds'][number];

/** ITI-66 Find Document Lists parameters → the registry's search. */
export function listSearchFrom(
  params: QueryParameters,
  maxPageSize: number,
): FindDocumentListsCommand {
  const kinds = values(params, 'code').flatMap(splitOr).map(tokenValue);
  for (const kind of kinds) {
    if (kind !== 'submissionset' && kind !== 'folder') {
      throw new DomainError(
        'METADATA_INVALID',
        `List code must be submissionset or folder, got ${excerpt(kind)}`,
      );
    }
  }
  const sourceIds = values(params, 'source.identifier').flatMap(splitOr).map(tokenValue);
  const identifiers = values(params, 'identifier').flatMap(splitOr).map(tokenValue);
  const authorOrgs = values(params, 'authorOrg').flatMap(splitOr).map(organizationId);
  const requested: ListKind[] = kinds.length ? (kinds as ListKind[]) : ['submissionset', 'folder'];
  return {
    patientKey: patientOf(params).key,
    // A Folder has no author: an authorOrg search finds SubmissionSets only.
    kinds: authorOrgs.length ? requested.filter((kind) => kind === 'submissionset') : requested,
    page: pagingOf(params, maxPageSize),
    filter: {
      sourceIds: sourceIds.length ? sourceIds.map(uniqueIdFromUri) : undefined,
      ids: identifiers.length ? { uniqueIds: identifiers.map(uniqueIdFromUri) } : undefined,
      submissionTime: dateRange(values(params, 'date'), 'date'),
      contentTypeCodes: orCodes(params, 'designationType'),
      authorInstitutionIds: authorOrgs.length ? authorOrgs : undefined,
      statuses: statusesOf(params),
    },
  };
}

export const FIND_DOCUMENT_LISTS = fhirTransaction({
  name: 'ITI-66',
  method: 'GET',
  path: 'List',
  capability: {
    resource: 'List',
    interaction: 'search-type',
    profile:
      'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.SubmissionSet',
  },
  searchParameters: LIST_SEARCH,
  useCase: FindDocumentLists,
  read: (request, options) => listSearchFrom(request.query, options.maxPageSize),
  write: (found, command, request) => {
    const lists: List[] = [
      ...found.submissionSets.map(({ list, members }) => listFromSubmissionSet(list, members)),
      ...found.folders.map(({ list, members }) => listFromFolder(list, members)),
    ];
    return ok(
      searchSet(lists, found.total, command.page, request.query, `${request.baseUrl}/List`),
    );
  },
});

/**
 * PDSm `authorOrg` (a reference): `Organization/{id}` — the directory's Organization, whose id
 * is its idNat_Struct — absolute or relative, or the bare id.
 */
function organizationId(reference: string): string {
  const id = /^(?:.*\/)?Organization\/([^/]+)$/.exec(reference)?.[1] ?? reference;
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(id)) {
    throw new DomainError(
      'METADATA_INVALID',
      `authorOrg must reference an Organization (Organization/{id}), got ${excerpt(reference)}`,
    );
  }
  return id;
}
