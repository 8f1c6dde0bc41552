import { isValidNir, nirKey, nirWithKey } from './nir';

describe('INS-NIR key', () => {
  it('is 97 − (number mod 97), two digits', () => {
    // 2 69 05 49 588 157 80: the example INSEE gives of a NIR and its key.
    expect(nirKey('2690549588157')).toBe('80');
    expect(nirWithKey('1620188850453')).toBe('162018885045327');
    // 1000000000038 mod 97 = 88: a key below 10 keeps its leading zero.
    expect(nirKey('1000000000038')).toBe('09');
  });

  it('counts Corsica 2A as 19 and 2B as 18', () => {
    expect(nirWithKey('185022a123456')).toBe('185022A12345682');
    expect(nirKey('185022B123456')).toBe('12');
    expect(nirKey('185022A123456')).toBe(nirKey('1850219123456'));
  });

  it('tells a NIR with its key from a wrong key or a malformed one', () => {
    expect(isValidNir('269054958815780')).toBe(true);
    expect(isValidNir('185022B12345612')).toBe(true);
    expect(isValidNir('269054958815781')).toBe(false);
    expect(isValidNir('469054958815780')).toBe(false);
    expect(isValidNir('2690549588157')).toBe(false);
    expect(() => nirKey('26905495881X7')).toThrow('Not the 13 first characters of a NIR');
  });
});
