import { DomainError, excerpt } from '@passerelle/domain';
import { ChangeDocumentMetadata, ChangeDocumentMetadataCommand } from '@passerelle/registry';
import { fhirTransaction, ok } from '../door/fhir-transaction';
import type { FhirRequestParts } from '../door/fhir-transaction';
import { uniqueIdFromUri } from '../resources/code-systems';
import { documentReferenceFrom } from '../resources/document-reference';
import { single, tokenValue } from '../resources/search-parameters';
import { metadataChangeFrom } from './metadata-patch';

/** The JSON Patch is applied to the DocumentReference only once the caller may see it. */
function changeOf(request: FhirRequestParts): ChangeDocumentMetadataCommand['changeOf'] {
  return (current) =>
    metadataChangeFrom(documentReferenceFrom(current, request.baseUrl), request.body);
}

function byIdentifier(request: FhirRequestParts): ChangeDocumentMetadataCommand['target'] {
  const identifier = single(request.query, 'identifier');
  if (!identifier) {
    throw new DomainError('METADATA_MISSING', 'A conditional PATCH needs ?identifier=<value>');
  }
  const value = tokenValue(identifier);
  return {
    ids: value.startsWith('urn:uuid:')
      ? { uuids: [value], uniqueIds: [uniqueIdFromUri(value)] }
      : { uniqueIds: [uniqueIdFromUri(value)] },
    name: `with identifier ${excerpt(value)}`,
  };
}

const updated = {
  useCase: ChangeDocumentMetadata,
  write: (
    entry: Parameters<typeof documentReferenceFrom>[0],
    _: unknown,
    request: FhirRequestParts,
  ) => ok(documentReferenceFrom(entry, request.baseUrl)),
};

/** Conditional metadata update: status, securityLabel and the archive flag, by identifier. */
export const UPDATE_DOCUMENT_METADATA_CONDITIONALLY = fhirTransaction({
  name: 'metadata-update',
  method: 'PATCH',
  path: 'DocumentReference',
  capability: { resource: 'DocumentReference', interaction: 'patch', conditional: true },
  read: (request) => ({ target: byIdentifier(request), changeOf: changeOf(request) }),
  ...updated,
});

/** The same metadata update, by the DocumentReference's id. */
export const UPDATE_DOCUMENT_METADATA = fhirTransaction({
  name: 'metadata-update',
  method: 'PATCH',
  path: 'DocumentReference/:id',
  capability: { resource: 'DocumentReference', interaction: 'patch' },
  read: (request) => ({
    target: {
      ids: { logicalIds: [`urn:uuid:${request.params.id}`] },
      name: request.params.id,
    },
    changeOf: changeOf(request),
  }),
  ...updated,
});

/**
 * `DELETE DocumentReference/{id}`: the DMP's logical delete (status
 * `urn:asip:ci-sis:2010:StatusType:Deleted`, as ITI-57 sets it), by the same metadata update;
 * the document's author and the patient may. 204, nothing to show.
 */
export const DELETE_DOCUMENT_REFERENCE = fhirTransaction({
  name: 'metadata-update',
  method: 'DELETE',
  path: 'DocumentReference/:id',
  capability: { resource: 'DocumentReference', interaction: 'delete' },
  useCase: ChangeDocumentMetadata,
  read: (request): ChangeDocumentMetadataCommand => deletion(request.params.id),
  write: () => ({ status: 204, body: undefined }),
});

/** The metadata update a DELETE makes of the document it names. */
export function deletion(id: string): ChangeDocumentMetadataCommand {
  return {
    target: { ids: { logicalIds: [`urn:uuid:${id}`] }, name: id },
    changeOf: () => ({ status: 'Deleted' }),
  };
}
