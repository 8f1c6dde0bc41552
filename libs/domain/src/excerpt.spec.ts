import { EXCERPT_LENGTH, excerpt } from './excerpt';

describe('excerpt', () => {
  it('quotes a short value whole', () => {
    expect(excerpt('text/plain')).toBe('text/plain');
    expect(excerpt('x'.repeat(EXCERPT_LENGTH))).toBe('x'.repeat(EXCERPT_LENGTH));
  });

  it('quotes the start of a long value and says how long it is', () => {
    expect(excerpt('x'.repeat(60_000_000))).toBe(`${'x'.repeat(100)}… (60000000 characters)`);
  });

  it('does not cut a character outside the BMP in two', () => {
    const quoted = excerpt(`${'x'.repeat(99)}😀${'y'.repeat(10)}`);
    expect(quoted.startsWith(`${'x'.repeat(99)}…`)).toBe(true);
  });

  it('quotes a value of another kind as text (unvalidated JSON)', () => {
    expect(excerpt(42)).toBe('42');
    expect(excerpt({})).toBe('[object Object]');
    expect(excerpt(null)).toBe('null');
  });
});
