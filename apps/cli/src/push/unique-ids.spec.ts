import { PatientId, nirWithKey } from '@passerelle/domain';
import {
  freshSubmissionSetUniqueId,
  isOid,
  isUsableUniqueIdRoot,
  stableDocumentUniqueId,
} from './unique-ids';

const TEST_INS = '1.2.250.1.213.1.4.10';
const patient = PatientId.of(TEST_INS, nirWithKey('2770699123456'));
const other = PatientId.of(TEST_INS, nirWithKey('1840575123456'));
const bytes = Buffer.from('%PDF-1.7 compte rendu');

describe('unique ids', () => {
  it('gives the same bytes of the same patient the same OID, under the chosen root', () => {
    const id = stableDocumentUniqueId('2.25', patient, bytes);
    expect(id).toBe(stableDocumentUniqueId('2.25', patient, Buffer.from(bytes)));
    expect(isOid(id)).toBe(true);
    expect(id.length).toBeLessThanOrEqual(64);
    expect(stableDocumentUniqueId('1.2.250.1.999.42', patient, bytes)).toMatch(
      /^1\.2\.250\.1\.999\.42\.\d+$/,
    );
  });

  it('gives other bytes, or another patient, another OID', () => {
    const id = stableDocumentUniqueId('2.25', patient, bytes);
    expect(stableDocumentUniqueId('2.25', patient, Buffer.from('%PDF-1.7 autre'))).not.toBe(id);
    expect(stableDocumentUniqueId('2.25', other, bytes)).not.toBe(id);
  });

  it('shapes the hash as a version-8 UUID, as 2.25 requires', () => {
    const integer = BigInt(stableDocumentUniqueId('2.25', patient, bytes).slice('2.25.'.length));
    const hex = integer.toString(16).padStart(32, '0');
    expect(hex[12]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(hex[16]);
  });

  it('makes a new SubmissionSet id each time', () => {
    const first = freshSubmissionSetUniqueId();
    expect(isOid(first)).toBe(true);
    expect(freshSubmissionSetUniqueId()).not.toBe(first);
  });

  it('accepts a root only when an id still fits in 64 characters', () => {
    expect(isUsableUniqueIdRoot('1.2.250.1.999.42')).toBe(true);
    expect(isUsableUniqueIdRoot('1.2.250.1.999.42.123456789.1')).toBe(false);
    expect(isUsableUniqueIdRoot('1.2.x')).toBe(false);
  });
});
