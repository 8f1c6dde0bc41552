import { copyLine } from './copy-rows';

describe('COPY text format', () => {
  it('escapes backslashes, tabs and newlines, writes NULL as \\N and bytea as \\\\x<hex>', () => {
    expect(copyLine(['a\tb\nc\r\\d', null, undefined, Buffer.from([0, 255]), 'é日本'])).toBe(
      'a\\tb\\nc\\r\\\\d\t\\N\t\\N\t\\\\x00ff\té日本\n',
    );
  });

  it('writes arrays as quoted literals, their quotes and backslashes escaped, NULL unquoted', () => {
    expect(copyLine([['x', 'say "hi"', 'back\\slash', null, 'a,b}']])).toBe(
      '{"x","say \\\\"hi\\\\"","back\\\\\\\\slash",NULL,"a,b}"}\n',
    );
  });

  it('writes booleans, numbers, dates (ISO, UTC) and objects (JSON) as PostgreSQL reads them', () => {
    const when = new Date('2026-12-03T10:00:00.123Z');
    expect(copyLine([true, false, 42, when, { note: 'tab\there', list: [1, 2] }])).toBe(
      't\tf\t42\t2026-12-03T10:00:00.123Z\t{"note":"tab\\\\there","list":[1,2]}\n',
    );
  });
});
