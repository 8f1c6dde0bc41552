import type {
  Attachment,
  CodeableConcept,
  DocumentReference,
  DocumentReferenceRelatesTo,
  Extension,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Reference,
} from 'fhir/r4';
import {
  AssociationType,
  Author,
  AvailabilityStatus,
  Coded,
  DocumentEntry,
  DocumentRelation,
  DomainError,
  Institution,
  PatientId,
  PersonName,
  ProblemList,
  RelationshipType,
  SubmissionSigner,
  stripUrnUuid,
  administrativeGenderOf,
  fhirBirthDateOf,
} from '@passerelle/domain';
import type { AssociationDraft, DocumentEntryDraft } from '@passerelle/registry';
import { codedFromCoding, codingFromCoded, uniqueIdFromUri, uniqueIdToUri } from './code-systems';
import {
  authorsFrom,
  contactPointOfTelecom,
  containedResource,
  institutionFrom,
  personFrom,
  sourcePatientFrom,
} from './contained';
import { fhirInstant } from './fhir-datetime';
import { MHD } from './mhd-constants';
import { PATIENT_CATEGORY_SYSTEM, patientCategoryCoding } from './patient-categories';
import { patientIdFromReference, patientResourceId } from './patient-reference';

const RELATION_TO_ASSOCIATION: Record<string, AssociationType> = {
  replaces: 'RPLC',
  transforms: 'XFRM',
  appends: 'APND',
  signs: 'signs',
};

export interface DocumentReferenceInput {
  readonly ref: string;
  readonly resource: DocumentReference;
  /** Bytes of the attachment: inline `data` or the Binary entry its `url` names. */
  readonly content?: Buffer;
}

/**
 * ITI-65 DocumentReference → document draft and the associations it declares (relatesTo). What
 * cannot be read goes to `problems`, when given, so that the rest is still checked; without it,
 * the first problems are thrown.
 */
export function documentDraftFrom(
  input: DocumentReferenceInput,
  problems?: ProblemList,
): {
  draft: DocumentEntryDraft;
  associations: AssociationDraft[];
} {
  const found = problems ?? new ProblemList();
  const { resource, ref } = input;
  const read = <T>(field: keyof DocumentEntryDraft, value: () => T) =>
    found.attempt(value, ref, field);
  const attachment = resource.content?.[0]?.attachment;
  const sourcePatient = read('sourcePatientInfo', () =>
    sourcePatientFrom(
      containedResource<Patient>(resource, resource.context?.sourcePatientInfo, 'Patient'),
    ),
  );
  const patientId = read('patientId', () => patientIdFromReference(resource.subject, ref));
  const masterIdentifier = resource.masterIdentifier?.value;
  const draft: DocumentEntryDraft = {
    ref,
    uniqueId: masterIdentifier && read('uniqueId', () => uniqueIdFromUri(masterIdentifier)),
    patientId,
    title: attachment?.title,
    comments: resource.description,
    classCode: classCodeOf(resource.category?.[0]),
    typeCode: firstCoded(resource.type),
    formatCode: codedFromCoding(resource.content?.[0]?.format),
    confidentialityCodes: allCoded(resource.securityLabel),
    eventCodes: allCoded(resource.context?.event),
    healthcareFacilityTypeCode: firstCoded(resource.context?.facilityType),
    practiceSettingCode: firstCoded(resource.context?.practiceSetting),
    creationTime: read('creationTime', () =>
      fhirInstant(attachment?.creation ?? resource.date, 'attachment.creation', ref),
    ),
    serviceStartTime: read('serviceStartTime', () =>
      fhirInstant(resource.context?.period?.start, 'context.period.start', ref),
    ),
    serviceStopTime: read('serviceStopTime', () =>
      fhirInstant(resource.context?.period?.end, 'context.period.end', ref),
    ),
    languageCode: attachment?.language,
    mimeType: attachment?.contentType,
    authors: read('authors', () => authorsFrom(resource, resource.author ?? [])) ?? [],
    legalAuthenticator: read('legalAuthenticator', () => legalAuthenticatorOf(resource)),
    custodian: read('custodian', () => custodianOf(resource)),
    sourcePatientId: sourcePatient?.id ?? patientId?.key,
    sourcePatientInfo: sourcePatient?.info,
    referenceIds: (resource.context?.related ?? []).flatMap((r) =>
      r.identifier?.value ? [r.identifier.value] : [],
    ),
    suppliedHashSha1: attachment?.hash
      ? read('suppliedHashSha1', () => hashHex(attachment.hash!, ref))
      : undefined,
    suppliedSize: attachment?.size,
    content: input.content,
  };
  const associations = (resource.relatesTo ?? []).flatMap(
    (relation) => found.attempt(() => associationOf(relation, ref), ref) ?? [],
  );
  if (!problems) found.throwIfAny();
  return { draft, associations };
}

