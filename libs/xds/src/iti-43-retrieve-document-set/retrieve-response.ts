import type { RetrievedDocument, RetrievedDocumentSet } from '@passerelle/document-repository';
import { DomainError, ERROR_CATALOGUE, safeMediaType } from '@passerelle/domain';
import { registryErrorsFrom, registryResponse } from '../ebrim/registry-response';
import type { MimePart } from '../transport/mime';
import { xopInclude } from '../transport/soap-response';
import { element, escapeText } from '../xml/xml-writer';
import { NS } from '../xml/xml-element';

export interface RetrieveAnswer {
  readonly body: string;
  readonly attachments: readonly MimePart[];
  readonly auditStatus: number;
}

/** Content-ID of the MTOM part that carries the n-th document. */
const partId = (index: number) => `document-${index + 1}@passerelle`;

/**
 * RetrieveDocumentSetResponse: Success when every document came back, PartialSuccess when some
 * did, Failure when none did; the bytes travel as MTOM parts, exactly as stored, under their
 * mime type when it can be written into a part header (opaque bytes otherwise).
 */
export function retrieveResponse({ documents, problems }: RetrievedDocumentSet): RetrieveAnswer {
  const status =
    problems.length === 0 ? 'Success' : documents.length > 0 ? 'PartialSuccess' : 'Failure';
  const errors = problems.length > 0 ? registryErrorsFrom(DomainError.of(problems)) : [];
  const body = element('xdsb:RetrieveDocumentSetResponse', { 'xmlns:xdsb': NS.xdsb }, [
    registryResponse(status, errors),
    ...documents.map((document, index) => documentResponse(document, index)),
  ]);
  return {
    body,
    attachments: documents.map((document, index) => ({
      contentId: partId(index),
      contentType: safeMediaType(document.mimeType),
      body: document.bytes,
    })),
    auditStatus: status === 'Failure' ? ERROR_CATALOGUE[problems[0].code].httpStatus : 200,
  };
}

function documentResponse({ request, mimeType }: RetrievedDocument, index: number): string {
  return element('xdsb:DocumentResponse', {}, [
    ...(request.homeCommunityId
      ? [element('xdsb:HomeCommunityId', {}, escapeText(request.homeCommunityId))]
      : []),
    element('xdsb:RepositoryUniqueId', {}, escapeText(request.repositoryUniqueId)),
    element('xdsb:DocumentUniqueId', {}, escapeText(request.documentUniqueId)),
    element('xdsb:mimeType', {}, escapeText(safeMediaType(mimeType))),
    element('xdsb:Document', {}, xopInclude(partId(index))),
  ]);
}
