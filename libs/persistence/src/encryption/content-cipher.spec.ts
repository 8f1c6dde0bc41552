import { randomBytes } from 'node:crypto';
import { openContent, sealContent } from './content-cipher';

describe('document content encrypted with the patient’s data key (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const address = { patientKey: '1^^^&1.2.250.1.213.1.4.10&ISO', contentId: 'c-1' };
  const bytes = Buffer.from('%PDF-1.4 compte rendu');

  it('opens to the same bytes, and never shows them', () => {
    const sealed = sealContent(key, address, bytes);
    expect(sealed.ciphertext.includes(Buffer.from('compte rendu'))).toBe(false);
    expect(sealed.ciphertext.length).toBe(bytes.length);
    expect(sealed.nonce.length).toBe(12);
    expect(sealed.authTag.length).toBe(16);
    expect(openContent(key, address, sealed).equals(bytes)).toBe(true);
  });

  it('draws a fresh nonce for every content, even the same bytes', () => {
    const first = sealContent(key, address, bytes);
    const second = sealContent(key, address, bytes);
    expect(first.nonce.equals(second.nonce)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
  });

  it.each([
    ['another patient', { ...address, patientKey: '2^^^&1.2.250.1.213.1.4.10&ISO' }, key],
    ['another content', { ...address, contentId: 'c-2' }, key],
    ['another key', address, randomBytes(32)],
  ])('refuses to open as %s', (_name, otherAddress, otherKey) => {
    const sealed = sealContent(key, address, bytes);
    expect(() => openContent(otherKey, otherAddress, sealed)).toThrow();
  });

  it('refuses a changed byte or tag', () => {
    const sealed = sealContent(key, address, bytes);
    const ciphertext = Buffer.from(sealed.ciphertext);
    ciphertext[0] ^= 1;
    expect(() => openContent(key, address, { ...sealed, ciphertext })).toThrow();
    const authTag = Buffer.from(sealed.authTag);
    authTag[15] ^= 1;
    expect(() => openContent(key, address, { ...sealed, authTag })).toThrow();
  });
});
