import type { DataSource } from 'typeorm';
import { MAX_OPERATION_LABELS, MetricsService } from './metrics.service';
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
  return new MetricsService({ logger, driver: {} } as unknown as DataSource);
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

  it('renders SQL and HTTP counters and memory in the Prometheus text format', async () => {
    const sql = new QueryCountingLogger({ logSql: false }, silent);
    const metrics = serviceWith(sql);
    sql.logQuery('SELECT 1');
    sql.logQuery('SELECT 2');
    sql.logQueryError('no', 'SELECT 3');
    metrics.countHttpRequest('200');
    metrics.countHttpRequest('200');
    metrics.countHttpRequest('404');
    metrics.countHttpRequest('aborted');

    const text = await metrics.render();
    expect(text).toContain('# TYPE passerelle_sql_queries_total counter\n');
    expect(valueOf(text, 'passerelle_sql_queries_total')).toBe(2);
    expect(valueOf(text, 'passerelle_sql_query_errors_total')).toBe(1);
    expect(valueOf(text, 'passerelle_http_requests_total{status="200"}')).toBe(2);
    expect(valueOf(text, 'passerelle_http_requests_total{status="404"}')).toBe(1);
    expect(valueOf(text, 'passerelle_http_requests_total{status="aborted"}')).toBe(1);
    expect(valueOf(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text.endsWith('\n')).toBe(true);
    // A second scrape counts what happened since, not everything again.
    sql.logQuery('SELECT 4');
    expect(valueOf(await metrics.render(), 'passerelle_sql_queries_total')).toBe(3);
    // Every series line is `name{labels} number`, every other line a HELP or TYPE comment (or blank).
    for (const line of text
      .trimEnd()
      .split('\n')
      .filter((l) => l !== '')) {
      expect(line).toMatch(
        /^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="[^"]*"(,\w+="[^"]*")*\})? (-?\d+(\.\d+)?(e[-+]?\d+)?|NaN|Nan|[+-]Inf))$/,
      );
    }
  });

  it('lists no HTTP series before the first request', async () => {
    const text = await serviceWith(new QueryCountingLogger({ logSql: false }, silent)).render();
    expect(text).toContain('# TYPE passerelle_http_requests_total counter\n');
    expect(text).not.toMatch(/^passerelle_http_requests_total/m);
  });

  it('folds operation names past the cap, and names that are not plain names, into "other"', async () => {
    const metrics = serviceWith(new QueryCountingLogger({ logSql: false }, silent));
    for (let i = 0; i < MAX_OPERATION_LABELS + 20; i++) metrics.observeGraphqlRequest(`Op${i}`, 0.01);
    metrics.observeGraphqlRequest('Op0', 0.01);
    metrics.observeGraphqlRequest('bad name"}', 0.01);
    metrics.observeGraphqlRequest(undefined, 0.01);
    const text = await metrics.render();
    const labels = new Set(
      [...text.matchAll(/^passerelle_graphql_request_duration_seconds_count\{operation="([^"]*)"\}/gm)].map(
        (m) => m[1],
      ),
    );
    expect(labels.size).toBe(MAX_OPERATION_LABELS + 2);
    expect(labels.has('other')).toBe(true);
    expect(labels.has('anonymous')).toBe(true);
    expect(labels.has(`Op${MAX_OPERATION_LABELS}`)).toBe(false);
    expect(valueOf(text, 'passerelle_graphql_request_duration_seconds_count{operation="Op0"}')).toBe(2);
    expect(valueOf(text, 'passerelle_graphql_request_duration_seconds_count{operation="other"}')).toBe(21);
  });
});
