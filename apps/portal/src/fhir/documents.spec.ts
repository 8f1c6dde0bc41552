import type { DocumentReference, FhirResource, Practitioner } from 'fhir/r4';
import {
  NO_FILTER,
  PATIENT_CATEGORY_SYSTEM,
  RESTRICTION_SYSTEM,
  fileNameOf,
  filterChoices,
  filtered,
  kindOf,
  patientDocumentFrom,
  securityLabelsWith,
} from './documents';

const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

const AUTHOR: FhirResource[] = [
  {
    resourceType: 'Practitioner',
    id: 'author-0-person',
    name: [{ family: 'BENALI', given: ['Karim'], prefix: ['Dr'] }],
  },
  { resourceType: 'Organization', id: 'author-0-org', name: 'Centre Hospitalier de Test' },
  {
    resourceType: 'PractitionerRole',
    id: 'author-0',
    practitioner: { reference: '#author-0-person' },
    organization: { reference: '#author-0-org' },
  },
];

/** A DocumentReference as the gateway writes it (libs/mhd/src/resources/document-reference.ts). */
function aDocumentReference(overrides: Partial<DocumentReference> = {}): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id: 'doc-1',
    status: 'current',
    contained: AUTHOR,
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.999.5.1.77' },
    type: {
      coding: [{ system: 'http://loinc.org', code: '11490-0', display: 'Lettre de liaison' }],
    },
    category: [
      {
        coding: [
          { system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '10' },
          { system: PATIENT_CATEGORY_SYSTEM, code: 'comptes-rendus', display: 'Comptes rendus' },
        ],
      },
    ],
    date: '2026-01-10T10:00:00Z',
    author: [{ reference: '#author-0' }],
    securityLabel: [{ coding: [{ system: CONFIDENTIALITY, code: 'N' }] }],
    content: [
      {
        attachment: {
          contentType: 'text/xml',
          url: 'https://localhost/fhir/Binary/abc',
          title: 'Lettre de liaison à la sortie',
          creation: '2024-04-18T15:05:00Z',
          size: 4696,
        },
      },
    ],
    ...overrides,
  };
}

describe('the patient’s documents', () => {
  it('reads title, category, type, date written, authors, type of content and uniqueId', () => {
    const document = patientDocumentFrom(aDocumentReference());
    expect(document).toMatchObject({
      id: 'doc-1',
      title: 'Lettre de liaison à la sortie',
      category: 'comptes-rendus',
      typeCode: '11490-0',
      typeLabel: 'Lettre de liaison',
      date: new Date('2024-04-18T15:05:00Z'),
      authors: ['Dr Karim BENALI, Centre Hospitalier de Test'],
      mimeType: 'text/xml',
      binaryUrl: 'https://localhost/fhir/Binary/abc',
      hiddenFromProfessionals: false,
      uniqueId: '1.2.250.1.999.5.1.77',
    });
  });

  it('names who signed a document that came signed, and no one otherwise', () => {
    const signed = aDocumentReference({
      extension: [
        {
          url: 'urn:passerelle:fhir:StructureDefinition:dsg-signed-by',
          extension: [
            { url: 'name', valueString: 'Service Imagerie (Centre Hospitalier de Test)' },
            { url: 'subject', valueString: 'C=FR, O=Centre Hospitalier de Test' },
          ],
        },
      ],
    });
    expect(patientDocumentFrom(signed).signedBy).toBe(
      'Service Imagerie (Centre Hospitalier de Test)',
    );
    expect(patientDocumentFrom(aDocumentReference()).signedBy).toBeUndefined();
  });

  it('puts a document without a patient category in the fallback one, and names a patient author', () => {
    const document = patientDocumentFrom(
      aDocumentReference({
        category: [{ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '10' }] }],
        contained: [{ resourceType: 'Patient', id: 'me' }],
        author: [{ reference: '#me' }],
      }),
    );
    expect(document.category).toBe('autres');
    expect(document.authors).toEqual(['Vous-même']);
  });

  it('sets MASQUE_PS beside the other labels, and lifts it keeping them', () => {
    const resource = aDocumentReference({
      securityLabel: [
        { coding: [{ system: CONFIDENTIALITY, code: 'N' }] },
        { coding: [{ system: RESTRICTION_SYSTEM, code: 'INVISIBLE_REPRESENTANTS_LEGAUX' }] },
      ],
    });
    const hidden = securityLabelsWith(resource, true);
    expect(hidden.map((label) => label.coding?.[0].code)).toEqual([
      'N',
      'INVISIBLE_REPRESENTANTS_LEGAUX',
      'MASQUE_PS',
    ]);
    expect(
      patientDocumentFrom({ ...resource, securityLabel: hidden }).hiddenFromProfessionals,
    ).toBe(true);
    expect(securityLabelsWith({ ...resource, securityLabel: hidden }, false)).toEqual(
      resource.securityLabel,
    );
  });

  it('filters by type, author and dates (both inclusive), newest first', () => {
    const at = (id: string, creation: string, code = '11490-0', family = 'BENALI') =>
      patientDocumentFrom(
        aDocumentReference({
          id,
          type: { coding: [{ system: 'http://loinc.org', code, display: code }] },
          contained: [
            { resourceType: 'Practitioner', id: 'p', name: [{ family }] } as Practitioner,
          ],
          author: [{ reference: '#p' }],
          content: [{ attachment: { contentType: 'application/pdf', creation } }],
        }),
      );
    const documents = [
      at('old', '2023-05-01T10:00:00Z'),
      at('new', '2025-06-30T10:00:00Z', '11488-4', 'ROUSSEAU'),
      at('mid', '2024-04-18T10:00:00Z'),
    ];
    expect(filtered(documents, NO_FILTER).map((d) => d.id)).toEqual(['new', 'mid', 'old']);
    expect(filtered(documents, { ...NO_FILTER, type: '11490-0' }).map((d) => d.id)).toEqual([
      'mid',
      'old',
    ]);
    expect(filtered(documents, { ...NO_FILTER, author: 'ROUSSEAU' }).map((d) => d.id)).toEqual([
      'new',
    ]);
    expect(
      filtered(documents, { ...NO_FILTER, from: '2024-04-18', to: '2025-06-30' }).map((d) => d.id),
    ).toEqual(['new', 'mid']);
    expect(filterChoices(documents)).toEqual({
      types: [
        ['11488-4', '11488-4'],
        ['11490-0', '11490-0'],
      ],
      authors: ['BENALI', 'ROUSSEAU'],
    });
  });

  it('knows how to show each type, and names its download', () => {
    expect(
      ['application/pdf', 'text/xml', 'image/jpeg', 'text/plain', 'application/dicom'].map(
        (mimeType) => kindOf({ mimeType }),
      ),
    ).toEqual(['pdf', 'cda', 'image', 'text', 'other']);
    expect(
      fileNameOf({
        title: 'Lettre de liaison à la sortie / Cardiologie',
        mimeType: 'application/pdf',
      }),
    ).toBe('Lettre-de-liaison-a-la-sortie-Cardiologie.pdf');
  });
});
