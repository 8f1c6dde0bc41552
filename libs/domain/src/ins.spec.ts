import { DomainError } from './errors';
import { INS_OID, PatientId, assertValidNir, nirWithKey } from './ins';

describe('INS', () => {
  it('accepts a NIR whose key is 97 − (NIR mod 97)', () => {
    expect(() => assertValidNir('277069912345674')).not.toThrow();
    expect(nirWithKey('2770699123456')).toBe('277069912345674');
  });

  it('computes Corsican keys with 2A → 19 and 2B → 18', () => {
    const corsicaA = nirWithKey('185052A123456');
    const corsicaB = nirWithKey('185052B123456');
    expect(() => assertValidNir(corsicaA)).not.toThrow();
    expect(() => assertValidNir(corsicaB)).not.toThrow();
    expect(corsicaA.slice(13)).toBe(String(97 - Number(1850519123456n % 97n)).padStart(2, '0'));
    expect(corsicaB.slice(13)).toBe(String(97 - Number(1850518123456n % 97n)).padStart(2, '0'));
  });

  it('refuses a wrong key and malformed matricules', () => {
    expect(() => assertValidNir('277069912345675')).toThrow(/wrong key/);
    expect(() => assertValidNir('27706991234567')).toThrow(/13 characters/);
    expect(() => assertValidNir('977069912345674')).toThrow(DomainError);
    expect(() => assertValidNir('2770699A2345674')).toThrow(DomainError);
  });

  it('accepts the INS-NIR, NIA, test and demo authorities and refuses the retired INS-C', () => {
    for (const oid of [INS_OID.NIR, INS_OID.NIA, INS_OID.NIR_TEST, INS_OID.NIR_DEMO]) {
      expect(PatientId.of(oid, '277069912345674').key).toBe(`277069912345674^^^&${oid}&ISO`);
    }
    expect(() => PatientId.of(INS_OID.INS_C_RETIRED, '277069912345674')).toThrow(/retired/);
    expect(() => PatientId.of('1.2.3', '277069912345674')).toThrow(/Unknown INS/);
  });

  it('parses the XDS CX form, with or without ^NH', () => {
    const id = PatientId.fromCx('277069912345674^^^&1.2.250.1.213.1.4.8&ISO^NH');
    expect(
      id.equals(PatientId.fromFhirIdentifier('urn:oid:1.2.250.1.213.1.4.8', '277069912345674')),
    ).toBe(true);
    expect(() => PatientId.fromCx('277069912345674')).toThrow(/NIR\^\^\^&OID&ISO/);
  });
});
