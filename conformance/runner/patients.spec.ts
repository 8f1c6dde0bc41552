import { isValidNir } from './nir';
import { patientFor, patientVariables } from './patients';

describe('test patients', () => {
  it('draws well-formed test NIRs with their key, different each time', () => {
    const drawn = Array.from({ length: 50 }, () => patientFor({ record: 'open' }));
    for (const patient of drawn) {
      expect(isValidNir(patient.nir)).toBe(true);
      expect(patient.oid).toBe('1.2.250.1.213.1.4.10');
    }
    expect(new Set(drawn.map((patient) => patient.nir)).size).toBe(50);
  });

  it('keeps a fixed INS, and offers it in every form messages use', () => {
    const patient = patientFor({ record: 'open', nir: '162018885045327' });
    expect(new Map(patientVariables('dmp', patient))).toEqual(
      new Map([
        ['dmp.nir', '162018885045327'],
        ['dmp.oid', '1.2.250.1.213.1.4.10'],
        ['dmp.system', 'urn:oid:1.2.250.1.213.1.4.10'],
        ['dmp.token', 'urn:oid:1.2.250.1.213.1.4.10|162018885045327'],
        ['dmp.cx', '162018885045327^^^&1.2.250.1.213.1.4.10&ISO'],
      ]),
    );
  });
});
