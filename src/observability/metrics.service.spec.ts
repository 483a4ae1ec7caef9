import type { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service';
import { QueryCountingLogger } from './query-counting.logger';

const silent = {
  logQuery() {},
  logQueryError() {},
  logQuerySlow() {},
  logSchemaBuild() {},
  logMigration() {},
  log() {},
};

function serviceWith(logger: unknown): MetricsService {
  return new MetricsService({ logger } as unknown as DataSource);
}

/** The value of one series in Prometheus text, or undefined. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('MetricsService', () => {
  it('refuses a DataSource whose logger does not count queries', () => {
    expect(() => serviceWith({ logQuery() {} })).toThrow(/does not count queries/);
  });

  it('renders SQL and HTTP counters and memory in the Prometheus text format', () => {
    const sql = new QueryCountingLogger({ logSql: false }, silent);
    const metrics = serviceWith(sql);
    sql.logQuery('SELECT 1');
    sql.logQuery('SELECT 2');
    sql.logQueryError('no', 'SELECT 3');
    metrics.countHttpRequest('200');
    metrics.countHttpRequest('200');
    metrics.countHttpRequest('404');
    metrics.countHttpRequest('aborted');

    const text = metrics.render();
    expect(text).toContain('# TYPE passerelle_sql_queries_total counter\n');
    expect(valueOf(text, 'passerelle_sql_queries_total')).toBe(2);
    expect(valueOf(text, 'passerelle_sql_query_errors_total')).toBe(1);
    expect(valueOf(text, 'passerelle_http_requests_total{status="200"}')).toBe(2);
    expect(valueOf(text, 'passerelle_http_requests_total{status="404"}')).toBe(1);
    expect(valueOf(text, 'passerelle_http_requests_total{status="aborted"}')).toBe(1);
    expect(valueOf(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(text.endsWith('\n')).toBe(true);
    // Every series line is `name{labels} number`, every other line a HELP or TYPE comment.
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? \d+(\.\d+)?)$/);
    }
  });

  it('lists no HTTP series before the first request', () => {
    const text = serviceWith(new QueryCountingLogger({ logSql: false }, silent)).render();
    expect(text).toContain('# TYPE passerelle_http_requests_total counter\n');
    expect(text).not.toMatch(/^passerelle_http_requests_total/m);
  });
});
