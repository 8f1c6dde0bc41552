import { SimplifiedPublish } from '@passerelle/document-repository';
import { stripUrnUuid } from '@passerelle/domain';
import { fhirTransaction } from '../door/fhir-transaction';
import { documentReferenceFrom } from '../resources/document-reference';
import { simplifiedPublishDraftFrom } from './simplified-publish-request';

const SIMPLIFIED_PUBLISH_DOCUMENT_REFERENCE =
  'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.SimplifiedPublish.DocumentReference';

/**
 * ITI-105 Simplified Publish: `POST /fhir/DocumentReference`. Answered `201 Created` (`200 OK`
 * for an identical resubmission) with the DocumentReference as registered — its attachment
 * pointing at the ITI-68 URL, no inline data — and its Location.
 */
export const SIMPLIFIED_PUBLISH = fhirTransaction({
  name: 'ITI-105',
  method: 'POST',
  path: 'DocumentReference',
  capability: {
    resource: 'DocumentReference',
    interaction: 'create',
    supportedProfile: SIMPLIFIED_PUBLISH_DOCUMENT_REFERENCE,
  },
  useCase: SimplifiedPublish,
  read: (request, options) => simplifiedPublishDraftFrom(request.body, options.repositoryUniqueId),
  write: (result, _draft, request) => {
    const [document] = result.documents;
    const created = documentReferenceFrom(document.entry, request.baseUrl);
    return {
      status: document.alreadyRegistered ? 200 : 201,
      body: created,
      headers: {
        Location: `${request.baseUrl}/DocumentReference/${stripUrnUuid(document.entry.logicalId)}`,
      },
    };
  },
});
