import { decodeBase64Strict } from './base64';

describe('decodeBase64Strict', () => {
  it.each([
    ['', ''],
    ['QQ==', 'A'],
    ['QUI=', 'AB'],
    ['QUJD', 'ABC'],
    ['QUJD\r\nREVG', 'ABCDEF'],
    ['  QUJD\n\tREVG  ', 'ABCDEF'],
  ])('decodes %j', (input, expected) => {
    expect(decodeBase64Strict(input)?.toString('latin1')).toBe(expected);
  });

  it('decodes bytes as well as text, the same way as Node for valid input', () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
    const encoded = Buffer.from(bytes.toString('base64'));
    expect(decodeBase64Strict(encoded)).toEqual(bytes);
  });

  it.each([
    ['a character outside the alphabet', 'QU*D'],
    ['a URL-safe character', 'QU-D'],
    ['a non-ASCII letter', 'QUéD'],
    ['a NUL', 'QU\u0000D'],
    ['padding in the middle', 'QQ==QUJD'],
    ['too much padding', 'QQ==='],
    ['missing padding', 'QQ'],
    ['a lone character', 'QUJDR'],
    ['padding alone', '===='],
    ['stray bits before the padding', 'QR=='],
    ['stray bits before one pad', 'QUJ='],
  ])('refuses %s', (_, input) => {
    expect(decodeBase64Strict(input)).toBeUndefined();
  });
});
