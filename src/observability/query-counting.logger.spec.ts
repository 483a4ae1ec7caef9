import { stripVTControlCharacters } from 'node:util';
import type { Logger } from 'typeorm';
import { QueryCountingLogger } from './query-counting.logger';

function printer(): jest.Mocked<Logger> {
  return {
    logQuery: jest.fn(),
    logQueryError: jest.fn(),
    logQuerySlow: jest.fn(),
    logSchemaBuild: jest.fn(),
    logMigration: jest.fn(),
    log: jest.fn(),
  };
}

describe('QueryCountingLogger', () => {
  it('counts every statement sent, and failed ones apart', () => {
    const logger = new QueryCountingLogger({ logSql: false }, printer());
    expect(logger.queries).toBe(0);
    logger.logQuery('SELECT 1');
    logger.logQuery('SELECT $1', [2]);
    logger.logQueryError(new Error('boom'), 'SELECT nope');
    expect(logger.queries).toBe(2);
    expect(logger.queryErrors).toBe(1);
  });

  it('leaves the decision to print to a printer built from LOG_SQL', () => {
    const quiet = printer();
    const logger = new QueryCountingLogger({ logSql: false }, quiet);
    logger.logQuery('SELECT 1', [], undefined);
    logger.logMigration('ran');
    expect(quiet.logQuery).toHaveBeenCalledWith('SELECT 1', [], undefined);
    expect(quiet.logMigration).toHaveBeenCalledWith('ran', undefined);
  });

  it('prints statements only when LOG_SQL is on', () => {
    const lines: unknown[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    try {
      // TypeORM colours SQL when the terminal (or CI) supports it: compare the text only.
      const printed = () => stripVTControlCharacters(lines.join('\n'));
      new QueryCountingLogger({ logSql: false }).logQuery('SELECT 41');
      expect(printed()).not.toContain('SELECT 41');
      new QueryCountingLogger({ logSql: true }).logQuery('SELECT 42');
      expect(printed()).toContain('SELECT 42');
    } finally {
      spy.mockRestore();
    }
  });
});
