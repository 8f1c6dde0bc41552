export const MHD = {
  sourceId: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId',
  designationType: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType',
  intendedRecipient: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-intendedRecipient',
  sourcePatientId: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourcePatientId',
  /** The SubmissionSet's author when an organisation (PDSm writes it with `http:`, read too). */
  authorOrg: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-authorOrg',
  authorOrgHttp: 'http://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-authorOrg',
  listTypes: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes',
  comprehensiveDocumentReference:
    'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.DocumentReference',
  comprehensiveSubmissionSet:
    'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.SubmissionSet',
  folder: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.Folder',
  /** PDSm's archive flag (the DMP status `urn:asip:ci-sis:2010:StatusType:Archived`). */
  archivedExtension: 'http://esante.gouv.fr/cisis/fhir/StructureDefinition/PDSm_isArchived',
  /** Who signed the submission set (IHE DSG), verified on receipt: `name` and `subject`. */
  signedByExtension: 'urn:passerelle:fhir:StructureDefinition:dsg-signed-by',
  rfc3986: 'urn:ietf:rfc:3986',
} as const;

/** The ITI-65 Bundle profiles served: MHD 4.x and the ANS PDSm that constrains it. */
export const PROVIDE_BUNDLE_PROFILES: readonly string[] = [
  'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.ProvideBundle',
  'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.UnContained.Comprehensive.ProvideBundle',
  'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Minimal.ProvideBundle',
  'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-provide-document-bundle',
];

/** MHD 3.x profiles (retired with MHD 4.0): their senders must move to the 4.x ones. */
export const RETIRED_PROVIDE_BUNDLE_PROFILES: readonly string[] = [
  'http://ihe.net/fhir/StructureDefinition/IHE_MHD_Provide_Comprehensive_DocumentBundle',
  'http://ihe.net/fhir/StructureDefinition/IHE_MHD_Provide_Minimal_DocumentBundle',
  'http://ihe.net/fhir/StructureDefinition/IHE_MHD_Provide_Comprehensive_UnContained_Option_DocumentBundle',
];
