import type { DocumentRequest } from '@passerelle/document-repository';
import { DomainError } from '@passerelle/domain';
import { NS, XmlElement, childOf, childrenOf, textOf } from '../xml/xml-element';

/** Reads xdsb:RetrieveDocumentSetRequest; every DocumentRequest needs both unique ids. */
export function readRetrieveRequest(request: XmlElement): DocumentRequest[] {
  const documentRequests = childrenOf(request, NS.xdsb, 'DocumentRequest');
  if (documentRequests.length === 0) {
    throw new DomainError('METADATA_MISSING', 'RetrieveDocumentSetRequest has no DocumentRequest');
  }
  return documentRequests.map((element, index) => {
    const repositoryUniqueId = textOf(childOf(element, NS.xdsb, 'RepositoryUniqueId'));
    const documentUniqueId = textOf(childOf(element, NS.xdsb, 'DocumentUniqueId'));
    const location = `DocumentRequest[${index + 1}]`;
    if (!repositoryUniqueId) {
      throw new DomainError('METADATA_MISSING', 'RepositoryUniqueId is required', location);
    }
    if (!documentUniqueId) {
      throw new DomainError('METADATA_MISSING', 'DocumentUniqueId is required', location);
    }
    const homeCommunityId = textOf(childOf(element, NS.xdsb, 'HomeCommunityId'));
    return { homeCommunityId, repositoryUniqueId, documentUniqueId };
  });
}
