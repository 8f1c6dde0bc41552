import { randomBytes } from 'node:crypto';
import { CodeHasher, activationCode, oneTimeCode } from './codes';

describe('codes', () => {
  it('makes 6-digit one-time codes and XXXXX-XXXXX activation codes', () => {
    for (let i = 0; i < 200; i += 1) {
      expect(oneTimeCode()).toMatch(/^\d{6}$/);
      expect(activationCode()).toMatch(/^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/);
    }
  });

  it('compares codes by keyed hash, forgiving case, spaces and dashes', () => {
    const hasher = new CodeHasher(randomBytes(32));
    const hash = hasher.hash('ABCDE-FGHJK');
    expect(hasher.matches('abcde fghjk', hash)).toBe(true);
    expect(hasher.matches('ABCDEFGHJK', hash)).toBe(true);
    expect(hasher.matches('ABCDE-FGHJM', hash)).toBe(false);
    expect(new CodeHasher(randomBytes(32)).matches('ABCDE-FGHJK', hash)).toBe(false);
  });
});
