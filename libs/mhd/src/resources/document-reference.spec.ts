import type { DocumentReference } from 'fhir/r4';
import { DocumentEntry, DomainError } from '@passerelle/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentDraftFrom, documentReferenceFrom } from './document-reference';

const entry: DocumentEntry = {
  entryUuid: 'urn:uuid:0b3d8c52-3c0f-4a5b-9a5e-0c1d2e3f4a5b',
  logicalId: 'urn:uuid:0b3d8c52-3c0f-4a5b-9a5e-0c1d2e3f4a5b',
  version: 1,
  uniqueId: '1.2.250.1.999.4.1',
  patientKey: '277069912345674^^^&1.2.250.1.213.1.4.10&ISO',
  status: 'Approved',
  title: 'Compte rendu de biologie',
  comments: 'Bilan',
  classCode: { code: '11', codeSystem: '1.2.250.1.213.1.1.4.1', display: 'Synthèse' },
  typeCode: { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1', display: 'CR de biologie' },
  formatCode: { code: 'urn:asip:ci-sis:cr-bio:2023', codeSystem: '1.2.250.1.213.1.1.4.2.282' },
  confidentialityCodes: [
    { code: 'N', codeSystem: '2.16.840.1.113883.5.25' },
    { code: 'MASQUE_PS', codeSystem: '1.2.250.1.213.1.1.4.13' },
  ],
  eventCodes: [{ code: 'E1', codeSystem: '1.2.3' }],
  healthcareFacilityTypeCode: { code: 'SA07', codeSystem: '1.2.250.1.71.4.2.4' },
  practiceSettingCode: { code: 'AMBULATOIRE', codeSystem: '1.2.250.1.213.1.1.4.9' },
  creationTime: new Date('2026-06-12T08:00:00Z'),
  serviceStartTime: new Date('2026-06-11T07:00:00Z'),
  serviceStopTime: new Date('2026-06-11T09:00:00Z'),
  languageCode: 'fr-FR',
  mimeType: 'text/xml',
  hashSha1: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
  size: 5,
  repositoryUniqueId: '1.2.250.1.999.1.1.1',
  authors: [
    {
      person: {
        id: '810000000017',
        assigningAuthority: '1.2.250.1.71.4.2.1',
        family: 'MARTIN',
        given: 'Jeanne',
      },
      institutions: [
        { name: 'Laboratoire Test', id: '1750000000', assigningAuthority: '1.2.250.1.71.4.2.2' },
      ],
      roles: [],
      specialties: [{ code: 'SM26', codeSystem: '1.2.250.1.71.4.2.5' }],
      telecom: [],
    },
  ],
  legalAuthenticator: {
    id: '810000000017',
    assigningAuthority: '1.2.250.1.71.4.2.1',
    family: 'MARTIN',
  },
  custodian: { name: 'Hébergeur Test', id: '1750000001', assigningAuthority: '1.2.250.1.71.4.2.2' },
  sourcePatientId: 'IPP123^^^&1.2.250.1.999.9&ISO',
  sourcePatientInfo: {
    family: 'DUPONT',
    given: 'Marie',
    birthDate: '1977-06-01',
    gender: 'female',
  },
  referenceIds: ['ORDER-42'],
  contentId: 'c0ffee00-0000-4000-8000-000000000001',
  submissionSetUuid: 'urn:uuid:11111111-1111-4111-8111-111111111111',
  submissionTime: new Date('2026-06-12T10:00:00Z'),
};

describe('DocumentReference ↔ DocumentEntry', () => {
  it('renders an MHD Comprehensive DocumentReference and reads it back without loss', () => {
    const resource = documentReferenceFrom(entry, 'https://gw/fhir');
    expect(resource.masterIdentifier?.value).toBe('urn:oid:1.2.250.1.999.4.1');
    expect(resource.content[0].attachment.url).toBe(`https://gw/fhir/Binary/${entry.contentId}`);
    expect(resource.content[0].attachment.hash).toBe('qvTGHdzF6KLavt4PO0gs2a6pQ00=');
    expect(resource.type?.coding?.[0].system).toBe('http://loinc.org');
    expect(resource.securityLabel).toHaveLength(2);
    expect(resource.custodian).toEqual({ reference: '#custodian' });

    const { draft, associations } = documentDraftFrom({ ref: 'r', resource });
    expect(associations).toEqual([]);
    expect(draft).toMatchObject({
      uniqueId: entry.uniqueId,
      title: entry.title,
      comments: entry.comments,
      classCode: entry.classCode,
      typeCode: entry.typeCode,
      formatCode: entry.formatCode,
      confidentialityCodes: entry.confidentialityCodes,
      eventCodes: entry.eventCodes,
      healthcareFacilityTypeCode: entry.healthcareFacilityTypeCode,
      practiceSettingCode: entry.practiceSettingCode,
      creationTime: entry.creationTime,
      serviceStartTime: entry.serviceStartTime,
      serviceStopTime: entry.serviceStopTime,
      languageCode: entry.languageCode,
      mimeType: entry.mimeType,
      authors: entry.authors,
      legalAuthenticator: entry.legalAuthenticator,
      custodian: entry.custodian,
      sourcePatientId: entry.sourcePatientId,
      sourcePatientInfo: entry.sourcePatientInfo,
      referenceIds: entry.referenceIds,
      suppliedHashSha1: entry.hashSha1,
      suppliedSize: entry.size,
    });
    expect(draft.patientId?.key).toBe(entry.patientKey);
  });

  it('has no custodian when the entry has none (an XDS submission cannot give one)', () => {
    const { custodian: _custodian, ...withoutCustodian } = entry;
    const resource = documentReferenceFrom(withoutCustodian, 'https://gw/fhir');
    expect(resource).not.toHaveProperty('custodian');
    expect(resource.contained?.map((contained) => contained.id)).not.toContain('custodian');
    expect(documentDraftFrom({ ref: 'r', resource }).draft.custodian).toBeUndefined();
  });

  it('renders a sourcePatientInfo given over XDS (PID-7, PID-8) in FHIR terms, leaving out what is neither', () => {
    const source = (info: DocumentEntry['sourcePatientInfo']) =>
      documentReferenceFrom(
        { ...entry, sourcePatientInfo: info },
        'https://gw/fhir',
      ).contained?.find((resource) => resource.id === 'source-patient');
    expect(source({ birthDate: '19770601', gender: 'F' })).toMatchObject({
      birthDate: '1977-06-01',
      gender: 'female',
    });
    const unreadable = source({ birthDate: '19770230', gender: 'X' });
    expect(unreadable).not.toHaveProperty('birthDate');
    expect(unreadable).not.toHaveProperty('gender');
  });

  it('writes the patient category of Mon espace santé beside the classCode, and reads the classCode back whatever their order', () => {
    const resource = documentReferenceFrom(entry, 'x');
    expect(resource.category).toEqual([
      {
        coding: [
          {
            system:
              'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument',
            code: '11',
            display: 'Synthèse',
          },
          {
            system: 'urn:passerelle:fhir:CodeSystem:categorie-mon-espace-sante',
            code: 'syntheses',
            display: 'Synthèses',
          },
        ],
      },
    ]);
    const reversed = {
      ...resource,
      category: [{ coding: [...resource.category![0].coding!].reverse() }],
    };
    expect(documentDraftFrom({ ref: 'r', resource: reversed }).draft.classCode).toEqual(
      entry.classCode,
    );
  });

  it('marks an archived document with the DMP archive flag, a deleted one entered-in-error', () => {
    expect(
      documentReferenceFrom({ ...entry, status: 'Archived' }, 'x').extension?.[0].valueBoolean,
    ).toBe(true);
    expect(documentReferenceFrom({ ...entry, status: 'Deleted' }, 'x').status).toBe(
      'entered-in-error',
    );
    expect(documentReferenceFrom({ ...entry, status: 'Deprecated' }, 'x').status).toBe(
      'superseded',
    );
  });

  it('names who signed the submission set in an extension, which a sender cannot set', () => {
    const signedBy = {
      name: 'CLAIRE MARTIN',
      subject: 'C=FR, CN=810000000001+SN=MARTIN+GN=CLAIRE',
    };
    const resource = documentReferenceFrom({ ...entry, signedBy }, 'x');
    expect(resource.extension).toEqual([
      {
        url: 'urn:passerelle:fhir:StructureDefinition:dsg-signed-by',
        extension: [
          { url: 'name', valueString: signedBy.name },
          { url: 'subject', valueString: signedBy.subject },
        ],
      },
    ]);
    expect(documentDraftFrom({ ref: 'r', resource }).draft.signedBy).toBeUndefined();
    expect(documentReferenceFrom(entry, 'x').extension).toBeUndefined();
  });

  it('turns relatesTo replaces into an RPLC association to the existing document', () => {
    const resource: DocumentReference = {
      ...documentReferenceFrom(entry, 'x'),
      relatesTo: [
        {
          code: 'replaces',
          target: { reference: 'DocumentReference/0b3d8c52-3c0f-4a5b-9a5e-0c1d2e3f4a5b' },
        },
      ],
    };
    expect(documentDraftFrom({ ref: 'r', resource }).associations).toEqual([
      { type: 'RPLC', source: { ref: 'r' }, target: { existingLogicalId: entry.logicalId } },
    ]);
  });

  it('refuses a malformed hash and a subject that is not an INS patient', () => {
    const resource = documentReferenceFrom(entry, 'x');
    resource.content[0].attachment.hash = 'not base64!';
    expect(() => documentDraftFrom({ ref: 'r', resource })).toThrow(/base64 SHA-1/);

    const hl7Example = JSON.parse(
      readFileSync(
        join(__dirname, '../../../../fixtures/mhd/not-ok/hl7-documentreference-example.json'),
        'utf8',
      ),
    ) as DocumentReference;
    expect(() => documentDraftFrom({ ref: 'r', resource: hl7Example })).toThrow(DomainError);
  });
});
