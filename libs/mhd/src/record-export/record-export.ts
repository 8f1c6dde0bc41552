import { ExportRecord } from '@passerelle/document-repository';
import { FhirRequestParts, fhirTransaction, ok } from '../door/fhir-transaction';
import { patientIdFromResourceId } from '../resources/patient-reference';
import { everythingBundle, exportedPatientId } from './everything-bundle';
import { recordArchive } from './record-archive';

const readPatient = (request: FhirRequestParts) => ({
  patientKey: patientIdFromResourceId(request.params.id).key,
});

/** `GET Patient/{id}/$everything`: the patient's whole record as one searchset (no parameter). */
export const RECORD_EVERYTHING = fhirTransaction({
  name: 'record-export',
  method: 'GET',
  path: 'Patient/:id/$everything',
  capability: {
    resource: 'Patient',
    operation: 'everything',
    definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
  },
  searchParameters: [],
  useCase: ExportRecord,
  read: readPatient,
  write: (recordExport, _command, request) => ok(everythingBundle(recordExport, request.baseUrl)),
});

/** `GET Patient/{id}/$archive`: every document as stored, a manifest and `$everything`, zipped. */
export const RECORD_ARCHIVE = fhirTransaction({
  name: 'record-export',
  method: 'GET',
  path: 'Patient/:id/$archive',
  capability: { resource: 'Patient', operation: 'archive' },
  searchParameters: [],
  useCase: ExportRecord,
  read: readPatient,
  write: (recordExport, _command, request) => {
    const patient = exportedPatientId(recordExport);
    const day = recordExport.exportedAt.toISOString().slice(0, 10);
    return {
      status: 200,
      contentType: 'application/zip',
      headers: { 'Content-Disposition': `attachment; filename="dmp-${patient}-${day}.zip"` },
      body: recordArchive(recordExport, patient, everythingBundle(recordExport, request.baseUrl)),
    };
  },
});