function associationOf(relation: DocumentReferenceRelatesTo, ref: string): AssociationDraft {
  const type = RELATION_TO_ASSOCIATION[relation.code];
  const target = /(?:^|\/)DocumentReference\/([A-Za-z0-9.-]{1,64})$/.exec(
    relation.target.reference ?? '',
  );
  if (!type || !target) {
    throw new DomainError(
      'UNRESOLVED_REFERENCE',
      `relatesTo must be replaces|transforms|appends|signs a DocumentReference/<id>`,
      ref,
    );
  }
  return { type, source: { ref }, target: { existingLogicalId: `urn:uuid:${target[1]}` } };
}

function legalAuthenticatorOf(resource: DocumentReference) {
  const practitioner =
    containedResource<Practitioner>(resource, resource.authenticator, 'Practitioner') ??
    practitionerOfRole(resource, resource.authenticator);
  return practitioner
    ? personFrom(practitioner.identifier?.[0], practitioner.name?.[0])
    : undefined;
}

function custodianOf(resource: DocumentReference): Institution | undefined {
  const organization = containedResource<Organization>(
    resource,
    resource.custodian,
    'Organization',
  );
  return organization && institutionFrom(organization);
}

function practitionerOfRole(
  resource: DocumentReference,
  reference: Reference | undefined,
): Practitioner | undefined {
  const role = containedResource<PractitionerRole>(resource, reference, 'PractitionerRole');
  return role && containedResource<Practitioner>(resource, role.practitioner, 'Practitioner');
}

function firstCoded(concept: CodeableConcept | undefined): Coded | undefined {
  return codedFromCoding(concept?.coding?.[0]);
}

/** The classCode of a category: its coding other than the patient category we write beside it. */
function classCodeOf(category: CodeableConcept | undefined): Coded | undefined {
  return codedFromCoding(
    category?.coding?.find((coding) => coding.system !== PATIENT_CATEGORY_SYSTEM),
  );
}

function allCoded(concepts: readonly CodeableConcept[] | undefined): Coded[] {
  return (concepts ?? []).flatMap((c) => c.coding ?? []).flatMap((c) => codedFromCoding(c) ?? []);
}

/**
 * FHIR `attachment.hash` is the base64 of the SHA-1 bytes; XDS keeps hex. Some senders (and the
 * IHE MHD examples) base64-encode the hex text instead: both are read, then checked against the
 * content like any supplied hash.
 */
function hashHex(base64: string, ref: string): string {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.toString('base64') === base64) {
    if (bytes.length === 20) return bytes.toString('hex');
    const text = bytes.toString('latin1');
    if (/^[0-9a-fA-F]{40}$/.test(text)) return text.toLowerCase();
  }
  throw new DomainError(
    'METADATA_INVALID',
    'attachment.hash must be the base64 SHA-1 of the content',
    ref,
  );
}

const STATUS_TO_FHIR: Record<AvailabilityStatus, DocumentReference['status']> = {
  Approved: 'current',
  Archived: 'current',
  Deprecated: 'superseded',
  Deleted: 'entered-in-error',
};

