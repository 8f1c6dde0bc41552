import { DomainError, ERROR_CATALOGUE, ErrorDetail, excerpt } from '@passerelle/domain';
import type { UnsavedMetadata } from '@passerelle/registry';
import { NS } from '../xml/xml-element';
import { element, startTag } from '../xml/xml-writer';
import { ERROR_SEVERITY, RESPONSE_STATUS } from './vocabulary';

export type ResponseStatus = keyof typeof RESPONSE_STATUS;

export interface RegistryErrorItem {
  readonly errorCode: string;
  readonly codeContext: string;
  readonly location?: string;
  /** Error unless said otherwise. */
  readonly severity?: keyof typeof ERROR_SEVERITY;
}

/**
 * Each problem of a domain error with its XDS error code from the one catalogue; a location is
 * the sender's object id, quoted as an excerpt.
 */
export function registryErrorsFrom(error: DomainError): RegistryErrorItem[] {
  return error.details.map((detail) => ({
    errorCode: ERROR_CATALOGUE[detail.code].xdsCode,
    codeContext: detail.message,
    location: detail.location === undefined ? undefined : excerpt(detail.location),
  }));
}

/** Problems a success was accepted with (a code outside its value set under `warn`). */
export function registryWarningsFrom(warnings: readonly ErrorDetail[] = []): RegistryErrorItem[] {
  return warnings.map((warning) => ({
    errorCode: ERROR_CATALOGUE[warning.code].xdsCode,
    codeContext: warning.message,
    location: warning.location === undefined ? undefined : excerpt(warning.location),
    severity: 'Warning',
  }));
}

/**
 * The extra metadata a submission carried, not kept: one XDSExtraMetadataNotSaved warning per
 * Slot, beside a Success status (ITI TF-3 4.1.14, 4.2.4: warnings do not make a submission
 * partial — PartialSuccess is for answers missing part of their results).
 */
export function extraMetadataWarnings(
  unsaved: readonly UnsavedMetadata[] = [],
): RegistryErrorItem[] {
  return unsaved.map(({ location, name }) => ({
    errorCode: 'XDSExtraMetadataNotSaved',
    codeContext: `Slot ${excerpt(name)} of ${excerpt(location)} is extra metadata; it is not saved`,
    location: excerpt(location),
    severity: 'Warning',
  }));
}

function registryErrorList(errors: readonly RegistryErrorItem[]): string {
  if (errors.length === 0) return '';
  return element(
    'rs:RegistryErrorList',
    {},
    errors.map((error) =>
      element('rs:RegistryError', {
        errorCode: error.errorCode,
        codeContext: error.codeContext,
        location: error.location,
        severity: ERROR_SEVERITY[error.severity ?? 'Error'],
      }),
    ),
  );
}

/** rs:RegistryResponse (ITI-41, ITI-42, ITI-57, and inside ITI-43's response). */
export function registryResponse(
  status: ResponseStatus,
  errors: readonly RegistryErrorItem[],
): string {
  return element(
    'rs:RegistryResponse',
    { 'xmlns:rs': NS.rs, status: RESPONSE_STATUS[status] },
    registryErrorList(errors),
  );
}

/** query:AdhocQueryResponse (ITI-18) with its RegistryObjectList. */
export function adhocQueryResponse(
  status: ResponseStatus,
  objects: readonly string[],
  errors: readonly RegistryErrorItem[],
): string {
  return element(
    'query:AdhocQueryResponse',
    {
      'xmlns:query': NS.query,
      'xmlns:rs': NS.rs,
      'xmlns:rim': NS.rim,
      status: RESPONSE_STATUS[status],
    },
    [registryErrorList(errors), element('rim:RegistryObjectList', {}, [...objects])],
  );
}

/**
 * The same AdhocQueryResponse written as it goes: its objects are chunks of XML, each object
 * whole in one chunk (the caller batches them).
 */
export function* adhocQueryResponseChunks(
  status: ResponseStatus,
  objects: Iterable<string>,
): Generator<string> {
  const open = startTag('query:AdhocQueryResponse', {
    'xmlns:query': NS.query,
    'xmlns:rs': NS.rs,
    'xmlns:rim': NS.rim,
    status: RESPONSE_STATUS[status],
  });
  let empty = true;
  for (const chunk of objects) {
    if (empty) yield `${open}<rim:RegistryObjectList>`;
    empty = false;
    yield chunk;
  }
  yield empty
    ? adhocQueryResponse(status, [], [])
    : '</rim:RegistryObjectList></query:AdhocQueryResponse>';
}
