import { nirWithKey } from '@passerelle/domain';
import { randomBytes, randomUUID } from 'node:crypto';

export const NIR_TEST_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.10';

const ORDERS = 999;
const COMMUNES = 999;
const MONTHS = 12;

/**
 * A unique, valid test NIR per index (up to about 1.2 billion): sex 1, birth year and month,
 * department 75, commune and order number encode the index; the key is computed.
 */
export function nirOf(index: number): string {
  const order = (index % ORDERS) + 1;
  const commune = (Math.floor(index / ORDERS) % COMMUNES) + 1;
  const month = (Math.floor(index / (ORDERS * COMMUNES)) % MONTHS) + 1;
  const year = Math.floor(index / (ORDERS * COMMUNES * MONTHS)) % 100;
  const body13 = `1${pad(year, 2)}${pad(month, 2)}75${pad(commune, 3)}${pad(order, 3)}`;
  return nirWithKey(body13);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** With an e-mail, opening the record sends the patient his activation code. */
export function patientResource(nir: string, email?: string): string {
  return JSON.stringify({
    resourceType: 'Patient',
    identifier: [{ system: NIR_TEST_SYSTEM, value: nir }],
    ...(email ? { telecom: [{ system: 'email', value: email }] } : {}),
  });
}

/** OIDs of this run: `<root>.<runId>.<number>`, all arcs digits without leading zeros. */
export class RunOids {
  constructor(readonly runId: string) {}

  submissionSet(number: number): string {
    return `1.2.250.1.999.3.${this.runId}.${number}`;
  }

  document(number: number): string {
    return `1.2.250.1.999.4.${this.runId}.${number}`;
  }

  /** The masterIdentifier prefix shared by the documents of this run. */
  get documentPrefix(): string {
    return `urn:oid:1.2.250.1.999.4.${this.runId}.`;
  }
}

export interface BundleRequest {
  readonly nir: string;
  readonly submissionSetOid: string;
  readonly documentOids: readonly string[];
  readonly docSize: number;
}

const AUTHOR = {
  resourceType: 'Practitioner',
  id: 'author',
  identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000017' }],
  name: [{ family: 'MARTIN', given: ['Jeanne'] }],
};

/** An ITI-65 transaction: one SubmissionSet List, then a DocumentReference and Binary per document. */
export function transactionBundle(request: BundleRequest): string {
  const now = new Date().toISOString();
  const subject = { reference: `Patient?identifier=${NIR_TEST_SYSTEM}|${request.nir}` };
  const documents = request.documentOids.map((oid) => ({
    oid,
    docUuid: randomUUID(),
    binUuid: randomUUID(),
  }));
  const entries = documents.flatMap((document) => [
    documentReferenceEntry(document, subject, now),
    binaryEntry(document.binUuid, request.docSize),
  ]);
  const list = submissionSetEntry(request.submissionSetOid, documents, subject, now);
  return JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [list, ...entries] });
}

type Reference = { reference: string };

function submissionSetEntry(
  oid: string,
  documents: readonly { docUuid: string }[],
  subject: Reference,
  now: string,
) {
  return {
    fullUrl: `urn:uuid:${randomUUID()}`,
    request: { method: 'POST', url: 'List' },
    resource: {
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
              {
                system: 'urn:oid:1.2.250.1.213.2.2',
                code: '04',
                display: 'Hospitalisation de jour',
              },
            ],
          },
        },
      ],
      identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:${oid}` }],
      code: {
        coding: [
          {
            system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes',
            code: 'submissionset',
          },
        ],
      },
      subject,
      date: now,
      source: { reference: '#author' },
      entry: documents.map((document) => ({ item: { reference: `urn:uuid:${document.docUuid}` } })),
    },
  };
}

function documentReferenceEntry(
  document: { oid: string; docUuid: string; binUuid: string },
  subject: Reference,
  now: string,
) {
  return {
    fullUrl: `urn:uuid:${document.docUuid}`,
    request: { method: 'POST', url: 'DocumentReference' },
    resource: {
      resourceType: 'DocumentReference',
      status: 'current',
      contained: [AUTHOR],
      masterIdentifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${document.oid}` },
      type: { coding: [{ system: 'http://loinc.org', code: '11488-4', display: 'Consult note' }] },
      category: [
        { coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '11', display: 'Synthèse' }] },
      ],
      subject,
      author: [{ reference: '#author' }],
      securityLabel: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' },
          ],
        },
      ],
      content: [
        {
          attachment: {
            contentType: 'application/pdf',
            language: 'fr-FR',
            url: `urn:uuid:${document.binUuid}`,
            title: 'Compte rendu',
            creation: now,
          },
          format: {
            system: 'urn:oid:1.3.6.1.4.1.19376.1.2.3',
            code: 'urn:ihe:iti:xds-sd:pdf:2008',
          },
        },
      ],
      context: {
        facilityType: { coding: [{ system: 'urn:oid:1.2.250.1.71.4.2.4', code: 'SA01' }] },
        practiceSetting: {
          coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.9', code: 'ETABLISSEMENT' }],
        },
        period: { start: now },
      },
    },
  };
}

function binaryEntry(binUuid: string, docSize: number) {
  return {
    fullUrl: `urn:uuid:${binUuid}`,
    request: { method: 'POST', url: 'Binary' },
    resource: {
      resourceType: 'Binary',
      contentType: 'application/pdf',
      data: randomBytes(docSize).toString('base64'),
    },
  };
}
