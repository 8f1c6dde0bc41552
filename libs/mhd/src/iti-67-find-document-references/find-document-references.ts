import { type AvailabilityStatus, DomainError, XDS_STATUS_URN, excerpt } from '@passerelle/domain';
import {
  FindDocumentReferences,
  FindDocumentReferencesCommand,
  ReadDocumentReference,
} from '@passerelle/registry';
import { fhirTransaction, ok, type SearchParameter } from '../door/fhir-transaction';
import { uniqueIdFromUri } from '../resources/code-systems';
import { documentReferenceFrom } from '../resources/document-reference';
import { classSearchOf } from '../resources/patient-categories';
import {
  QueryParameters,
  codeFilter,
  dateRange,
  orCodes,
  pagingOf,
  patientOf,
  single,
  splitOr,
  statusesOf,
  tokenValue,
  values,
} from '../resources/search-parameters';
import { searchSet } from '../resources/search-set';

const MHD_DOCUMENT_REFERENCE =
  'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.DocumentReference';

const token = (name: string): SearchParameter => ({ name, type: 'token' });

/**
 * ITI-67's search parameters (MHD 4.2 §2:3.67.4.1.2.1, `creation` included) and PDSm's (`period-start`, `period-end`,
 * `isArchived`, `author` chained to the author's `identifier`), as the CapabilityStatement lists
 * them.
 */
export const DOCUMENT_REFERENCE_SEARCH: readonly SearchParameter[] = [
  { name: 'patient', type: 'reference' },
  token('patient.identifier'),
  token('status'),
  token('type'),
  token('category'),
  { name: 'date', type: 'date' },
  { name: 'creation', type: 'date' },
  { name: 'period', type: 'date' },
  { name: 'period-start', type: 'date' },
  { name: 'period-end', type: 'date' },
  token('isArchived'),
  { name: 'author.given', type: 'string' },
  { name: 'author.family', type: 'string' },
  token('author.identifier'),
  token('setting'),
  token('facility'),
  token('event'),
  token('security-label'),
  token('format'),
  token('related'),
  token('identifier'),
  token('_id'),
];

/** ITI-67 Find Document References parameters → the registry's search. */
export function documentSearchFrom(
  params: QueryParameters,
  maxPageSize: number,
): FindDocumentReferencesCommand {
  const identifiers = values(params, 'identifier').flatMap(splitOr).map(tokenValue);
  const ids = values(params, '_id').flatMap(splitOr);
  const related = values(params, 'related').flatMap(splitOr).map(tokenValue);
  return {
    patientKey: patientOf(params).key,
    page: pagingOf(params, maxPageSize),
    filter: {
      statuses: archivedStatuses(statusesOf(params), params),
      typeCodes: orCodes(params, 'type'),
      ...classSearchOf(orCodes(params, 'category')),
      practiceSettingCodes: orCodes(params, 'setting'),
      healthcareFacilityTypeCodes: orCodes(params, 'facility'),
      formatCodes: orCodes(params, 'format'),
      eventCodes: values(params, 'event').map((v) => splitOr(v).map(codeFilter)),
      confidentialityCodes: values(params, 'security-label').map((v) => splitOr(v).map(codeFilter)),
      submissionTime: dateRange(values(params, 'date'), 'date'),
      // MHD's DocumentReference-Creation: attachment.creation, the DocumentEntry's creationTime.
      creationTime: dateRange(values(params, 'creation'), 'creation'),
      serviceStartTime: dateRange(
        [...values(params, 'period'), ...values(params, 'period-start')],
        'period-start',
      ),
      serviceStopTime: dateRange(values(params, 'period-end'), 'period-end'),
      authorGiven: single(params, 'author.given'),
      authorFamily: single(params, 'author.family'),
      authorPersonIds: orCodes(params, 'author.identifier'),
      ids:
        identifiers.length || ids.length
          ? {
              ...(identifiers.length ? { uniqueIds: identifiers.map(uniqueIdFromUri) } : {}),
              ...(ids.length ? { logicalIds: ids.map((id) => `urn:uuid:${id}`) } : {}),
            }
          : undefined,
      referenceIds: related.length ? related : undefined,
    },
  };
}

export const FIND_DOCUMENT_REFERENCES = fhirTransaction({
  name: 'ITI-67',
  method: 'GET',
  path: 'DocumentReference',
  capability: {
    resource: 'DocumentReference',
    interaction: 'search-type',
    profile: MHD_DOCUMENT_REFERENCE,
  },
  searchParameters: DOCUMENT_REFERENCE_SEARCH,
  useCase: FindDocumentReferences,
  read: (request, options) => documentSearchFrom(request.query, options.maxPageSize),
  write: (page, command, request) =>
    ok(
      searchSet(
        page.items.map((entry) => documentReferenceFrom(entry, request.baseUrl)),
        page.total,
        command.page,
        request.query,
        `${request.baseUrl}/DocumentReference`,
      ),
    ),
});

export const READ_DOCUMENT_REFERENCE = fhirTransaction({
  name: 'ITI-67',
  method: 'GET',
  path: 'DocumentReference/:id',
  capability: {
    resource: 'DocumentReference',
    interaction: 'read',
    profile: MHD_DOCUMENT_REFERENCE,
  },
  useCase: ReadDocumentReference,
  read: (request) => ({ logicalId: `urn:uuid:${request.params.id}` }),
  write: (entry, _command, request) => ok(documentReferenceFrom(entry, request.baseUrl)),
});

/** PDSm `isArchived`: the archived documents only (true) or all but them (false). */
function archivedStatuses(
  statuses: AvailabilityStatus[] | undefined,
  params: QueryParameters,
): AvailabilityStatus[] | undefined {
  const flag = single(params, 'isArchived');
  if (flag === undefined) return statuses;
  if (flag !== 'true' && flag !== 'false') {
    throw new DomainError(
      'METADATA_INVALID',
      `isArchived must be true or false, got ${excerpt(flag)}`,
    );
  }
  const among = statuses ?? (Object.keys(XDS_STATUS_URN) as AvailabilityStatus[]);
  return among.filter((status) => (status === 'Archived') === (flag === 'true'));
}
