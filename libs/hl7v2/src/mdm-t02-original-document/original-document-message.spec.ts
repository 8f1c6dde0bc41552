import { Hl7Message } from '@medplum/core';
import { DomainError, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { T02Parts, mdmT02 } from './mdm-t02.spec-support';
import { readOriginalDocument } from './original-document-message';

const CDA = readFileSync(join(__dirname, '../../../../fixtures/cda/written/CR-BIO_lab-report.xml'));
const NIR = '184057512345625';
const CDA_ID = '1.2.250.1.999.4.1.2024.3^CRBIO-000123';

const read = (parts: Partial<T02Parts> = {}) =>
  readOriginalDocument(Hl7Message.parse(mdmT02({ cda: CDA, nir: NIR, ...parts })), {});

function problemsOf(parts: Partial<T02Parts>): { code: string; location?: string }[] {
  try {
    read(parts);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.details.map(({ code, location }) => ({ code, location }));
  }
  throw new Error('the message was accepted');
}

describe('MDM^T02 → ITI-41 submission', () => {
  it('takes the patient from PID-3, the document and its metadata from the CDA in OBX-5', () => {
    const draft = read({ txaUniqueId: '1.2.250.1.999.4.1.2024.3.CRBIO-000123' });
    const [document] = draft.documents;
    expect(document.content?.equals(CDA)).toBe(true);
    expect(document.patientId?.value).toBe(NIR);
    expect(document.uniqueId).toBe(CDA_ID);
    expect(document.typeCode?.code).toBe('11502-2');
    expect(document.classCode?.code).toBeDefined();
    expect(document.formatCode?.code).toBeDefined();
    expect(document.mimeType).toBe('text/xml');
    expect(document.confidentialityCodes).toEqual([
      expect.objectContaining({ code: 'N', codeSystem: '2.16.840.1.113883.5.25' }),
    ]);
    expect(draft.submissionSet).toMatchObject({
      sourceId: '1.2.250.1.999.7',
      patientId: document.patientId,
      contentTypeCode: expect.objectContaining({ code: expect.any(String) }),
    });
    expect(draft.submissionSet.submissionTime?.toISOString()).toBe('2024-03-12T14:35:00.000Z');
  });

  it('maps the volet’s Y flags to DMP restriction codes beside the confidentiality level', () => {
    const draft = read({ flags: { MASQUE_PS: 'Y', INVISIBLE_REP_LEGAUX: 'Y' } });
    expect(draft.documents[0].confidentialityCodes.slice(1)).toEqual([
      { code: 'MASQUE_PS', codeSystem: RESTRICTION_CODE_SYSTEM },
      { code: 'INVISIBLE_REPRESENTANTS_LEGAUX', codeSystem: RESTRICTION_CODE_SYSTEM },
    ]);
  });

  it('makes the same SubmissionSet of the same message, another of another control id', () => {
    const first = read().submissionSet.uniqueId;
    expect(read().submissionSet.uniqueId).toBe(first);
    expect(first).toMatch(/^2\.25\.\d+$/);
    expect(read({ controlId: 'MSG-0002' }).submissionSet.uniqueId).not.toBe(first);
  });

  it.each<[string, Partial<T02Parts>, { code: string; location?: string }]>([
    ['a PID-3 without INS', { insOid: '1.2.3.4' }, { code: 'METADATA_MISSING', location: 'PID-3' }],
    [
      'another patient than the CDA’s',
      { nir: '277069912345674' },
      { code: 'PATIENT_ID_MISMATCH', location: 'PID-3' },
    ],
    [
      'a TXA-2 that is not the CDA type',
      { typeCode: '18748-4' },
      { code: 'METADATA_INVALID', location: 'TXA-2' },
    ],
    [
      'a TXA-12 naming another document',
      { txaUniqueId: '1.2.3^OTHER' },
      { code: 'METADATA_INVALID', location: 'TXA-12' },
    ],
    [
      'OBX-5 that is not base64',
      { obx5: '^text^XML^Base64^not*base64' },
      { code: 'MALFORMED_REQUEST', location: 'OBX-5' },
    ],
    [
      'an ED that is neither a CDA nor a PDF',
      { obx5: '^AP^MSWORD^Base64^JVBERi0=' },
      { code: 'UNSUPPORTED_MEDIA_TYPE', location: 'OBX-5' },
    ],
    [
      'data said to be a PDF that is not one',
      { obx5: `^AP^PDF^Base64^${Buffer.from('<ClinicalDocument/>').toString('base64')}` },
      { code: 'INVALID_RESOURCE', location: 'OBX-5' },
    ],
    [
      'XML that is not well-formed',
      { obx5: `^text^XML^Base64^${Buffer.from('<ClinicalDocument').toString('base64')}` },
      { code: 'MALFORMED_REQUEST', location: 'OBX-5' },
    ],
    [
      'no sending application OID',
      { sendingApplication: 'SIL-TEST' },
      { code: 'METADATA_MISSING', location: 'MSH-3' },
    ],
  ])('refuses %s', (_case, parts, problem) => {
    expect(problemsOf(parts)).toContainEqual(problem);
  });
});
