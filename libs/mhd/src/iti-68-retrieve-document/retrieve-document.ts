import { RetrieveDocument } from '@passerelle/document-repository';
import { safeMediaType } from '@passerelle/domain';
import { fhirTransaction } from '../door/fhir-transaction';

/**
 * ITI-68 Retrieve Document: the attachment URL of a DocumentReference, the bytes as provided,
 * under their mime type when it can be a Content-Type header (opaque bytes otherwise).
 */
export const RETRIEVE_DOCUMENT = fhirTransaction({
  name: 'ITI-68',
  method: 'GET',
  path: 'Binary/:id',
  capability: { resource: 'Binary', interaction: 'read' },
  useCase: RetrieveDocument,
  read: (request) => ({ contentId: request.params.id }),
  write: (content) => ({
    status: 200,
    body: content.bytes,
    contentType: safeMediaType(content.mimeType),
  }),
});
