import { hashPassword, passwordWeakness, verifyPassword } from './password-hashing';

describe('password hashing (scrypt)', () => {
  it('verifies the password it hashed, and nothing else', async () => {
    const stored = await hashPassword('Un-mot-de-passe-2026');
    expect(stored).toMatch(/^scrypt\$15\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('Un-mot-de-passe-2026', stored)).toBe(true);
    expect(await verifyPassword('Un-mot-de-passe-2025', stored)).toBe(false);
    expect(await verifyPassword('Un-mot-de-passe-2026', 'md5$abc')).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('Même-mot-de-passe-1')).not.toBe(
      await hashPassword('Même-mot-de-passe-1'),
    );
  });

  it.each([
    ['Court-1', 'au moins 12'],
    ['toutenminuscules', 'trois types'],
    ['lea@example.org-Secret1', 'identifiant'],
  ])('refuses %s (%s)', (password, why) => {
    expect(passwordWeakness(password, 'lea@example.org')).toContain(why);
  });

  it('accepts a long password of three kinds', () => {
    expect(passwordWeakness('Passerelle-2026-ok', 'lea@example.org')).toBeUndefined();
  });
});
