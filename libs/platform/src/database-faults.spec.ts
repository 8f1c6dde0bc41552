import { isDatabaseUnavailable } from './database-faults';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('database faults that a retry may cure', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['an administrator shutdown (57P01)', withCode('57P01')],
    ['a database starting up (57P03)', withCode('57P03')],
    ['a connection failure (08006)', withCode('08006')],
    ['no connection slot left (53300)', withCode('53300')],
    ['a connection ended mid-query', new Error('Connection terminated unexpectedly')],
    ['no connection within the timeout', new Error('timeout exceeded when trying to connect')],
    [
      'a driver error wrapped by TypeORM',
      Object.assign(new Error('Query failed'), { driverError: withCode('57P01') }),
    ],
    ['an error given as cause', new Error('outer', { cause: withCode('ECONNRESET') })],
  ])('counts %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a syntax error (42601)', withCode('42601')],
    ['a plain error', new Error('something else')],
    ['a non-error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('does not count %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
