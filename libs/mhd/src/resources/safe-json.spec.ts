import { DomainError } from '@passerelle/domain';
import { MAX_JSON_DEPTH, refuseUnsafeJson } from './safe-json';

const refusal = (value: unknown) => {
  try {
    refuseUnsafeJson(value, 'body');
  } catch (error) {
    return error instanceof DomainError ? `${error.code}: ${error.message}` : String(error);
  }
  return 'accepted';
};

describe('refuseUnsafeJson', () => {
  it('accepts ordinary FHIR JSON, accents and paired surrogates included', () => {
    expect(refusal({ resourceType: 'Patient', name: [{ family: 'Hélène 😀' }] })).toBe('accepted');
  });

  it.each([
    [{ a: 'x\u0000y' }, 'MALFORMED_REQUEST: body.a holds a NUL character or an unpaired surrogate'],
    [
      { a: ['ok', 'lone \uD800'] },
      'MALFORMED_REQUEST: body.a.1 holds a NUL character or an unpaired surrogate',
    ],
    [
      { a: 'lone \uDC00 low' },
      'MALFORMED_REQUEST: body.a holds a NUL character or an unpaired surrogate',
    ],
    [
      { 'k\u0000': 1 },
      'MALFORMED_REQUEST: body has a key holding a NUL character or an unpaired surrogate',
    ],
  ])('refuses %j', (value, expected) => {
    expect(refusal(value)).toBe(expected);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels, even 10,000 deep, without overflowing`, () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown;
    expect(refusal(deep)).toBe(
      `MALFORMED_REQUEST: body is nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
    let justDeepEnough: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i += 1) justDeepEnough = [justDeepEnough];
    expect(refusal(justDeepEnough)).toBe('accepted');
  });

  it('quotes at most about 160 characters of where', () => {
    const key = 'k'.repeat(500);
    expect(refusal({ [key]: '\u0000' }).length).toBeLessThan(200);
  });
});
