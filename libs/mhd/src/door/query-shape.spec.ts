import { DomainError } from '@passerelle/domain';
import type { SearchParameter } from './fhir-transaction';
import { MAX_QUERY_VALUE, refuseBadPercentEncoding, refuseMalformedQuery } from './query-shape';

const SEARCH: readonly SearchParameter[] = [
  { name: 'date', type: 'date' },
  { name: 'type', type: 'token' },
  { name: 'author.family', type: 'string' },
];

function refusal(check: () => void): DomainError {
  try {
    check();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('not refused');
}

describe('query parameters parsed by kind', () => {
  it('lets well-formed values of each kind through', () => {
    expect(() =>
      refuseMalformedQuery(
        {
          date: ['ge2026-02-28', 'lt2026-03-01T10:30:00+01:00', 'sa2024'],
          type: 'http://loinc.org|11488-4,18842-5',
          'author.family': 'MARTIN',
          _count: '10',
        },
        SEARCH,
      ),
    ).not.toThrow();
  });

  it('names every parameter in error, each in its own issue', () => {
    const error = refusal(() =>
      refuseMalformedQuery(
        { date: ['2026-02-30', 'xx2026'], type: '|', _count: '1e9', _offset: '-1' },
        SEARCH,
      ),
    );
    expect(error.catalogue.httpStatus).toBe(400);
    expect(error.details.map((detail) => detail.location)).toEqual([
      'query.date',
      'query.date',
      'query.type',
      'query._count',
      'query._offset',
    ]);
  });

  it('refuses impossible times and months, whatever the prefix', () => {
    for (const date of ['le2026-01-01T25:00:00Z', 'ge2026-13-01', 'eq2025-02-29', '2026-1-1']) {
      expect(() => refuseMalformedQuery({ date }, SEARCH)).toThrow(/a date that exists/);
    }
  });

  it('refuses a value longer than any search needs, quoting none of it', () => {
    const error = refusal(() =>
      refuseMalformedQuery({ 'author.family': 'x'.repeat(MAX_QUERY_VALUE + 1) }, SEARCH),
    );
    expect(error.message).toBe(`author.family is longer than ${MAX_QUERY_VALUE} characters (1025)`);
  });

  it('refuses a query that is not percent-encoded UTF-8, but not a path escape', () => {
    expect(() => refuseBadPercentEncoding('/fhir/DocumentReference?type=%E9')).toThrow(
      /not valid percent-encoding/,
    );
    expect(() => refuseBadPercentEncoding('/fhir/DocumentReference?type=%ZZ')).toThrow(
      /not valid percent-encoding/,
    );
    expect(() => refuseBadPercentEncoding('/fhir/DocumentReference?type=%C3%A9+x')).not.toThrow();
  });
});
