import { DomainError, ERROR_CATALOGUE, ErrorDetail } from '@passerelle/domain';
import { registryErrorsFrom, registryResponse } from '../ebrim/registry-response';
import type { MimePart } from '../transport/mime';
import { xopInclude } from '../transport/soap-response';
import { element, escapeText } from '../xml/xml-writer';
import { NS } from '../xml/xml-element';

export interface RetrievedDocument {
  readonly repositoryUniqueId: string;
  readonly documentUniqueId: string;
  readonly homeCommunityId?: string;
  readonly mimeType: string;
  /** Content-ID of the MTOM part that carries the bytes. */
  readonly contentId: string;
  readonly bytes: Buffer;
}

export interface RetrieveAnswer {
  readonly body: string;
  readonly attachments: readonly MimePart[];
  readonly auditStatus: number;
}

/**
 * RetrieveDocumentSetResponse: Success when every document came back, PartialSuccess when some
 * did, Failure when none did; the bytes travel as MTOM parts, exactly as stored.
 */
export function retrieveResponse(
  documents: readonly RetrievedDocument[],
  problems: readonly ErrorDetail[],
): RetrieveAnswer {
  const status =
    problems.length === 0 ? 'Success' : documents.length > 0 ? 'PartialSuccess' : 'Failure';
  const errors = problems.length > 0 ? registryErrorsFrom(DomainError.of(problems)) : [];
  const body = element('xdsb:RetrieveDocumentSetResponse', { 'xmlns:xdsb': NS.xdsb }, [
    registryResponse(status, errors),
    ...documents.map(documentResponse),
  ]);
  return {
    body,
    attachments: documents.map((document) => ({
      contentId: document.contentId,
      contentType: document.mimeType,
      body: document.bytes,
    })),
    auditStatus: status === 'Failure' ? ERROR_CATALOGUE[problems[0].code].httpStatus : 200,
  };
}

function documentResponse(document: RetrievedDocument): string {
  return element('xdsb:DocumentResponse', {}, [
    ...(document.homeCommunityId
      ? [element('xdsb:HomeCommunityId', {}, escapeText(document.homeCommunityId))]
      : []),
    element('xdsb:RepositoryUniqueId', {}, escapeText(document.repositoryUniqueId)),
    element('xdsb:DocumentUniqueId', {}, escapeText(document.documentUniqueId)),
    element('xdsb:mimeType', {}, escapeText(document.mimeType)),
    element('xdsb:Document', {}, xopInclude(document.contentId)),
  ]);
}
