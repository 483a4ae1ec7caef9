import { AdvancedConsoleLogger } from 'typeorm';
import type { Logger, LoggerOptions, QueryRunner } from 'typeorm';

/**
 * The DataSource's logger: counts every SQL statement sent (the `/metrics` figure that
 * proves a page costs a handful of queries, whatever it holds) and prints only what the
 * configuration asks for — every statement with LOG_SQL, otherwise failed ones only.
 */
export class QueryCountingLogger implements Logger {
  private sent = 0;
  private failed = 0;
  private readonly console: Logger;

  constructor(options: { logSql: boolean }, printer?: Logger) {
    const printed: LoggerOptions = options.logSql ? 'all' : ['error'];
    this.console = printer ?? new AdvancedConsoleLogger(printed);
  }

  /** Statements sent since the DataSource was built, failed ones included. */
  get queries(): number {
    return this.sent;
  }

  get queryErrors(): number {
    return this.failed;
  }

  logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.sent++;
    this.console.logQuery(query, parameters, queryRunner);
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.failed++;
    this.console.logQueryError(error, query, parameters, queryRunner);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.console.logQuerySlow(time, query, parameters, queryRunner);
  }

  logSchemaBuild(message: string, queryRunner?: QueryRunner): void {
    this.console.logSchemaBuild(message, queryRunner);
  }

  logMigration(message: string, queryRunner?: QueryRunner): void {
    this.console.logMigration(message, queryRunner);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, queryRunner?: QueryRunner): void {
    this.console.log(level, message, queryRunner);
  }
}
