import type { Bundle, FhirResource, Patient } from 'fhir/r4';
import { PatientId } from '@passerelle/domain';
import type { RecordExport } from '@passerelle/document-repository';
import { documentReferenceFrom } from '../resources/document-reference';
import { listFromSubmissionSet } from '../resources/list';
import { patientResourceId } from '../resources/patient-reference';

/**
 * Patient `$everything` (FHIR R4): a searchset of the Patient, every DocumentReference he sees
 * (as ITI-67 maps them) and the SubmissionSets (Lists) holding them, with absolute fullUrls.
 */
export function everythingBundle(recordExport: RecordExport, baseUrl: string): Bundle {
  const patient = patientOf(recordExport);
  const resources: FhirResource[] = [
    patient,
    ...recordExport.documents.map((entry) => documentReferenceFrom(entry, baseUrl)),
    ...recordExport.submissionSets.map(({ list, members }) => listFromSubmissionSet(list, members)),
  ];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: recordExport.exportedAt.toISOString(),
    total: resources.length,
    link: [{ relation: 'self', url: `${baseUrl}/Patient/${patient.id}/$everything` }],
    entry: resources.map((resource) => ({
      fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/** The exported record's `Patient/{id}` id. */
export function exportedPatientId(recordExport: RecordExport): string {
  return patientResourceId(PatientId.fromCx(recordExport.patientKey));
}

/** The Patient as the record knows him here: his INS, and whether the record is open. */
function patientOf(recordExport: RecordExport): Patient {
  const patientId = PatientId.fromCx(recordExport.patientKey);
  return {
    resourceType: 'Patient',
    id: exportedPatientId(recordExport),
    identifier: [{ use: 'official', system: patientId.fhirSystem, value: patientId.value }],
    active: !recordExport.recordClosed,
  };
}
