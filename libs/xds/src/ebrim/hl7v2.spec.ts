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
