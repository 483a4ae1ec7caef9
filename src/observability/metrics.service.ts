import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QueryCountingLogger } from './query-counting.logger';

/** One sample of the Prometheus text exposition format (version 0.0.4). */
interface Sample {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: { labels?: Record<string, string>; value: number }[];
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The process's counters for `/metrics`: SQL statements (read from the DataSource's
 * counting logger), HTTP requests answered, and memory. Counters only grow; a scraper
 * takes rates over a window.
 */
@Injectable()
export class MetricsService {
  private readonly sql: QueryCountingLogger;
  /** Requests by status code or `aborted` (a bounded set: the codes the gateway sends). */
  private readonly httpRequests = new Map<string, number>();
  /** Requests refused for rate, by limit name (a bounded set). */
  private readonly rateLimited = new Map<string, number>();
  /** Outbox send attempts by outcome: sent, retried (failed, tried again later), failed (given up). */
  private readonly mail = new Map<string, number>([
    ['sent', 0],
    ['retried', 0],
    ['failed', 0],
  ]);

  constructor(@InjectDataSource() dataSource: DataSource) {
    if (!(dataSource.logger instanceof QueryCountingLogger)) {
      // Without it the SQL figure would read zero and look like a triumph.
      throw new Error('the DataSource was not built by dataSourceOptions(): its logger does not count queries');
    }
    this.sql = dataSource.logger;
  }

  countHttpRequest(status: string): void {
    this.httpRequests.set(status, (this.httpRequests.get(status) ?? 0) + 1);
  }

  countRateLimited(limit: string, n = 1): void {
    this.rateLimited.set(limit, (this.rateLimited.get(limit) ?? 0) + n);
  }

  countMail(outcome: 'sent' | 'retried' | 'failed' | 'withdrawn'): void {
    this.mail.set(outcome, (this.mail.get(outcome) ?? 0) + 1);
  }

  render(): string {
    const memory = process.memoryUsage();
    const samples: Sample[] = [
      {
        name: 'passerelle_sql_queries_total',
        help: 'SQL statements sent to the database.',
        type: 'counter',
        values: [{ value: this.sql.queries }],
      },
      {
        name: 'passerelle_sql_query_errors_total',
        help: 'SQL statements the database refused.',
        type: 'counter',
        values: [{ value: this.sql.queryErrors }],
      },
      {
        name: 'passerelle_http_requests_total',
        help: 'HTTP requests served (scrapes of /metrics excluded), by status code, or aborted by the client.',
        type: 'counter',
        values: [...this.httpRequests]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, value]) => ({ labels: { status }, value })),
      },
      {
        name: 'passerelle_rate_limited_requests_total',
        help: 'Requests refused with 429 by a rate limit, by limit.',
        type: 'counter',
        values: [...this.rateLimited]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([limit, value]) => ({ labels: { limit }, value })),
      },
      {
        name: 'passerelle_mail_attempts_total',
        help: 'Mail send attempts, by outcome: sent, retried (failed, tried again later), failed (given up).',
        type: 'counter',
        values: [...this.mail].map(([outcome, value]) => ({ labels: { outcome }, value })),
      },
      {
        name: 'process_resident_memory_bytes',
        help: 'Resident memory size in bytes.',
        type: 'gauge',
        values: [{ value: memory.rss }],
      },
      {
        name: 'nodejs_heap_size_total_bytes',
        help: 'V8 heap size in bytes.',
        type: 'gauge',
        values: [{ value: memory.heapTotal }],
      },
      {
        name: 'nodejs_heap_size_used_bytes',
        help: 'V8 heap used in bytes.',
        type: 'gauge',
        values: [{ value: memory.heapUsed }],
      },
      {
        name: 'nodejs_external_memory_bytes',
        help: 'Memory of C++ objects bound to JavaScript, in bytes.',
        type: 'gauge',
        values: [{ value: memory.external }],
      },
      {
        name: 'process_uptime_seconds',
        help: 'Seconds since the process started.',
        type: 'gauge',
        values: [{ value: Math.round(process.uptime()) }],
      },
    ];
    return samples.map(format).join('');
  }
}

function format(sample: Sample): string {
  const lines = [`# HELP ${sample.name} ${sample.help}`, `# TYPE ${sample.name} ${sample.type}`];
  for (const { labels, value } of sample.values) lines.push(`${sample.name}${labelsOf(labels)} ${value}`);
  return lines.join('\n') + '\n';
}

function labelsOf(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const pairs = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${pairs.join(',')}}`;
}
