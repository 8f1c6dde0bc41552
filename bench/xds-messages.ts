import { randomBytes, randomUUID } from 'node:crypto';

const INS_NIR_TEST = '1.2.250.1.213.1.4.10';
const RIM = 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0';
const SCHEME = {
  author: 'urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d',
  classCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  confidentiality: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  formatCode: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  facilityType: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  practiceSetting: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  typeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  submissionSetAuthor: 'urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d',
  contentType: 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500',
  documentPatientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  documentUniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
  setPatientId: 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
  setUniqueId: 'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
  setSourceId: 'urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832',
  submissionSetNode: 'urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd',
};
const AUTHOR = '810000000017^MARTIN^Jeanne^^^^^^&1.2.250.1.71.4.2.1&ISO';

export const PROVIDE_AND_REGISTER = 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b';
export const STORED_QUERY = 'urn:ihe:iti:2007:RegistryStoredQuery';
const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';

export interface XdsHttpRequest {
  readonly contentType: string;
  readonly body: Buffer;
}

export function patientCx(nir: string): string {
  return `${nir}^^^&${INS_NIR_TEST}&ISO`;
}

const slot = (name: string, ...values: string[]) =>
  `<rim:Slot name="${name}"><rim:ValueList>${values
    .map((value) => `<rim:Value>${value}</rim:Value>`)
    .join('')}</rim:ValueList></rim:Slot>`;

const name = (text: string) => `<rim:Name><rim:LocalizedString value="${text}"/></rim:Name>`;

function classification(scheme: string, object: string, code: string, system: string) {
  return (
    `<rim:Classification id="urn:uuid:${randomUUID()}" classificationScheme="${scheme}" ` +
    `classifiedObject="${object}" nodeRepresentation="${code}">${slot('codingScheme', system)}` +
    `${name(code)}</rim:Classification>`
  );
}

function externalIdentifier(scheme: string, object: string, value: string, label: string) {
  return (
    `<rim:ExternalIdentifier id="urn:uuid:${randomUUID()}" identificationScheme="${scheme}" ` +
    `registryObject="${object}" value="${value}">${name(label)}</rim:ExternalIdentifier>`
  );
}

function authorClassification(scheme: string, object: string): string {
  return (
    `<rim:Classification id="urn:uuid:${randomUUID()}" classificationScheme="${scheme}" ` +
    `classifiedObject="${object}" nodeRepresentation="">${slot('authorPerson', AUTHOR.replace(/&/g, '&amp;'))}` +
    `${slot('authorInstitution', 'Hopital Test^^^^^&amp;1.2.250.1.71.4.2.2&amp;ISO^IDNST^^^11234567890')}` +
    `${slot('authorSpecialty', 'G15_10/SM26^Médecin - Qualifié en Médecine Générale (SM)^1.2.250.1.213.1.1.4.5')}</rim:Classification>`
  );
}

