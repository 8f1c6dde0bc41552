import type {
  Binary,
  Bundle,
  CodeableConcept,
  Coding,
  ContactPoint,
  DocumentReference,
  FhirResource,
  List,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Reference,
} from 'fhir/r4';
import type { Author, Coded, Institution, PatientId, PersonName } from '@passerelle/domain';
import { createHash, randomUUID } from 'node:crypto';
import type { DocumentMetadata } from './document-metadata';
import {
  type Submission,
  type SubmissionSetMetadata,
  type SubmittedDocument,
  documentsOf,
} from './submission';
import { isOid } from './unique-ids';

const PROFILE = {
  submissionSet:
    'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.SubmissionSet',
  documentReference:
    'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.DocumentReference',
};
const SOURCE_ID = 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId';
const DESIGNATION_TYPE = 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType';
const LIST_TYPES = 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes';
const URI = 'urn:ietf:rfc:3986';

/** FHIR canonical URIs of the code systems FHIR names; any other OID is written urn:oid:. */
const FHIR_SYSTEMS: Readonly<Record<string, string>> = {
  '2.16.840.1.113883.6.1': 'http://loinc.org',
  '2.16.840.1.113883.6.96': 'http://snomed.info/sct',
  '2.16.840.1.113883.5.25': 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  '2.16.840.1.113883.5.4': 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  '1.3.6.1.4.1.19376.1.2.3': 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
};

/**
 * ITI-65 Provide Document Bundle (MHD 4.2 Comprehensive, French PDSm profile): the SubmissionSet
 * List, the DocumentReference and its Binary (and those of the signature document, when signed).
 * The hash and size let the gateway check the bytes.
 */
export function provideBundle(submission: Submission): Bundle<FhirResource> {
  const subject = patientReference(submission.document.patientId);
  const documents = documentsOf(submission).map((submitted) => ({
    submitted,
    urls: { document: uuidUrl(), binary: uuidUrl() },
  }));
  const list = submissionSetList(
    submission.submissionSet,
    subject,
    documents.map(({ urls }) => urls.document),
  );
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      entry(uuidUrl(), list),
      ...documents.flatMap(({ submitted, urls }) => [
        entry(urls.document, documentReference(submitted, subject, urls.binary)),
        entry(urls.binary, binaryOf(submitted)),
      ]),
    ],
  };
}

function binaryOf({ document, content }: SubmittedDocument): Binary {
  return {
    resourceType: 'Binary',
    contentType: document.mimeType,
    data: content.toString('base64'),
  };
}

function entry(fullUrl: string, resource: List | DocumentReference | Binary) {
  return { fullUrl, resource, request: { method: 'POST' as const, url: resource.resourceType } };
}

function submissionSetList(
  submissionSet: SubmissionSetMetadata,
  subject: Reference,
  documentUrls: readonly string[],
): List {
  const author = authorResources(submissionSet.author, 'submitter');
  return {
    resourceType: 'List',
    meta: { profile: [PROFILE.submissionSet] },
    contained: author.resources,
    extension: [
      { url: SOURCE_ID, valueIdentifier: { value: uniqueIdUri(submissionSet.sourceId) } },
      { url: DESIGNATION_TYPE, valueCodeableConcept: concept(submissionSet.contentTypeCode) },
    ],
    identifier: [{ use: 'usual', system: URI, value: uniqueIdUri(submissionSet.uniqueId) }],
    status: 'current',
    mode: 'working',
    code: { coding: [{ system: LIST_TYPES, code: 'submissionset' }] },
    subject,
    date: submissionSet.submissionTime.toISOString(),
    source: author.reference,
    entry: documentUrls.map((reference) => ({ item: { reference } })),
  };
}

function documentReference(
  { document, content }: SubmittedDocument,
  subject: Reference,
  binaryUrl: string,
): DocumentReference {
  const authors = document.authors.map((author, index) =>
    authorResources(author, `author-${index}`),
  );
  const legalAuthenticator =
    document.legalAuthenticator && practitioner('legal-authenticator', document.legalAuthenticator);
  const custodian = document.custodian && organization('custodian', document.custodian);
  const sourcePatient = sourcePatientResource(document);
  const contained: DocumentReference['contained'] = [
    ...authors.flatMap((author) => author.resources),
    ...(legalAuthenticator ? [legalAuthenticator] : []),
    ...(custodian ? [custodian] : []),
    sourcePatient,
  ];
  return {
    resourceType: 'DocumentReference',
    meta: { profile: [PROFILE.documentReference] },
    contained,
    masterIdentifier: { system: URI, value: uniqueIdUri(document.uniqueId) },
    status: 'current',
    type: concept(document.typeCode),
    category: [concept(document.classCode)],
    subject,
    author: authors.map((author) => author.reference),
    ...(legalAuthenticator ? { authenticator: { reference: '#legal-authenticator' } } : {}),
    ...(custodian ? { custodian: { reference: '#custodian' } } : {}),
    securityLabel: document.confidentialityCodes.map(concept),
    content: [
      {
        attachment: {
          contentType: document.mimeType,
          language: document.languageCode,
          url: binaryUrl,
          size: content.length,
          hash: createHash('sha1').update(content).digest('base64'),
          title: document.title,
          creation: document.creationTime.toISOString(),
        },
        format: coding(document.formatCode),
      },
    ],
    context: {
      ...(document.eventCodes.length ? { event: document.eventCodes.map(concept) } : {}),
      period: {
        start: document.serviceStartTime.toISOString(),
        ...(document.serviceStopTime ? { end: document.serviceStopTime.toISOString() } : {}),
      },
      facilityType: concept(document.healthcareFacilityTypeCode),
      practiceSetting: concept(document.practiceSettingCode),
      sourcePatientInfo: { reference: `#${sourcePatient.id}` },
    },
  };
}