/** A registry entry as an MHD Comprehensive DocumentReference. */
export function documentReferenceFrom(entry: DocumentEntry, baseUrl: string): DocumentReference {
  const patientId = PatientId.fromCx(entry.patientKey);
  const contained = authorResources(entry.authors);
  const sourcePatient = sourcePatientResource(entry);
  return {
    resourceType: 'DocumentReference',
    id: stripUrnUuid(entry.logicalId),
    meta: { versionId: String(entry.version), profile: [MHD.comprehensiveDocumentReference] },
    contained: [
      ...contained.resources,
      ...(entry.legalAuthenticator
        ? [personResource('legal-authenticator', entry.legalAuthenticator)]
        : []),
      ...(entry.custodian ? [organizationResource('custodian', entry.custodian)] : []),
      sourcePatient,
    ],
    ...extensionsOf(entry),
    masterIdentifier: { system: MHD.rfc3986, value: uniqueIdToUri(entry.uniqueId) },
    identifier: [{ use: 'official', system: MHD.rfc3986, value: entry.entryUuid }],
    status: STATUS_TO_FHIR[entry.status],
    type: concept(entry.typeCode),
    category: [
      { coding: [codingFromCoded(entry.classCode), patientCategoryCoding(entry.classCode)] },
    ],
    subject: {
      reference: `Patient/${patientResourceId(patientId)}`,
      identifier: { system: patientId.fhirSystem, value: patientId.value },
    },
    date: entry.submissionTime.toISOString(),
    ...(contained.references.length ? { author: contained.references } : {}),
    ...(entry.legalAuthenticator ? { authenticator: { reference: '#legal-authenticator' } } : {}),
    ...(entry.custodian ? { custodian: { reference: '#custodian' } } : {}),
    ...(entry.relatesTo?.length ? { relatesTo: entry.relatesTo.flatMap(relatesToOf) } : {}),
    ...(entry.comments ? { description: entry.comments } : {}),
    securityLabel: entry.confidentialityCodes.map(concept),
    content: [
      { attachment: attachmentOf(entry, baseUrl), format: codingFromCoded(entry.formatCode) },
    ],
    context: {
      ...(entry.eventCodes.length ? { event: entry.eventCodes.map(concept) } : {}),
      ...(entry.serviceStartTime || entry.serviceStopTime
        ? {
            period: {
              ...(entry.serviceStartTime ? { start: entry.serviceStartTime.toISOString() } : {}),
              ...(entry.serviceStopTime ? { end: entry.serviceStopTime.toISOString() } : {}),
            },
          }
        : {}),
      facilityType: concept(entry.healthcareFacilityTypeCode),
      practiceSetting: concept(entry.practiceSettingCode),
      sourcePatientInfo: { reference: `#${sourcePatient.id}` },
      ...(entry.referenceIds.length
        ? { related: entry.referenceIds.map((value) => ({ identifier: { value } })) }
        : {}),
    },
  };
}

/** XFRM_RPLC, a transformation that replaces, is both relations FHIR names apart. */
const RELATION_CODES: Record<RelationshipType, DocumentReferenceRelatesTo['code'][]> = {
  RPLC: ['replaces'],
  XFRM: ['transforms'],
  APND: ['appends'],
  XFRM_RPLC: ['transforms', 'replaces'],
  signs: ['signs'],
};

function relatesToOf(relation: DocumentRelation): DocumentReferenceRelatesTo[] {
  return RELATION_CODES[relation.type].map((code) => ({
    code,
    target: { reference: `DocumentReference/${stripUrnUuid(relation.targetLogicalId)}` },
  }));
}

function extensionsOf(entry: DocumentEntry): { extension?: Extension[] } {
  const extension = [
    ...(entry.status === 'Archived' ? [archivedExtension()] : []),
    ...(entry.signedBy ? [signedByExtension(entry.signedBy)] : []),
  ];
  return extension.length > 0 ? { extension } : {};
}

function signedByExtension({ name, subject }: SubmissionSigner): Extension {
  return {
    url: MHD.signedByExtension,
    extension: [
      { url: 'name', valueString: name },
      { url: 'subject', valueString: subject },
    ],
  };
}

export function archivedExtension(): Extension {
  return { url: MHD.archivedExtension, valueBoolean: true };
}

