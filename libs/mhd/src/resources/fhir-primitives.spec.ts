import { excerpt, isMediaType } from '@passerelle/domain';
import { fhirInstant, isFhirDate, isFhirDateTime } from './fhir-datetime';

describe('FHIR primitives at the door', () => {
  it('takes dates and dateTimes that exist, at any precision', () => {
    expect(['2026', '2026-02', '2024-02-29'].every(isFhirDate)).toBe(true);
    expect(['2026-02-30', '2026-13', '2025-02-29', '26-01-01'].some(isFhirDate)).toBe(false);
    expect(
      ['2026-06-01T23:59:59.999Z', '2026-06-01T10:00+02:00', '2026-06-01'].every(isFhirDateTime),
    ).toBe(true);
    expect(
      ['2026-06-01T24:00:00Z', '2026-06-01T10:60Z', '2026-06-31T10:00Z', '2026-06-01T10'].some(
        isFhirDateTime,
      ),
    ).toBe(false);
  });

  it('never rolls an impossible day over into another', () => {
    expect(() => fhirInstant('2026-02-30T10:00:00Z', 'attachment.creation', 'ref')).toThrow(
      /not a FHIR dateTime/,
    );
    expect(fhirInstant('2026-02-28T10:00:00Z', 'attachment.creation', 'ref')).toEqual(
      new Date('2026-02-28T10:00:00Z'),
    );
  });

  it('takes RFC 6838 media types with parameters, nothing a header could be split with', () => {
    for (const type of ['application/pdf', 'text/plain; charset=UTF-8', 'application/fhir+json']) {
      expect(isMediaType(type)).toBe(true);
    }
    for (const type of ['x', 'text/plain\r\nX-Injected: 1', 'text /plain', '/pdf', 'a/b;c']) {
      expect(isMediaType(type)).toBe(false);
    }
  });

  it('quotes at most 100 characters of a value, saying how long it was', () => {
    expect(excerpt('short')).toBe('short');
    expect(excerpt('x'.repeat(5000))).toBe(`${'x'.repeat(100)}… (5000 characters)`);
  });
});