/** An XDS author as a PractitionerRole tying its person and its institution. */
function authorResources(
  author: Author,
  id: string,
): { resources: (Practitioner | Organization | PractitionerRole)[]; reference: Reference } {
  const person = author.person && {
    ...practitioner(`${id}-person`, author.person),
    ...(author.telecom.length ? { telecom: author.telecom.map(contactPoint) } : {}),
  };
  const institution = author.institutions[0] && organization(`${id}-org`, author.institutions[0]);
  const role: PractitionerRole = {
    resourceType: 'PractitionerRole',
    id,
    ...(person ? { practitioner: { reference: `#${person.id}` } } : {}),
    ...(institution ? { organization: { reference: `#${institution.id}` } } : {}),
    ...(author.roles.length ? { code: author.roles.map(concept) } : {}),
    ...(author.specialties.length ? { specialty: author.specialties.map(concept) } : {}),
  };
  return {
    resources: [...(person ? [person] : []), ...(institution ? [institution] : []), role],
    reference: { reference: `#${id}` },
  };
}

function practitioner(id: string, person: PersonName): Practitioner {
  const name = {
    ...(person.family ? { family: person.family } : {}),
    ...(person.given ? { given: [person.given] } : {}),
    ...(person.prefix ? { prefix: [person.prefix] } : {}),
  };
  return {
    resourceType: 'Practitioner',
    id,
    ...(person.id ? { identifier: [identifier(person.id, person.assigningAuthority)] } : {}),
    ...(Object.keys(name).length ? { name: [name] } : {}),
  };
}

function organization(id: string, institution: Institution): Organization {
  return {
    resourceType: 'Organization',
    id,
    name: institution.name,
    ...(institution.id
      ? { identifier: [identifier(institution.id, institution.assigningAuthority)] }
      : {}),
  };
}

function sourcePatientResource(document: DocumentMetadata): Patient {
  const cx = /^([^^]+)\^\^\^&([^&]+)&ISO/.exec(document.sourcePatientId);
  const info = document.sourcePatientInfo;
  return {
    resourceType: 'Patient',
    id: 'source-patient',
    identifier: [cx ? identifier(cx[1], cx[2]) : { value: document.sourcePatientId }],
    ...(info?.family || info?.given
      ? { name: [{ family: info.family, ...(info.given ? { given: [info.given] } : {}) }] }
      : {}),
    ...(info?.gender ? { gender: info.gender as Patient['gender'] } : {}),
    ...(info?.birthDate ? { birthDate: info.birthDate } : {}),
  };
}

function patientReference(patientId: PatientId): Reference {
  return { reference: `Patient?identifier=${patientId.fhirSystem}|${patientId.value}` };
}

function identifier(value: string, authority: string | undefined) {
  return { ...(authority ? { system: systemOf(authority) } : {}), value };
}

function contactPoint(telecom: string): ContactPoint {
  if (telecom.startsWith('tel:')) return { system: 'phone', value: telecom.slice(4) };
  if (telecom.startsWith('mailto:')) return { system: 'email', value: telecom.slice(7) };
  return { system: 'other', value: telecom };
}

function concept(coded: Coded): CodeableConcept {
  return { coding: [coding(coded)] };
}

function coding(coded: Coded): Coding {
  return {
    system: systemOf(coded.codeSystem),
    code: coded.code,
    ...(coded.display ? { display: coded.display } : {}),
  };
}

function systemOf(codeSystem: string): string {
  return FHIR_SYSTEMS[codeSystem] ?? (isOid(codeSystem) ? `urn:oid:${codeSystem}` : codeSystem);
}

/** XDS uniqueIds are OIDs (with an optional ^extension) or urn:uuid; FHIR writes URIs. */
function uniqueIdUri(uniqueId: string): string {
  return uniqueId.startsWith('urn:') ? uniqueId : `urn:oid:${uniqueId}`;
}

function uuidUrl(): string {
  return `urn:uuid:${randomUUID()}`;
}
