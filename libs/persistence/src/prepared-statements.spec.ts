import { StatementNames } from './prepared-statements';

describe('StatementNames', () => {
  it('names a data statement the second time it is seen, and keeps that name', () => {
    const names = new StatementNames();
    const text = 'SELECT * FROM t WHERE id = $1';
    expect(names.nameOf(text)).toBeUndefined();
    const name = names.nameOf(text);
    expect(name).toMatch(/^passerelle_\d+$/);
    expect(names.nameOf(text)).toBe(name);
  });

  it('gives two texts two names', () => {
    const names = new StatementNames();
    const texts = ['SELECT $1', 'WITH x AS (SELECT $1) SELECT * FROM x'];
    for (const text of [...texts, ...texts]) names.nameOf(text);
    expect(new Set(texts.map((text) => names.nameOf(text))).size).toBe(2);
  });

  it('leaves statements that are not data statements, and texts too long, unnamed', () => {
    const names = new StatementNames(10, 40);
    for (const text of ['CREATE TABLE t (a int)', `SELECT ${'x'.repeat(50)}`]) {
      names.nameOf(text);
      expect(names.nameOf(text)).toBeUndefined();
    }
  });

  it('names no more than its bound: later shapes are planned each time', () => {
    const names = new StatementNames(2);
    const texts = ['SELECT $1', 'SELECT $2', 'SELECT $3'];
    for (const text of [...texts, ...texts]) names.nameOf(text);
    expect(texts.map((text) => names.nameOf(text) !== undefined)).toEqual([true, true, false]);
  });

  it('still names a statement that recurs after many one-offs', () => {
    const names = new StatementNames(4);
    for (let index = 0; index < 100; index++) names.nameOf(`SELECT $1 /* once ${index} */`);
    names.nameOf('SELECT $1 /* hot */');
    expect(names.nameOf('SELECT $1 /* hot */')).toBeDefined();
  });
});
