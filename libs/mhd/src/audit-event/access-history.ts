import { ReadAccessHistory } from '@passerelle/record-management';
import { fhirTransaction, ok } from '../door/fhir-transaction';
import { pagingOf, patientOf } from '../resources/search-parameters';
import { searchSet } from '../resources/search-set';
import { auditEventFrom } from './audit-event';

/** The patient's access history (DESIGN §5), as AuditEvent resources, newest first. */
export const READ_ACCESS_HISTORY = fhirTransaction({
  name: 'audit-read',
  method: 'GET',
  path: 'AuditEvent',
  capability: { resource: 'AuditEvent', interaction: 'search-type' },
  searchParameters: [
    { name: 'patient', type: 'reference' },
    { name: 'patient.identifier', type: 'token' },
  ],
  useCase: ReadAccessHistory,
  read: (request, options) => ({
    patientKey: patientOf(request.query).key,
    page: pagingOf(request.query, options.maxPageSize, 50),
  }),
  write: (page, command, request) =>
    ok(
      searchSet(
        page.items.map(auditEventFrom),
        page.total,
        command.page,
        request.query,
        `${request.baseUrl}/AuditEvent`,
      ),
    ),
});
