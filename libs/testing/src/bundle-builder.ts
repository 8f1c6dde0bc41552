import type { Bundle, DocumentReference, Encounter, FhirResource, List } from 'fhir/r4';
import { createHash, randomUUID } from 'node:crypto';

let counter = 0;

/** A fresh OID under a test arc, unique within the run. */
export function freshOid(): string {
  counter += 1;
  return `1.2.250.1.999.${Date.now()}.${process.pid}.${counter}`;
}

export interface DocumentSpec {
  readonly content?: Buffer;
  readonly mimeType?: string;
  readonly uniqueId?: string;
  readonly typeCode?: string;
  /** TRE_A03 class code (default 11, Synthèse). */
  readonly classCode?: string;
  readonly title?: string;
  readonly supplyHash?: boolean;
  readonly replaces?: string;
  readonly securityLabels?: string[];
  /** idNat of the authoring professional (default: Dr Jeanne MARTIN, 810000000017). */
  readonly authorId?: string;
  /** The formatCode (default: XDS-SD text). */
  readonly format?: { readonly system: string; readonly code: string };
}

const AUTHOR = {
  resourceType: 'Practitioner' as const,
  id: 'author',
  identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000017' }],
  name: [{ family: 'MARTIN', given: ['Jeanne'] }],
};

/** An ITI-65 Comprehensive Provide Document Bundle with a Binary per document. */
export function provideBundle(
  patientToken: string,
  documents: DocumentSpec[],
): Bundle<FhirResource> {
  const subject = { reference: `Patient?identifier=${patientToken}` };
  const docs = documents.map((spec) => ({
    spec,
    docUrl: `urn:uuid:${randomUUID()}`,
    binUrl: `urn:uuid:${randomUUID()}`,
  }));
  const submissionSet: List = {
    resourceType: 'List',
    status: 'current',
    mode: 'working',
    contained: [AUTHOR],
    extension: [
      {
        url: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId',
        valueIdentifier: { value: 'urn:oid:1.2.250.1.999.2' },
      },
      {
        url: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType',
        valueCodeableConcept: {
          coding: [
            { system: 'urn:oid:1.2.250.1.213.2.2', code: '04', display: 'Hospitalisation de jour' },
          ],
        },
      },
    ],
    identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:${freshOid()}` }],
    code: {
      coding: [
        {
          system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes',
          code: 'submissionset',
        },
      ],
    },
    subject,
    date: new Date().toISOString(),
    source: { reference: '#author' },
    entry: docs.map((d) => ({ item: { reference: d.docUrl } })),
  };
  const entries: NonNullable<Bundle<FhirResource>['entry']> = [
    {
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: submissionSet,
      request: { method: 'POST', url: 'List' },
    },
  ];
  for (const { spec, docUrl, binUrl } of docs) {
    const content = spec.content ?? Buffer.from(`Compte rendu ${randomUUID()}`);
    const mimeType = spec.mimeType ?? 'text/plain';
    entries.push(
      {
        fullUrl: docUrl,
        resource: documentReference(spec, subject, binUrl, content, mimeType),
        request: { method: 'POST', url: 'DocumentReference' },
      },
      {
        fullUrl: binUrl,
        resource: {
          resourceType: 'Binary',
          contentType: mimeType,
          data: content.toString('base64'),
        },
        request: { method: 'POST', url: 'Binary' },
      },
    );
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/**
 * An ITI-105 Simplified Publish DocumentReference: the document inline in `attachment.data`
 * and, unless `contentType` is `'encounter'` (a contained ambulatory Encounter instead), the
 * SubmissionSet contentTypeCode as an `ihe-designationType` extension.
 */
export function simplifiedPublishDocument(
  patientToken: string,
  spec: DocumentSpec & { readonly contentType?: 'extension' | 'encounter' } = {},
): DocumentReference {
  const content = spec.content ?? Buffer.from(`Compte rendu ${randomUUID()}`);
  const resource = documentReference(
    spec,
    { reference: `Patient?identifier=${patientToken}` },
    '',
    content,
    spec.mimeType ?? 'text/plain',
  );
  const { url: _url, ...attachment } = resource.content[0].attachment;
  const withData = {
    ...resource,
    content: [
      { ...resource.content[0], attachment: { ...attachment, data: content.toString('base64') } },
    ],
  };
  if (spec.contentType === 'encounter') {
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: 'encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    };
    return {
      ...withData,
      contained: [...(withData.contained ?? []), encounter],
      context: { ...withData.context, encounter: [{ reference: '#encounter' }] },
    };
  }
  return {
    ...withData,
    extension: [
      {
        url: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType',
        valueCodeableConcept: {
          coding: [
            { system: 'urn:oid:1.2.250.1.213.2.2', code: '04', display: 'Hospitalisation de jour' },
          ],
        },
      },
    ],
  };
}

function documentReference(
  spec: DocumentSpec,
  subject: { reference: string },
  binUrl: string,
  content: Buffer,
  mimeType: string,
): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    contained: [
      spec.authorId
        ? { ...AUTHOR, identifier: [{ ...AUTHOR.identifier[0], value: spec.authorId }] }
        : AUTHOR,
    ],
    masterIdentifier: {
      system: 'urn:ietf:rfc:3986',
      value: `urn:oid:${spec.uniqueId ?? freshOid()}`,
    },
    ...(spec.typeCode === ''
      ? {}
      : {
          type: {
            coding: [
              {
                system: 'http://loinc.org',
                code: spec.typeCode ?? '11488-4',
                display: 'Consult note',
              },
            ],
          },
        }),
    category: [
      {
        coding: [
          spec.classCode
            ? { system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: spec.classCode }
            : { system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '11', display: 'Synthèse' },
        ],
      },
    ],
    subject,
    author: [{ reference: '#author' }],
    securityLabel: (spec.securityLabels ?? ['N']).map((code) => ({
      coding: [
        code === 'N'
          ? { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code }
          : { system: 'urn:oid:1.2.250.1.213.1.1.4.13', code },
      ],
    })),
    ...(spec.replaces
      ? {
          relatesTo: [
            { code: 'replaces', target: { reference: `DocumentReference/${spec.replaces}` } },
          ],
        }
      : {}),
    content: [
      {
        attachment: {
          contentType: mimeType,
          language: 'fr-FR',
          url: binUrl,
          title: spec.title ?? 'Compte rendu',
          creation: new Date().toISOString(),
          ...(spec.supplyHash
            ? { hash: createHash('sha1').update(content).digest('base64'), size: content.length }
            : {}),
        },
        format: spec.format ?? {
          system: 'urn:oid:1.3.6.1.4.1.19376.1.2.3',
          code: 'urn:ihe:iti:xds-sd:text:2008',
        },
      },
    ],
    context: {
      facilityType: { coding: [{ system: 'urn:oid:1.2.250.1.71.4.2.4', code: 'SA01' }] },
      practiceSetting: {
        coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.9', code: 'ETABLISSEMENT' }],
      },
      period: { start: new Date(Date.now() - 3600_000).toISOString() },
    },
  };
}

/** A Folder List of the patient holding these members (bundle fullUrls or `DocumentReference/[id]`). */
export function folderList(patientToken: string, members: readonly string[]): List {
  return {
    resourceType: 'List',
    status: 'current',
    mode: 'working',
    title: 'Suivi de grossesse',
    identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:${freshOid()}` }],
    code: {
      coding: [
        { system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'folder' },
      ],
    },
    subject: { reference: `Patient?identifier=${patientToken}` },
    entry: members.map((reference) => ({ item: { reference } })),
  };
}
