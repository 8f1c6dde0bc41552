import { formatDtm, formatXcn, formatXon, parseDtm, parseXcn, parseXon } from './hl7v2';

describe('HL7 v2 value types of XDS metadata', () => {
  it('reads DTM at every precision, in UTC, and refuses impossible dates', () => {
    expect(parseDtm('2004')).toEqual(new Date('2004-01-01T00:00:00Z'));
    expect(parseDtm('20041224')).toEqual(new Date('2004-12-24T00:00:00Z'));
    expect(parseDtm('20041224235950')).toEqual(new Date('2004-12-24T23:59:50Z'));
    expect(parseDtm('20040231')).toBeUndefined();
    expect(parseDtm('2004-12-24')).toBeUndefined();
    expect(formatDtm(new Date('2004-12-24T23:59:50.123Z'))).toBe('20041224235950');
  });

  it('reads and writes the DMP forms of XCN (authorPerson) and XON (authorInstitution)', () => {
    const person = parseXcn('899700367909^DOC0036790^KIT^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS');
    expect(person).toEqual({
      id: '899700367909',
      family: 'DOC0036790',
      given: 'KIT',
      prefix: undefined,
      assigningAuthority: '1.2.250.1.71.4.2.1',
    });
    expect(parseXcn(formatXcn(person))).toEqual(person);
    const institution = parseXon('BCOM^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^499700367909006');
    expect(institution).toEqual({
      name: 'BCOM',
      assigningAuthority: '1.2.250.1.71.4.2.2',
      id: '499700367909006',
    });
    expect(parseXon(formatXon(institution))).toEqual(institution);
  });
});

describe('parseDtm', () => {
  it.each([
    ['2026', '2026-01-01T00:00:00.000Z'],
    ['20240229', '2024-02-29T00:00:00.000Z'],
    ['20261231235959', '2026-12-31T23:59:59.000Z'],
    [' 202612 ', '2026-12-01T00:00:00.000Z'],
  ])('reads %j', (value, iso) => {
    expect(parseDtm(value)?.toISOString()).toBe(iso);
  });

  it.each([
    '20260230',
    '20261301',
    '20260100',
    '2026010124',
    '202601012360',
    '20260101235960',
    '2026-01-01',
    '202',
    `2026${'0'.repeat(100)}`,
  ])('refuses %j instead of rolling it over', (value) => {
    expect(parseDtm(value)).toBeUndefined();
  });
});
