import { isMediaType, safeMediaType } from './media-type';

describe('isMediaType (RFC 6838 names, RFC 9110 parameters)', () => {
  it.each([
    'text/plain',
    'application/pdf',
    'application/fhir+json',
    'application/vnd.ms-excel',
    'text/plain; charset=UTF-8',
    'text/plain;charset=utf-8;format=flowed',
    'multipart/related; type="application/xop+xml"; boundary="a; b"',
  ])('accepts %s', (value) => {
    expect(isMediaType(value)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['no subtype', 'text'],
    ['an empty subtype', 'text/'],
    ['a space in the name', 'text/ plain'],
    ['a CRLF (header injection)', 'text/plain\r\nX-Injected: 1'],
    ['a bare LF', 'text/plain\n'],
    ['a NUL', 'text/plain\u0000'],
    ['a parameter without value', 'text/plain; charset'],
    ['an unterminated quoted value', 'text/plain; a="b'],
    ['a non-ASCII character', 'text/plaîn'],
    ['a name starting with a symbol', '+text/plain'],
    ['a huge value', `text/${'x'.repeat(60_000)}`],
    ['a number (unvalidated JSON)', 42],
    ['null', null],
  ])('refuses %s', (_, value) => {
    expect(isMediaType(value)).toBe(false);
  });

  it('falls back to opaque bytes for what cannot be written into a header', () => {
    expect(safeMediaType('text/plain')).toBe('text/plain');
    expect(safeMediaType('text/plain\r\nX-Injected: 1')).toBe('application/octet-stream');
    expect(safeMediaType(undefined)).toBe('application/octet-stream');
  });
});
