import { DomainError, PatientId } from '@passerelle/domain';
import { ReadConsents } from '@passerelle/record-management';
import { failureReply } from '../door/fhir-errors';
import { fhirTransaction, ok } from '../door/fhir-transaction';
import { patientIdFromReference } from '../resources/patient-reference';
import { QueryParameters, pagingOf, single } from '../resources/search-parameters';
import { searchSet } from '../resources/search-set';
import { consentsFrom, patientOfConsent } from './consent-resource';

/** The patient's consents (DESIGN §9): his authorisations, blocks, médecins traitants, emergency consents. */
export const FIND_CONSENTS = fhirTransaction({
  name: 'consent-read',
  method: 'GET',
  path: 'Consent',
  capability: { resource: 'Consent', interaction: 'search-type' },
  searchParameters: [{ name: 'patient', type: 'reference' }],
  useCase: ReadConsents,
  read: (request, options) => ({
    patientId: patientOfSearch(request.query),
    page: pagingOf(request.query, options.maxPageSize, 50),
  }),
  command: ({ patientId }) => ({ patientKey: patientId.key }),
  write: (decisions, { patientId, page }, request) => {
    const consents = consentsFrom(patientId, decisions);
    return ok(
      searchSet(
        consents.slice(page.offset, page.offset + page.limit),
        consents.length,
        page,
        request.query,
        `${request.baseUrl}/Consent`,
      ),
    );
  },
});

/** One of them, by the id the search gave it. */
export const READ_CONSENT = fhirTransaction({
  name: 'consent-read',
  method: 'GET',
  path: 'Consent/:id',
  capability: { resource: 'Consent', interaction: 'read' },
  useCase: ReadConsents,
  read: (request) => patientOfConsent(request.params.id),
  command: (patientId) => ({ patientKey: patientId.key }),
  write: (decisions, patientId, request) => {
    const consent = consentsFrom(patientId, decisions).find(
      (candidate) => candidate.id === request.params.id,
    );
    return consent
      ? ok(consent)
      : failureReply(new DomainError('RESOURCE_NOT_FOUND', `Unknown Consent/${request.params.id}`));
  },
});

/** `patient=Patient/<id>` or `patient=<id>`: required, the consents are one record's. */
function patientOfSearch(query: QueryParameters): PatientId {
  const reference = single(query, 'patient');
  if (!reference) {
    throw new DomainError('METADATA_MISSING', 'Search Consent by patient=Patient/<id>');
  }
  return patientIdFromReference(
    { reference: reference.includes('/') ? reference : `Patient/${reference}` },
    'patient',
  );
}
