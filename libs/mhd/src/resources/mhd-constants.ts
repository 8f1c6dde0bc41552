export const MHD = {
  sourceId: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId',
  designationType: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType',
  intendedRecipient: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-intendedRecipient',
  sourcePatientId: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourcePatientId',
  listTypes: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes',
  comprehensiveDocumentReference:
    'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.DocumentReference',
  comprehensiveSubmissionSet:
    'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.SubmissionSet',
  folder: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.Folder',
  /** DMP archive flag on a DocumentReference (status `urn:asip:ci-sis:2010:StatusType:Archived`). */
  archivedExtension: 'urn:passerelle:fhir:StructureDefinition:dmp-archived',
  rfc3986: 'urn:ietf:rfc:3986',
} as const;
