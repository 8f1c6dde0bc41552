import { DomainError } from '@passerelle/domain';
import {
  DIRECTORY_PAGE,
  SearchDirectory,
  SearchDirectoryCommand,
  SearchStructures,
  SearchStructuresCommand,
} from '@passerelle/record-management';
import { fhirTransaction, ok, type SearchParameter } from '../door/fhir-transaction';
import type { MhdOptions } from '../mhd-options';
import { QueryParameters, pagingOf, single } from '../resources/search-parameters';
import { searchSet } from '../resources/search-set';
import {
  ID_NAT_PS_SYSTEM,
  ID_NAT_STRUCT_SYSTEM,
  PROFESSION_SYSTEM,
  organizationFrom,
  practitionerFrom,
  practitionerRolesOf,
} from './directory-resources';

/** The structures a professional practises in, as PractitionerRole entries of the searchset. */
const PRACTITIONER_ROLES = 'Practitioner:role';

const PRACTITIONER_SEARCH: readonly SearchParameter[] = [
  { name: 'name', type: 'string' },
  { name: 'identifier', type: 'token' },
  { name: 'qualification', type: 'token' },
];
const ORGANIZATION_SEARCH: readonly SearchParameter[] = [
  { name: 'name', type: 'string' },
  { name: 'identifier', type: 'token' },
];

/**
 * The professional directory (DESIGN §4): professionals by name (each word the beginning of
 * one of their names, case and accents aside), idNat_PS or RPPS, profession (TRE_G15).
 */
export const FIND_PRACTITIONERS = fhirTransaction({
  name: 'directory-search',
  method: 'GET',
  path: 'Practitioner',
  capability: {
    resource: 'Practitioner',
    interaction: 'search-type',
    searchInclude: [PRACTITIONER_ROLES],
  },
  searchParameters: PRACTITIONER_SEARCH,
  useCase: SearchDirectory,
  read: (request, options) => ({
    search: practitionerSearchOf(request.query, options),
    roles: includesRoles(request.query),
  }),
  command: ({ search }): SearchDirectoryCommand => search,
  write: (page, { search, roles }, request) =>
    ok(
      searchSet(
        page.items.map(practitionerFrom),
        page.total,
        search.page,
        request.query,
        `${request.baseUrl}/Practitioner`,
        roles ? page.items.flatMap(practitionerRolesOf) : [],
      ),
    ),
});

/** The structures of the directory, where its professionals practise: by name or idNat_Struct. */
export const FIND_ORGANIZATIONS = fhirTransaction({
  name: 'directory-search',
  method: 'GET',
  path: 'Organization',
  capability: { resource: 'Organization', interaction: 'search-type' },
  searchParameters: ORGANIZATION_SEARCH,
  useCase: SearchStructures,
  read: (request, options) => structureSearchOf(request.query, options),
  write: (page, command, request) =>
    ok(
      searchSet(
        page.items.map(organizationFrom),
        page.total,
        command.page,
        request.query,
        `${request.baseUrl}/Organization`,
      ),
    ),
});

function practitionerSearchOf(query: QueryParameters, options: MhdOptions): SearchDirectoryCommand {
  refuseModifiers(query, PRACTITIONER_SEARCH);
  const name = single(query, 'name');
  const identifier = token(query, 'identifier', ID_NAT_PS_SYSTEM);
  const professionCode = token(query, 'qualification', PROFESSION_SYSTEM);
  return {
    ...(name !== undefined ? { name } : {}),
    ...(identifier !== undefined ? { identifier } : {}),
    ...(professionCode !== undefined ? { professionCode } : {}),
    page: directoryPaging(query, options),
  };
}

function structureSearchOf(query: QueryParameters, options: MhdOptions): SearchStructuresCommand {
  refuseModifiers(query, ORGANIZATION_SEARCH);
  const name = single(query, 'name');
  const structureId = token(query, 'identifier', ID_NAT_STRUCT_SYSTEM);
  return {
    ...(name !== undefined ? { name } : {}),
    ...(structureId !== undefined ? { structureId } : {}),
    page: directoryPaging(query, options),
  };
}

function directoryPaging(query: QueryParameters, options: MhdOptions) {
  return pagingOf(query, Math.min(options.maxPageSize, DIRECTORY_PAGE.max), DIRECTORY_PAGE.default);
}

function includesRoles(query: QueryParameters): boolean {
  const include = single(query, '_include');
  if (include !== undefined && include !== PRACTITIONER_ROLES) {
    throw new DomainError('METADATA_INVALID', `_include may only be ${PRACTITIONER_ROLES}`);
  }
  return include !== undefined;
}

/** One `[system|]value` token of the one system the parameter takes. */
function token(query: QueryParameters, name: string, system: string): string | undefined {
  const given = single(query, name);
  if (given === undefined) return undefined;
  const separator = given.indexOf('|');
  const value = separator < 0 ? given : given.slice(separator + 1);
  if (separator >= 0 && given.slice(0, separator) !== system) {
    throw new DomainError('METADATA_INVALID', `${name} takes the system ${system} only`);
  }
  if (value === '' || value.includes(',')) {
    throw new DomainError('METADATA_INVALID', `${name} takes one value`);
  }
  return value;
}

/** `name:exact`, `identifier:not`…: the directory's search has no modifiers. */
function refuseModifiers(query: QueryParameters, parameters: readonly SearchParameter[]): void {
  const modified = Object.keys(query).filter(
    (key) => key.includes(':') && parameters.some(({ name }) => key.startsWith(`${name}:`)),
  );
  if (modified.length > 0) {
    throw new DomainError('METADATA_INVALID', `Unsupported modifier(s): ${modified.join(', ')}`);
  }
}