/** A French-profile ITI-41 (one CDA-less PDF document of random bytes) packaged as MTOM. */
export function provideAndRegisterMtom(
  nir: string,
  documentOid: string,
  submissionSetOid: string,
  docSize: number,
): XdsHttpRequest {
  const patient = patientCx(nir).replace(/&/g, '&amp;');
  const now = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const metadata =
    `<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="${RIM}">` +
    '<rim:RegistryObjectList>' +
    `<rim:ExtrinsicObject id="Document01" mimeType="application/pdf" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">` +
    slot('creationTime', now) +
    slot('serviceStartTime', now) +
    slot('languageCode', 'fr-FR') +
    slot('sourcePatientId', patient) +
    name('Compte rendu') +
    authorClassification(SCHEME.author, 'Document01') +
    classification(SCHEME.classCode, 'Document01', '11', '1.2.250.1.213.1.1.4.1') +
    classification(SCHEME.confidentiality, 'Document01', 'N', '2.16.840.1.113883.5.25') +
    classification(
      SCHEME.formatCode,
      'Document01',
      'urn:ihe:iti:xds-sd:pdf:2008',
      '1.3.6.1.4.1.19376.1.2.3',
    ) +
    classification(SCHEME.facilityType, 'Document01', 'SA01', '1.2.250.1.71.4.2.4') +
    classification(SCHEME.practiceSetting, 'Document01', 'ETABLISSEMENT', '1.2.250.1.213.1.1.4.9') +
    classification(SCHEME.typeCode, 'Document01', '11488-4', '2.16.840.1.113883.6.1') +
    externalIdentifier(
      SCHEME.documentPatientId,
      'Document01',
      patient,
      'XDSDocumentEntry.patientId',
    ) +
    externalIdentifier(
      SCHEME.documentUniqueId,
      'Document01',
      documentOid,
      'XDSDocumentEntry.uniqueId',
    ) +
    '</rim:ExtrinsicObject>' +
    '<rim:RegistryPackage id="SubmissionSet01">' +
    slot('submissionTime', now) +
    authorClassification(SCHEME.submissionSetAuthor, 'SubmissionSet01') +
    classification(SCHEME.contentType, 'SubmissionSet01', '04', '1.2.250.1.213.2.2') +
    externalIdentifier(
      SCHEME.setUniqueId,
      'SubmissionSet01',
      submissionSetOid,
      'XDSSubmissionSet.uniqueId',
    ) +
    externalIdentifier(
      SCHEME.setSourceId,
      'SubmissionSet01',
      '1.2.250.1.999.2',
      'XDSSubmissionSet.sourceId',
    ) +
    externalIdentifier(
      SCHEME.setPatientId,
      'SubmissionSet01',
      patient,
      'XDSSubmissionSet.patientId',
    ) +
    '</rim:RegistryPackage>' +
    `<rim:Classification id="urn:uuid:${randomUUID()}" classifiedObject="SubmissionSet01" classificationNode="${SCHEME.submissionSetNode}"/>` +
    `<rim:Association id="urn:uuid:${randomUUID()}" associationType="urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember" sourceObject="SubmissionSet01" targetObject="Document01">` +
    slot('SubmissionSetStatus', 'Original') +
    '</rim:Association></rim:RegistryObjectList></lcm:SubmitObjectsRequest>';
  const contentId = `document1.${randomUUID()}@bench`;
  const body =
    '<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="urn:ihe:iti:xds-b:2007">' +
    `${metadata}<xdsb:Document id="Document01"><xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:${encodeURIComponent(contentId)}"/></xdsb:Document>` +
    '</xdsb:ProvideAndRegisterDocumentSetRequest>';
  return mtom(envelope(PROVIDE_AND_REGISTER, body), contentId, randomBytes(docSize));
}

/** ITI-18 FindDocuments (Approved) for one patient. */
export function findDocuments(nir: string, returnType: 'LeafClass' | 'ObjectRef'): XdsHttpRequest {
  const body =
    `<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="${RIM}">` +
    `<query:ResponseOption returnComposedObjects="true" returnType="${returnType}"/>` +
    `<rim:AdhocQuery id="${FIND_DOCUMENTS}">` +
    slot('$XDSDocumentEntryPatientId', `'${patientCx(nir).replace(/&/g, '&amp;')}'`) +
    slot('$XDSDocumentEntryStatus', "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')") +
    '</rim:AdhocQuery></query:AdhocQueryRequest>';
  return {
    contentType: `application/soap+xml; charset=UTF-8; action="${STORED_QUERY}"`,
    body: Buffer.from(envelope(STORED_QUERY, body)),
  };
}

function envelope(action: string, body: string): string {
  return (
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing">' +
    `<soap:Header><wsa:Action>${action}</wsa:Action><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID></soap:Header>` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function mtom(soap: string, contentId: string, document: Buffer): XdsHttpRequest {
  const boundary = `bench_${randomUUID()}`;
  return {
    contentType: `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<root@bench>"; start-info="application/soap+xml"`,
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n` +
          `Content-ID: <root@bench>\r\n\r\n${soap}\r\n--${boundary}\r\nContent-Type: application/pdf\r\n` +
          `Content-Transfer-Encoding: binary\r\nContent-ID: <${contentId}>\r\n\r\n`,
      ),
      document,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}
