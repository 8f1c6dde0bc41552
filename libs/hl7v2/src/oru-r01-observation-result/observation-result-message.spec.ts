import { Hl7Message } from '@medplum/core';
import { DomainError, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mdmT02, replacing } from '../mdm-t02-original-document/mdm-t02.spec-support';
import { readOriginalDocument } from '../mdm-t02-original-document/original-document-message';
import { readObservationResult } from './observation-result-message';
import { R01Parts, oruR01 } from './oru-r01.spec-support';

const CDA = readFileSync(join(__dirname, '../../../../fixtures/cda/written/CR-BIO_lab-report.xml'));
const NIR = '184057512345625';

const read = (parts: Partial<R01Parts> = {}) =>
  readObservationResult(Hl7Message.parse(oruR01({ cda: CDA, nir: NIR, ...parts })), {});

function problemsOf(parts: Partial<R01Parts>): { code: string; location?: string }[] {
  try {
    read(parts);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.details.map(({ code, location }) => ({ code, location }));
  }
  throw new Error('the message was accepted');
}

describe('ORU^R01 → ITI-41 submission (the laboratory’s path)', () => {
  it('reads the report of the OBX ED as MDM^T02 reads the same CDA, the mail body aside', () => {
    const oru = read();
    const mdm = readOriginalDocument(
      Hl7Message.parse(mdmT02({ cda: CDA, nir: NIR, flags: { INVISIBLE_REP_LEGAUX: 'Y' } })),
      {},
    );
    const { ref: _oruRef, ...oruDocument } = oru.documents[0];
    const { ref: _mdmRef, ...mdmDocument } = mdm.documents[0];
    expect(oruDocument).toEqual(mdmDocument);
    expect(oruDocument.content?.equals(CDA)).toBe(true);
    expect(oruDocument.confidentialityCodes).toContainEqual({
      code: 'INVISIBLE_REPRESENTANTS_LEGAUX',
      codeSystem: RESTRICTION_CODE_SYSTEM,
    });
    expect(oru.submissionSet).toMatchObject({
      sourceId: '1.2.250.1.999.7',
      contentTypeCode: mdm.submissionSet.contentTypeCode,
    });
    expect(oru.associations).toEqual([]);
  });

  it('makes a corrected report (OBX-11 C) the replacement of the version its CDA names', () => {
    const parent = '1.2.250.1.999.4.1.2024.3^CRBIO-000001';
    const draft = read({ cda: replacing(CDA, parent), status: 'C' });
    expect(draft.associations).toEqual([
      { type: 'RPLC', source: { ref: 'document' }, target: { existingUniqueId: parent } },
    ]);
  });

  it.each<[string, Partial<R01Parts>, { code: string; location?: string }]>([
    ['no OBR', { withoutObr: true }, { code: 'METADATA_MISSING', location: 'OBR' }],
    [
      'an OBR-4 that is not the CDA type',
      { obrType: '18748-4' },
      { code: 'METADATA_INVALID', location: 'OBR-4' },
    ],
    [
      'OBX-5 that is not base64',
      { obx5: '^TEXT^XML^Base64^not*base64' },
      { code: 'MALFORMED_REQUEST', location: 'OBX-5' },
    ],
    [
      'a correction whose CDA names no replaced version',
      { status: 'C' },
      { code: 'METADATA_MISSING', location: 'OBX-5' },
    ],
    ['a deletion (that is MDM^T11’s)', { status: 'D' }, { code: 'UNSUPPORTED_OPERATION' }],
  ])('refuses %s', (_case, parts, problem) => {
    expect(problemsOf(parts)).toContainEqual(expect.objectContaining(problem));
  });
});