function attachmentOf(entry: DocumentEntry, baseUrl: string): Attachment {
  return {
    contentType: entry.mimeType,
    language: entry.languageCode,
    ...(entry.contentId ? { url: `${baseUrl}/Binary/${entry.contentId}` } : {}),
    size: entry.size,
    hash: Buffer.from(entry.hashSha1, 'hex').toString('base64'),
    ...(entry.title ? { title: entry.title } : {}),
    creation: entry.creationTime.toISOString(),
  };
}

function concept(coded: Coded): CodeableConcept {
  return { coding: [codingFromCoded(coded)] };
}

function sourcePatientResource(entry: DocumentEntry): Patient {
  const match = /^([^^]+)\^\^\^&([^&]*)&ISO/.exec(entry.sourcePatientId);
  const identifier: Identifier = match
    ? { system: `urn:oid:${match[2]}`, value: match[1] }
    : { value: entry.sourcePatientId };
  const info = entry.sourcePatientInfo;
  const birthDate = fhirBirthDateOf(info?.birthDate);
  const gender = administrativeGenderOf(info?.gender);
  return {
    resourceType: 'Patient',
    id: 'source-patient',
    identifier: [identifier],
    ...(info?.family || info?.given
      ? { name: [{ family: info.family, ...(info.given ? { given: [info.given] } : {}) }] }
      : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(gender ? { gender } : {}),
  };
}

/** Each XDS author becomes a contained PractitionerRole (or Practitioner / Organization). */
function authorResources(authors: readonly Author[]): {
  resources: (Practitioner | Organization | PractitionerRole)[];
  references: Reference[];
} {
  const resources: (Practitioner | Organization | PractitionerRole)[] = [];
  const references: Reference[] = [];
  authors.forEach((author, index) => {
    const practitioner = author.person && practitionerResource(`author-${index}-person`, author);
    const organization =
      author.institutions.length > 0
        ? organizationResource(`author-${index}-org`, author.institutions[0])
        : undefined;
    const hasRole = author.roles.length > 0 || author.specialties.length > 0;
    const single = practitioner && organization ? undefined : (practitioner ?? organization);
    if (single && !hasRole) {
      resources.push(single);
      references.push({ reference: `#${single.id}` });
      return;
    }
    const role: PractitionerRole = {
      resourceType: 'PractitionerRole',
      id: `author-${index}`,
      ...(practitioner ? { practitioner: { reference: `#${practitioner.id}` } } : {}),
      ...(organization ? { organization: { reference: `#${organization.id}` } } : {}),
      ...(author.roles.length ? { code: author.roles.map(concept) } : {}),
      ...(author.specialties.length ? { specialty: author.specialties.map(concept) } : {}),
    };
    resources.push(
      ...(practitioner ? [practitioner] : []),
      ...(organization ? [organization] : []),
      role,
    );
    references.push({ reference: `#${role.id}` });
  });
  return { resources, references };
}

function practitionerResource(id: string, author: Author): Practitioner {
  return {
    ...personResource(id, author.person!),
    ...(author.telecom.length ? { telecom: author.telecom.map(contactPointOfTelecom) } : {}),
  };
}

function personResource(id: string, person: PersonName): Practitioner {
  return {
    resourceType: 'Practitioner',
    id,
    ...(person.id
      ? {
          identifier: [
            {
              ...(person.assigningAuthority
                ? { system: `urn:oid:${person.assigningAuthority}` }
                : {}),
              value: person.id,
            },
          ],
        }
      : {}),
    ...(person.family || person.given
      ? {
          name: [
            {
              ...(person.family ? { family: person.family } : {}),
              ...(person.given ? { given: [person.given] } : {}),
              ...(person.prefix ? { prefix: [person.prefix] } : {}),
            },
          ],
        }
      : {}),
  };
}

function organizationResource(id: string, institution: Institution): Organization {
  return {
    resourceType: 'Organization',
    id,
    name: institution.name,
    ...(institution.id
      ? {
          identifier: [
            {
              ...(institution.assigningAuthority
                ? { system: `urn:oid:${institution.assigningAuthority}` }
                : {}),
              value: institution.id,
            },
          ],
        }
      : {}),
  };
}
