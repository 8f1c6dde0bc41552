import { createHash, randomUUID } from 'node:crypto';
import { INS_OID, PatientId, nirWithKey } from '@passerelle/domain';
import { UUID_OID_ROOT, stableDocumentUniqueId } from '../push/unique-ids';

/** Bytes of each synthetic document: about 1 KB, as the bench measures. */
const DOCUMENT_SIZE = 1024;

/** The INS of synthetic patient `index` (NIR test authority), for `record open` and the lines. */
export function syntheticPatient(index: number): { ins: string; oid: string } {
  return { ins: nirWithKey(`1770699${String(index).padStart(6, '0')}`), oid: INS_OID.NIR_TEST };
}

/**
 * A synthetic import file: `count` DocumentReferences spread over `patients` patients, each
 * with 1 KB of inline text (unique to the file: it names an id drawn for it), its hash and
 * size — one NDJSON line each. The uniqueIds derive from the bytes, so importing the same file
 * again changes nothing.
 */
export function* syntheticImportLines(count: number, patients: number): Generator<string> {
  const run = randomUUID();
  for (let index = 0; index < count; index++) {
    const patient = syntheticPatient(index % patients);
    const bytes = Buffer.alloc(DOCUMENT_SIZE, `Compte rendu synthétique ${run} n° ${index}. `);
    const patientId = PatientId.of(patient.oid, patient.ins);
    const uniqueId = stableDocumentUniqueId(UUID_OID_ROOT, patientId, bytes);
    yield `${JSON.stringify(syntheticDocument(uniqueId, patient, bytes))}\n`;
  }
}

/** A DocumentReference of 1 KB-style synthetic content, as a line of an import file. */
export function syntheticDocument(
  uniqueId: string,
  patient: { ins: string; oid: string },
  bytes: Buffer,
): object {
  return {
    resourceType: 'DocumentReference',
    contained: [
      {
        resourceType: 'Practitioner',
        id: 'author-person',
        identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000058' }],
        name: [{ family: 'BERNARD', given: ['Luc'] }],
      },
      {
        resourceType: 'PractitionerRole',
        id: 'author',
        practitioner: { reference: '#author-person' },
      },
    ],
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${uniqueId}` },
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '18748-4' }] },
    category: [{ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '31' }] }],
    subject: { reference: `Patient?identifier=urn:oid:${patient.oid}|${patient.ins}` },
    author: [{ reference: '#author' }],
    securityLabel: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }],
      },
    ],
    content: [
      {
        attachment: {
          contentType: 'text/plain',
          language: 'fr-FR',
          data: bytes.toString('base64'),
          size: bytes.length,
          hash: createHash('sha1').update(bytes).digest('base64'),
          title: 'Compte rendu importé',
          creation: '2025-06-01T10:00:00Z',
        },
        format: {
          system: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
          code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient',
        },
      },
    ],
    context: {
      facilityType: { coding: [{ system: 'urn:oid:1.2.250.1.71.4.2.4', code: 'SA01' }] },
      practiceSetting: {
        coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.9', code: 'ETABLISSEMENT' }],
      },
    },
  };
}
