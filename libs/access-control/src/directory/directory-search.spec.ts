import { nameWords, professionalIdNat, searchName } from './directory-search';

describe('the directory search’s words', () => {
  it('lowers case, drops accents and ligatures, splits on anything but letters and digits', () => {
    expect(nameWords('Marie-Hélène')).toEqual(['marie', 'helene']);
    expect(nameWords("D'ŒUVRE-LÆTITIA  Straße")).toEqual(['d', 'oeuvre', 'laetitia', 'strasse']);
    expect(nameWords('CENTRE HOSPITALIER (TEST) n°2')).toEqual([
      'centre',
      'hospitalier',
      'test',
      'n',
      '2',
    ]);
    expect(nameWords(' -. ')).toEqual([]);
  });

  it('sorts a name by its words, family names first', () => {
    expect(searchName('DUPRÉ-LAFORÊT', 'Marie-Hélène')).toBe('dupre laforet marie helene');
    expect(searchName(undefined)).toBe('');
  });

  it('reads an 11-digit RPPS as the idNat_PS `8`+RPPS, any other identifier as an idNat', () => {
    expect(professionalIdNat('10000000017')).toBe('810000000017');
    expect(professionalIdNat('810000000017')).toBe('810000000017');
    expect(professionalIdNat('0759912345')).toBe('0759912345');
  });
});
