import { databaseFaultOf } from './database-fault';

describe('databaseFaultOf', () => {
  const pgError = (code: string) => Object.assign(new Error('x'), { code });
  const typeorm = (driverError: unknown) => Object.assign(new Error('query failed'), { driverError });

  it.each([
    ['admin shutdown (a restart)', pgError('57P01'), 'DATABASE_UNAVAILABLE'],
    ['starting up', pgError('57P03'), 'DATABASE_UNAVAILABLE'],
    ['connection failure', pgError('08006'), 'DATABASE_UNAVAILABLE'],
    ['too many connections', pgError('53300'), 'DATABASE_UNAVAILABLE'],
    ['refused socket', pgError('ECONNREFUSED'), 'DATABASE_UNAVAILABLE'],
    ['statement timeout', pgError('57014'), 'DATABASE_TIMEOUT'],
    ['wrapped by TypeORM', typeorm(pgError('57014')), 'DATABASE_TIMEOUT'],
    ['a broken socket', new Error('Connection terminated unexpectedly'), 'DATABASE_UNAVAILABLE'],
    ['no pooled connection in time', new Error('timeout exceeded when trying to connect'), 'DATABASE_UNAVAILABLE'],
    ['client-side query timeout', new Error('Query read timeout'), 'DATABASE_TIMEOUT'],
    [
      'Redis after its retries',
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
      'CACHE_UNAVAILABLE',
    ],
    ['Redis gone', new Error('Connection is closed.'), 'CACHE_UNAVAILABLE'],
  ])('%s', (_name, error, fault) => {
    expect(databaseFaultOf(error)).toBe(fault);
  });

  it.each([
    ['a unique violation', typeorm(pgError('23505'))],
    ['a syntax error', pgError('42601')],
    ['a bug', new TypeError('x is undefined')],
    [
      'a failed fetch whose cause is refused',
      Object.assign(new TypeError('fetch failed'), { cause: pgError('ECONNREFUSED') }),
    ],
    ['nothing', undefined],
  ])('not %s', (_name, error) => {
    expect(databaseFaultOf(error)).toBeNull();
  });
});
