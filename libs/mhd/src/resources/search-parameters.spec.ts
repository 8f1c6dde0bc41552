import { documentSearchFrom } from '../iti-67-find-document-references/find-document-references';
import { dateRange, knownParameters, searchHandlingOf } from './search-parameters';

const patient = 'urn:oid:1.2.250.1.213.1.4.10|277069912345674';

describe('ITI-67 search parameters', () => {
  it('turns FHIR date prefixes of any precision into half-open ranges', () => {
    expect(dateRange(['2026-06'], 'date')).toEqual({
      from: new Date('2026-06-01T00:00:00Z'),
      to: new Date('2026-07-01T00:00:00Z'),
    });
    expect(dateRange(['ge2026-01-01', 'lt2026-02-01'], 'date')).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T00:00:00Z'),
    });
    expect(dateRange(['gt2026'], 'date')).toEqual({
      from: new Date('2027-01-01T00:00:00Z'),
      to: undefined,
    });
    expect(() => dateRange(['2026-13-45x'], 'date')).toThrow(/FHIR date/);
  });

  it('maps tokens to code filters (OR within a parameter, AND across event parameters)', () => {
    const { patientKey, filter: query } = documentSearchFrom(
      {
        'patient.identifier': patient,
        type: 'http://loinc.org|11488-4,18842-5',
        event: ['a', 'b'],
        status: 'current',
      },
      100,
    );
    expect(query.typeCodes).toEqual([
      { code: '11488-4', codeSystem: '2.16.840.1.113883.6.1' },
      { code: '18842-5' },
    ]);
    expect(query.eventCodes).toEqual([[{ code: 'a' }], [{ code: 'b' }]]);
    expect(query.statuses).toEqual(['Approved', 'Archived']);
    expect(patientKey).toBe('277069912345674^^^&1.2.250.1.213.1.4.10&ISO');
  });

  it('reads the PDSm parameters: period-start, period-end and isArchived', () => {
    const filter = (extra: Record<string, string>) =>
      documentSearchFrom({ 'patient.identifier': patient, ...extra }, 100).filter;
    expect(filter({ 'period-start': 'ge2026-01-01', 'period-end': 'lt2026-02' })).toMatchObject({
      serviceStartTime: { from: new Date('2026-01-01T00:00:00Z') },
      serviceStopTime: { to: new Date('2026-02-01T00:00:00Z') },
    });
    expect(filter({ isArchived: 'true' }).statuses).toEqual(['Archived']);
    expect(filter({ isArchived: 'false' }).statuses).toEqual(['Approved', 'Deprecated', 'Deleted']);
    expect(filter({ isArchived: 'false', status: 'current' }).statuses).toEqual(['Approved']);
    expect(() => filter({ isArchived: 'yes' })).toThrow(/isArchived must be true or false/);
  });

  it('caps _count, requires the patient and refuses unknown parameters', () => {
    expect(
      documentSearchFrom({ 'patient.identifier': patient, _count: '5000' }, 100).page.limit,
    ).toBe(100);
    expect(() => documentSearchFrom({}, 100)).toThrow(/needs the patient/);
    expect(() => knownParameters({ colour: 'red', _count: '5' }, ['patient'], 'strict')).toThrow(
      /Unsupported search parameter\(s\): colour/,
    );
  });

  it('leaves unknown parameters out under handling=lenient, modifiers of known ones kept', () => {
    expect(
      knownParameters(
        { colour: 'red', 'patient:identifier': 'x', _count: '5', 'shape:exact': 'round' },
        ['patient'],
        'lenient',
      ),
    ).toEqual({ 'patient:identifier': 'x', _count: '5' });
  });

  it.each([
    [undefined, 'strict'],
    ['handling=lenient', 'lenient'],
    ['return=minimal, handling = lenient', 'lenient'],
    ['respond-async; handling=lenient', 'lenient'],
    ['handling=strict', 'strict'],
    [['return=minimal', 'handling=lenient'], 'lenient'],
  ])('reads Prefer %s as handling=%s', (prefer, handling) => {
    expect(searchHandlingOf(prefer)).toBe(handling);
  });
});
