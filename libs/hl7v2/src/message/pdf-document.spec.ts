import { Hl7Message } from '@medplum/core';
import { DomainError, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import type { Hl7v2Options } from '../hl7v2-options';
import { T02Parts, mdmT02, senderPrt } from '../mdm-t02-original-document/mdm-t02.spec-support';
import { readOriginalDocument } from '../mdm-t02-original-document/original-document-message';
import { readReplacement } from '../mdm-t10-replacement/replacement-message';
import { readObservationResult } from '../oru-r01-observation-result/observation-result-message';
import { R01Parts, oruR01 } from '../oru-r01-observation-result/oru-r01.spec-support';

const NIR = '184057512345625';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const OPTIONS: Hl7v2Options = {
  healthcareFacilityTypeCode: { code: 'SA07', codeSystem: '1.2.250.1.71.4.2.4' },
  practiceSettingCode: { code: 'AMBULATOIRE', codeSystem: '1.2.250.1.213.1.1.4.9' },
};
const AUTHOR = '810000000017^MARTIN^Jeanne^^^Dr^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^RPPS';
const PDF_MDM: T02Parts = {
  pdf: PDF,
  nir: NIR,
  txaUniqueId: 'CR-PDF-0001^^1.2.250.1.999.4.9^ISO',
  originator: AUTHOR,
  originationTime: '20240312142500',
  sender: senderPrt('1690000000'),
};

const read = (parts: Partial<T02Parts> = {}, options = OPTIONS) =>
  readOriginalDocument(Hl7Message.parse(mdmT02({ ...PDF_MDM, ...parts })), options);

function problemsOf(run: () => unknown): { code: string; location?: string }[] {
  try {
    run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.details.map(({ code, location }) => ({ code, location }));
  }
  throw new Error('the message was accepted');
}

describe('a PDF in OBX (no CDA header: the metadata come from the message and the settings)', () => {
  it('reads an MDM^T02 PDF: TXA type, id, author, dates, the volet flags, the settings', () => {
    const draft = read({ flags: { MASQUE_PS: 'Y' }, confidentiality: 'R' });
    const [document] = draft.documents;
    expect(document.content?.equals(PDF)).toBe(true);
    expect(document).toMatchObject({
      uniqueId: '1.2.250.1.999.4.9^CR-PDF-0001',
      mimeType: 'application/pdf',
      formatCode: { code: 'urn:ihe:iti:xds-sd:pdf:2008' },
      typeCode: {
        code: '11502-2',
        codeSystem: '2.16.840.1.113883.6.1',
        display: "CR d'examens biologiques",
      },
      classCode: { code: expect.any(String) },
      healthcareFacilityTypeCode: OPTIONS.healthcareFacilityTypeCode,
      practiceSettingCode: OPTIONS.practiceSettingCode,
      creationTime: new Date('2024-03-12T14:25:00Z'),
      serviceStartTime: new Date('2024-03-12T14:30:00Z'),
      languageCode: 'fr-FR',
      sourcePatientId: 'IPP-778812^^^&1.2.250.1.999.4.2&ISO',
      sourcePatientInfo: { family: 'MARCHAND', given: 'Lucas', birthDate: '1984-05-12' },
    });
    expect(document.patientId?.value).toBe(NIR);
    expect(document.confidentialityCodes).toEqual([
      { code: 'R', codeSystem: '2.16.840.1.113883.5.25' },
      { code: 'MASQUE_PS', codeSystem: RESTRICTION_CODE_SYSTEM },
    ]);
    expect(document.authors).toEqual([
      {
        person: {
          id: '810000000017',
          assigningAuthority: '1.2.250.1.71.4.2.1',
          family: 'MARTIN',
          given: 'Jeanne',
          prefix: 'Dr',
        },
        institutions: [
          {
            name: 'Laboratoire de Biologie Médicale de Test',
            id: '1690000000',
            assigningAuthority: '1.2.250.1.71.4.2.2',
          },
        ],
        roles: [],
        specialties: [],
        telecom: [],
      },
    ]);
    expect(draft.submissionSet.authors).toEqual(document.authors);
  });

  it('takes TXA-12.1 alone as the id, and no TXA-18 as the usual level N', () => {
    const [document] = read({ txaUniqueId: '1.2.250.1.999.4.9.1' }).documents;
    expect(document.uniqueId).toBe('1.2.250.1.999.4.9.1');
    expect(document.confidentialityCodes).toEqual([
      { code: 'N', codeSystem: '2.16.840.1.113883.5.25' },
    ]);
  });

  it.each<[string, Partial<T02Parts>, { code: string; location?: string }]>([
    ['no TXA-9 (author)', { originator: '' }, { code: 'METADATA_MISSING', location: 'TXA-9' }],
    ['no TXA-12 (id)', { txaUniqueId: '' }, { code: 'METADATA_MISSING', location: 'TXA-12' }],
    ['no TXA-2 (type)', { typeCode: '' }, { code: 'METADATA_MISSING', location: 'TXA-2' }],
    [
      'a type without class',
      { typeCode: '99999-9' },
      { code: 'METADATA_INVALID', location: 'TXA-2' },
    ],
    [
      'a TXA-18 outside table 0272',
      { confidentiality: 'X' },
      { code: 'METADATA_INVALID', location: 'TXA-18' },
    ],
    [
      'a TXA-6 that is not a date',
      { originationTime: '2024-03-12' },
      { code: 'METADATA_INVALID', location: 'TXA-6' },
    ],
  ])('refuses a PDF with %s', (_case, parts, problem) => {
    expect(problemsOf(() => read(parts))).toContainEqual(problem);
  });

  it('refuses a PDF when the feeding structure is not configured, naming the settings', () => {
    expect(problemsOf(() => read({}, {}))).toEqual([
      { code: 'METADATA_MISSING', location: 'OBX-5' },
      { code: 'METADATA_MISSING', location: 'OBX-5' },
    ]);
  });

  it('replaces by MDM^T10 the document TXA-13 names, and needs it', () => {
    const replace = (parentDocument: string) =>
      readReplacement(
        Hl7Message.parse(mdmT02({ ...PDF_MDM, event: 'T10', parentDocument })),
        OPTIONS,
      );
    expect(replace('CR-PDF-0000^^1.2.250.1.999.4.9^ISO').associations).toEqual([
      {
        type: 'RPLC',
        source: { ref: 'document' },
        target: { existingUniqueId: '1.2.250.1.999.4.9^CR-PDF-0000' },
      },
    ]);
    expect(problemsOf(() => replace(''))).toContainEqual({
      code: 'METADATA_MISSING',
      location: 'TXA-13',
    });
  });

  const PDF_ORU: R01Parts = {
    pdf: PDF,
    nir: NIR,
    observationId: 'CR-PDF-0002^^1.2.250.1.999.4.9^ISO',
    interpreter: '810000000017&MARTIN&Jeanne&&&Dr&&&ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO',
    reportTime: '20240312150000',
  };
  const readOru = (parts: Partial<R01Parts> = {}) =>
    readObservationResult(Hl7Message.parse(oruR01({ ...PDF_ORU, ...parts })), OPTIONS);

  it('reads an ORU^R01 PDF: OBR-4 type, OBX-21 id, OBR-32 author (else OBR-16), OBR-22/7 dates', () => {
    const [document] = readOru().documents;
    expect(document).toMatchObject({
      uniqueId: '1.2.250.1.999.4.9^CR-PDF-0002',
      mimeType: 'application/pdf',
      typeCode: { code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' },
      creationTime: new Date('2024-03-12T15:00:00Z'),
      serviceStartTime: new Date('2024-03-12T07:10:00Z'),
    });
    expect(document.authors[0].person).toEqual({
      id: '810000000017',
      assigningAuthority: '1.2.250.1.71.4.2.1',
      family: 'MARTIN',
      given: 'Jeanne',
      prefix: 'Dr',
    });
    const [ordered] = readOru({ interpreter: '', reportTime: '' }).documents;
    expect(ordered.authors[0].person).toEqual({ family: 'BLUE', given: 'Eva', prefix: 'DR' });
    expect(ordered.creationTime).toEqual(new Date('2024-03-12T07:10:00Z'));
  });

  it('refuses an ORU^R01 PDF without OBX-21, and a PDF correction (no TXA-13 in an ORU)', () => {
    expect(problemsOf(() => readOru({ observationId: '' }))).toContainEqual({
      code: 'METADATA_MISSING',
      location: 'OBX-21',
    });
    expect(problemsOf(() => readOru({ status: 'C' }))).toContainEqual({
      code: 'UNSUPPORTED_OPERATION',
      location: 'OBX-11',
    });
  });
});
