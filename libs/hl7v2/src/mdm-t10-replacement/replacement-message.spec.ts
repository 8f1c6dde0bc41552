import { Hl7Message } from '@medplum/core';
import { DomainError } from '@passerelle/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { T02Parts, mdmT02, replacing } from '../mdm-t02-original-document/mdm-t02.spec-support';
import { readReplacement } from './replacement-message';

const CDA = readFileSync(join(__dirname, '../../../../fixtures/cda/written/CR-BIO_lab-report.xml'));
const NIR = '184057512345625';
const PARENT = '1.2.250.1.999.4.1.2024.2^CRBIO-000122';

const read = (parts: Partial<T02Parts> = {}) =>
  readReplacement(
    Hl7Message.parse(mdmT02({ cda: replacing(CDA, PARENT), nir: NIR, event: 'T10', ...parts })),
    {},
  );

function problemsOf(parts: Partial<T02Parts>): { code: string; location?: string }[] {
  try {
    read(parts);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.details.map(({ code, location }) => ({ code, location }));
  }
  throw new Error('the message was accepted');
}

describe('MDM^T10 → ITI-41 submission replacing a document', () => {
  it('submits the new version with an RPLC association to the document its CDA replaces', () => {
    const draft = read({ parentDocument: '1.2.250.1.999.4.1.2024.2.CRBIO-000122' });
    expect(draft.documents[0].uniqueId).toBe('1.2.250.1.999.4.1.2024.3^CRBIO-000123');
    expect(draft.associations).toEqual([
      { type: 'RPLC', source: { ref: 'document' }, target: { existingUniqueId: PARENT } },
    ]);
  });

  it('refuses a CDA that names no replaced document', () => {
    expect(problemsOf({ cda: CDA })).toContainEqual({
      code: 'METADATA_MISSING',
      location: 'OBX-5',
    });
  });

  it('refuses a TXA-13 naming another document than the CDA’s', () => {
    expect(problemsOf({ parentDocument: '1.2.3^OTHER' })).toContainEqual({
      code: 'METADATA_INVALID',
      location: 'TXA-13',
    });
  });

  it('refuses a final result (OBX-11 F) in a replacement', () => {
    const text = mdmT02({ cda: replacing(CDA, PARENT), nir: NIR, event: 'T02' }).replace(
      'MDM^T02',
      'MDM^T10',
    );
    expect(() => readReplacement(Hl7Message.parse(text), {})).toThrow(/OBX-11 must be C/);
  });
});
